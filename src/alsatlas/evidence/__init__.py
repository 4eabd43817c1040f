"""alsatlas.evidence: the cited evidence base (schema, loading, validation, vocabularies, store).

Public API
----------
Loading
    ``load_evidence(path=None) -> EvidenceBase`` loads and validates YAML evidence files (``None``:
    the data shipped in ``alsatlas/data/evidence``) and raises :class:`InvalidEvidence` (an
    :class:`~alsatlas.errors.EvidenceError` whose ``.errors`` lists every problem) when any file
    is broken. ``read_evidence(path=None) -> ReadResult`` never raises: it returns the records it
    could build and all errors (used by ``alsatlas validate``).
Container
    :class:`EvidenceBase` is frozen: ``records`` plus typed tuples ``epi_associations``,
    ``published_meta_analyses``, ``mr_results``, ``genetic_correlations``, ``shared_loci``,
    ``immune_trials``, ``immune_biomarkers``; look-ups ``by_id`` / ``get(id)``,
    ``of_kind(kind)``, ``for_disease(name, include_members=False)`` (synonyms resolve through
    the vocabulary), ``counts()``; ``files`` (id -> file) and ``version``; and ``store``, an
    :class:`EvidenceStore` (DuckDB in memory) with ``query(sql) -> polars.DataFrame`` and
    ``table(kind_or_table) -> polars.DataFrame``.
Records (pydantic v2, frozen; discriminated by ``kind``)
    :class:`EpiAssociation`, :class:`PublishedMetaAnalysis`, :class:`MRResult`,
    :class:`GeneticCorrelation`, :class:`SharedLocus`, :class:`ImmuneTrial`,
    :class:`ImmuneBiomarker`; shared parts :class:`Citation`, :class:`TimeWindow`,
    :class:`Effect`; the union type :data:`Record`.
Vocabularies
    :func:`normalise_disease`, :func:`normalise_drug` (exact name -> term),
    :func:`find_diseases`, :func:`find_drugs` (terms mentioned in free text),
    :func:`lookup_disease`, :func:`lookup_drug`, :func:`diseases`, :func:`drugs`,
    :func:`disease_and_members`; entries :class:`Disease`, :class:`Drug`.
Rules
    :func:`check_records` (all cross-field rules), :func:`is_ratio_measure`.
"""

from typing import TYPE_CHECKING

from alsatlas.evidence.base import EVIDENCE_VERSION, EvidenceBase, InvalidEvidence, load_evidence
from alsatlas.evidence.load import ReadResult, read_evidence, shipped_evidence_dir
from alsatlas.evidence.rules import check_records, is_ratio_measure
from alsatlas.evidence.schema import (
    RATIO_MEASURES,
    Citation,
    Direction,
    Effect,
    EpiAssociation,
    GeneticCorrelation,
    ImmuneBiomarker,
    ImmuneTrial,
    MRResult,
    PublishedMetaAnalysis,
    Record,
    RecordKind,
    SharedLocus,
    TimeWindow,
    Verification,
)
from alsatlas.evidence.vocabulary import (
    Disease,
    Drug,
    disease_and_members,
    diseases,
    drugs,
    find_diseases,
    find_drugs,
    lookup_disease,
    lookup_drug,
    normalise_disease,
    normalise_drug,
)

if TYPE_CHECKING:
    from alsatlas.evidence.store import TABLES, EvidenceStore


def __getattr__(name: str) -> object:
    """``TABLES`` and ``EvidenceStore`` load DuckDB and polars: imported on first use."""
    if name in ("TABLES", "EvidenceStore"):
        from alsatlas.evidence import store

        return getattr(store, name)
    raise AttributeError(f"module 'alsatlas.evidence' has no attribute {name!r}")


__all__ = [
    "EVIDENCE_VERSION",
    "RATIO_MEASURES",
    "TABLES",
    "Citation",
    "Direction",
    "Disease",
    "Drug",
    "Effect",
    "EpiAssociation",
    "EvidenceBase",
    "EvidenceStore",
    "GeneticCorrelation",
    "ImmuneBiomarker",
    "ImmuneTrial",
    "InvalidEvidence",
    "MRResult",
    "PublishedMetaAnalysis",
    "ReadResult",
    "Record",
    "RecordKind",
    "SharedLocus",
    "TimeWindow",
    "Verification",
    "check_records",
    "disease_and_members",
    "diseases",
    "drugs",
    "find_diseases",
    "find_drugs",
    "is_ratio_measure",
    "load_evidence",
    "lookup_disease",
    "lookup_drug",
    "normalise_disease",
    "normalise_drug",
    "read_evidence",
    "shipped_evidence_dir",
]
