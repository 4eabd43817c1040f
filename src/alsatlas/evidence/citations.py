"""Reference exports: BibTeX, RIS and CSL-JSON, one entry per publication (``study_id``).

Only what the evidence holds is written: first author, title, journal, year, DOI, PMID, PMCID,
NCT id and the page the numbers were read on. Field names follow the formats' documented
conventions: BibTeX ``@article`` (``doi``, ``pmid``, ``url`` as in biblatex), RIS tags ``TY``
``AU`` ``TI`` ``JO`` ``PY`` ``DO`` ``UR`` ``AN`` ``ER``, CSL-JSON ``type``, ``id``, ``author``,
``title``, ``container-title``, ``issued``, ``DOI``, ``PMID``, ``PMCID``, ``URL``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from alsatlas.evidence.schema import Citation, Record

CitationFormat = Literal["bibtex", "ris", "csljson"]
FORMATS: tuple[CitationFormat, ...] = ("bibtex", "ris", "csljson")
SUFFIX: dict[str, str] = {"bibtex": ".bib", "ris": ".ris", "csljson": ".json"}


@dataclass(frozen=True, slots=True)
class Reference:
    """One publication: its key (``study_id``), citation and the page its numbers were read on."""

    key: str
    citation: Citation
    url: str


def link(citation: Citation, read_from: str) -> str:
    """The reference's canonical link: PubMed, else DOI, else PMC, else the registry, else the
    page its numbers were read on."""
    if citation.pmid:
        return f"https://pubmed.ncbi.nlm.nih.gov/{citation.pmid}/"
    if citation.doi:
        return f"https://doi.org/{citation.doi}"
    if citation.pmcid:
        return f"https://pmc.ncbi.nlm.nih.gov/articles/{citation.pmcid}/"
    if citation.nct_id:
        return f"https://clinicaltrials.gov/study/{citation.nct_id}"
    return read_from


def references(records: Iterable[Record]) -> tuple[Reference, ...]:
    """One :class:`Reference` per ``study_id``, in first-seen order."""
    seen: dict[str, Reference] = {}
    for r in records:
        if r.study_id not in seen:
            seen[r.study_id] = Reference(r.study_id, r.citation, link(r.citation, r.read_from))
    return tuple(seen.values())


def _author_parts(name: str) -> tuple[str, str]:
    """``"Turner MR"`` -> (``"Turner"``, ``"M. R."``): family name and initials."""
    bits = name.split()
    if len(bits) >= 2 and bits[-1].isupper() and len(bits[-1]) <= 3:
        return " ".join(bits[:-1]), " ".join(f"{c}." for c in bits[-1])
    return name, ""


def _bibtex_key(key: str) -> str:
    return re.sub(r"[^A-Za-z0-9_:-]", "_", key)


def _bibtex_escape(text: str) -> str:
    return re.sub(r"([{}&%$#_])", r"\\\1", text)


def to_bibtex(refs: Iterable[Reference]) -> str:
    """BibTeX ``@article`` entries (``@misc`` for registry-only trials)."""
    out: list[str] = []
    for ref in refs:
        c = ref.citation
        fields: list[tuple[str, str]] = []
        if c.first_author:
            family, given = _author_parts(c.first_author)
            fields.append(("author", f"{family}, {given} and others" if given else family))
        for name, value in (
            ("title", c.title),
            ("journal", c.journal),
            ("year", str(c.year) if c.year else None),
            ("doi", c.doi),
            ("pmid", c.pmid),
            ("pmcid", c.pmcid),
            ("note", f"ClinicalTrials.gov {c.nct_id}" if c.nct_id else None),
            ("url", ref.url),
        ):
            if value:
                fields.append((name, value))
        kind = "article" if c.journal else "misc"
        body = ",\n".join(f"  {k} = {{{_bibtex_escape(v)}}}" for k, v in fields)
        out.append(f"@{kind}{{{_bibtex_key(ref.key)},\n{body}\n}}\n")
    return "\n".join(out)


def to_ris(refs: Iterable[Reference]) -> str:
    """RIS records (``TY  - JOUR``, or ``CTLR`` for registry-only trials)."""
    out: list[str] = []
    for ref in refs:
        c = ref.citation
        lines = [f"TY  - {'JOUR' if c.journal else 'CTLR'}", f"ID  - {ref.key}"]
        if c.first_author:
            family, given = _author_parts(c.first_author)
            lines.append(f"AU  - {family}, {given}" if given else f"AU  - {family}")
        for tag, value in (
            ("TI", c.title),
            ("JO", c.journal),
            ("PY", str(c.year) if c.year else None),
            ("DO", c.doi),
            ("AN", f"PMID:{c.pmid}" if c.pmid else None),
            ("C2", c.pmcid),
            ("C1", c.nct_id),
            ("UR", ref.url),
        ):
            if value:
                lines.append(f"{tag}  - {' '.join(value.split())}")
        lines.append("ER  - ")
        out.append("\n".join(lines) + "\n")
    return "\n".join(out)


def to_csl(refs: Iterable[Reference]) -> list[dict[str, Any]]:
    """CSL-JSON items."""
    items: list[dict[str, Any]] = []
    for ref in refs:
        c = ref.citation
        item: dict[str, Any] = {
            "id": ref.key,
            "type": "article-journal" if c.journal else "report",
            "URL": ref.url,
        }
        if c.first_author:
            family, given = _author_parts(c.first_author)
            item["author"] = [{"family": family, "given": given} if given else {"literal": family}]
        if c.title:
            item["title"] = c.title
        if c.journal:
            item["container-title"] = c.journal
        if c.year:
            item["issued"] = {"date-parts": [[c.year]]}
        for key, value in (("DOI", c.doi), ("PMID", c.pmid), ("PMCID", c.pmcid)):
            if value:
                item[key] = value
        if c.nct_id:
            item["number"] = c.nct_id
        items.append(item)
    return items


def render(refs: Iterable[Reference], fmt: CitationFormat) -> str:
    """References in one of :data:`FORMATS`."""
    refs = tuple(refs)
    if fmt == "bibtex":
        return to_bibtex(refs)
    if fmt == "ris":
        return to_ris(refs)
    return json.dumps(to_csl(refs), indent=1, ensure_ascii=False) + "\n"


__all__ = [
    "FORMATS",
    "SUFFIX",
    "CitationFormat",
    "Reference",
    "link",
    "references",
    "render",
    "to_bibtex",
    "to_csl",
    "to_ris",
]
