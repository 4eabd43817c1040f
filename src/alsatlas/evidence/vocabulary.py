"""Controlled vocabularies: diseases (with MONDO ids, categories, synonyms) and drugs.

The vocabularies live as data in ``alsatlas/data/vocabulary/{diseases,drugs}.yaml``. Every
evidence record names diseases and drugs by a vocabulary ``term`` (``sle``, ``ibudilast``); the
functions here map free text ("lupus", "Lou Gehrig's disease", "MN-166") onto those terms.

Matching is on a normalised form of the text: Unicode accents stripped (Sjögren -> sjogren),
lower case, apostrophes dropped (Gehrig's -> gehrigs), every other run of non-alphanumeric
characters turned into one space. :func:`find_diseases` / :func:`find_drugs` scan a sentence for
any synonym on word boundaries, longest synonym first, so "type 1 diabetes" is found as
``type1_diabetes`` and not as ``diabetes_any_type``. In free text, short all-capital
abbreviations (MG, MS, RA, T1D) match only as written, so "100 mg" is not myasthenia gravis;
exact look-ups (:func:`normalise_disease`) ignore case throughout.

MONDO ids are given only where they were checked against a Mondo page; unknown ids are ``None``
(see the ``mondo_note`` of each entry).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Literal, cast

import yaml

DiseaseCategory = Literal[
    "autoimmune", "immune-mediated", "neurodegenerative", "metabolic", "other"
]
_CATEGORIES: frozenset[str] = frozenset(
    {"autoimmune", "immune-mediated", "neurodegenerative", "metabolic", "other"}
)


@dataclass(frozen=True, slots=True)
class Disease:
    """One disease (or disease group) of the vocabulary.

    Attributes
    ----------
    term
        Stable key used in evidence records (``sle``).
    label
        Preferred name (``systemic lupus erythematosus``).
    category
        ``autoimmune``, ``immune-mediated``, ``neurodegenerative``, ``metabolic`` or ``other``.
    mondo_id
        ``MONDO:nnnnnnn`` where checked, else ``None``.
    synonyms
        Other names, abbreviations and historical names (``lupus``, ``SLE``).
    group
        ``True`` for a grouping of diseases (``any_immune_mediated``) rather than one disease.
    members
        Terms of the diseases a group or broad term covers (``thyroid_any`` covers
        ``hypothyroidism`` and ``hyperthyroidism``).
    """

    term: str
    label: str
    category: DiseaseCategory
    mondo_id: str | None
    synonyms: tuple[str, ...]
    group: bool = False
    members: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Drug:
    """One drug of the vocabulary (``term`` ``ibudilast``; synonyms ``MN-166``, ``MN166``)."""

    term: str
    label: str
    drug_class: str
    synonyms: tuple[str, ...]


def _fold(text: str) -> str:
    """Accents stripped, apostrophes dropped, other non-alphanumerics -> one space; case kept."""
    if text.isascii():
        ascii_text = text
    else:
        decomposed = unicodedata.normalize("NFKD", text)
        ascii_text = "".join(c for c in decomposed if not unicodedata.combining(c))
        ascii_text = ascii_text.encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^A-Za-z0-9]+", " ", ascii_text.replace("'", "")).strip()


def normalise_text(text: str) -> str:
    """Normalised form used for matching: no accents, lower case, single spaces, no punctuation.

    Examples
    --------
    >>> normalise_text("Sjögren's  syndrome")
    'sjogrens syndrome'
    >>> normalise_text("MN-166")
    'mn 166'
    """
    return _fold(text.replace("\u2019", "'")).lower()


def _is_acronym(name: str) -> bool:
    """Short all-capital names (``MG``, ``MS``, ``T1D``): matched case-sensitively in free text,
    so that "100 mg" is not myasthenia gravis."""
    folded = _fold(name)
    return (
        " " not in folded
        and len(folded) <= 5
        and folded == folded.upper()
        and any(c.isalpha() for c in folded)
    )


def _data_text(name: str) -> str:
    return (resources.files("alsatlas") / "data" / "vocabulary" / name).read_text("utf-8")


def _as_str_tuple(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise TypeError(f"expected a list, got {type(value).__name__}")
    return tuple(str(v) for v in value)


@cache
def diseases() -> Mapping[str, Disease]:
    """All diseases of the shipped vocabulary, keyed by term."""
    raw = yaml.safe_load(_data_text("diseases.yaml"))
    out: dict[str, Disease] = {}
    for entry in raw["diseases"]:
        category = str(entry["category"])
        if category not in _CATEGORIES:
            raise ValueError(f"disease {entry['term']}: unknown category {category!r}")
        mondo = entry.get("mondo_id")
        out[str(entry["term"])] = Disease(
            term=str(entry["term"]),
            label=str(entry["label"]),
            category=cast(DiseaseCategory, category),
            mondo_id=None if mondo is None else str(mondo),
            synonyms=_as_str_tuple(entry.get("synonyms")),
            group=bool(entry.get("group", False)),
            members=_as_str_tuple(entry.get("members")),
        )
    return out


@cache
def drugs() -> Mapping[str, Drug]:
    """All drugs of the shipped vocabulary, keyed by term."""
    raw = yaml.safe_load(_data_text("drugs.yaml"))
    return {
        str(e["term"]): Drug(
            term=str(e["term"]),
            label=str(e["label"]),
            drug_class=str(e["drug_class"]),
            synonyms=_as_str_tuple(e.get("synonyms")),
        )
        for e in raw["drugs"]
    }


def _index(names: Mapping[str, tuple[str, ...]]) -> dict[str, str]:
    """Normalised name -> term, for the term itself, its label and synonyms."""
    index: dict[str, str] = {}
    for term, alts in names.items():
        for name in (term, *alts):
            key = normalise_text(name)
            if key:
                index.setdefault(key, term)
    return index


_ScanRow = tuple[int, str, str, bool]
"""(rank, name, term, exact): rank orders names longest first; exact names are acronyms."""
_ScanIndex = dict[str, tuple[_ScanRow, ...]]
"""First word of a name -> the names starting with it (for free-text scanning)."""


def _scan_index(names: Mapping[str, tuple[str, ...]]) -> _ScanIndex:
    """For free-text scanning: every lower-case name and every acronym (as written), ranked
    longest first (ties in vocabulary order, acronyms after words) and keyed by first word."""
    words: dict[str, str] = {}
    acronyms: dict[str, str] = {}
    for term, alts in names.items():
        for name in (term, *alts):
            if _is_acronym(name):
                acronyms.setdefault(_fold(name), term)
            elif key := normalise_text(name):
                words.setdefault(key, term)
    rows = [(key, term, False) for key, term in words.items()]
    rows += [(key, term, True) for key, term in acronyms.items()]
    rows.sort(key=lambda row: len(row[0]), reverse=True)
    index: dict[str, list[_ScanRow]] = {}
    for rank, (key, term, exact) in enumerate(rows):
        index.setdefault(key.split(" ", 1)[0], []).append((rank, key, term, exact))
    return {head: tuple(found) for head, found in index.items()}


def _disease_names() -> dict[str, tuple[str, ...]]:
    return {d.term: (d.label, *d.synonyms) for d in diseases().values()}


def _drug_names() -> dict[str, tuple[str, ...]]:
    return {d.term: (d.label, *d.synonyms) for d in drugs().values()}


@cache
def _disease_index() -> dict[str, str]:
    return _index(_disease_names())


@cache
def _drug_index() -> dict[str, str]:
    return _index(_drug_names())


@cache
def _disease_scan() -> _ScanIndex:
    return _scan_index(_disease_names())


@cache
def _drug_scan() -> _ScanIndex:
    return _scan_index(_drug_names())


@cache
def primary_source_hosts() -> frozenset[str]:
    """Hosts whose pages count as primary sources (``data/vocabulary/primary_sources.yaml``):
    literature databases, trial registries, DOI resolvers, preprint servers, publishers."""
    raw = yaml.safe_load(_data_text("primary_sources.yaml"))
    return frozenset(h.lower() for hosts in raw.values() for h in _as_str_tuple(hosts))


def is_primary_host(host: str) -> bool:
    """``True`` when ``host`` (``www.`` ignored) is a primary-source host or a subdomain of one.

    >>> is_primary_host("pmc.ncbi.nlm.nih.gov"), is_primary_host("suppr.wilddata.cn")
    (True, False)
    """
    host = host.lower().removeprefix("www.")
    hosts = primary_source_hosts()
    return any(host == h or host.endswith("." + h) for h in hosts)


def normalise_disease(text: str) -> str | None:
    """The disease term that ``text`` names exactly (after normalisation), else ``None``.

    >>> normalise_disease("lupus")
    'sle'
    >>> normalise_disease("Lou Gehrig's disease")
    'als'
    """
    return _disease_index().get(normalise_text(text))


def normalise_drug(text: str) -> str | None:
    """The drug term that ``text`` names exactly (after normalisation), else ``None``.

    >>> normalise_drug("MN-166")
    'ibudilast'
    """
    return _drug_index().get(normalise_text(text))


def lookup_disease(text: str) -> Disease | None:
    """The :class:`Disease` that ``text`` names, else ``None``."""
    term = normalise_disease(text)
    return None if term is None else diseases()[term]


def lookup_drug(text: str) -> Drug | None:
    """The :class:`Drug` that ``text`` names, else ``None``."""
    term = normalise_drug(text)
    return None if term is None else drugs()[term]


def _scan(text: str, index: _ScanIndex) -> tuple[str, ...]:
    """Terms whose names occur in ``text`` on word boundaries, in order of first mention.

    Longer names claim their words first; acronyms match only as written (upper case). Only
    names whose first word is one of the text's words are searched for.
    """
    kept = f" {_fold(text.replace(chr(0x2019), chr(39)))} "
    low = kept.lower()
    heads = set(kept.split()) | set(low.split())
    rows = sorted(row for head in heads for row in index.get(head, ()))
    first: dict[str, int] = {}
    for _, key, term, exact in rows:
        needle = f" {key} "
        hay = kept if exact else low
        at = hay.find(needle)
        while at >= 0:
            first[term] = min(first.get(term, at), at)
            blank = "#" * len(key)
            kept = kept[: at + 1] + blank + kept[at + 1 + len(key) :]
            low = low[: at + 1] + blank + low[at + 1 + len(key) :]
            hay = kept if exact else low
            at = hay.find(needle)
    return tuple(sorted(first, key=lambda t: first[t]))


def find_diseases(text: str) -> tuple[str, ...]:
    """Disease terms mentioned anywhere in free ``text`` (e.g. a claim), without duplicates.

    >>> find_diseases("Does lupus or coeliac disease raise the risk of motor neuron disease?")
    ('sle', 'celiac_disease', 'als')
    """
    return _scan(text, _disease_scan())


def find_drugs(text: str) -> tuple[str, ...]:
    """Drug terms mentioned anywhere in free ``text``.

    >>> find_drugs("MN-166 is a promising anti-inflammatory drug")
    ('ibudilast',)
    """
    return _scan(text, _drug_scan())


def disease_and_members(term: str) -> tuple[str, ...]:
    """``term`` followed by the terms of its members (recursively), for inclusive look-ups."""
    out: list[str] = [term]
    queue = [term]
    table = diseases()
    while queue:
        current = table.get(queue.pop())
        if current is None:
            continue
        for member in current.members:
            if member not in out:
                out.append(member)
                queue.append(member)
    return tuple(out)


__all__ = [
    "Disease",
    "DiseaseCategory",
    "Drug",
    "disease_and_members",
    "diseases",
    "drugs",
    "find_diseases",
    "find_drugs",
    "is_primary_host",
    "lookup_disease",
    "lookup_drug",
    "normalise_disease",
    "normalise_drug",
    "normalise_text",
    "primary_source_hosts",
]
