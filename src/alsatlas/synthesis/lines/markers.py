"""Biomarkers and neuroinflammation: immune markers of ALS onset, progression and survival, and
whether neuroinflammation drives progression."""

from __future__ import annotations

from collections.abc import Sequence

from alsatlas.evidence import EvidenceBase
from alsatlas.evidence.schema import ImmuneBiomarker
from alsatlas.synthesis.answer import (
    Answer,
    BiomarkerAnswer,
    Criterion,
    GradeStep,
    Question,
    RecordUse,
    Verdict,
)
from alsatlas.synthesis.biomarkers import (
    PROGNOSTIC_OUTCOMES,
    biomarker_finding,
    is_significant,
    outcome_criteria,
    prognosis_verdict,
)
from alsatlas.synthesis.certainty import grade
from alsatlas.synthesis.lines.common import (
    rule_answer,
)
from alsatlas.synthesis.rules import MIN_REPLICATIONS
from alsatlas.synthesis.summaries import (
    certainty_sentence,
    plain_text,
    say,
    verdict_sentence,
)
from alsatlas.synthesis.trials import drug_findings

# --- biomarkers, neuroinflammation, involvement -----------------------------------------------


def biomarker_answer(q: Question, evidence: EvidenceBase) -> Answer:
    recs = evidence.immune_biomarkers
    prognostic = [r for r in recs if any(o in r.predicts for o in PROGNOSTIC_OUTCOMES)]
    verdict, reason, certainty = prognosis_verdict(prognostic)
    criteria, _ = outcome_criteria(prognostic)
    used = [
        RecordUse(
            r.id,
            r.kind,
            "finding" if r.immune else "comparator",
            "immune marker" if r.immune else "non-immune comparator (for context)",
        )
        for r in prognostic
    ]
    comparators = [r for r in prognostic if not r.immune and is_significant(r)]
    plain = plain_text(
        verdict_sentence(verdict),
        say("markers_track_course") if verdict in ("supported", "partly supported") else "",
        say("one_group_only") if verdict == "partly supported" else "",
        say("nerve_damage_markers") if comparators else "",
        certainty_sentence(certainty.level, verdict),
    )
    return rule_answer(
        BiomarkerAnswer,
        q,
        verdict,
        reason,
        certainty,
        used,
        plain,
        technical_prefix=f"{len(prognostic)} biomarker record(s). ",
        biomarkers=tuple(biomarker_finding(r) for r in prognostic),
        criteria=criteria,
    )


def significant_studies(records: Sequence[ImmuneBiomarker]) -> list[str]:
    return sorted({r.study_id for r in records if is_significant(r)})


def neuroinflammation_answer(q: Question, evidence: EvidenceBase) -> Answer:
    markers = [
        r
        for r in evidence.immune_biomarkers
        if r.immune and ("progression" in r.predicts or "survival" in r.predicts)
    ]
    assoc_studies = significant_studies(markers)
    per_drug = drug_findings(evidence.immune_trials)
    worked = [f for f in per_drug if f.verdict == "supported"]
    failed = [f for f in per_drug if f.verdict in ("not supported", "contradicted")]
    criteria = (
        Criterion(
            "immune markers track progression or survival",
            len(assoc_studies) >= 1,
            f"significant in {len(assoc_studies)} stud(ies)",
            tuple(r.id for r in markers),
        ),
        Criterion(
            "lowering inflammation slows ALS in randomised trials",
            bool(worked),
            f"{len(worked)} drug(s) worked; {len(failed)} failed",
            tuple(i for f in per_drug for i in f.trial_ids),
        ),
    )
    verdict: Verdict
    if assoc_studies and worked:
        verdict = "supported"
        reason = "immune markers track progression and an anti-inflammatory drug slowed ALS"
    elif assoc_studies:
        verdict = "partly supported"
        reason = (
            f"immune markers track progression in {len(assoc_studies)} stud(ies), but "
            f"{len(failed)} immune-targeting drug(s) failed to slow ALS: association, not shown "
            "to drive it"
        )
    elif failed:
        verdict = "insufficient evidence"
        reason = "no significant marker association; trials negative"
    else:
        verdict, reason = "insufficient evidence", "no usable records"
    csf = [
        r
        for r in markers
        if is_significant(r) and ("csf" in r.compartments or "pet" in r.compartments)
    ]
    steps = [
        GradeStep(
            "indirectness",
            0 if csf else -1,
            f"{len(csf)} significant marker(s) measured in CSF or by PET, closer to the nervous "
            "system"
            if csf
            else "blood markers only: indirect measures of inflammation in the nervous system",
        ),
        GradeStep(
            "replication",
            0 if len(assoc_studies) >= MIN_REPLICATIONS else -1,
            f"associations in {len(assoc_studies)} independent stud(ies)",
        ),
    ]
    certainty = grade("low", "observational cohorts and trials of related drugs", steps)
    used = [
        RecordUse(r.id, r.kind, "finding", "immune marker of progression/survival") for r in markers
    ]
    used += [
        RecordUse(i, "immune_trial", "trial", "immune-targeting trial")
        for f in per_drug
        for i in f.trial_ids
    ]
    plain = plain_text(
        verdict_sentence(verdict),
        say("inflammation_follows") if verdict == "partly supported" else "",
        certainty_sentence(certainty.level, verdict),
    )
    return rule_answer(
        BiomarkerAnswer,
        q,
        verdict,
        reason,
        certainty,
        used,
        plain,
        drug_findings=per_drug,
        biomarkers=tuple(biomarker_finding(r) for r in markers),
        criteria=criteria,
    )
