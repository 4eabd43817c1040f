"""Therapy: immune-targeting drugs in ALS trials, per drug and as a class."""

from __future__ import annotations

from alsatlas.evidence import EvidenceBase
from alsatlas.synthesis.answer import (
    Answer,
    Question,
    RecordUse,
    TherapyAnswer,
)
from alsatlas.synthesis.certainty import grade
from alsatlas.synthesis.lines.common import (
    rule_answer,
)
from alsatlas.synthesis.rules import MIN_TRIAL_SIZE
from alsatlas.synthesis.summaries import (
    certainty_sentence,
    plain_text,
    say,
    verdict_sentence,
)
from alsatlas.synthesis.trials import class_verdict, drug_findings, trial_finding

# --- therapy ---------------------------------------------------------------------------------


def therapy_answer(q: Question, evidence: EvidenceBase) -> Answer:
    trials = [r for r in evidence.immune_trials if not q.drugs or r.drug in q.drugs]
    findings = tuple(trial_finding(r) for r in trials)
    per_drug = drug_findings(trials)
    used = [RecordUse(r.id, r.kind, "trial", f"trial of {r.drug}") for r in trials]
    if q.drugs:
        if per_drug:
            verdict = per_drug[0].verdict
            reason = per_drug[0].reason
            certainty = per_drug[0].certainty
        else:
            verdict, reason = "insufficient evidence", "no trial of this drug in the evidence base"
            certainty = grade("very low", "no trial", ())
        pending = [f for f in findings if f.outcome == "not yet known" and f.efficacy_tested]
        large = any((f.n_participants or 0) >= MIN_TRIAL_SIZE for f in pending)
        early = [f for f in findings if not f.efficacy_tested or not f.randomised]
        plain = plain_text(
            verdict_sentence(verdict, q.category),
            (say("large_trial_running") if large else say("trial_running")) if pending else "",
            say("early_studies_only") if early and verdict == "insufficient evidence" else "",
            certainty_sentence(certainty.level, verdict),
        )
    else:
        verdict, reason, certainty = class_verdict(per_drug)
        worse = [f for f in per_drug if f.verdict == "contradicted"]
        failed = [f for f in per_drug if f.verdict in ("not supported", "contradicted")]
        untested = [f for f in per_drug if f.verdict == "insufficient evidence"]
        pending = [f for f in findings if f.outcome == "not yet known" and f.efficacy_tested]
        plain = plain_text(
            verdict_sentence(verdict, q.category),
            say("drugs_failed", n=len(failed)) if len(failed) > 1 else "",
            say("drugs_worse", n=len(worse)) if len(worse) > 1 else "",
            say("drug_worse") if len(worse) == 1 else "",
            say("drugs_untested", n=len(untested)) if untested else "",
            say("trials_running") if pending else "",
            certainty_sentence(certainty.level, verdict),
        )
    return rule_answer(
        TherapyAnswer,
        q,
        verdict,
        reason,
        certainty,
        used,
        plain,
        technical_prefix=f"{len(findings)} trial(s) of {len(per_drug)} drug(s). ",
        trials=findings,
        drug_findings=per_drug,
    )
