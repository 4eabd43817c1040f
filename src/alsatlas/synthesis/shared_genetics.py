"""Shared-genetics line: do ALS and immune-mediated diseases share loci, genes or heritability?

Rule ``shared-genetics`` of :data:`alsatlas.synthesis.rules.RULES`:

* **supported** - verified shared loci from at least two independent studies, and genetic
  correlations (rg) that are significant in one consistent direction;
* **partly supported** - verified shared loci from at least one study, or significant rg, but
  not both / not consistent;
* **not supported** - no shared locus and every rg a null;
* **insufficient evidence** - otherwise.

Certainty starts low (observational genetic association); one level down when significant rg
go in both directions across immune traits; one down when most rg records lack verified numbers;
one down when shared loci come from a single study.
"""

from __future__ import annotations

from collections.abc import Sequence

from alsatlas.evidence.schema import GeneticCorrelation, SharedLocus
from alsatlas.synthesis.answer import Certainty, GradeStep, SharedGene, Verdict, VoteDirection
from alsatlas.synthesis.biomarkers import p_below
from alsatlas.synthesis.certainty import grade


def rg_direction(record: GeneticCorrelation) -> VoteDirection | None:
    """Direction of a genetic correlation: by its CI or p-value where numeric, else stated."""
    if record.estimate is not None:
        significant: bool | None = None
        if record.ci_lb is not None and record.ci_ub is not None:
            significant = record.ci_lb > 0 or record.ci_ub < 0
        else:
            significant = p_below(record.p_value, record.p_value_qualifier)
        if significant is True:
            return "increased" if record.estimate > 0 else "decreased"
        if significant is False:
            return "null"
    if record.direction is None and p_below(record.p_value, record.p_value_qualifier) is False:
        return "null"
    return record.direction


def _immune_traits(record: SharedLocus) -> tuple[str, ...]:
    return tuple(t for t in record.traits if t != "als")


def shared_genes(loci: Sequence[SharedLocus]) -> tuple[SharedGene, ...]:
    """Genes named by verified shared-locus records that link ALS and an immune trait.

    A gene counts when one record names both ALS and another trait, or when records name it
    for ALS and for an immune trait separately (gene-level overlap; LD not checked).
    """
    traits_of: dict[str, set[str]] = {}
    ids_of: dict[str, list[str]] = {}
    relation_of: dict[str, str] = {}
    for r in loci:
        if not r.verified:
            continue
        for gene in r.genes:
            traits_of.setdefault(gene, set()).update(r.traits)
            ids_of.setdefault(gene, []).append(r.id)
            if r.relation == "shared" or gene not in relation_of:
                relation_of[gene] = r.relation
    out: list[SharedGene] = []
    for gene, traits in traits_of.items():
        others = sorted(t for t in traits if t != "als")
        if "als" in traits and others:
            out.append(SharedGene(gene, ("als", *others), tuple(ids_of[gene]), relation_of[gene]))
        elif relation_of[gene] == "modifier":
            out.append(SharedGene(gene, tuple(sorted(traits)), tuple(ids_of[gene]), "modifier"))
    return tuple(sorted(out, key=lambda g: (g.relation != "shared", -len(g.record_ids), g.gene)))


def shared_genetics_verdict(
    loci: Sequence[SharedLocus], correlations: Sequence[GeneticCorrelation]
) -> tuple[Verdict, str, Certainty]:
    """Verdict, the rule that fired, and certainty (rule ``shared-genetics``)."""
    genes = [g for g in shared_genes(loci) if g.relation == "shared"]
    studies = sorted(
        {
            r.study_id
            for r in loci
            if r.verified and r.relation == "shared" and any(g.gene in r.genes for g in genes)
        }
    )
    directions = [rg_direction(r) for r in correlations]
    pos = directions.count("increased")
    neg = directions.count("decreased")
    null = directions.count("null")
    rg_text = f"genetic correlations: {pos} positive, {neg} negative, {null} null"
    gene_text = f"{len(genes)} shared gene(s) from {len(studies)} stud(ies)"
    verdict: Verdict
    if len(studies) >= 2 and (pos > 0) != (neg > 0):
        verdict = "supported"
    elif studies or pos or neg:
        verdict = "partly supported"
    elif correlations and null == len(correlations):
        verdict = "not supported"
    else:
        verdict = "insufficient evidence"
    reason = f"{gene_text}; {rg_text}"
    if pos and neg:
        reason += " (directions conflict across immune traits)"
    steps: list[GradeStep] = []
    if pos and neg:
        steps.append(
            GradeStep(
                "inconsistency", -1, "rg positive for some immune traits, negative for others"
            )
        )
    else:
        steps.append(GradeStep("inconsistency", 0, "rg directions do not conflict"))
    unverified = [r for r in correlations if not r.verified or r.estimate is None]
    if correlations and len(unverified) * 2 > len(correlations):
        steps.append(
            GradeStep(
                "imprecision",
                -1,
                f"{len(unverified)} of {len(correlations)} rg records have no verified number",
            )
        )
    else:
        steps.append(GradeStep("imprecision", 0, "rg numbers verified where used"))
    if len(studies) == 1:
        steps.append(GradeStep("replication", -1, "shared loci come from a single study"))
    else:
        steps.append(GradeStep("replication", 0, f"shared loci from {len(studies)} studies"))
    certainty = grade("low", "genetic association studies (observational): starts at low", steps)
    return verdict, reason, certainty


__all__ = ["rg_direction", "shared_genes", "shared_genetics_verdict"]
