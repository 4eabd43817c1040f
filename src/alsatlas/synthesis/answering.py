"""Answering catalogue questions from an evidence base: :func:`answer` and :func:`answer_all`.

Each question category has one answering function here; they select the evidence
(:mod:`~alsatlas.synthesis.selection`), call the engines (:mod:`~alsatlas.synthesis.pooling`
over :func:`alsatlas.stats.rma.rma`), and apply the verdict and certainty rules
(:mod:`~alsatlas.synthesis.verdict`, :mod:`~alsatlas.synthesis.certainty`,
:mod:`~alsatlas.synthesis.mr_rubric`, :mod:`~alsatlas.synthesis.trials`,
:mod:`~alsatlas.synthesis.biomarkers`, :mod:`~alsatlas.synthesis.shared_genetics`).
"""

from __future__ import annotations

from collections.abc import Sequence

from alsatlas.evidence import EvidenceBase, load_evidence
from alsatlas.evidence.schema import EpiAssociation, ImmuneBiomarker, MRResult
from alsatlas.evidence.vocabulary import diseases
from alsatlas.synthesis.answer import (
    Answer,
    BiomarkerFinding,
    Certainty,
    Criterion,
    DrugFinding,
    Exclusion,
    GradeStep,
    MRSummary,
    PooledEstimate,
    Question,
    RecordUse,
    SharedGene,
    TrialFinding,
    Verdict,
    Vote,
    VoteTally,
)
from alsatlas.synthesis.biomarkers import (
    PROGNOSTIC_OUTCOMES,
    biomarker_finding,
    is_significant,
    outcome_criteria,
    prognosis_verdict,
)
from alsatlas.synthesis.certainty import epi_certainty, grade
from alsatlas.synthesis.mr_rubric import is_immune_trait, summarise_mr, two_sided_verdict
from alsatlas.synthesis.mr_rubric import mr_verdict as _mr_verdict
from alsatlas.synthesis.pooling import pool_term
from alsatlas.synthesis.questions import QUESTIONS, question
from alsatlas.synthesis.rules import AUTOANTIBODY_MAJORITY, MIN_REPLICATIONS, MIN_TRIAL_SIZE
from alsatlas.synthesis.selection import select_epi
from alsatlas.synthesis.shared_genetics import shared_genes, shared_genetics_verdict
from alsatlas.synthesis.summaries import (
    bias_sentence,
    certainty_sentence,
    effect_sentence,
    epi_technical,
    plain_text,
    verdict_sentence,
)
from alsatlas.synthesis.trials import class_verdict, drug_findings, trial_finding
from alsatlas.synthesis.verdict import estimate_verdict

_IMMUNE_CATEGORIES = ("autoimmune", "immune-mediated")
_EMPTY_VOTES = VoteTally(0, 0, 0, ())


def _tally(votes: Sequence[Vote]) -> VoteTally:
    return VoteTally(
        increased=sum(v.direction == "increased" for v in votes),
        decreased=sum(v.direction == "decreased" for v in votes),
        null=sum(v.direction == "null" for v in votes),
        votes=tuple(votes),
    )


def _overlap_key(record: EpiAssociation) -> str:
    return record.overlap_group or f"study:{record.study_id}"


def _is_immune_term(term: str | None) -> bool:
    if term is None:
        return False
    entry = diseases().get(term)
    return entry is not None and entry.category in _IMMUNE_CATEGORIES


def _subgroup_terms(terms: Sequence[str]) -> set[str]:
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


def _plain_name(q: Question) -> str:
    """The disease as the plain question names it (``Do people with X have ...``)."""
    text = q.plain.removeprefix("Do people with ")
    return text.split(" have ", 1)[0]


def _mr_for_terms(evidence: EvidenceBase, terms: Sequence[str]) -> MRSummary | None:
    recs = [
        r
        for r in evidence.mr_results
        if (r.orientation == "forward" and r.exposure_term in terms)
        or (r.orientation == "reverse" and r.outcome_term in terms)
    ]
    return summarise_mr(recs) if recs else None


# --- epidemiology ------------------------------------------------------------------------------


def _epi_answer(q: Question, evidence: EvidenceBase) -> Answer:
    records = evidence.epi_associations
    by_id = {r.id: r for r in records}
    selections = [select_epi(records, term) for term in q.terms]
    pooled_by_term: list[PooledEstimate] = []
    for sel in selections:
        pooled = pool_term(sel.term, sel.primary, sel.caution)
        if pooled is not None:
            pooled_by_term.append(pooled)
    headline: PooledEstimate | None = None
    if pooled_by_term:
        headline = max(pooled_by_term, key=lambda p: (p.k, -q.terms.index(p.term)))
    # votes: one per population across the question's terms; numeric first, then term order
    chosen: dict[str, tuple[tuple[int, int], Vote]] = {}
    order: list[str] = []
    for index, sel in enumerate(selections):
        for vote in sel.votes:
            key = _overlap_key(by_id[vote.record_id])
            rank = (0 if vote.numeric else 1, index)
            if key not in chosen:
                order.append(key)
            if key not in chosen or rank < chosen[key][0]:
                chosen[key] = (rank, vote)
    votes = _tally([chosen[k][1] for k in order])
    used: list[RecordUse] = [u for sel in selections for u in sel.used]
    excluded: list[Exclusion] = [e for sel in selections for e in sel.excluded]
    kept_ids = {v.record_id for v in votes.votes}
    for sel in selections:
        for vote in sel.votes:
            if vote.record_id not in kept_ids:
                used.append(
                    RecordUse(
                        vote.record_id,
                        "epi_association",
                        "context",
                        "not a separate vote: the same population already votes on this question",
                    )
                )
    for r in records:
        if r.exposure not in q.terms and r.exposure in _subgroup_terms(q.terms):
            used.append(
                RecordUse(
                    r.id,
                    r.kind,
                    "context",
                    f"organ-system grouping ({r.exposure}) of this question's diseases: shown, "
                    "never pooled with single diseases or the overall group",
                )
            )
    verdict, reason = estimate_verdict(headline, votes, q.claim_direction)
    pooled_records = [by_id[row.record_id] for row in headline.rows] if headline else []
    vote_records = [by_id[v.record_id] for v in votes.votes]
    certainty = epi_certainty(headline, votes, pooled_records, vote_records)
    mr = _mr_for_terms(evidence, q.terms)
    if mr is not None:
        for f in mr.findings:
            used.append(
                RecordUse(
                    f.record_id,
                    "mr",
                    "context",
                    "Mendelian randomization, shown beside, never pooled",
                )
            )
    name = _plain_name(q)
    plain = plain_text(
        verdict_sentence(verdict),
        effect_sentence(headline, name) if headline is not None else "",
        bias_sentence(certainty.grade_steps)
        if verdict in ("supported", "partly supported")
        else "",
        ""
        if headline is not None or votes.total == 0
        else "The studies did not give numbers we could check.",
        "No study in our evidence base looked at this." if votes.total == 0 else "",
        _mr_plain(mr),
        certainty_sentence(certainty.level),
    )
    return Answer(
        question=q,
        verdict=verdict,
        verdict_reason=reason,
        certainty=certainty,
        pooled=headline,
        pooled_by_term=tuple(pooled_by_term),
        votes=votes,
        used=tuple(used),
        excluded=tuple(excluded),
        mr=mr,
        technical_summary=epi_technical(q, headline, votes, verdict, reason, certainty.level)
        + (f" MR: {mr.text}." if mr is not None else ""),
        plain_summary=plain,
        record_ids=_ids(used, excluded),
    )


def _mr_plain(mr: MRSummary | None) -> str:
    if mr is None or not mr.findings:
        return ""
    if mr.increased == 0 and mr.null + mr.decreased > 0:
        return "Gene-based studies found no sign that this disease causes ALS."
    if mr.increased:
        return "Some gene-based studies hint that this disease could play a causal part."
    return ""


def _ids(used: Sequence[RecordUse], excluded: Sequence[Exclusion]) -> tuple[str, ...]:
    out: list[str] = []
    for rid in [u.record_id for u in used] + [e.record_id for e in excluded]:
        if rid not in out:
            out.append(rid)
    return tuple(out)


def _rule_answer(
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
        votes=_EMPTY_VOTES,
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
        record_ids=_ids(used, excluded),
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


def _mr_answer(q: Question, evidence: EvidenceBase, immune_traits: bool) -> Answer:
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
            if _is_immune_term(r.outcome_term):
                context.append(r)
        elif _is_immune_term(r.exposure_term):
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
            "A few inherited immune traits were linked to ALS risk in gene-based studies."
            if verdict in ("supported", "partly supported")
            else "",
            "Each of these was seen in one study only." if verdict == "partly supported" else "",
            certainty_sentence(certainty.level),
        )
    else:
        verdict, reason = _mr_verdict(forward_summary, "increased")
        certainty = _mr_body_certainty(forward_summary, verdict)
        plain = plain_text(
            verdict_sentence(verdict),
            "Gene-based studies test cause and effect. They found no sign that autoimmune "
            "diseases cause ALS."
            if verdict == "not supported"
            else "",
            "So a link seen in health records may have other causes."
            if verdict in ("not supported", "insufficient evidence")
            else "",
            certainty_sentence(certainty.level),
        )
    return _rule_answer(
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


# --- therapy ---------------------------------------------------------------------------------


def _therapy_answer(q: Question, evidence: EvidenceBase) -> Answer:
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
            f"A {'large ' if large else ''}trial is still running, and its results are not out yet."
            if pending
            else "",
            "Earlier studies looked mainly at safety or had no comparison group, so they could "
            "not show if it works."
            if early and verdict == "insufficient evidence"
            else "",
            certainty_sentence(certainty.level),
        )
    else:
        verdict, reason, certainty = class_verdict(per_drug)
        worse = [f for f in per_drug if f.verdict == "contradicted"]
        failed = [f for f in per_drug if f.verdict in ("not supported", "contradicted")]
        untested = [f for f in per_drug if f.verdict == "insufficient evidence"]
        pending = [f for f in findings if f.outcome == "not yet known" and f.efficacy_tested]
        plain = plain_text(
            verdict_sentence(verdict, q.category),
            f"{len(failed)} drugs that act on the immune system did not work in careful trials."
            if len(failed) > 1
            else "",
            f"{len(worse)} of these made ALS worse." if len(worse) > 1 else "",
            "One of these made ALS worse." if len(worse) == 1 else "",
            f"{len(untested)} others have not been fully tested yet." if untested else "",
            "Some trials are still running." if pending else "",
            certainty_sentence(certainty.level),
        )
    return _rule_answer(
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


# --- biomarkers, neuroinflammation, involvement -----------------------------------------------


def _biomarker_answer(q: Question, evidence: EvidenceBase) -> Answer:
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
        "Some immune blood and spinal fluid tests go along with faster ALS or shorter life."
        if verdict in ("supported", "partly supported")
        else "",
        "Most were seen in one group of patients only." if verdict == "partly supported" else "",
        "Markers of nerve damage, such as neurofilament, were also linked to the course of ALS."
        if comparators
        else "",
        certainty_sentence(certainty.level),
    )
    return _rule_answer(
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


def _significant_studies(records: Sequence[ImmuneBiomarker]) -> list[str]:
    return sorted({r.study_id for r in records if is_significant(r)})


def _neuroinflammation_answer(q: Question, evidence: EvidenceBase) -> Answer:
    markers = [
        r
        for r in evidence.immune_biomarkers
        if r.immune and ("progression" in r.predicts or "survival" in r.predicts)
    ]
    assoc_studies = _significant_studies(markers)
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
        "Signs of inflammation go along with faster ALS in some studies. But drugs that calm "
        "inflammation have not slowed ALS. So inflammation may follow the disease rather than "
        "drive it."
        if verdict == "partly supported"
        else "",
        certainty_sentence(certainty.level),
    )
    return _rule_answer(
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


def _involvement_answer(q: Question, evidence: EvidenceBase) -> Answer:
    levels = [r for r in evidence.immune_biomarkers if r.immune and "diagnosis" in r.predicts]
    altered = _significant_studies(levels)
    prognostic = [
        r
        for r in evidence.immune_biomarkers
        if r.immune and any(o in r.predicts for o in PROGNOSTIC_OUTCOMES)
    ]
    prog_studies = _significant_studies(prognostic)
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
        "People with ALS often have signs of inflammation in blood and spinal fluid. This "
        "shows the immune system takes part. It does not show that it causes ALS."
        if verdict in ("supported", "partly supported")
        else "",
        certainty_sentence(certainty.level),
    )
    return _rule_answer(
        q,
        verdict,
        reason,
        certainty,
        used,
        plain,
        biomarkers=tuple(biomarker_finding(r) for r in [*levels, *prognostic]),
        criteria=criteria,
    )


# --- shared genetics ---------------------------------------------------------------------------


def _shared_genetics_answer(q: Question, evidence: EvidenceBase) -> Answer:
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
        certainty_sentence(certainty.level),
    )
    return _rule_answer(
        q,
        verdict,
        reason,
        certainty,
        used,
        plain,
        shared_genes=genes,
    )


# --- classification -----------------------------------------------------------------------------


def _classification_answer(q: Question, evidence: EvidenceBase) -> Answer:
    auto = [r for r in evidence.immune_biomarkers if r.autoantibody]
    auto_sig = _significant_studies(auto)
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
    mr_answer = _mr_answer(mr_q, evidence, immune_traits=False)
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
            mr_answer.verdict in ("supported", "partly supported"),
            f"{mr_answer.verdict}: {mr_answer.verdict_reason}",
            tuple(f.record_id for f in (mr_answer.mr.findings if mr_answer.mr else ())),
        ),
    )
    met = [c for c in criteria if c.met]
    against = [
        v for v in (therapy_verdict, mr_answer.verdict) if v in ("not supported", "contradicted")
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
    lines = [therapy_certainty, mr_answer.certainty]
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
        RecordUse(f.record_id, "mr", "criterion", "MR of autoimmune liability")
        for f in (mr_answer.mr.findings if mr_answer.mr else ())
    ]
    plain = plain_text(
        "The evidence does not support calling ALS an autoimmune disease."
        if verdict == "not supported"
        else verdict_sentence(verdict),
        "In an autoimmune disease, the immune system attacks the body by mistake.",
        "In ALS, no such attack has been shown to cause the disease." if not met else "",
        "Drugs that calm the immune system have not slowed ALS."
        if therapy_verdict in ("not supported", "contradicted")
        else "",
        "Gene-based studies found no sign that autoimmune disease causes ALS."
        if mr_answer.verdict == "not supported"
        else "",
        "The immune system does react in ALS. That is a separate question.",
        certainty_sentence(certainty.level),
    )
    return _rule_answer(
        q,
        verdict,
        reason,
        certainty,
        used,
        plain,
        mr=mr_answer.mr,
        drug_findings=per_drug,
        biomarkers=tuple(biomarker_finding(r) for r in auto),
        criteria=criteria,
    )


# --- entry points ----------------------------------------------------------------------------


def _dispatch(q: Question, evidence: EvidenceBase) -> Answer:
    if q.category == "epidemiology":
        return _epi_answer(q, evidence)
    if q.category == "causal":
        return _mr_answer(q, evidence, immune_traits=q.id == "immune_traits_mr")
    if q.category == "therapy":
        return _therapy_answer(q, evidence)
    if q.category == "biomarkers":
        return _biomarker_answer(q, evidence)
    if q.category == "neuroinflammation":
        return _neuroinflammation_answer(q, evidence)
    if q.category == "shared genetics":
        return _shared_genetics_answer(q, evidence)
    if q.id == "immune_involvement":
        return _involvement_answer(q, evidence)
    return _classification_answer(q, evidence)


def answer(question_id: str, evidence: EvidenceBase | None = None) -> Answer:
    """Answer one catalogue question.

    Parameters
    ----------
    question_id
        Id of a question in :data:`~alsatlas.synthesis.questions.QUESTIONS`.
    evidence
        Evidence base; ``None`` loads the shipped one (:func:`alsatlas.evidence.load_evidence`).

    Raises
    ------
    AlsatlasInputError
        For an unknown question id.
    """
    q = question(question_id)
    return _dispatch(q, load_evidence() if evidence is None else evidence)


def answer_all(evidence: EvidenceBase | None = None) -> tuple[Answer, ...]:
    """Answer every catalogue question, in catalogue order (loads the evidence once)."""
    base = load_evidence() if evidence is None else evidence
    return tuple(_dispatch(q, base) for q in QUESTIONS)


__all__ = ["answer", "answer_all"]
