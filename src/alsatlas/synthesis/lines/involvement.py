"""Immune involvement: do immune markers differ between people with ALS and controls?"""

from __future__ import annotations

from alsatlas.evidence import EvidenceBase
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
)
from alsatlas.synthesis.certainty import grade
from alsatlas.synthesis.lines.common import (
    rule_answer,
)
from alsatlas.synthesis.lines.markers import significant_studies
from alsatlas.synthesis.rules import MIN_REPLICATIONS
from alsatlas.synthesis.summaries import (
    certainty_sentence,
    plain_text,
    say,
    verdict_sentence,
)


def involvement_answer(q: Question, evidence: EvidenceBase) -> Answer:
    levels = [r for r in evidence.immune_biomarkers if r.immune and "diagnosis" in r.predicts]
    altered = significant_studies(levels)
    prognostic = [
        r
        for r in evidence.immune_biomarkers
        if r.immune and any(o in r.predicts for o in PROGNOSTIC_OUTCOMES)
    ]
    prog_studies = significant_studies(prognostic)
    criteria = (
        Criterion(
            "immune markers differ between people with ALS and controls",
            len(altered) >= MIN_REPLICATIONS,
            f"significant differences in {len(altered)} stud(ies)",
            tuple(r.id for r in levels),
        ),
        Criterion(
            "immune markers relate to the course of ALS",
            len(prog_studies) >= 1,
            f"significant associations in {len(prog_studies)} stud(ies)",
            tuple(r.id for r in prognostic),
        ),
    )
    verdict: Verdict
    if len(altered) >= MIN_REPLICATIONS:
        verdict = "supported"
        reason = f"immune markers differ from controls in {len(altered)} independent studies"
    elif altered or prog_studies:
        verdict = "partly supported"
        reason = "immune changes reported, but in fewer than two independent studies"
    else:
        verdict, reason = "insufficient evidence", "no significant immune difference recorded"
    steps = [
        GradeStep(
            "consistency",
            0 if len(altered) >= MIN_REPLICATIONS else -1,
            f"{len(altered)} independent studies with significant differences",
        )
    ]
    certainty = grade("low", "observational case-control studies: GRADE starts at low", steps)
    used = [RecordUse(r.id, r.kind, "finding", "immune marker level vs controls") for r in levels]
    used += [RecordUse(r.id, r.kind, "finding", "immune marker of ALS course") for r in prognostic]
    plain = plain_text(
        verdict_sentence(verdict),
        say("immune_takes_part") if verdict in ("supported", "partly supported") else "",
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
        biomarkers=tuple(biomarker_finding(r) for r in [*levels, *prognostic]),
        criteria=criteria,
    )
