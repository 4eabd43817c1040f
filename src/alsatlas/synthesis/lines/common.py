"""Helpers shared by the lines of evidence: vote tallies, overlap keys, the MR summary beside
an epidemiological answer, and the generic rule-driven answer."""

from __future__ import annotations

from collections.abc import Sequence

from alsatlas.evidence import EvidenceBase
from alsatlas.evidence.schema import EpiAssociation
from alsatlas.evidence.vocabulary import diseases
from alsatlas.synthesis.answer import (
    Answer,
    BiomarkerFinding,
    Certainty,
    Criterion,
    DrugFinding,
    Exclusion,
    MRSummary,
    Question,
    RecordUse,
    SharedGene,
    TrialFinding,
    Verdict,
    Vote,
    VoteTally,
)
from alsatlas.synthesis.mr_rubric import summarise_mr
from alsatlas.synthesis.summaries import say

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
    q: Question,
    verdict: Verdict,
    reason: str,
    certainty: Certainty,
    used: Sequence[RecordUse],
    plain: str,
    *,
    technical_prefix: str = "",
    excluded: Sequence[Exclusion] = (),
    mr: MRSummary | None = None,
    trials: tuple[TrialFinding, ...] = (),
    drug_findings: tuple[DrugFinding, ...] = (),
    biomarkers: tuple[BiomarkerFinding, ...] = (),
    shared_genes: tuple[SharedGene, ...] = (),
    criteria: tuple[Criterion, ...] = (),
) -> Answer:
    """An answer decided by a rule rather than a pooled estimate (no pooling, no vote tally)."""
    return Answer(
        question=q,
        verdict=verdict,
        verdict_reason=reason,
        certainty=certainty,
        pooled=None,
        pooled_by_term=(),
        votes=EMPTY_VOTES,
        used=tuple(used),
        excluded=tuple(excluded),
        mr=mr,
        trials=trials,
        drug_findings=drug_findings,
        biomarkers=biomarkers,
        shared_genes=shared_genes,
        criteria=criteria,
        technical_summary=f"{technical_prefix}Verdict: {verdict} ({reason}). "
        f"Certainty: {certainty.level}.",
        plain_summary=plain,
        record_ids=ids(used, excluded),
    )
