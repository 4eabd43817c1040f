"""Shared genetics: loci and genetic correlation between ALS and immune-mediated diseases."""

from __future__ import annotations

from alsatlas.evidence import EvidenceBase
from alsatlas.synthesis.answer import (
    Answer,
    Question,
    RecordUse,
)
from alsatlas.synthesis.lines.common import (
    rule_answer,
)
from alsatlas.synthesis.shared_genetics import shared_genes, shared_genetics_verdict
from alsatlas.synthesis.summaries import (
    certainty_sentence,
    plain_text,
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
    plain = plain_text(
        verdict_sentence(verdict),
        f"A few genes show up in both ALS and immune diseases ({named})." if named else "",
        "But across the whole genome, the links go in different directions for different "
        "immune diseases."
        if "conflict" in reason
        else "",
        certainty_sentence(certainty.level, verdict),
    )
    return rule_answer(
        q,
        verdict,
        reason,
        certainty,
        used,
        plain,
        shared_genes=genes,
    )
