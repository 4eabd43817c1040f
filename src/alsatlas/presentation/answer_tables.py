"""Tables of the answered questions, read field by field from the synthesis result objects.

Each function takes the :class:`~alsatlas.synthesis.answer.Answer` objects (and, for links to
the reference list, a map from record id to study id) and returns one
:class:`~alsatlas.presentation.tables.Table` whose rows carry a ``question_id`` column; the HTML
shows each question's slice of it, and the exports hold all of it. No number is computed here: every
value is a field of a synthesis object, copied as it is.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from alsatlas.evidence.vocabulary import diseases
from alsatlas.presentation.tables import Column, Row, Table
from alsatlas.synthesis.answer import (
    Answer,
    PooledEstimate,
    biomarkers_of,
    criteria_of,
    drug_findings_of,
    mr_of,
    pooled_of,
    pooled_terms_of,
    shared_genes_of,
    trials_of,
    votes_of,
)

QID = Column("question_id", "Question id")


def _label(term: str) -> str:
    disease = diseases().get(term)
    return disease.label if disease is not None else term


def _join(values: Iterable[str]) -> str:
    return "; ".join(values)


def answers_table(answers: tuple[Answer, ...]) -> Table:
    """One row per question: verdict, certainty, headline estimate and vote tally."""
    rows: list[Row] = []
    for a in answers:
        p = pooled_of(a)
        rows.append(
            {
                "question_id": a.question.id,
                "question": a.question.title,
                "category": a.question.category,
                "claim": a.question.claim,
                "verdict": a.verdict,
                "verdict_reason": a.verdict_reason,
                "certainty": a.certainty.level,
                "certainty_start": a.certainty.start,
                "term": p.term if p else None,
                "measure": p.measure if p else None,
                "k": p.k if p else None,
                "estimate": p.estimate if p else None,
                "ci_lb": p.ci_lb if p else None,
                "ci_ub": p.ci_ub if p else None,
                "I2": p.I2 if p else None,
                "votes_increased": votes_of(a).increased,
                "votes_decreased": votes_of(a).decreased,
                "votes_null": votes_of(a).null,
                "records_used": len(a.used),
                "records_excluded": len(a.excluded),
                "technical_summary": a.technical_summary,
                "plain_summary": a.plain_summary,
            }
        )
    return Table(
        "answers",
        "Verdict, certainty and headline estimate of every question",
        (
            QID,
            Column("question", "Question"),
            Column("category", "Line of evidence"),
            Column("claim", "Claim graded"),
            Column("verdict", "Verdict"),
            Column("verdict_reason", "Why"),
            Column("certainty", "Certainty"),
            Column("certainty_start", "Starting certainty"),
            Column("term", "Headline term"),
            Column("measure", "Measure"),
            Column("k", "k", "int"),
            Column("estimate", "Estimate", "number"),
            Column("ci_lb", "95% CI lower", "number"),
            Column("ci_ub", "95% CI upper", "number"),
            Column("I2", "I²", "percent", 1),
            Column("votes_increased", "Votes: increased", "int"),
            Column("votes_decreased", "Votes: decreased", "int"),
            Column("votes_null", "Votes: no association", "int"),
            Column("records_used", "Records used", "int"),
            Column("records_excluded", "Records excluded", "int"),
            Column("technical_summary", "Technical summary"),
            Column("plain_summary", "Plain-language summary"),
        ),
        tuple(rows),
    )


def grade_steps_table(answers: tuple[Answer, ...]) -> Table:
    """Each question's certainty grade: its start by design, then every step and its reason."""
    rows: list[Row] = []
    for a in answers:
        c = a.certainty
        rows.append(
            {
                "question_id": a.question.id,
                "step": 0,
                "domain": "starting level",
                "change": None,
                "level": c.start,
                "reason": c.start_reason,
            }
        )
        for i, step in enumerate(c.grade_steps, start=1):
            rows.append(
                {
                    "question_id": a.question.id,
                    "step": i,
                    "domain": step.domain,
                    "change": step.change,
                    "level": None,
                    "reason": step.reason,
                }
            )
        rows.append(
            {
                "question_id": a.question.id,
                "step": len(c.grade_steps) + 1,
                "domain": "final certainty",
                "change": None,
                "level": c.level,
                "reason": "",
            }
        )
    return Table(
        "grade_steps",
        "Certainty grade: the starting level set by study design, each step up or down with its "
        "reason, and the final level",
        (
            QID,
            Column("step", "Step", "int"),
            Column("domain", "Domain"),
            Column("change", "Change", "signed"),
            Column("level", "Level"),
            Column("reason", "Reason"),
        ),
        tuple(rows),
    )


def _pooled_of(answer: Answer) -> tuple[PooledEstimate, ...]:
    terms = pooled_terms_of(answer)
    if terms:
        return terms
    headline = pooled_of(answer)
    return (headline,) if headline is not None else ()


def pooled_table(answers: tuple[Answer, ...]) -> Table:
    """Pooled (or single) estimates per disease term, then their sensitivity analyses."""
    rows: list[Row] = []
    for a in answers:
        for p in _pooled_of(a):
            rows.append(
                {
                    "question_id": a.question.id,
                    "term": p.term,
                    "disease": _label(p.term),
                    "analysis": "main",
                    "measure": p.measure,
                    "k": p.k,
                    "estimate": p.estimate,
                    "ci_lb": p.ci_lb,
                    "ci_ub": p.ci_ub,
                    "pi_lb": p.pi_lb,
                    "pi_ub": p.pi_ub,
                    "I2": p.I2,
                    "tau2": p.tau2,
                    "pval": p.pval,
                    "QEp": p.QEp,
                    "regtest_pval": p.regtest_pval,
                    "method": p.method,
                    "test": p.test,
                    "note": p.note,
                }
            )
            for s in p.sensitivity:
                rows.append(
                    {
                        "question_id": a.question.id,
                        "term": p.term,
                        "disease": _label(p.term),
                        "analysis": s.name,
                        "measure": p.measure,
                        "k": s.k,
                        "estimate": s.estimate,
                        "ci_lb": s.ci_lb,
                        "ci_ub": s.ci_ub,
                        "pi_lb": None,
                        "pi_ub": None,
                        "I2": None,
                        "tau2": None,
                        "pval": None,
                        "QEp": None,
                        "regtest_pval": None,
                        "method": s.method,
                        "test": s.test,
                        "note": _join(x for x in (s.description, s.note) if x),
                    }
                )
    return Table(
        "pooled_estimates",
        "Pooled estimates (random effects on the log scale, back-transformed) and sensitivity "
        "analyses; k = 1 is a single published estimate",
        (
            QID,
            Column("term", "Disease term", show=False),
            Column("disease", "Disease"),
            Column("analysis", "Analysis"),
            Column("measure", "Measure"),
            Column("k", "k", "int"),
            Column("estimate", "Estimate", "number"),
            Column("ci_lb", "95% CI lower", "number"),
            Column("ci_ub", "95% CI upper", "number"),
            Column("pi_lb", "95% PI lower", "number", show=False),
            Column("pi_ub", "95% PI upper", "number", show=False),
            Column("I2", "I²", "percent", 1),
            Column("tau2", "τ²", "number", 4),
            Column("pval", "p", "pvalue"),
            Column("QEp", "Q test p", "pvalue", show=False),
            Column("regtest_pval", "Egger test p", "pvalue"),
            Column("method", "τ² method", show=False),
            Column("test", "Test", show=False),
            Column("note", "Note"),
        ),
        tuple(rows),
    )


def study_rows_table(answers: tuple[Answer, ...], study_of: Mapping[str, str]) -> Table:
    """The estimates inside each pooled analysis, with their weights."""
    rows: list[Row] = []
    for a in answers:
        for p in _pooled_of(a):
            for r in p.rows:
                rows.append(
                    {
                        "question_id": a.question.id,
                        "term": p.term,
                        "disease": _label(p.term),
                        "record_id": r.record_id,
                        "study": r.label,
                        "reference": study_of.get(r.record_id),
                        "measure": r.measure,
                        "estimate": r.estimate,
                        "ci_lb": r.ci_lb,
                        "ci_ub": r.ci_ub,
                        "weight": r.weight,
                        "design": r.design,
                        "has_lag": r.has_lag,
                        "overlap_group": r.overlap_group,
                    }
                )
    return Table(
        "study_rows",
        "Study estimates entering each pooled analysis, with random-effects weights",
        (
            QID,
            Column("term", "Disease term", show=False),
            Column("disease", "Disease"),
            Column("study", "Study"),
            Column("reference", "Reference", "ref"),
            Column("record_id", "Record", "record", show=False),
            Column("measure", "Measure"),
            Column("estimate", "Estimate", "number"),
            Column("ci_lb", "95% CI lower", "number"),
            Column("ci_ub", "95% CI upper", "number"),
            Column("weight", "Weight", "percent", 1),
            Column("design", "Design"),
            Column("has_lag", "Lag before ALS"),
            Column("overlap_group", "Overlap group"),
        ),
        tuple(rows),
    )


def votes_table(answers: tuple[Answer, ...], study_of: Mapping[str, str]) -> Table:
    """Every independent finding counted in the vote tally, numeric and direction-only."""
    rows: list[Row] = [
        {
            "question_id": a.question.id,
            "record_id": v.record_id,
            "study": v.label,
            "reference": study_of.get(v.record_id),
            "term": v.term,
            "disease": _label(v.term),
            "direction": v.direction,
            "numeric": v.numeric,
            "reason": v.reason,
        }
        for a in answers
        for v in votes_of(a).votes
    ]
    return Table(
        "votes",
        "Vote tally: independent findings by direction (direction-only records count here, "
        "never in a pooled number)",
        (
            QID,
            Column("study", "Study"),
            Column("reference", "Reference", "ref"),
            Column("record_id", "Record", "record", show=False),
            Column("term", "Disease term", show=False),
            Column("disease", "Disease"),
            Column("direction", "Direction"),
            Column("numeric", "Has a number"),
            Column("reason", "Note"),
        ),
        tuple(rows),
    )


def records_table(
    answers: tuple[Answer, ...], study_of: Mapping[str, str], level_of: Mapping[str, str]
) -> Table:
    """Every record considered for a question: how it was used, or why it was left out, and
    the kind of page its content was read on (primary, secondary, unverified)."""
    rows: list[Row] = []
    for a in answers:
        for u in a.used:
            rows.append(
                {
                    "question_id": a.question.id,
                    "record_id": u.record_id,
                    "reference": study_of.get(u.record_id),
                    "source": level_of.get(u.record_id),
                    "kind": u.kind,
                    "status": "used",
                    "role": u.role,
                    "reason": u.reason,
                }
            )
        for e in a.excluded:
            rows.append(
                {
                    "question_id": a.question.id,
                    "record_id": e.record_id,
                    "reference": study_of.get(e.record_id),
                    "source": level_of.get(e.record_id),
                    "kind": e.kind,
                    "status": "excluded",
                    "role": None,
                    "reason": e.reason,
                }
            )
    return Table(
        "records",
        "Records considered: how each was used, or the rule that left it out",
        (
            QID,
            Column("record_id", "Record", "record"),
            Column("reference", "Reference", "ref"),
            Column("source", "Read on"),
            Column("kind", "Kind"),
            Column("status", "Status"),
            Column("role", "Role"),
            Column("reason", "Reason"),
        ),
        tuple(rows),
    )


PROVENANCE_LEVELS = ("primary", "secondary", "unverified")


def provenance_table(answers: tuple[Answer, ...], level_of: Mapping[str, str]) -> Table:
    """Per question: how many of the records it used were read on primary pages (PubMed,
    PMC, publisher, trial registry), on secondary pages (mirrors, aggregators), or not
    confirmed."""
    rows: list[Row] = []
    for a in answers:
        used = {u.record_id for u in a.used}
        counts = {level: 0 for level in PROVENANCE_LEVELS}
        for rid in used:
            level = level_of.get(rid)
            if level in counts:
                counts[level] += 1
        share = 100.0 * counts["primary"] / len(used) if used else None
        rows.append(
            {"question_id": a.question.id, "used": len(used), **counts, "primary_share": share}
        )
    return Table(
        "provenance",
        "Where the records behind each answer were read: primary pages (PubMed, PMC, the "
        "publisher, the trial registry) or secondary copies",
        (
            QID,
            Column("used", "Records used", "int"),
            Column("primary", "Primary", "int"),
            Column("secondary", "Secondary", "int"),
            Column("unverified", "Unverified", "int"),
            Column("primary_share", "Primary share", "percent", 0),
        ),
        tuple(rows),
    )


def mr_table(answers: tuple[Answer, ...], study_of: Mapping[str, str]) -> Table:
    """Mendelian randomization findings on each question's diseases."""
    rows: list[Row] = []
    for a in answers:
        mr = mr_of(a)
        if mr is None:
            continue
        for f in mr.findings:
            rows.append(
                {
                    "question_id": a.question.id,
                    "record_id": f.record_id,
                    "study": f.label,
                    "reference": study_of.get(f.record_id),
                    "exposure": f.exposure,
                    "outcome": f.outcome,
                    "orientation": f.orientation,
                    "method": f.method,
                    "n_snps": f.n_snps,
                    "measure": f.measure,
                    "estimate": f.estimate,
                    "ci_lb": f.ci_lb,
                    "ci_ub": f.ci_ub,
                    "p_value": f.p_text,
                    "direction": f.direction,
                    "precise_null": f.precise_null,
                    "certainty": f.certainty.level,
                    "verification": f.verification,
                }
            )
    return Table(
        "mr_results",
        "Mendelian randomization results (two-sample, published summary estimates)",
        (
            QID,
            Column("study", "Study", show=False),
            Column("reference", "Reference", "ref"),
            Column("record_id", "Record", "record", show=False),
            Column("exposure", "Exposure"),
            Column("outcome", "Outcome"),
            Column("orientation", "Direction of analysis"),
            Column("method", "Method"),
            Column("n_snps", "SNPs", "int"),
            Column("measure", "Measure"),
            Column("estimate", "Estimate", "number", 3),
            Column("ci_lb", "95% CI lower", "number", 3),
            Column("ci_ub", "95% CI upper", "number", 3),
            Column("p_value", "p"),
            Column("direction", "Finding"),
            Column("precise_null", "Precise null"),
            Column("certainty", "Certainty", "certainty"),
            Column("verification", "Verification"),
        ),
        tuple(rows),
    )


def trials_table(answers: tuple[Answer, ...], study_of: Mapping[str, str]) -> Table:
    """Immune-targeting trials, each with what it tested and found."""
    rows: list[Row] = [
        {
            "question_id": a.question.id,
            "record_id": t.record_id,
            "reference": study_of.get(t.record_id),
            "drug": t.drug_as_named,
            "trial": t.trial_name,
            "registry_id": t.registry_id,
            "phase": t.phase,
            "n_participants": t.n_participants,
            "randomised": t.randomised,
            "endpoint_type": t.endpoint_type,
            "efficacy_tested": t.efficacy_tested,
            "efficacy_signal": t.efficacy_signal,
            "status": t.status,
            "outcome": t.outcome,
            "primary_result": t.primary_result.replace("_", " "),
            "other_analyses": t.other_analyses or None,
            "result_summary": t.result_summary,
        }
        for a in answers
        for t in trials_of(a)
    ]
    return Table(
        "trials",
        "Immune-targeting clinical trials in ALS",
        (
            QID,
            Column("drug", "Drug"),
            Column("trial", "Trial"),
            Column("registry_id", "Registry", "nct"),
            Column("phase", "Phase"),
            Column("n_participants", "n", "int"),
            Column("randomised", "Randomised"),
            Column("efficacy_tested", "Efficacy tested"),
            Column("outcome", "Outcome"),
            Column("primary_result", "Pre-specified primary analysis"),
            Column("other_analyses", "Other analyses"),
            Column("result_summary", "Result"),
            Column("endpoint_type", "Primary endpoint"),
            Column("status", "Status"),
            Column("reference", "Reference", "ref"),
            Column("record_id", "Record", "record", show=False),
            Column("efficacy_signal", "Efficacy signal", show=False),
        ),
        tuple(rows),
    )


def drug_findings_table(answers: tuple[Answer, ...]) -> Table:
    """Verdict and certainty for each drug across its trials."""
    rows: list[Row] = [
        {
            "question_id": a.question.id,
            "drug": d.label,
            "verdict": d.verdict,
            "certainty": d.certainty.level,
            "reason": d.reason,
            "trials": len(d.trial_ids),
            "trial_records": _join(d.trial_ids),
        }
        for a in answers
        for d in drug_findings_of(a)
    ]
    return Table(
        "drug_findings",
        "Verdict by drug across its trials",
        (
            QID,
            Column("drug", "Drug"),
            Column("verdict", "Verdict", "verdict"),
            Column("certainty", "Certainty", "certainty"),
            Column("trials", "Trials", "int"),
            Column("reason", "Why"),
            Column("trial_records", "Trial records", "record"),
        ),
        tuple(rows),
    )


def biomarkers_table(answers: tuple[Answer, ...], study_of: Mapping[str, str]) -> Table:
    """Immune biomarkers and what each predicted."""
    rows: list[Row] = [
        {
            "question_id": a.question.id,
            "record_id": b.record_id,
            "reference": study_of.get(b.record_id),
            "marker": b.marker,
            "study": b.label,
            "predicts": _join(b.predicts),
            "measure": b.measure,
            "estimate": b.estimate,
            "ci_lb": b.ci_lb,
            "ci_ub": b.ci_ub,
            "p_value": b.p_text,
            "direction": b.direction,
            "significant": b.significant,
            "cohort_n": b.cohort_n,
            "immune": b.immune,
            "verification": b.verification,
        }
        for a in answers
        for b in biomarkers_of(a)
    ]
    return Table(
        "biomarkers",
        "Immune and inflammatory biomarkers of ALS onset, progression and survival",
        (
            QID,
            Column("marker", "Marker"),
            Column("study", "Study"),
            Column("reference", "Reference", "ref"),
            Column("predicts", "Predicts"),
            Column("measure", "Measure"),
            Column("estimate", "Estimate", "number", 3),
            Column("ci_lb", "95% CI lower", "number", 3),
            Column("ci_ub", "95% CI upper", "number", 3),
            Column("p_value", "p"),
            Column("direction", "Direction"),
            Column("significant", "Significant"),
            Column("cohort_n", "ALS patients", "int"),
            Column("immune", "Immune marker"),
            Column("record_id", "Record", "record", show=False),
            Column("verification", "Verification"),
        ),
        tuple(rows),
    )


def shared_genes_table(answers: tuple[Answer, ...]) -> Table:
    """Genes implicated in ALS and in an immune trait, with the records that say so."""
    rows: list[Row] = [
        {
            "question_id": a.question.id,
            "gene": g.gene,
            "traits": _join(g.traits),
            "relation": g.relation,
            "records": _join(g.record_ids),
        }
        for a in answers
        for g in shared_genes_of(a)
    ]
    return Table(
        "shared_genes",
        "Genes shared by ALS and immune-mediated traits",
        (
            QID,
            Column("gene", "Gene"),
            Column("traits", "Immune traits"),
            Column("relation", "Relation"),
            Column("records", "Records", "record"),
        ),
        tuple(rows),
    )


def criteria_table(answers: tuple[Answer, ...]) -> Table:
    """Criteria checked for the classification questions (is ALS autoimmune?)."""
    rows: list[Row] = [
        {
            "question_id": a.question.id,
            "criterion": c.name,
            "met": c.met,
            "reason": c.reason,
            "records": _join(c.record_ids),
        }
        for a in answers
        for c in criteria_of(a)
    ]
    return Table(
        "criteria",
        "Criteria checked for classifying ALS, whether each is met, and why",
        (
            QID,
            Column("criterion", "Criterion"),
            Column("met", "Met"),
            Column("reason", "Why"),
            Column("records", "Records", "record"),
        ),
        tuple(rows),
    )


__all__ = [
    "PROVENANCE_LEVELS",
    "answers_table",
    "biomarkers_table",
    "criteria_table",
    "drug_findings_table",
    "grade_steps_table",
    "mr_table",
    "pooled_table",
    "provenance_table",
    "records_table",
    "shared_genes_table",
    "study_rows_table",
    "trials_table",
    "votes_table",
]
