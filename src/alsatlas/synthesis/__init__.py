"""alsatlas.synthesis: questions, evidence selection, pooling, verdicts and certainty grades.

This is the only layer that knows the rules. The CLI, the HTML report and any other face call
the functions below, so a number can never differ between them.

Public API (the contract)
-------------------------
Entry points
    ``answer_all(evidence: EvidenceBase | None = None) -> tuple[Answer, ...]`` answers every
    question of :data:`QUESTIONS` in catalogue order; ``answer(question_id, evidence=None) ->
    Answer`` answers one (unknown ids raise :class:`~alsatlas.errors.AlsatlasInputError`).
    ``evidence=None`` loads the shipped evidence base once.
Catalogue
    :data:`QUESTIONS` (tuple of :class:`Question`: ``id, title, plain, category, claim,
    claim_direction, terms, drugs``); ``question(id)``.
Rules
    :data:`RULES` (tuple of :class:`Rule`: ``id, topic, text``) and ``methods_text()`` (the
    methods section, one paragraph per topic). Every threshold is a constant of
    :mod:`alsatlas.synthesis.rules`.
Result objects (frozen dataclasses; each has ``to_dict()`` giving JSON-ready values)
    :class:`Answer` (the common core) and one subclass per kind of question
        The core: ``question``; ``verdict`` (one of :data:`VERDICTS`: ``"supported"``,
        ``"partly supported"``, ``"not supported"`` (evidence of no effect),
        ``"contradicted"``, ``"insufficient evidence"``) and ``verdict_reason`` (the rule that
        fired); ``certainty`` (:class:`Certainty`: ``level`` in high / moderate / low / very
        low, ``start``, ``start_reason``, ``grade_steps`` of :class:`GradeStep` ``domain,
        change (−2..+2), reason``); ``used`` (:class:`RecordUse`) and ``excluded``
        (:class:`Exclusion`, with reasons); ``technical_summary``, ``plain_summary`` (short
        sentences, reading grade ≤ 8); ``record_ids``. The parts of each kind:
        :class:`EpidemiologyAnswer` ``pooled`` (headline :class:`PooledEstimate` or ``None``),
        ``pooled_by_term``, ``votes`` (:class:`VoteTally`), ``mr``; :class:`MRAnswer` ``mr``
        (:class:`MRSummary` of :class:`MRFinding`, each with its own MR-rubric certainty);
        :class:`TherapyAnswer` ``trials`` (:class:`TrialFinding`), ``drug_findings``
        (:class:`DrugFinding`); :class:`BiomarkerAnswer` ``biomarkers``, ``drug_findings``,
        ``criteria``; :class:`GeneticsAnswer` ``shared_genes``; :class:`ClassificationAnswer`
        ``criteria``, ``biomarkers``, ``drug_findings``, ``mr``. ``pooled_of(a)``,
        ``votes_of(a)``, ``mr_of(a)``, ... read a part from any answer (empty for a kind that
        has none).
    :class:`PooledEstimate`
        ``term, measure, k, estimate, ci_lb, ci_ub, pi_lb, pi_ub, I2, tau2, pval, QEp, method,
        test, rows`` (:class:`StudyRow` with ``weight`` in percent, ``yi``/``vi`` on the log
        scale, ``design_class``, ``has_lag``), ``sensitivity`` (:class:`SensitivityAnalysis`:
        HKSJ, lag only, by design, with caution rows), ``regtest_pval``, ``note``. Ratio values
        on the natural scale. For k = 1 it holds the single published estimate (model fields
        ``None``).
"""

from alsatlas.synthesis.answer import (
    CERTAINTY_LEVELS,
    VERDICTS,
    Answer,
    AnyAnswer,
    BiomarkerAnswer,
    BiomarkerFinding,
    Certainty,
    CertaintyLevel,
    ClassificationAnswer,
    Criterion,
    DrugFinding,
    EpidemiologyAnswer,
    Exclusion,
    GeneticsAnswer,
    GradeStep,
    MRAnswer,
    MRFinding,
    MRSummary,
    PooledEstimate,
    Question,
    QuestionCategory,
    RecordUse,
    SensitivityAnalysis,
    SharedGene,
    StudyRow,
    TherapyAnswer,
    TrialFinding,
    Verdict,
    Vote,
    VoteDirection,
    VoteTally,
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
from alsatlas.synthesis.dispatch import answer, answer_all
from alsatlas.synthesis.questions import QUESTIONS, question
from alsatlas.synthesis.rules import RULES, Rule, methods_text

__all__ = [
    "CERTAINTY_LEVELS",
    "QUESTIONS",
    "RULES",
    "VERDICTS",
    "Answer",
    "AnyAnswer",
    "BiomarkerAnswer",
    "BiomarkerFinding",
    "Certainty",
    "CertaintyLevel",
    "ClassificationAnswer",
    "Criterion",
    "DrugFinding",
    "EpidemiologyAnswer",
    "Exclusion",
    "GeneticsAnswer",
    "GradeStep",
    "MRAnswer",
    "MRFinding",
    "MRSummary",
    "PooledEstimate",
    "Question",
    "QuestionCategory",
    "RecordUse",
    "Rule",
    "SensitivityAnalysis",
    "SharedGene",
    "StudyRow",
    "TherapyAnswer",
    "TrialFinding",
    "Verdict",
    "Vote",
    "VoteDirection",
    "VoteTally",
    "answer",
    "answer_all",
    "biomarkers_of",
    "criteria_of",
    "drug_findings_of",
    "methods_text",
    "mr_of",
    "pooled_of",
    "pooled_terms_of",
    "question",
    "shared_genes_of",
    "trials_of",
    "votes_of",
]
