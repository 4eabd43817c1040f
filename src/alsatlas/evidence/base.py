"""The loaded evidence base: typed tuples of records, look-ups and the query store."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import cache, cached_property
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from alsatlas.errors import EvidenceError
from alsatlas.evidence.load import read_evidence, shipped_evidence_dir
from alsatlas.evidence.schema import (
    EpiAssociation,
    GeneticCorrelation,
    ImmuneBiomarker,
    ImmuneTrial,
    MRResult,
    PublishedMetaAnalysis,
    Record,
    SharedLocus,
)
from alsatlas.evidence.version import evidence_version
from alsatlas.evidence.vocabulary import disease_and_members, normalise_disease

if TYPE_CHECKING:  # the store pulls in DuckDB and polars: imported when first used
    from alsatlas.evidence.store import EvidenceStore

EVIDENCE_VERSION = "2026.12.0"
"""Version of the shipped evidence base: the newest entry of its ``CHANGELOG.md``, whose content
hash must match the shipped files (see :mod:`alsatlas.evidence.version`)."""

_T = TypeVar("_T")


class InvalidEvidence(EvidenceError):
    """Evidence files failed validation; :attr:`errors` holds every error found."""

    def __init__(self, errors: tuple[EvidenceError, ...]) -> None:
        self.errors = errors
        first = errors[0] if errors else EvidenceError("invalid evidence")
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        super().__init__(first.reason + more, file=first.file, row=first.row, field=first.field)


def _of(records: tuple[Record, ...], cls: type[_T]) -> tuple[_T, ...]:
    return tuple(r for r in records if isinstance(r, cls))


@dataclass(frozen=True, eq=False)
class EvidenceBase:
    """All evidence records, immutable, with typed views and look-ups.

    Build it with :func:`load_evidence` (validated files) or :meth:`from_records`.

    Attributes
    ----------
    records
        Every record, in file order.
    epi_associations, published_meta_analyses, mr_results, genetic_correlations, shared_loci,
    immune_trials, immune_biomarkers
        The records of each kind.
    files
        Record id -> the file it was read from (relative to the evidence folder).
    version
        Evidence base version: :data:`EVIDENCE_VERSION` for the shipped data, the changelog
        version of a folder whose changelog matches its files, else ``"unversioned"``.
    content_hash
        Content hash of the files it was loaded from (empty for records built in memory).
    """

    records: tuple[Record, ...]
    files: Mapping[str, str] = field(default_factory=dict)
    version: str = EVIDENCE_VERSION
    content_hash: str = ""

    @classmethod
    def from_records(
        cls, records: tuple[Record, ...], files: Mapping[str, str] | None = None
    ) -> EvidenceBase:
        """Wrap already validated records (ids must be unique)."""
        ids = [r.id for r in records]
        if len(set(ids)) != len(ids):
            dup = next(i for i in ids if ids.count(i) > 1)
            raise EvidenceError("duplicate id", row=dup, field="id")
        return cls(records=tuple(records), files=dict(files or {}))

    @cached_property
    def epi_associations(self) -> tuple[EpiAssociation, ...]:
        return _of(self.records, EpiAssociation)

    @cached_property
    def published_meta_analyses(self) -> tuple[PublishedMetaAnalysis, ...]:
        return _of(self.records, PublishedMetaAnalysis)

    @cached_property
    def mr_results(self) -> tuple[MRResult, ...]:
        return _of(self.records, MRResult)

    @cached_property
    def genetic_correlations(self) -> tuple[GeneticCorrelation, ...]:
        return _of(self.records, GeneticCorrelation)

    @cached_property
    def shared_loci(self) -> tuple[SharedLocus, ...]:
        return _of(self.records, SharedLocus)

    @cached_property
    def immune_trials(self) -> tuple[ImmuneTrial, ...]:
        return _of(self.records, ImmuneTrial)

    @cached_property
    def immune_biomarkers(self) -> tuple[ImmuneBiomarker, ...]:
        return _of(self.records, ImmuneBiomarker)

    @cached_property
    def by_id(self) -> Mapping[str, Record]:
        """Record id -> record."""
        return {r.id: r for r in self.records}

    def get(self, record_id: str) -> Record:
        """The record with ``record_id``; :class:`EvidenceError` when there is none."""
        try:
            return self.by_id[record_id]
        except KeyError:
            raise EvidenceError("no record with this id", row=record_id, field="id") from None

    def of_kind(self, kind: str) -> tuple[Record, ...]:
        """Records of one ``kind`` (``epi_association``, ``mr``, ...)."""
        return tuple(r for r in self.records if r.kind == kind)

    def for_disease(self, name: str, *, include_members: bool = False) -> tuple[Record, ...]:
        """Records about a disease named by term or any synonym ("lupus" finds ``sle``).

        With ``include_members`` a broad term also matches its member diseases
        (``thyroid_any`` -> hypothyroidism, hyperthyroidism, ...). Unknown names give ``()``.
        """
        term = normalise_disease(name)
        if term is None:
            return ()
        terms = set(disease_and_members(term)) if include_members else {term}
        return tuple(r for r in self.records if terms.intersection(r.disease_terms()))

    def counts(self) -> dict[str, int]:
        """Number of records per kind (kinds with none are left out)."""
        out: dict[str, int] = {}
        for r in self.records:
            out[r.kind] = out.get(r.kind, 0) + 1
        return out

    @cached_property
    def store(self) -> EvidenceStore:
        """DuckDB query store over these records (built on first use)."""
        from alsatlas.evidence.store import EvidenceStore

        return EvidenceStore(self.records)

    def __len__(self) -> int:
        return len(self.records)

    def __iter__(self) -> Iterator[Record]:
        return iter(self.records)


def load_evidence(path: Path | None = None) -> EvidenceBase:
    """Load and validate evidence files; ``None`` loads the evidence shipped with alsatlas.

    The shipped evidence is read once per process and shared (it is immutable); a ``path`` is
    read afresh on every call.

    Raises
    ------
    InvalidEvidence
        When any file or record breaks the schema or a rule; ``.errors`` lists them all.
    """
    if path is None:
        return _load_shipped()
    return _load(path)


@cache
def _load_shipped() -> EvidenceBase:
    return _load(None)


def _load(path: Path | None) -> EvidenceBase:
    result = read_evidence(path)
    if result.errors:
        raise InvalidEvidence(result.errors)
    records = tuple(rec for _, rec in result.located)
    files = {rec.id: file for file, rec in result.located}
    base = EvidenceBase.from_records(records, files)
    stamp = evidence_version(path if path is not None else shipped_evidence_dir())
    return replace(base, version=stamp.version, content_hash=stamp.content_hash)


__all__ = ["EVIDENCE_VERSION", "EvidenceBase", "InvalidEvidence", "load_evidence"]
