"""Validation rules that relate fields of a record to each other and to the vocabularies.

Each rule returns :class:`~alsatlas.errors.EvidenceError` objects naming the file, the record id
and the field; :func:`check_records` runs every rule over every record and returns all errors.

Rules
-----
- identifiers: ``pmid`` is 1-9 digits; ``doi`` matches ``10.NNNN/...``; ``pmcid`` is ``PMC`` +
  digits; ``nct_id`` is ``NCT`` + 8 digits (Crossref's and NLM's documented shapes);
- a record id is unique across all files;
- numbers: an estimate with a CI needs all three of ``estimate``, ``ci_lb``, ``ci_ub``;
  ``ci_lb < ci_ub``; ``ci_lb <= estimate <= ci_ub``; ratio measures (HR, RR, OR, SIR, IRR and
  ``OR per ...``) are > 0;
- direction-only epidemiological records have ``direction`` and no numbers; numeric ones have
  ``measure``, ``estimate``, ``ci_lb`` and ``ci_ub``;
- vocabulary: disease terms and drug terms are known;
- provenance: a ``primary`` record was read on a host listed in
  ``data/vocabulary/primary_sources.yaml`` (PubMed, PMC, publisher, trial registry).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from urllib.parse import urlparse

from alsatlas.errors import EvidenceError
from alsatlas.evidence.schema import (
    RATIO_MEASURES,
    EpiAssociation,
    GeneticCorrelation,
    ImmuneBiomarker,
    ImmuneTrial,
    MRResult,
    PublishedMetaAnalysis,
    Record,
    SharedLocus,
)
from alsatlas.evidence.vocabulary import diseases, drugs, is_primary_host

PMID_RE = re.compile(r"^[1-9][0-9]{0,8}$")
DOI_RE = re.compile(r"^10\.[0-9]{4,9}/\S+$")
PMCID_RE = re.compile(r"^PMC[0-9]{1,9}$")
NCT_RE = re.compile(r"^NCT[0-9]{8}$")
ID_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")

Located = tuple[str, Record]
"""A record and the file it was read from."""


def is_ratio_measure(measure: str | None) -> bool:
    """``True`` for HR/RR/OR/SIR/IRR, also with qualifiers such as ``OR per SD``."""
    if measure is None:
        return False
    head = measure.strip().split(" ", 1)[0].split("(", 1)[0].upper()
    return head in RATIO_MEASURES


def _err(file: str, record: Record, field: str, reason: str) -> EvidenceError:
    return EvidenceError(reason, file=file, row=record.id, field=field)


def check_identifiers(file: str, record: Record) -> list[EvidenceError]:
    """Well-formed record id and PMID / DOI / PMCID / NCT identifiers."""
    errors: list[EvidenceError] = []
    if not ID_RE.match(record.id):
        errors.append(
            _err(file, record, "id", "ids are lower-case letters, digits, '.', '_' or '-'")
        )
    cit = record.citation
    checks = (
        ("citation.pmid", cit.pmid, PMID_RE, "a PMID is 1-9 digits without a prefix"),
        ("citation.doi", cit.doi, DOI_RE, "a DOI looks like 10.NNNN/suffix (no resolver URL)"),
        ("citation.pmcid", cit.pmcid, PMCID_RE, "a PMCID is 'PMC' followed by digits"),
        ("citation.nct_id", cit.nct_id, NCT_RE, "an NCT id is 'NCT' followed by 8 digits"),
    )
    for field, value, pattern, reason in checks:
        if value is not None and not pattern.match(value):
            errors.append(_err(file, record, field, f"{reason}; got {value!r}"))
    if (
        isinstance(record, ImmuneTrial)
        and record.nct_id is not None
        and not NCT_RE.match(record.nct_id)
    ):
        errors.append(
            _err(
                file,
                record,
                "nct_id",
                f"an NCT id is 'NCT' followed by 8 digits; got {record.nct_id!r}",
            )
        )
    for i, url in enumerate(record.extra_sources):
        if not url.startswith(("http://", "https://")):
            errors.append(
                _err(file, record, f"extra_sources[{i}]", "a source page must be an http(s) URL")
            )
    if not record.read_from.startswith(("http://", "https://")):
        errors.append(_err(file, record, "read_from", "the source page must be an http(s) URL"))
    elif record.verification == "primary":
        host = urlparse(record.read_from).hostname or ""
        if not is_primary_host(host):
            errors.append(
                _err(
                    file,
                    record,
                    "verification",
                    f"'primary' needs a page on PubMed, PMC, the publisher or a trial registry; "
                    f"{host} is not one (mark it 'secondary', or add the publisher to "
                    "data/vocabulary/primary_sources.yaml)",
                )
            )
    return errors


def _numbers(
    record: Record,
) -> tuple[str | None, float | None, float | None, float | None] | None:
    if isinstance(
        record,
        EpiAssociation
        | PublishedMetaAnalysis
        | MRResult
        | GeneticCorrelation
        | SharedLocus
        | ImmuneBiomarker,
    ):
        return record.measure, record.estimate, record.ci_lb, record.ci_ub
    if isinstance(record, ImmuneTrial) and record.effect is not None:
        e = record.effect
        return e.measure, e.estimate, e.ci_lb, e.ci_ub
    return None


def check_numbers(file: str, record: Record) -> list[EvidenceError]:
    """CI completeness and order, CI contains the estimate, ratio measures positive."""
    nums = _numbers(record)
    if nums is None:
        return []
    measure, est, lb, ub = nums
    prefix = "effect." if isinstance(record, ImmuneTrial) else ""
    errors: list[EvidenceError] = []
    if (lb is None) != (ub is None):
        missing = "ci_ub" if ub is None else "ci_lb"
        errors.append(_err(file, record, prefix + missing, "a CI needs both bounds"))
    if lb is not None and est is None:
        errors.append(_err(file, record, prefix + "estimate", "a CI was given without estimate"))
    if is_ratio_measure(measure):
        for name, value in (("estimate", est), ("ci_lb", lb), ("ci_ub", ub)):
            if value is not None and not value > 0:
                errors.append(
                    _err(
                        file,
                        record,
                        prefix + name,
                        f"ratio measure {measure} must be > 0; got {value:g}",
                    )
                )
    if lb is not None and ub is not None:
        if not lb < ub:
            errors.append(
                _err(
                    file,
                    record,
                    prefix + "ci_lb",
                    f"lower bound {lb:g} is not below upper bound {ub:g}",
                )
            )
        elif est is not None and not lb <= est <= ub:
            errors.append(
                _err(
                    file,
                    record,
                    prefix + "estimate",
                    f"estimate {est:g} lies outside its CI [{lb:g}, {ub:g}]",
                )
            )
    if est is not None and measure is None:
        errors.append(_err(file, record, prefix + "measure", "a number needs its measure"))
    return errors


def check_direction_only(file: str, record: Record) -> list[EvidenceError]:
    """Epidemiological records: direction-only has no numbers; numeric has all of them."""
    if not isinstance(record, EpiAssociation | PublishedMetaAnalysis):
        return []
    values = {"estimate": record.estimate, "ci_lb": record.ci_lb, "ci_ub": record.ci_ub}
    present = [k for k, v in values.items() if v is not None]
    errors: list[EvidenceError] = []
    if not present:
        if record.direction is None:
            errors.append(
                _err(
                    file,
                    record,
                    "direction",
                    "a record without numbers is direction-only and needs a direction",
                )
            )
        if isinstance(record, EpiAssociation) and record.pooling != "excluded":
            errors.append(_err(file, record, "pooling", "a direction-only record cannot be pooled"))
        return errors
    for name, value in values.items():
        if value is None:
            errors.append(
                _err(
                    file,
                    record,
                    name,
                    "a numeric record needs estimate, ci_lb and ci_ub (missing here)",
                )
            )
    if record.measure is None:
        errors.append(_err(file, record, "measure", "a numeric record needs its measure"))
    return errors


def _disease_fields(record: Record) -> Iterable[tuple[str, str | None]]:
    if isinstance(record, EpiAssociation | PublishedMetaAnalysis):
        yield "exposure", record.exposure
        yield "outcome", record.outcome
    elif isinstance(record, MRResult):
        yield "exposure_term", record.exposure_term
        yield "outcome_term", record.outcome_term
    elif isinstance(record, GeneticCorrelation):
        yield "trait_term", record.trait_term
        yield "als_term", record.als_term
    elif isinstance(record, SharedLocus):
        for i, term in enumerate(record.traits):
            yield f"traits[{i}]", term


def check_vocabulary(file: str, record: Record) -> list[EvidenceError]:
    """Disease and drug terms belong to the vocabularies."""
    known = diseases()
    errors = [
        _err(file, record, field, f"unknown disease term {term!r} (see the disease vocabulary)")
        for field, term in _disease_fields(record)
        if term is not None and term not in known
    ]
    if isinstance(record, ImmuneTrial) and record.drug not in drugs():
        errors.append(
            _err(file, record, "drug", f"unknown drug term {record.drug!r} (see drug vocabulary)")
        )
    return errors


RULES = (check_identifiers, check_numbers, check_direction_only, check_vocabulary)
"""Per-record rules, in the order they run."""


def check_unique_ids(located: Sequence[Located]) -> list[EvidenceError]:
    """Every record id occurs once across all files."""
    first_seen: dict[str, str] = {}
    errors: list[EvidenceError] = []
    for file, record in located:
        if record.id in first_seen:
            errors.append(
                _err(file, record, "id", f"duplicate id, first used in {first_seen[record.id]}")
            )
        else:
            first_seen[record.id] = file
    return errors


def check_records(located: Sequence[Located]) -> list[EvidenceError]:
    """Run every rule over every record; return all errors (empty when clean)."""
    errors = check_unique_ids(located)
    for file, record in located:
        for rule in RULES:
            errors.extend(rule(file, record))
    return errors


__all__ = [
    "DOI_RE",
    "NCT_RE",
    "PMCID_RE",
    "PMID_RE",
    "RULES",
    "Located",
    "check_direction_only",
    "check_identifiers",
    "check_numbers",
    "check_records",
    "check_unique_ids",
    "check_vocabulary",
    "is_ratio_measure",
]
