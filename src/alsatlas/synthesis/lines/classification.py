"""Classification: is ALS an autoimmune disease, by the criteria that define one?"""

from __future__ import annotations

from alsatlas.evidence import EvidenceBase
from alsatlas.synthesis.answer import (
    Answer,
    ClassificationAnswer,
    Criterion,
    GradeStep,
    Question,
    RecordUse,
    Verdict,
    mr_of,
)
from alsatlas.synthesis.biomarkers import (
    biomarker_finding,
)
from alsatlas.synthesis.certainty import grade
from alsatlas.synthesis.lines.common import (
    rule_answer,
)
from alsatlas.synthesis.lines.markers import significant_studies
from alsatlas.synthesis.lines.mendelian import mr_autoimmune_answer
from alsatlas.synthesis.questions import question
from alsatlas.synthesis.rules import AUTOANTIBODY_MAJORITY, MIN_REPLICATIONS
from alsatlas.synthesis.summaries import (
    certainty_sentence,
    plain_text,
    say,
    verdict_sentence,
)
from alsatlas.synthesis.trials import class_verdict, drug_findings

# --- classification -----------------------------------------------------------------------------


def classification_answer(q: Question, evidence: EvidenceBase) -> Answer:
    auto = [r for r in evidence.immune_biomarkers if r.autoantibody]
    auto_sig = significant_studies(auto)
    prevalences = [
        (r, r.estimate)
        for r in auto
        if r.estimate is not None and "proportion" in (r.measure or "").lower()
    ]
    majority = sorted({r.study_id for r, p in prevalences if p >= AUTOANTIBODY_MAJORITY})
    prevalence_text = ", ".join(f"{r.marker.split(' (')[0]} {p:.0%}" for r, p in prevalences)
    per_drug = drug_findings(evidence.immune_trials)
    therapy_verdict, therapy_reason, therapy_certainty = class_verdict(per_drug)
    mr_q = question("autoimmune_causal_mr")
    mr_result = mr_autoimmune_answer(mr_q, evidence)
    mr_summary = mr_of(mr_result)
    mr_findings = mr_summary.findings if mr_summary is not None else ()
    criteria = (
        Criterion(
            "an autoantibody present in most people with ALS (disease-defining)",
            len(majority) >= MIN_REPLICATIONS,
            f"{len(auto)} autoantibody record(s); seropositive share: "
            f"{prevalence_text or 'not reported'}; levels differ from controls in "
            f"{len(auto_sig)} stud(ies). A disease-defining autoantibody needs seropositivity "
            f"≥ {AUTOANTIBODY_MAJORITY:.0%} in ≥ {MIN_REPLICATIONS} studies: "
            f"{len(majority)} found",
            tuple(r.id for r in auto),
        ),
        Criterion(
            "benefit from immune-targeting treatment in randomised trials",
            therapy_verdict in ("supported", "partly supported"),
            f"{therapy_verdict}: {therapy_reason}",
            tuple(i for f in per_drug for i in f.trial_ids),
        ),
        Criterion(
            "genetic liability to autoimmune disease causes ALS (MR)",
            mr_result.verdict in ("supported", "partly supported"),
            f"{mr_result.verdict}: {mr_result.verdict_reason}",
            tuple(f.record_id for f in mr_findings),
        ),
    )
    met = [c for c in criteria if c.met]
    against = [
        v for v in (therapy_verdict, mr_result.verdict) if v in ("not supported", "contradicted")
    ]
    verdict: Verdict
    if len(met) >= 2:
        verdict, reason = "supported", f"{len(met)} of 3 criteria met"
    elif met:
        verdict, reason = "partly supported", f"1 of 3 criteria met ({met[0].name})"
    elif len(against) >= 2:
        verdict = "not supported"
        reason = (
            "no criterion met: no defining autoantibody recorded, immune-targeting trials "
            "failed, and MR finds no causal effect of autoimmune liability"
        )
    else:
        verdict, reason = "insufficient evidence", "criteria not met but not tested either"
    lines = [therapy_certainty, mr_result.certainty]
    best = max(lines, key=lambda c: c.score)
    certainty = grade(
        best.level,
        "highest grade of the lines that test the criteria (trials, MR)",
        (
            GradeStep(
                "indirectness",
                -1,
                "classification is inferred from trials and genetics; no line tests "
                "autoimmunity in ALS directly",
            ),
        ),
    )
    used = [RecordUse(r.id, r.kind, "criterion", "autoantibody record") for r in auto]
    used += [
        RecordUse(i, "immune_trial", "criterion", "immune-targeting trial")
        for f in per_drug
        for i in f.trial_ids
    ]
    used += [
        RecordUse(f.record_id, "mr", "criterion", "MR of autoimmune liability") for f in mr_findings
    ]
    plain = plain_text(
        say("classification_not_autoimmune")
        if verdict == "not supported"
        else verdict_sentence(verdict),
        say("autoimmune_definition"),
        say("no_attack_shown") if not met else "",
        say("immune_drugs_failed") if therapy_verdict in ("not supported", "contradicted") else "",
        say("mr_no_autoimmune_cause") if mr_result.verdict == "not supported" else "",
        say("immune_reaction_separate"),
        certainty_sentence(certainty.level, verdict),
    )
    return rule_answer(
        ClassificationAnswer,
        q,
        verdict,
        reason,
        certainty,
        used,
        plain,
        mr=mr_of(mr_result),
        drug_findings=per_drug,
        biomarkers=tuple(biomarker_finding(r) for r in auto),
        criteria=criteria,
    )
