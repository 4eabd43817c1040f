"""Import the curated research tables into the shipped evidence YAML files.

Reads every row of ``<research>/{epi_studies,epi_meta_analyses,genetic_studies,immune_trials,
immune_biomarkers}.csv`` and, when present, every ``<repo>/curation/*.csv`` with the same columns
as one of them (recognised by its header, e.g. ``epi_additions.csv``); writes one YAML file per
publication to ``src/alsatlas/data/evidence/<topic>/<study_id>.yaml`` and the folder's README.

Usage::

    python scripts/import_research.py [--research /work/shared/research] [--check]

Mapping rules (the honest handling of gaps):

- ``verified`` yes/partial/no -> ``verified``/``partial``/``unverified``;
- a row with no estimate, or whose statistic is not a ratio measure with a 95% CI (counts,
  correlations), becomes a direction-only record; its direction comes from the curator's wording
  (``DIRECTION_OVERRIDES`` first, then keywords); a non-ratio statistic is kept as text;
- a numeric cell that is not one number (``"23.2% vs 7.4%"``) is kept as ``estimate_text``;
- a row whose CI does not contain its estimate is kept without numbers and marked
  ``unverified`` (the importer reports it), unless the notes give the corrected number;
- registers shared by several studies get one ``overlap_group`` (``OVERLAP_GROUPS``);
- lag / time windows are parsed into structured fields only where the wording is explicit.

Every record is validated against :mod:`alsatlas.evidence.schema` before it is written.
"""

from __future__ import annotations

import argparse
import csv
import re
import shutil
import sys
from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml
from pydantic import TypeAdapter

from alsatlas.evidence.base import EVIDENCE_VERSION
from alsatlas.evidence.load import read_evidence
from alsatlas.evidence.schema import Record
from alsatlas.evidence.vocabulary import find_diseases, find_drugs, normalise_disease

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "src" / "alsatlas" / "data" / "evidence"
DEFAULT_RESEARCH = Path("/work/shared/research")
CURATION = REPO / "curation"

RATIO = {"HR", "RR", "OR", "SIR", "IRR"}
_ADAPTER: TypeAdapter[Record] = TypeAdapter(Record)

VERIFIED = {"yes": "verified", "partial": "partial", "no": "unverified"}

DISEASE_MAP = {
    "any_autoimmune_or_imd": "any_immune_mediated",
    "familial_coaggregation": "any_immune_mediated",
    "phenome_screen": "neuroinflammatory_group",
}
"""CSV ``disease_harmonized`` values that differ from vocabulary terms."""

OVERLAP_GROUPS: dict[str, str] = {
    "SwedenNCC2021": "sweden_national_registers",
    "Mariosa2015": "sweden_national_registers",
    "Ludvigsson2014": "sweden_national_registers",
    "Arkema2014": "sweden_national_registers",
    "Turner2013": "england_hospital_episode_statistics",
    "Cao2024": "england_hospital_episode_statistics",
    "Seelen2014": "netherlands_pan_als_register",
    "Visser2017": "netherlands_pan_als_register",
    "vanDoormaal2013": "netherlands_pan_als_register",
    "Kioumourtzoglou2015": "denmark_national_registers",
    "DenmarkT2D2023": "denmark_national_registers",
    "Tseng2017": "taiwan_nhird",
    "Sun_TaiwanDM": "taiwan_nhird",
}
"""Studies drawing on one register or population (never pool two of them for one exposure).
Swedish register studies (epi-notes section 4) share the National Patient Register and the
other national registers of one population; Turner 2013
and UK Biobank both use English hospital episode data; the Dutch studies share the PAN register.
Studies not listed here fall back to a country rule in :func:`overlap_group`."""

DIRECTION_OVERRIDES: dict[tuple[str, str], str] = {
    ("Hemminki2009_familial", "any_immune_mediated"): "increased",
    ("HuTaiwan2019_phenomescreen", "neuroinflammatory_group"): "increased",
}
"""(study_id, exposure term) -> direction, where the curator's wording is not keyword-clear."""

CURATOR_NOTES: dict[str, str] = {
    "SwedenNCC2021": (
        "Counts diagnoses made any time before ALS, including the final year, where the excess "
        "was largest; reverse causation and misdiagnosis probably inflate the overall OR. "
        "Shares the Swedish Patient Register with Mariosa 2015, Ludvigsson 2014, Arkema 2014."
    ),
    "Turner2013": (
        "English hospital-admission record linkage. The abstract names the diseases with an "
        "excess of later ALS but the per-disease rate ratios could not be read, so these rows "
        "carry direction only. Exposure ascertained from admissions, and an ALS mimic may be "
        "coded first (MG, myositis)."
    ),
    "Ludvigsson2014": (
        "Biopsy-defined celiac disease. The excess sits in the first year after diagnosis "
        "(surveillance bias); later windows are null. Prefer the full-follow-up or lagged rows."
    ),
    "Cao2024": (
        "UK Biobank; abstract-level numbers only. Organ-system groupings are not single diseases "
        "and must not be pooled with disease-specific rows."
    ),
    "Mariosa2015": "Insulin-dependent diabetes is a proxy for type 1 diabetes.",
    "Kioumourtzoglou2015": (
        "Diabetes first recorded before age 40 is a proxy for type 1 diabetes; exposures "
        "recorded at least 3 years before ALS."
    ),
    "SantosSilva2022": (
        "Controls are other neuromuscular patients and thyroid disease is defined by treatment, "
        "so this is neither population-based nor autoimmune-specific."
    ),
    "Toraih2025": "Thyroid disorders of any cause in a US EHR network (TriNetX).",
    "Tseng2017": "Only 6 exposed ALS cases: very wide CI.",
    "HuTaiwan2019_phenomescreen": (
        "A screen of all prior diagnoses; this record keeps only its positive association with "
        "a neuroinflammation group of diagnoses, whose members were not listed on the pages read."
    ),
    "EmoryAntecedent2015": (
        "Crude odds ratios printed without confidence intervals: kept as direction-only (from "
        "the printed point estimate), never pooled."
    ),
}
"""Short caveats in our own words, prefixed to the research notes of each study."""

TRIAL_EFFECTS: dict[str, dict[str, Any]] = {
    "NCT02588677": {
        "measure": "ALSFRS-R difference (points)",
        "estimate": 3.4,
        "ci_lb": 0.65,
        "ci_ub": 6.13,
        "p_value": "0.016",
    },
    "NCT00690118": {
        "measure": "HR (death)",
        "estimate": 1.21,
        "ci_lb": 0.71,
        "ci_ub": 2.07,
        "p_value": "0.48",
    },
    "ACTRN12618000534280": {
        "measure": "ALSFRS-R difference (points)",
        "estimate": -1.12,
        "ci_lb": -3.75,
        "ci_ub": 1.52,
        "p_value": "0.41",
    },
    "NCT04248465": {
        "measure": "CAFS difference (points)",
        "estimate": 5.5,
        "ci_lb": -15.7,
        "ci_ub": 26.6,
        "p_value": "0.61",
    },
    "NCT04297683": {
        "measure": "disease progression rate ratio (DRR)",
        "estimate": 0.98,
        "ci_lb": 0.77,
        "ci_ub": 1.24,
    },
}
"""Primary-endpoint effects with a 95% CI, transcribed from the ``effect_estimate`` text of the
trial rows (registry id -> numbers). Only effects printed with estimate and CI are structured."""

URL_RE = re.compile(r"https?://[^\s,;)\]]+")
PMC_RE = re.compile(r"(?<![A-Za-z])PMC\d{4,9}\b")
NCT_RE = re.compile(r"NCT\d{8}")
RSID_RE = re.compile(r"\brs\d+\b")
GENE_RE = re.compile(r"\b[A-Z][A-Z0-9]*(?:orf\d+)?[A-Z0-9]*\b")
NOT_GENES = {"SNP", "SNPS", "GWAS", "ALS", "SLE", "IBD", "MS", "CD", "UC", "LD", "HLA-DR", "NS"}


# ----------------------------------------------------------------------------- small helpers
def clean(value: str | None) -> str | None:
    """Strip a CSV cell; empty -> None."""
    if value is None:
        return None
    text = value.strip()
    return text or None


def number(value: str | None) -> float | None:
    """A cell as a float, or None when empty or not one number."""
    text = clean(value)
    if text is None:
        return None
    try:
        return float(text)
    except ValueError:
        return None


def leading_int(value: str | None) -> int | None:
    """The integer a cell starts with (``"394 ALS (Milan)"`` -> 394), else None."""
    text = clean(value)
    if text is None:
        return None
    m = re.match(r"^(\d[\d,]*)\b", text)
    if m is None:
        return None
    return int(m.group(1).replace(",", ""))


def slug(text: str, limit: int = 40) -> str:
    """Lower-case id fragment of ``text``."""
    low = text.lower().replace(">=", " ge ").replace("<=", " le ")
    low = low.replace("<", " lt ").replace(">", " gt ")
    s = re.sub(r"[^a-z0-9]+", "-", low).strip("-")
    return s[:limit].rstrip("-") or "x"


def known_author(value: str | None) -> str | None:
    """First author unless the cell says it was not captured; drop trailing remarks."""
    text = clean(value)
    if text is None or text.startswith("("):
        return None
    return text.split("(")[0].strip() or None


def case_control_counts(size: str | None, design: str | None) -> tuple[int | None, int | None]:
    """ALS cases and controls of a case-control design, from wording like
    ``"3561 ALS cases; 35,610 controls"``; approximate counts (``~``) are left out."""
    text = clean(size) or ""
    if "case-control" not in (design or "").lower():
        return None, None
    cases = re.search(r"(?<![~\d,])\b(\d[\d,]*) s?ALS\b", text)
    controls = re.search(r"\b(\d[\d,]*) [^;\d]*controls\b", text)

    def _int(m: re.Match[str] | None) -> int | None:
        return int(m.group(1).replace(",", "")) if m else None

    return _int(cases), _int(controls)


def year_of(value: str | None) -> int | None:
    text = clean(value)
    if text is None:
        return None
    m = re.match(r"^(19|20)\d\d", text)
    return int(m.group(0)) if m else None


def split_notes(notes: str | None) -> tuple[str, tuple[str, ...]]:
    """Notes without their URLs, and the URLs (extra source pages)."""
    text = clean(notes) or ""
    urls = tuple(dict.fromkeys(u.rstrip(".") for u in URL_RE.findall(text)))

    def _ref(match: re.Match[str]) -> str:
        return f"[extra source {urls.index(match.group(0).rstrip('.')) + 1}]"

    stripped = URL_RE.sub(_ref, text)
    return stripped, urls


def pmcid_of(row: Mapping[str, str]) -> str | None:
    explicit = clean(row.get("pmcid"))
    if explicit:
        return explicit
    url = row.get("page_url") or ""
    if "ncbi.nlm.nih.gov" in url:
        found = PMC_RE.findall(url)
        if found:
            return str(found[0])
    return None


def citation(row: Mapping[str, str], journal: str | None = None) -> dict[str, Any]:
    doi = clean(row.get("doi"))
    if doi is not None:
        doi = re.sub(r"^(https?://(dx\.)?doi\.org/|doi:)", "", doi, flags=re.I)
    out: dict[str, Any] = {
        "pmid": clean(row.get("pmid")),
        "doi": doi,
        "pmcid": pmcid_of(row),
        "first_author": known_author(row.get("first_author")),
        "year": year_of(row.get("year")),
        "journal": journal,
    }
    return {k: v for k, v in out.items() if v is not None}


def compose_notes(study_id: str, notes: str) -> str:
    own = CURATOR_NOTES.get(study_id)
    parts = [p for p in (own, f"Research note: {notes}" if notes else None) if p]
    return " ".join(parts)


_NULL_WORDS = (
    "no association",
    "not associated",
    "no causal",
    "no effect",
    "no genetic correlation",
    "no evidence",
    "not higher",
    "similar",
    "null",
    "did not",
    "no difference",
    "no significant",
    "no link",
    "no autoimmune trait",
    "did not affect",
    "not confirm",
)
_UP_WORDS = (
    "positive association",
    "more als than expected",
    "excess",
    "increase",
    "higher risk",
    "positive genetic correlation",
    "risk factor",
    "associations with",
    "positive rg",
)
_DOWN_WORDS = (
    "protective",
    "inverse",
    "lower",
    "negative genetic correlation",
    "negative rg",
    "decrease",
    "reduced",
)


def direction_from_text(*texts: str | None) -> str | None:
    """increased / decreased / null from a curator's wording, or None when unclear."""
    text = " ".join(t for t in texts if t).lower()
    for words, label in (
        (_NULL_WORDS, "null"),
        (_DOWN_WORDS, "decreased"),
        (_UP_WORDS, "increased"),
    ):
        if any(w in text for w in words):
            return label
    return None


def ratio_measure(value: str | None) -> str | None:
    text = clean(value)
    if text is None:
        return None
    head = text.split()[0].split("(")[0].upper()
    return head if head in RATIO else None


def overlap_group(study_id: str, country: str | None, source: str | None) -> str | None:
    if study_id in OVERLAP_GROUPS:
        return OVERLAP_GROUPS[study_id]
    text = f"{country or ''} {source or ''}".lower()
    if "sweden" in text or "swedish" in text:
        return "sweden_national_registers"
    if "denmark" in text or "danish" in text:
        return "denmark_national_registers"
    if "nhird" in text:
        return "taiwan_nhird"
    if "uk biobank" in text:
        return "england_hospital_episode_statistics"
    return None


def time_window(text: str | None, analysis: str | None) -> dict[str, Any]:
    """Structured lag fields from explicit wording only."""
    desc = clean(text) or ""
    low = f"{desc} {analysis or ''}".lower()
    out: dict[str, Any] = {"description": desc}
    m = re.search(r"at least (\d+(?:\.\d+)?) years?", low) or re.search(
        r"first (\d+(?:\.\d+)?) years? (?:after [a-z ]+ )?excluded", low
    )
    if m:
        lag = float(m.group(1))
        out.update(lag_years_min=lag, excludes_year_before_als=lag >= 1)
    elif "first year" in low or "time<1y" in low or "<1 y" in low:
        out.update(lag_years_min=0.0, lag_years_max=1.0, excludes_year_before_als=False)
    elif re.search(r"1-5 ?y", low):
        out.update(lag_years_min=1.0, lag_years_max=5.0, excludes_year_before_als=True)
    elif re.search(r">5 ?y", low):
        out.update(lag_years_min=5.0, excludes_year_before_als=True)
    elif "any time before" in low or "full follow-up" in low:
        out.update(lag_years_min=0.0, excludes_year_before_als=False)
    return out


def analysis_role(analysis: str | None) -> tuple[str, str | None]:
    text = (clean(analysis) or "main").lower()
    if text.startswith("subgroup"):
        label = text.removeprefix("subgroup").lstrip("_") or None
        return "subgroup", label
    if text.startswith("sensitivity"):
        label = text.removeprefix("sensitivity").lstrip("_") or None
        return "sensitivity", label
    if text in {"main", "direction_only"}:
        return "main", None
    return "sensitivity", text


def disease_term(*names: str | None) -> str | None:
    for name in names:
        text = clean(name)
        if text is None:
            continue
        key = DISEASE_MAP.get(text.lower(), text)
        term = normalise_disease(key)
        if term is not None:
            return term
    for name in names:
        text = clean(name)
        if text:
            found = find_diseases(text)
            if found:
                return str(found[0])
    return None


def drop_empty(data: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        if value is None or value == "" or value == () or value == []:
            continue
        if isinstance(value, Mapping):
            value = drop_empty(value)
            if not value:
                continue
        out[key] = value
    return out


class Importer:
    """Collects records per (topic, study) and problems to report."""

    def __init__(self) -> None:
        self.files: dict[tuple[str, str], dict[str, Any]] = {}
        self.ids: set[str] = set()
        self.problems: list[str] = []
        self.rows = 0

    def new_id(self, study_id: str, *parts: str) -> str:
        base = ".".join([slug(study_id, 40), *(slug(p, 28) for p in parts if p)])
        rid, n = base, 2
        while rid in self.ids:
            rid, n = f"{base}-{n}", n + 1
        self.ids.add(rid)
        return rid

    def add(self, topic: str, study_id: str, cit: dict[str, Any], record: dict[str, Any]) -> None:
        self.rows += 1
        record = drop_empty(record)
        record.setdefault("verification", "unverified")
        record = {"id": record.pop("id"), "kind": record.pop("kind"), **record}
        full = {**record, "citation": cit, "study_id": study_id}
        try:
            _ADAPTER.validate_python(full)
        except ValueError as exc:
            self.problems.append(f"{topic}/{study_id} {record.get('id')}: schema: {exc}")
        key = (topic, study_id)
        entry = self.files.setdefault(key, {"study_id": study_id, "citation": cit, "records": []})
        for k, v in cit.items():
            entry["citation"].setdefault(k, v)
        entry["records"].append(record)

    def check_ci(self, where: str, est: float | None, lo: float | None, hi: float | None) -> bool:
        """True when estimate/CI are usable; report rows that are not."""
        if lo is not None and hi is not None and est is not None and not lo <= est <= hi:
            self.problems.append(f"{where}: estimate {est} outside CI [{lo}, {hi}]; kept as text")
            return False
        if lo is not None and hi is not None and not lo < hi:
            self.problems.append(f"{where}: CI bounds out of order [{lo}, {hi}]; kept as text")
            return False
        return True


# ----------------------------------------------------------------------------- per table
def import_epi(imp: Importer, rows: Iterable[Mapping[str, str]]) -> None:
    for row in rows:
        study = clean(row.get("study_id")) or "unknown"
        term = disease_term(row.get("disease_harmonized"), row.get("exposure_as_named"))
        exposure = term or (clean(row.get("disease_harmonized")) or "unknown")
        role, subgroup = analysis_role(row.get("analysis"))
        measure_raw = clean(row.get("measure"))
        measure = ratio_measure(measure_raw)
        est, lo, hi = (
            number(row.get("estimate")),
            number(row.get("ci_low")),
            number(row.get("ci_high")),
        )
        notes, urls = split_notes(row.get("notes"))
        flag = (clean(row.get("verified")) or "no").lower()
        verification = VERIFIED.get(flag, "unverified")
        if flag == "no" and (clean(row.get("analysis")) or "") == "direction_only":
            # epi-notes: 'no' marks rows whose direction was read in the abstract but whose
            # numbers were not -- what this schema calls 'partial'
            verification = "partial"
        reported = None
        where = f"epi {study} row {row.get('row_id')}"
        numeric = est is not None and lo is not None and hi is not None and measure is not None
        if not numeric and any(v is not None for v in (est, lo, hi)):
            reported = f"{measure_raw or 'statistic'}: {row.get('estimate') or '?'}"
            if lo is not None or hi is not None:
                reported += f" (CI {row.get('ci_low') or '?'} to {row.get('ci_high') or '?'})"
            est = lo = hi = None
        if numeric and not imp.check_ci(where, est, lo, hi):
            reported = f"{measure_raw}: {est} (CI {lo} to {hi}) as printed; inconsistent"
            est = lo = hi = None
            verification = "unverified"
        direction = None
        printed = number(row.get("estimate"))
        if est is None and measure is not None and printed is not None and printed > 0:
            # a ratio printed without its CI: the point estimate gives the direction
            direction = "increased" if printed > 1 else "decreased" if printed < 1 else "null"
        elif est is None:
            direction = DIRECTION_OVERRIDES.get((study, exposure)) or direction_from_text(
                row.get("notes"), row.get("exposure_as_named")
            )
            if direction is None:
                imp.problems.append(f"{where}: direction-only row without a clear direction")
        include = (clean(row.get("include_primary")) or "no").lower()
        pooling = {"yes": "eligible", "caution": "caution"}.get(include, "excluded")
        if est is None:
            pooling = "excluded"
        record = {
            "id": imp.new_id(study, exposure, subgroup or ("" if role == "main" else role)),
            "kind": "epi_association",
            "source_url": clean(row.get("page_url")) or "",
            "extra_sources": urls,
            "verification": verification,
            "notes": compose_notes(study, notes),
            "exposure": exposure,
            "exposure_as_named": clean(row.get("exposure_as_named")) or exposure,
            "exposure_scope": clean(row.get("exposure_scope")) or "unspecified",
            "outcome": "als",
            "outcome_as_named": clean(row.get("outcome")) or "ALS",
            "measure": measure,
            "estimate": est,
            "ci_lb": lo,
            "ci_ub": hi,
            "direction": direction,
            "reported_statistic": reported,
            "n_cases_exposed": leading_int(row.get("n_cases_exposed")),
            "n_cases": case_control_counts(row.get("study_size"), row.get("design"))[0],
            "n_controls": case_control_counts(row.get("study_size"), row.get("design"))[1],
            "study_size": clean(row.get("study_size")),
            "design": clean(row.get("design")) or "not reported",
            "data_source": clean(row.get("data_source")) or "not reported",
            "country": clean(row.get("country")) or "not reported",
            "overlap_group": overlap_group(study, row.get("country"), row.get("data_source")),
            "time_window": time_window(row.get("time_window"), row.get("analysis")),
            "analysis_role": role,
            "subgroup": subgroup,
            "adjustment": clean(row.get("adjustment")),
            "pooling": pooling,
        }
        imp.add("epidemiology", study, citation(row, clean(row.get("citation"))), record)


def import_meta(imp: Importer, rows: Iterable[Mapping[str, str]]) -> None:
    for row in rows:
        study = clean(row.get("meta_id")) or "unknown"
        exposure = disease_term(row.get("exposure")) or "unknown"
        est = number(row.get("pooled_estimate"))
        lo, hi = number(row.get("ci_low")), number(row.get("ci_high"))
        notes, urls = split_notes(row.get("notes"))
        n_studies = clean(row.get("n_studies"))
        record = {
            "id": imp.new_id(study, exposure),
            "kind": "published_meta_analysis",
            "source_url": clean(row.get("page_url")) or "",
            "extra_sources": urls,
            "verification": VERIFIED.get((clean(row.get("verified")) or "no").lower()),
            "notes": compose_notes(study, notes),
            "exposure": exposure,
            "exposure_as_named": clean(row.get("exposure")) or exposure,
            "measure": ratio_measure(row.get("measure")),
            "estimate": est,
            "ci_lb": lo,
            "ci_ub": hi,
            "i2_percent": number(row.get("i2_percent")),
            "n_studies": int(n_studies) if n_studies and n_studies.isdigit() else None,
            "study_designs": clean(row.get("study_designs")),
            "model": clean(row.get("model")),
            "included_studies": clean(row.get("included_primary_studies")),
            "scope": clean(row.get("scope_relevance")) or "",
        }
        if n_studies and not n_studies.isdigit():
            record["notes"] = f"{record['notes']} Studies pooled: {n_studies}".strip()
        imp.add("meta_analyses", study, citation(row, clean(row.get("journal"))), record)


def _genes(text: str | None) -> tuple[str, ...]:
    raw = RSID_RE.sub(" ", clean(text) or "")
    found = [g for g in GENE_RE.findall(raw) if g.upper() not in NOT_GENES and len(g) > 1]
    return tuple(dict.fromkeys(found))


def import_genetics(imp: Importer, rows: Iterable[Mapping[str, str]]) -> None:
    for row in rows:
        study = clean(row.get("study_id")) or "unknown"
        rtype = (clean(row.get("record_type")) or "").lower()
        notes, urls = split_notes(row.get("notes"))
        verification = VERIFIED.get((clean(row.get("verified")) or "no").lower(), "unverified")
        est_raw = clean(row.get("estimate"))
        est, lo, hi = number(est_raw), number(row.get("ci_low")), number(row.get("ci_high"))
        est_text = est_raw if est_raw is not None and est is None else None
        where = f"genetics {study} {rtype} {row.get('exposure')}"
        if not imp.check_ci(where, est, lo, hi):
            est_text = f"{est_raw} (CI {lo} to {hi}) as printed"
            est = lo = hi = None
            verification = "unverified"
        common = {
            "source_url": clean(row.get("page_url")) or "",
            "extra_sources": urls,
            "verification": verification,
            "notes": compose_notes(study, notes),
        }
        exposure = clean(row.get("exposure")) or ""
        outcome = clean(row.get("outcome")) or ""
        finding = clean(row.get("finding")) or ""
        if rtype in {"mr", "mr_reverse"}:
            reverse = rtype == "mr_reverse"
            exp_term = disease_term(exposure)
            out_term = disease_term(outcome)
            if exp_term is None and "autoimmune" in exposure.lower():
                exp_term = "any_immune_mediated"
            if out_term is None and "autoimmune" in outcome.lower():
                out_term = "any_immune_mediated"
            n_snps = leading_int(row.get("n_snps"))
            record = {
                **common,
                "id": imp.new_id(study, "mr", exposure if not reverse else outcome),
                "kind": "mr",
                "exposure": exposure,
                "exposure_term": exp_term,
                "outcome": outcome,
                "outcome_term": out_term,
                "orientation": "reverse" if reverse else "forward",
                "exposure_gwas": clean(row.get("gwas_exposure_source")),
                "outcome_gwas": clean(row.get("gwas_outcome_source")),
                "method": clean(row.get("method")),
                "n_snps": n_snps,
                "measure": clean(row.get("estimate_type")),
                "estimate": est,
                "ci_lb": lo,
                "ci_ub": hi,
                "se": number(row.get("se")),
                "p_value": clean(row.get("p")),
                "direction": direction_from_text(finding) if est is None else None,
                "genes": _genes(row.get("genes_loci")),
                "finding": finding + (f" Reported: {est_text}." if est_text else ""),
            }
        elif rtype == "genetic_correlation":
            other = outcome if disease_term(exposure) == "als" else exposure
            record = {
                **common,
                "id": imp.new_id(study, "rg", other),
                "kind": "genetic_correlation",
                "trait": other,
                "trait_term": disease_term(other),
                "method": clean(row.get("method")),
                "measure": clean(row.get("estimate_type")) or "rg",
                "estimate": est,
                "ci_lb": lo,
                "ci_ub": hi,
                "se": number(row.get("se")),
                "p_value": clean(row.get("p")),
                "direction": direction_from_text(finding),
                "finding": finding,
            }
        else:
            loci = clean(row.get("genes_loci")) or ""
            traits = list(find_diseases(f"{exposure} ; {outcome}"))
            mentions = f"{exposure} {outcome} {finding}".lower()
            if "autoimmune" in mentions and "any_immune_mediated" not in traits:
                traits.append("any_immune_mediated")
            if "sle" in finding.lower() and "sle" not in traits:
                traits.append("sle")
            if "als" not in traits:
                traits.insert(0, "als")
            record = {
                **common,
                "id": imp.new_id(study, "locus", loci or exposure),
                "kind": "shared_locus",
                "relation": "modifier" if rtype == "immune_gene_modifier" else "shared",
                "traits": tuple(traits),
                "traits_as_named": f"{exposure} / {outcome}",
                "genes": _genes(loci),
                "variants": tuple(dict.fromkeys(RSID_RE.findall(loci))),
                "locus": loci,
                "method": clean(row.get("method")),
                "measure": clean(row.get("estimate_type")),
                "estimate": est,
                "estimate_text": est_text,
                "ci_lb": lo,
                "ci_ub": hi,
                "se": number(row.get("se")),
                "p_value": clean(row.get("p")),
                "finding": finding,
            }
        imp.add("genetics", study, citation(row), record)


def import_trials(imp: Importer, rows: Iterable[Mapping[str, str]]) -> None:
    for row in rows:
        drug_named = clean(row.get("drug")) or "unknown"
        found = find_drugs(drug_named)
        drug = found[0] if found else slug(drug_named).replace("-", "_")
        if not found:
            imp.problems.append(f"trial {drug_named}: drug not in the drug vocabulary")
        registry = clean(row.get("nct_id"))
        ncts = NCT_RE.findall(registry or "")
        nct = ncts[0] if ncts else None
        other_registry = registry if registry and not ncts else None
        trial_name = clean(row.get("trial_name")) or drug_named
        study = f"{drug}_{nct.lower() if nct else slug(trial_name, 30).replace('-', '_')}"
        notes, urls = split_notes(row.get("notes"))
        if registry and nct and registry != nct:
            notes = f"Registry entry as listed: {registry}. {notes}".strip()
        cit = citation({**row, "first_author": "", "year": row.get("year", "")})
        if nct:
            cit["nct_id"] = nct
        record = {
            "id": imp.new_id(study, slug(trial_name, 24)),
            "kind": "immune_trial",
            "source_url": clean(row.get("page_url")) or "",
            "extra_sources": urls,
            "verification": VERIFIED.get((clean(row.get("verified")) or "no").lower()),
            "notes": notes,
            "drug": drug,
            "drug_as_named": drug_named,
            "mechanism": clean(row.get("mechanism")) or "not reported",
            "trial_name": trial_name,
            "nct_id": nct,
            "registry_id": other_registry,
            "phase": clean(row.get("phase")) or "not reported",
            "n_participants": leading_int(row.get("n_randomised")),
            "enrolment": clean(row.get("n_randomised")),
            "primary_endpoint": clean(row.get("primary_endpoint")) or "not reported",
            "endpoint_type": clean(row.get("primary_endpoint_type")),
            "result_summary": clean(row.get("result_summary")) or "",
            "effect_summary": clean(row.get("effect_estimate")),
            "effect": TRIAL_EFFECTS.get(nct or other_registry or ""),
            "efficacy_signal": clean(row.get("efficacy_signal")),
            "status": clean(row.get("status")) or "not reported",
            "year": year_of(row.get("year")),
        }
        imp.add("trials", study, cit, record)


_PREDICTS = (
    ("survival", "survival"),
    ("progression", "progression"),
    ("onset", "onset"),
    ("incident", "onset"),
    ("pre-symptomatic", "onset"),
    ("pre-diagnostic", "onset"),
    ("severity", "severity"),
    ("functional", "severity"),
    ("respiratory", "severity"),
    ("stage", "severity"),
    ("case-control", "diagnosis"),
    ("diagnosis", "diagnosis"),
    ("levels", "diagnosis"),
    ("treatment", "treatment_response"),
    ("genetic risk", "onset"),
    ("risk", "onset"),
)


def predicts_of(outcome: str) -> tuple[str, ...]:
    low = outcome.lower()
    found = [label for word, label in _PREDICTS if word in low]
    return tuple(dict.fromkeys(found))


def import_biomarkers(imp: Importer, rows: Iterable[Mapping[str, str]]) -> None:
    for row in rows:
        study = clean(row.get("study_id")) or "unknown"
        marker = clean(row.get("biomarker")) or "unknown"
        outcome = clean(row.get("outcome_type")) or ""
        predicts = predicts_of(outcome)
        if not predicts:
            imp.problems.append(f"biomarker {study} {marker}: outcome {outcome!r} not classified")
            predicts = ("other",)
        notes, urls = split_notes(row.get("notes"))
        verification = VERIFIED.get((clean(row.get("verified")) or "no").lower(), "unverified")
        est_raw = clean(row.get("estimate"))
        est, lo, hi = number(est_raw), number(row.get("ci_low")), number(row.get("ci_high"))
        est_text = est_raw if est_raw is not None and est is None else None
        if not imp.check_ci(f"biomarker {study} {marker}", est, lo, hi):
            est_text = f"{est_raw} (CI {lo} to {hi}) as printed"
            est = lo = hi = None
            verification = "unverified"
        non_immune = "non-immune" in marker.lower() or "neurofilament" in marker.lower()
        record = {
            "id": imp.new_id(study, marker, outcome),
            "kind": "immune_biomarker",
            "source_url": clean(row.get("page_url")) or "",
            "extra_sources": urls,
            "verification": verification,
            "notes": notes,
            "marker": marker,
            "category": clean(row.get("category")) or "not reported",
            "specimen": clean(row.get("specimen")),
            "predicts": predicts,
            "outcome_as_named": outcome,
            "cohort_n": leading_int(row.get("cohort_n")),
            "cohort": clean(row.get("cohort_n")),
            "contrast": clean(row.get("contrast")),
            "measure": clean(row.get("effect_measure")),
            "estimate": est,
            "estimate_text": est_text,
            "ci_lb": lo,
            "ci_ub": hi,
            "p_value": clean(row.get("p")),
            "finding": clean(row.get("finding")) or "",
            "immune": not non_immune,
        }
        imp.add("biomarkers", study, citation(row), record)


# ----------------------------------------------------------------------------- output
def read_csv(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


_SIGNATURES = (
    ("citations", "title"),
    ("meta", "pooled_estimate"),
    ("epi", "disease_harmonized"),
    ("genetic", "record_type"),
    ("biomarker", "biomarker"),
    ("trial", "drug"),
)
"""Which table a curation CSV extends, recognised by a column only that table has."""


def curation_tables(folder: Path) -> dict[str, list[Any]]:
    """Rows of every ``*.csv`` in the curation folder, grouped by the table they extend."""
    out: dict[str, list[Any]] = {name: [] for name, _ in _SIGNATURES}
    out["unknown"] = []
    if not folder.is_dir():
        return out
    for path in sorted(folder.glob("*.csv")):
        rows = read_csv(path)
        with path.open(newline="", encoding="utf-8") as handle:
            header = next(csv.reader(handle), [])
        table = next((name for name, column in _SIGNATURES if column in header), None)
        if table is None:
            out["unknown"].append(path.name)
        else:
            out[table].extend(rows)
    return out


CITATION_FIELDS = ("pmid", "pmcid", "doi", "nct_id", "first_author", "title", "journal", "year")
SAME_PUBLICATION_RE = re.compile(r"SAME PUBLICATION as (?:[a-z_]+/)?([A-Za-z0-9_.-]+)")


def apply_citations(imp: Importer, rows: Iterable[Mapping[str, str]]) -> None:
    """Complete file-level citations from curated bibliographic metadata (by ``study_id``).

    A curated value fills a gap or replaces a differing one (the difference is reported);
    a "same publication" flag adds a cross-reference to the records' notes.
    """
    by_study: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for (_, study), data in imp.files.items():
        by_study[study].append(data)
    for row in rows:
        study = clean(row.get("study_id")) or ""
        if study not in by_study:
            imp.problems.append(f"citations: no evidence file for study_id {study!r}")
            continue
        for data in by_study[study]:
            cit = data["citation"]
            for field in CITATION_FIELDS:
                raw = clean(row.get(field))
                if raw is None:
                    continue
                value: Any = year_of(raw) if field == "year" else raw
                if field == "doi":
                    value = re.sub(r"^(https?://(dx\.)?doi\.org/|doi:)", "", raw, flags=re.I)
                if value is None:
                    continue
                if cit.get(field) not in (None, value):
                    imp.problems.append(
                        f"citations: {study} {field} {cit[field]!r} -> {value!r} (curated)"
                    )
                cit[field] = value
            same = SAME_PUBLICATION_RE.search(row.get("notes") or "")
            if same:
                note = f"Same publication as {same.group(1)}; count it once."
                for rec in data["records"]:
                    if note not in rec.get("notes", ""):
                        rec["notes"] = f"{rec.get('notes', '')} {note}".strip()


def dump_yaml(data: Mapping[str, Any]) -> str:
    class _Dumper(yaml.SafeDumper):
        pass

    def _tuple(dumper: yaml.SafeDumper, value: tuple[Any, ...]) -> yaml.Node:
        return dumper.represent_list(list(value))

    _Dumper.add_representer(tuple, _tuple)
    header = "# Generated by scripts/import_research.py from the curated research tables.\n"
    return header + yaml.dump(
        dict(data), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100
    )


README = """# Shipped evidence base

Evidence base version **{version}**, generated {date} by `scripts/import_research.py`.

One YAML file per publication (or trial), grouped by topic: `epidemiology/`, `meta_analyses/`,
`genetics/`, `trials/`, `biomarkers/`. Each file has a `study_id`, a `citation` (PMID / DOI /
PMCID / NCT ids; unknown parts are left out, never guessed) and `records`; the schema is
`alsatlas.evidence.schema`, and `alsatlas validate` checks every file.

## Sources

- The curated research tables of this project (`epi_studies.csv`, `epi_meta_analyses.csv`,
  `genetic_studies.csv`, `immune_trials.csv`, `immune_biomarkers.csv`) and the curation additions
  in `curation/*_additions.csv`. Each row names the public page its numbers were read from
  (`source_url`), and further pages in `extra_sources`.
- `verification`: `verified` (number read on the source page), `partial` (direction or
  conclusion read, number not), `unverified` (not confirmed; numbers left out). The
  epidemiology table flags its direction-only rows `no` (direction read in the abstract, numbers
  not); they are `partial` here, which is what that flag means in this schema.
- Most numbers are abstract-level. Per-disease tables of Turner 2013, Cao 2024 and the 2021
  Swedish nested case-control study could not be read, so their per-disease rows are
  direction-only.

## Licence notes

Only facts are stored: numbers, identifiers, study descriptors and short notes written by the
curators. No sentences are copied from the publications; bibliographic identifiers are public
metadata. The files are distributed with alsatlas under its MIT licence.

## How gaps and caveats are handled

- A row without a readable estimate and CI is a *direction-only* record (`direction`
  increased / decreased / null, no numbers); it counts in narrative and vote-counting, never in
  a pooled estimate. A ratio printed without its CI keeps the printed value as
  `reported_statistic` and takes its direction from the point estimate.
- Studies drawing on one register share an `overlap_group` (e.g. the four Swedish register
  studies: `sweden_national_registers`), so two of them are never pooled for one disease.
- Lags are structured in `time_window` only where the wording is explicit (for example
  "at least 3 years", "first year", "first 2 years excluded"). The celiac first-year excess of
  Ludvigsson 2014 is a subgroup record excluded from pooling.
- A row whose CI does not contain its estimate would be imported without numbers and marked
  `unverified`; none of the current rows needed it ({ci_problems} found).
- Cell text that is not one number (`"23.2% vs 7.4%"`) is kept as `estimate_text`.

## Known gaps

- {direction_only} epidemiological records are direction-only (per-disease tables of Turner
  2013 and the 2021 Swedish study, among others, could not be read).
- {bare} records have no PMID, DOI, PMCID or NCT id because none was visible on the pages
  read; their `source_url` is the only pointer: {bare_studies}.

## Counts

| kind | records |
|---|---|
{counts}
| **total** | **{total}** |

Files: {nfiles}. Source rows imported: {rows}.
"""


def write(imp: Importer, out: Path) -> None:
    if out.exists():
        for sub in out.iterdir():
            if sub.is_dir():
                shutil.rmtree(sub)
    for (topic, study), data in sorted(imp.files.items()):
        folder = out / topic
        folder.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", study)
        (folder / f"{name}.yaml").write_text(dump_yaml(data), encoding="utf-8")
    counts: dict[str, int] = defaultdict(int)
    for data in imp.files.values():
        for rec in data["records"]:
            counts[rec["kind"]] += 1
    table = "\n".join(f"| {k} | {v} |" for k, v in sorted(counts.items()))
    all_records = [(data, rec) for data in imp.files.values() for rec in data["records"]]
    direction_only = sum(
        1 for _, r in all_records if r["kind"] == "epi_association" and "estimate" not in r
    )
    bare_studies = sorted(
        {
            data["study_id"]
            for data, r in all_records
            if not {"pmid", "doi", "pmcid", "nct_id"} & set(data["citation"])
        }
    )
    bare = sum(
        1
        for data, r in all_records
        if not {"pmid", "doi", "pmcid", "nct_id"} & set(data["citation"])
    )
    (out / "README.md").write_text(
        README.format(
            version=EVIDENCE_VERSION,
            date=datetime.now(UTC).strftime("%Y-%m-%d"),
            counts=table,
            total=sum(counts.values()),
            nfiles=len(imp.files),
            rows=imp.rows,
            ci_problems=sum("outside CI" in p or "out of order" in p for p in imp.problems),
            direction_only=direction_only,
            bare=bare,
            bare_studies=", ".join(f"`{b}`" for b in bare_studies),
        ),
        encoding="utf-8",
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--research", type=Path, default=DEFAULT_RESEARCH)
    parser.add_argument("--curation", type=Path, default=CURATION)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    r = args.research
    imp = Importer()
    extra = curation_tables(args.curation)
    for problem in extra.pop("unknown", []):
        imp.problems.append(f"curation file not recognised by its columns: {problem}")
    import_epi(imp, read_csv(r / "epi_studies.csv") + extra["epi"])
    import_meta(imp, read_csv(r / "epi_meta_analyses.csv") + extra["meta"])
    import_genetics(imp, read_csv(r / "genetic_studies.csv") + extra["genetic"])
    import_trials(imp, read_csv(r / "immune_trials.csv") + extra["trial"])
    import_biomarkers(imp, read_csv(r / "immune_biomarkers.csv") + extra["biomarker"])
    apply_citations(imp, extra["citations"])
    write(imp, args.out)
    for problem in imp.problems:
        print(f"note: {problem}", file=sys.stderr)
    result = read_evidence(args.out)
    for err in result.errors:
        print(f"invalid: {err}", file=sys.stderr)
    print(f"{imp.rows} rows -> {len(result.located)} records in {len(imp.files)} files")
    return 1 if result.errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
