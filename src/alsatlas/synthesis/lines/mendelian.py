"""Mendelian randomization: genetic liability to autoimmune disease, or immune cell and protein
traits, and ALS."""

from __future__ import annotations

from alsatlas.evidence import EvidenceBase
from alsatlas.evidence.schema import MRResult
from alsatlas.evidence.vocabulary import diseases
from alsatlas.synthesis.answer import (
    Answer,
    Certainty,
    Exclusion,
    GradeStep,
    MRAnswer,
    MRSummary,
    Question,
    RecordUse,
    Verdict,
)
from alsatlas.synthesis.certainty import grade
from alsatlas.synthesis.lines.common import (
    is_immune_term,
    rule_answer,
)
from alsatlas.synthesis.mr_rubric import is_immune_trait, summarise_mr, two_sided_verdict
from alsatlas.synthesis.mr_rubric import mr_verdict as _mr_verdict
from alsatlas.synthesis.summaries import (
    certainty_sentence,
    plain_text,
    say,
    verdict_sentence,
)

# --- Mendelian randomization ---------------------------------------------------------------


def _mr_body_certainty(summary: MRSummary, verdict: Verdict) -> Certainty:
    if verdict == "not supported":
        carriers = [f for f in summary.findings if f.precise_null]
    elif verdict in ("supported", "partly supported"):
        carriers = [f for f in summary.findings if f.direction == "increased"]
    elif verdict == "contradicted":
        carriers = [f for f in summary.findings if f.direction == "decreased"]
    else:
        carriers = list(summary.findings)
    if not carriers:
        return grade("very low", "no MR result carries the verdict", ())
    best = max(carriers, key=lambda f: f.certainty.score)
    return grade(
        best.certainty.level,
        f"grade of the most certain MR result carrying the verdict ({best.record_id})",
        (
            GradeStep(
                "across MR results",
                0,
                "each result's own steps: "
                + "; ".join(f"{s.domain} {s.change:+d}" for s in best.certainty.grade_steps),
            ),
        ),
    )


def mr_answer(q: Question, evidence: EvidenceBase, immune_traits: bool) -> Answer:
    used: list[RecordUse] = []
    excluded: list[Exclusion] = []
    forward: list[MRResult] = []
    context: list[MRResult] = []
    for r in evidence.mr_results:
        if immune_traits:
            if r.orientation == "forward" and is_immune_trait(r):
                forward.append(r)
            continue
        if r.orientation == "reverse":
            if is_immune_term(r.outcome_term):
                context.append(r)
        elif is_immune_term(r.exposure_term):
            forward.append(r)
        elif r.exposure_term is not None and r.exposure_term != "als":
            entry = diseases().get(r.exposure_term)
            category = entry.category if entry is not None else "unknown"
            excluded.append(
                Exclusion(
                    r.id,
                    r.kind,
                    f"exposure term {r.exposure_term} is not an autoimmune or immune-mediated "
                    f"disease in the vocabulary (category {category})",
                )
            )
        elif r.exposure_term is None and not is_immune_trait(r):
            excluded.append(
                Exclusion(
                    r.id,
                    r.kind,
                    f"exposure '{r.exposure}' is not mapped to a disease vocabulary term, so it "
                    "cannot be classed as autoimmune",
                )
            )
    for r in forward:
        used.append(RecordUse(r.id, r.kind, "vote", "forward MR on ALS"))
    for r in context:
        used.append(RecordUse(r.id, r.kind, "context", "reverse MR (ALS liability as exposure)"))
    summary = summarise_mr([*forward, *context])
    forward_summary = summarise_mr(forward)
    if immune_traits:
        verdict, reason, carriers = two_sided_verdict(forward_summary)
        certainty = (
            max((f.certainty for f in carriers), key=lambda c: c.score)
            if carriers
            else grade("very low", "no MR result carries the verdict", ())
        )
        plain = plain_text(
            verdict_sentence(verdict),
            say("immune_traits_linked") if verdict in ("supported", "partly supported") else "",
            say("one_study_each") if verdict == "partly supported" else "",
            certainty_sentence(certainty.level, verdict),
        )
    else:
        verdict, reason = _mr_verdict(forward_summary, "increased")
        certainty = _mr_body_certainty(forward_summary, verdict)
        plain = plain_text(
            verdict_sentence(verdict),
            say("mr_tests_cause") if verdict == "not supported" else "",
            say("records_other_causes")
            if verdict in ("not supported", "insufficient evidence")
            else "",
            certainty_sentence(certainty.level, verdict),
        )
    return rule_answer(
        MRAnswer,
        q,
        verdict,
        reason,
        certainty,
        used,
        plain,
        technical_prefix=f"{summary.text}. ",
        excluded=excluded,
        mr=summary,
    )


def mr_autoimmune_answer(q: Question, evidence: EvidenceBase) -> Answer:
    """MR of genetic liability to autoimmune disease on ALS (one-sided claim)."""
    return mr_answer(q, evidence, immune_traits=False)


def mr_immune_traits_answer(q: Question, evidence: EvidenceBase) -> Answer:
    """MR of immune cell and protein traits on ALS (two-sided claim, needs replication)."""
    return mr_answer(q, evidence, immune_traits=True)
