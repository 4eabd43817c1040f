"""Which epidemiological records may be pooled, which only vote, and why the rest are left out.

The rules are those of :data:`alsatlas.synthesis.rules.RULES` (topics *selection* and
*votes*); :func:`select_epi` applies them to the records of one disease term and returns every
decision with its reason, so a reader can check each inclusion and exclusion.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from alsatlas.evidence.schema import CONTEXT_SCOPES, RATIO_MEASURES, EpiAssociation
from alsatlas.synthesis.answer import Exclusion, RecordUse, Vote, VoteDirection
from alsatlas.synthesis.rules import MIN_LAG_YEARS

Z95 = 1.959963984540054
"""Standard normal 97.5% quantile, for SE = (ln upper - ln lower) / (2 z)."""

DesignClass = Literal["cohort", "case-control", "other"]


def log_se(record: EpiAssociation) -> float:
    """Standard error of ln(estimate) from the 95% CI: (ln ub - ln lb) / (2 x 1.959964).

    Raises ``ValueError`` for a direction-only record (no CI).
    """
    if record.ci_lb is None or record.ci_ub is None:
        raise ValueError(f"record {record.id} has no confidence interval")
    return (math.log(record.ci_ub) - math.log(record.ci_lb)) / (2.0 * Z95)


def has_lag(record: EpiAssociation) -> bool:
    """``True`` when diagnoses in the year before ALS were left out, or the window starts ≥ 1 y
    before ALS (:data:`~alsatlas.synthesis.rules.MIN_LAG_YEARS`)."""
    window = record.time_window
    if window.excludes_year_before_als is True:
        return True
    return window.lag_years_min is not None and window.lag_years_min >= MIN_LAG_YEARS


_DESIGN_CLASS: dict[str, DesignClass] = {
    "cohort": "cohort",
    "case_control": "case-control",
    "other": "other",
}


def design_class(record: EpiAssociation) -> DesignClass:
    """``cohort``, ``case-control`` (nested included) or ``other``, from ``design_type``."""
    return _DESIGN_CLASS[record.design_type]


def numeric_direction(estimate: float, ci_lb: float, ci_ub: float) -> VoteDirection:
    """Direction of a ratio estimate by its 95% CI: above 1, below 1, or including 1."""
    del estimate
    if ci_lb > 1.0:
        return "increased"
    if ci_ub < 1.0:
        return "decreased"
    return "null"


def is_numeric(record: EpiAssociation) -> bool:
    """``True`` when estimate and both CI bounds are present."""
    return record.estimate is not None and record.ci_lb is not None and record.ci_ub is not None


NOT_OWN_DISEASE = (
    "not a vote: the exposure is not the person's own immune-mediated disease "
    "(familial or context scope)"
)


def is_own_disease(record: EpiAssociation) -> bool:
    """``False`` for familial rows (disease in relatives) and context scopes (infections,
    treatments, non-autoimmune comparators): they never vote on a disease question."""
    return record.exposure_scope != "familial" and record.exposure_scope not in CONTEXT_SCOPES


def _overlap_key(record: EpiAssociation) -> str:
    return record.overlap_group or f"study:{record.study_id}"


def _preference(record: EpiAssociation) -> tuple[float, int, str]:
    """Sort key of the pre-specified choice: smallest SE, then most recent, then id."""
    se = log_se(record) if is_numeric(record) else math.inf
    year = record.citation.year or 0
    return (se, -year, record.id)


@dataclass(frozen=True)
class EpiSelection:
    """The outcome of applying the selection rules to one disease term.

    Attributes
    ----------
    term
        The disease vocabulary term.
    primary
        Rows of the primary pooled analysis (one per overlap group).
    caution
        Curator-flagged 'caution' rows, for the sensitivity analysis that adds them.
    votes
        One vote per independent finding (overlap group), numeric or direction-only.
    used, excluded
        Every record of the term with its role, or the rule that left it out.
    """

    term: str
    primary: tuple[EpiAssociation, ...]
    caution: tuple[EpiAssociation, ...]
    votes: tuple[Vote, ...]
    used: tuple[RecordUse, ...]
    excluded: tuple[Exclusion, ...]


def dedupe_overlap(
    records: Sequence[EpiAssociation],
) -> tuple[tuple[EpiAssociation, ...], tuple[Exclusion, ...]]:
    """Keep one record per overlap group (smallest SE, then most recent); say why others went."""
    groups: dict[str, list[EpiAssociation]] = {}
    for record in records:
        groups.setdefault(_overlap_key(record), []).append(record)
    kept: list[EpiAssociation] = []
    dropped: list[Exclusion] = []
    for key, members in groups.items():
        ordered = sorted(members, key=_preference)
        chosen = ordered[0]
        kept.append(chosen)
        for other in ordered[1:]:
            what = key.removeprefix("study:")
            dropped.append(
                Exclusion(
                    other.id,
                    other.kind,
                    f"same population as {chosen.id} (overlap group {what}); the pre-specified "
                    "choice is the estimate with the smallest standard error, then the most "
                    "recent",
                )
            )
    order = {r.id: i for i, r in enumerate(records)}
    kept.sort(key=lambda r: order[r.id])
    return tuple(kept), tuple(dropped)


def _vote_from(record: EpiAssociation, reason: str) -> Vote:
    if is_numeric(record):
        assert record.estimate is not None and record.ci_lb is not None
        assert record.ci_ub is not None
        direction = numeric_direction(record.estimate, record.ci_lb, record.ci_ub)
        numeric = True
    else:
        assert record.direction is not None
        direction = record.direction
        numeric = False
    return Vote(
        record.id,
        record.citation.label,
        record.exposure,
        direction,
        numeric,
        reason,
        record.author_caveats,
    )


def select_epi(records: Iterable[EpiAssociation], term: str) -> EpiSelection:
    """Apply the selection and vote rules to the records whose exposure is ``term``.

    Parameters
    ----------
    records
        Epidemiological association records (any exposure; others are ignored).
    term
        Disease vocabulary term to select.

    Returns
    -------
    EpiSelection
        Primary rows, caution rows, votes, and the reason for every decision.
    """
    mine = [r for r in records if r.exposure == term and r.outcome == "als"]
    primary: list[EpiAssociation] = []
    caution: list[EpiAssociation] = []
    voters: list[tuple[int, EpiAssociation]] = []
    used: list[RecordUse] = []
    excluded: list[Exclusion] = []
    for r in mine:
        main_like = r.analysis_role == "main" or r.pooling == "eligible"
        if not is_numeric(r):
            excluded.append(
                Exclusion(r.id, r.kind, "direction-only: counted in the vote tally, never pooled")
            )
            if r.direction is not None and r.analysis_role == "main" and is_own_disease(r):
                voters.append((3, r))
            elif r.direction is not None and not is_own_disease(r):
                used.append(RecordUse(r.id, r.kind, "context", NOT_OWN_DISEASE))
            continue
        if not r.verified:
            excluded.append(Exclusion(r.id, r.kind, "number not verified on any page"))
            continue
        if r.measure not in RATIO_MEASURES:
            excluded.append(Exclusion(r.id, r.kind, f"not a ratio measure ({r.measure})"))
            continue
        if not main_like:
            excluded.append(
                Exclusion(
                    r.id,
                    r.kind,
                    f"{r.analysis_role} analysis ({r.subgroup or 'not the main estimate'}): never "
                    "pooled with its parent row",
                )
            )
            continue
        if r.pooling == "excluded":
            excluded.append(Exclusion(r.id, r.kind, "curator flag 'excluded' (context row)"))
            if is_own_disease(r):
                voters.append((2, r))
            continue
        if r.pooling == "caution":
            caution.append(r)
            voters.append((1, r))
            continue
        primary.append(r)
        voters.append((0, r))
    kept, dropped = dedupe_overlap(primary)
    excluded.extend(dropped)
    for r in kept:
        used.append(RecordUse(r.id, r.kind, "pooled", "verified main estimate of " + term))
    for r in caution:
        used.append(
            RecordUse(
                r.id,
                r.kind,
                "sensitivity",
                "curator flag 'caution': enters the sensitivity analysis with caution rows only",
            )
        )
    # votes: one per overlap group; pooled rows first, then caution, context, direction-only
    best: dict[str, tuple[int, EpiAssociation]] = {}
    for rank, r in voters:
        key = _overlap_key(r)
        current = best.get(key)
        if current is None or (rank, _preference(r)) < (current[0], _preference(current[1])):
            best[key] = (rank, r)
    vote_ids = {r.id for _, r in best.values()}
    votes: list[Vote] = []
    for rank, r in voters:
        if r.id not in vote_ids:
            if rank == 3:
                chosen = best[_overlap_key(r)][1]
                used.append(
                    RecordUse(
                        r.id,
                        r.kind,
                        "context",
                        f"not counted as a vote: same population as {chosen.id}",
                    )
                )
            continue
        reason = "numeric estimate; direction by whether the 95% CI excludes 1"
        if not is_numeric(r):
            reason = "direction-only finding as stated by the study"
            used.append(RecordUse(r.id, r.kind, "vote", reason))
        votes.append(_vote_from(r, reason))
    return EpiSelection(
        term=term,
        primary=kept,
        caution=tuple(caution),
        votes=tuple(votes),
        used=tuple(used),
        excluded=tuple(excluded),
    )


__all__ = [
    "Z95",
    "DesignClass",
    "EpiSelection",
    "dedupe_overlap",
    "design_class",
    "has_lag",
    "is_numeric",
    "is_own_disease",
    "log_se",
    "numeric_direction",
    "select_epi",
]
