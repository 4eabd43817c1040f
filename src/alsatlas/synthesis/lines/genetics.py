"""Shared genetics: loci and genetic correlation between ALS and immune-mediated diseases."""

from __future__ import annotations

from alsatlas.evidence import EvidenceBase
from alsatlas.synthesis.answer import (
    Answer,
    GeneticsAnswer,
    Question,
    RecordUse,
)
from alsatlas.synthesis.lines.common import (
    rule_answer,
)
from alsatlas.synthesis.shared_genetics import (
    rg_direction,
    shared_genes,
    shared_genetics_verdict,
)
from alsatlas.synthesis.summaries import (
    certainty_sentence,
    plain_text,
    say,
    verdict_sentence,
)

# --- shared genetics ---------------------------------------------------------------------------


def shared_genetics_answer(q: Question, evidence: EvidenceBase) -> Answer:
    loci = evidence.shared_loci
    rg = evidence.genetic_correlations
    verdict, reason, certainty = shared_genetics_verdict(loci, rg)
    genes = shared_genes(loci)
    used = [RecordUse(r.id, r.kind, "finding", "shared locus / gene") for r in loci]
    used += [RecordUse(r.id, r.kind, "finding", "genetic correlation") for r in rg]
    named = ", ".join(g.gene for g in genes if g.relation == "shared")
    directions = {rg_direction(r) for r in rg}
    conflicting = {"increased", "decreased"} <= directions
    plain = plain_text(
        verdict_sentence(verdict),
        say("shared_genes_named", genes=named) if named else "",
        say("genome_links_conflict") if conflicting else "",
        certainty_sentence(certainty.level, verdict),
    )
    return rule_answer(
        GeneticsAnswer,
        q,
        verdict,
        reason,
        certainty,
        used,
        plain,
        shared_genes=genes,
    )
