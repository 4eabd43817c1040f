"""Helpers shared by the lines of evidence: vote tallies, overlap keys, the MR summary beside
an epidemiological answer, and the generic rule-driven answer."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from alsatlas.evidence import EvidenceBase
from alsatlas.evidence.schema import EpiAssociation
from alsatlas.evidence.vocabulary import diseases
from alsatlas.synthesis.answer import (
    Answer,
    Certainty,
    Exclusion,
    MRSummary,
    Question,
    RecordUse,
    Verdict,
    Vote,
    VoteTally,
)
from alsatlas.synthesis.mr_rubric import summarise_mr
from alsatlas.synthesis.summaries import say

A = TypeVar("A", bound=Answer)

IMMUNE_CATEGORIES = ("autoimmune", "immune-mediated")
EMPTY_VOTES = VoteTally(0, 0, 0, ())


def tally(votes: Sequence[Vote]) -> VoteTally:
    return VoteTally(
        increased=sum(v.direction == "increased" for v in votes),
        decreased=sum(v.direction == "decreased" for v in votes),
        null=sum(v.direction == "null" for v in votes),
        votes=tuple(votes),
    )


def overlap_key(record: EpiAssociation) -> str:
    return record.overlap_group or f"study:{record.study_id}"


def is_immune_term(term: str | None) -> bool:
    if term is None:
        return False
    entry = diseases().get(term)
    return entry is not None and entry.category in IMMUNE_CATEGORIES


def subgroup_terms(terms: Sequence[str]) -> set[str]:
    """Group terms listed as members of the question's terms (``endocrine_imd_group`` under
    ``any_immune_mediated``)."""
    table = diseases()
    return {
        member
        for term in terms
        if term in table
        for member in table[term].members
        if member in table and table[member].group
    }


def mr_for_terms(evidence: EvidenceBase, terms: Sequence[str]) -> MRSummary | None:
    recs = [
        r
        for r in evidence.mr_results
        if (r.orientation == "forward" and r.exposure_term in terms)
        or (r.orientation == "reverse" and r.outcome_term in terms)
    ]
    return summarise_mr(recs) if recs else None


def mr_plain(mr: MRSummary | None) -> str:
    if mr is None or not mr.findings:
        return ""
    if mr.increased == 0 and mr.null + mr.decreased > 0:
        return say("mr_no_cause_this_disease")
    if mr.increased:
        return say("mr_hint_cause_this_disease")
    return ""


def ids(used: Sequence[RecordUse], excluded: Sequence[Exclusion]) -> tuple[str, ...]:
    out: list[str] = []
    for rid in [u.record_id for u in used] + [e.record_id for e in excluded]:
        if rid not in out:
            out.append(rid)
    return tuple(out)


def rule_answer(
    cls: type[A],
    q: Question,
    verdict: Verdict,
    reason: str,
    certainty: Certainty,
    used: Sequence[RecordUse],
    plain: str,
    *,
    technical_prefix: str = "",
    excluded: Sequence[Exclusion] = (),
    **parts: Any,
) -> A:
    """An answer of kind ``cls`` decided by a rule rather than a pooled estimate; ``parts`` are
    the kind's own fields (``mr``, ``trials``, ``drug_findings``, ``biomarkers``, ...)."""
    return cls(
        question=q,
        verdict=verdict,
        verdict_reason=reason,
        certainty=certainty,
        used=tuple(used),
        excluded=tuple(excluded),
        technical_summary=f"{technical_prefix}Verdict: {verdict} ({reason}). "
        f"Certainty: {certainty.level}.",
        plain_summary=plain,
        record_ids=ids(used, excluded),
        **parts,
    )
