"""Result objects of the synthesis layer: what an answered question holds.

Everything here is a frozen dataclass with a ``to_dict()`` that gives plain JSON-ready values
(numbers, strings, lists, dicts), so the CLI, the HTML report and any export read the same
numbers. Ratio estimates are on the natural scale; ``yi``/``vi`` on the log scale.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, is_dataclass
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field

from alsatlas.stats.rma import RMAResult

Verdict = Literal[
    "supported",
    "partly supported",
    "not supported",
    "contradicted",
    "insufficient evidence",
]
"""The five verdicts. ``not supported`` means evidence of no effect (a precise null), not
absence of evidence, which is ``insufficient evidence``."""

VERDICTS: tuple[Verdict, ...] = (
    "supported",
    "partly supported",
    "not supported",
    "contradicted",
    "insufficient evidence",
)

CertaintyLevel = Literal["high", "moderate", "low", "very low"]
CERTAINTY_LEVELS: tuple[CertaintyLevel, ...] = ("very low", "low", "moderate", "high")
"""Certainty levels from lowest (score 1) to highest (score 4)."""

VoteDirection = Literal["increased", "decreased", "null"]

QuestionKind = Literal[
    "epidemiology",
    "mr_autoimmune",
    "mr_immune_traits",
    "shared_genetics",
    "neuroinflammation",
    "therapy",
    "biomarkers",
    "immune_involvement",
    "classification",
]
"""Which line of evidence answers a question (one module of :mod:`alsatlas.synthesis.lines`
each)."""

QuestionCategory = Literal[
    "classification",
    "epidemiology",
    "causal",
    "shared genetics",
    "neuroinflammation",
    "therapy",
    "biomarkers",
]


def _plain(value: object) -> Any:
    """JSON-ready copy of a dataclass / tuple / pydantic model / scalar."""
    if is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: _plain(getattr(value, f.name))
            for f in fields(value)
            if f.metadata.get("export", True)
        }
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    dump = getattr(value, "model_dump", None)
    if callable(dump):
        return dump(mode="json")
    return value


class _AsDict:
    """Mixin: ``to_dict()`` for frozen dataclasses."""

    def to_dict(self) -> dict[str, Any]:
        """Plain, JSON-ready dict of every field (nested objects included)."""
        out = _plain(self)
        assert isinstance(out, dict)
        return out


def format_p(value: float | None, qualifier: str = "=") -> str | None:
    """A p-value for display: ``0.03`` -> ``"0.03"``, (0.001, ``"<"``) -> ``"<0.001"``.

    >>> format_p(0.001, "<"), format_p(3.8e-13), format_p(None)
    ('<0.001', '3.8e-13', None)
    """
    if value is None:
        return None
    text = f"{value:.2g}" if value < 1e-4 else f"{value:g}"
    return text if qualifier == "=" else f"{qualifier}{text}"


@dataclass(frozen=True)
class Question(_AsDict):
    """A canonical question of the catalogue.

    Attributes
    ----------
    id
        Stable identifier (``sle_als_risk``).
    title
        Short technical title.
    plain
        The question in plain words, as a patient would ask it.
    category
        Which line of evidence answers it.
    claim
        The checkable statement whose support the verdict grades (``Lupus raises the risk of
        ALS.``). A verdict is always about this claim.
    claim_direction
        ``increased`` when the claim is that a ratio is above 1, ``decreased`` below 1.
    terms
        Disease vocabulary terms whose records answer the question (epidemiology, MR); each
        term is pooled on its own.
    drugs
        Drug vocabulary terms (therapy questions); empty means every immune-targeting drug.
    kind
        The line of evidence that answers it (:data:`QuestionKind`).
    plain_name
        The exposure as plain sentences name it (``lupus (SLE)``), for epidemiology questions.
    """

    id: str
    title: str
    plain: str
    category: QuestionCategory
    claim: str
    claim_direction: VoteDirection = "increased"
    terms: tuple[str, ...] = ()
    drugs: tuple[str, ...] = ()
    kind: QuestionKind = "classification"
    plain_name: str = ""


@dataclass(frozen=True)
class GradeStep(_AsDict):
    """One step of a certainty grade: a domain, a change (−2..+2) and why."""

    domain: str
    change: int
    reason: str


@dataclass(frozen=True)
class Certainty(_AsDict):
    """A derived certainty grade.

    ``start`` is the level set by the design of the evidence (observational: low; randomised:
    high; Mendelian randomization: its own rubric), ``grade_steps`` the changes applied in
    order; ``level`` is the result, clamped to very low .. high.
    """

    level: CertaintyLevel
    start: CertaintyLevel
    start_reason: str
    grade_steps: tuple[GradeStep, ...]

    @property
    def score(self) -> int:
        """1 (very low) .. 4 (high)."""
        return CERTAINTY_LEVELS.index(self.level) + 1


@dataclass(frozen=True)
class StudyRow(_AsDict):
    """One estimate that entered a pooled analysis, with its weight (percent of the total)."""

    record_id: str
    label: str
    measure: str
    estimate: float
    ci_lb: float
    ci_ub: float
    yi: float
    vi: float
    weight: float
    design: str
    design_class: Literal["cohort", "case-control", "other"]
    has_lag: bool
    overlap_group: str | None
    author_caveats: tuple[str, ...] = ()


@dataclass(frozen=True)
class SensitivityAnalysis(_AsDict):
    """A re-analysis on a subset of rows, or with another test.

    ``pooled`` is ``None`` when no row is left; ``note`` says what was done and why.
    """

    name: str
    description: str
    record_ids: tuple[str, ...]
    k: int
    estimate: float | None
    ci_lb: float | None
    ci_ub: float | None
    method: str | None
    test: str | None
    note: str = ""


@dataclass(frozen=True)
class PooledEstimate(_AsDict):
    """A pooled (or, for k = 1, single) estimate for one disease term.

    For k ≥ 2 the numbers are those of :func:`alsatlas.stats.rma` (random effects, REML τ²,
    Wald-type z test) on the log scale, back-transformed: ``estimate``, ``ci_lb``/``ci_ub``,
    prediction interval ``pi_lb``/``pi_ub``, ``I2`` (percent), ``tau2``. For k = 1 the single
    estimate is reported as published and the model fields are ``None``. ``fit`` is the fitted
    model itself (``None`` for k = 1), so that figures draw the very model these numbers come
    from; it is left out of ``to_dict()`` and of equality.
    """

    term: str
    measure: str
    k: int
    estimate: float
    ci_lb: float
    ci_ub: float
    pi_lb: float | None
    pi_ub: float | None
    I2: float | None
    tau2: float | None
    pval: float | None
    QEp: float | None
    method: str | None
    test: str | None
    rows: tuple[StudyRow, ...]
    sensitivity: tuple[SensitivityAnalysis, ...] = ()
    regtest_pval: float | None = None
    note: str = ""
    fit: Annotated[RMAResult | None, Field(exclude=True)] = field(
        default=None, compare=False, repr=False, metadata={"export": False}
    )

    # lets pydantic (the web API's response models) carry the fitted model without exporting it
    __pydantic_config__ = ConfigDict(arbitrary_types_allowed=True)

    @property
    def pooled(self) -> bool:
        """``True`` when k ≥ 2 (a model was fitted), ``False`` for a single estimate."""
        return self.k >= 2


@dataclass(frozen=True)
class Vote(_AsDict):
    """One independent finding counted in the vote tally."""

    record_id: str
    label: str
    term: str
    direction: VoteDirection
    numeric: bool
    reason: str
    author_caveats: tuple[str, ...] = ()


@dataclass(frozen=True)
class VoteTally(_AsDict):
    """Counts of independent findings by direction (numeric and direction-only records)."""

    increased: int
    decreased: int
    null: int
    votes: tuple[Vote, ...] = ()

    @property
    def total(self) -> int:
        """Number of votes."""
        return self.increased + self.decreased + self.null

    def count(self, direction: VoteDirection) -> int:
        """Votes in one direction."""
        return {"increased": self.increased, "decreased": self.decreased, "null": self.null}[
            direction
        ]


@dataclass(frozen=True)
class RecordUse(_AsDict):
    """How a record was used (``pooled``, ``vote``, ``sensitivity``, ``context``) and why."""

    record_id: str
    kind: str
    role: str
    reason: str


@dataclass(frozen=True)
class Exclusion(_AsDict):
    """A record that was looked at and left out of the pooled number, with the rule that did it."""

    record_id: str
    kind: str
    reason: str


@dataclass(frozen=True)
class MRFinding(_AsDict):
    """One Mendelian randomization result as the synthesis reads it."""

    record_id: str
    study_id: str
    label: str
    exposure: str
    exposure_term: str | None
    outcome: str
    orientation: str
    method: str | None
    n_snps: int | None
    measure: str | None
    estimate: float | None
    ci_lb: float | None
    ci_ub: float | None
    p_value: float | None
    p_value_qualifier: str
    direction: VoteDirection | None
    precise_null: bool
    verification: str
    outcome_gwas: str | None
    certainty: Certainty

    @property
    def p_text(self) -> str | None:
        """The p-value as reported (``"0.03"``, ``"<0.001"``), or ``None``."""
        return format_p(self.p_value, self.p_value_qualifier)


@dataclass(frozen=True)
class MRSummary(_AsDict):
    """Mendelian randomization results relevant to a question, with a tally by direction."""

    findings: tuple[MRFinding, ...]
    increased: int
    decreased: int
    null: int
    unknown: int
    text: str


@dataclass(frozen=True)
class TrialFinding(_AsDict):
    """One trial as the synthesis reads it."""

    record_id: str
    label: str
    drug: str
    drug_as_named: str
    trial_name: str
    registry_id: str | None
    phase: str
    n_participants: int | None
    randomised: bool
    endpoint_type: str | None
    efficacy_tested: bool
    efficacy_signal: str | None
    status: str
    outcome: Literal[
        "benefit", "subgroup benefit", "secondary benefit", "no benefit", "harm", "not yet known"
    ]
    result_summary: str
    primary_result: str = ""
    """Result of the pre-specified primary analysis (``no_benefit``, ``benefit``, ...)."""
    other_analyses: str = ""
    """The other analyses and their results (``covariate-adjusted Cox: benefit
    (pre-specified adjusted)``), so adjusted and unadjusted results are both shown."""


@dataclass(frozen=True)
class DrugFinding(_AsDict):
    """Verdict and certainty for one drug across its trials."""

    drug: str
    label: str
    verdict: Verdict
    certainty: Certainty
    reason: str
    trial_ids: tuple[str, ...]


@dataclass(frozen=True)
class BiomarkerFinding(_AsDict):
    """One biomarker record as the synthesis reads it."""

    record_id: str
    label: str
    marker: str
    predicts: tuple[str, ...]
    measure: str | None
    estimate: float | None
    ci_lb: float | None
    ci_ub: float | None
    p_value: float | None
    p_value_qualifier: str
    direction: VoteDirection | None
    significant: bool | None
    cohort_n: int | None
    immune: bool
    verification: str

    @property
    def p_text(self) -> str | None:
        """The p-value as reported (``"0.03"``, ``"<0.001"``), or ``None``."""
        return format_p(self.p_value, self.p_value_qualifier)


@dataclass(frozen=True)
class SharedGene(_AsDict):
    """A gene implicated in ALS and in an immune trait, with the records that say so."""

    gene: str
    traits: tuple[str, ...]
    record_ids: tuple[str, ...]
    relation: str


@dataclass(frozen=True)
class Criterion(_AsDict):
    """One criterion checked for a classification question, whether it is met, and why."""

    name: str
    met: bool | None
    reason: str
    record_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Answer(_AsDict):
    """A question answered from the evidence base: the common core every kind of answer has.

    Each line of evidence returns its own subclass with the parts only it has
    (:class:`EpidemiologyAnswer`, :class:`MRAnswer`, :class:`TherapyAnswer`,
    :class:`BiomarkerAnswer`, :class:`GeneticsAnswer`, :class:`ClassificationAnswer`); faces that
    show any answer read those parts through :func:`pooled_of`, :func:`votes_of`,
    :func:`mr_of`, ... which give an empty part for a kind that has none.

    Attributes
    ----------
    question
        The catalogue entry.
    verdict
        One of :data:`VERDICTS`, derived by the rules in :mod:`alsatlas.synthesis.verdict`.
    verdict_reason
        The rule that fired, in words.
    certainty
        GRADE-style grade with every step and its reason.
    used, excluded
        Every record considered, with its role or the reason it was left out.
    technical_summary, plain_summary
        A short technical paragraph, and short plain sentences for patients and families.
    record_ids
        Every record id this answer rests on (used and excluded), in catalogue order.
    """

    question: Question
    verdict: Verdict
    verdict_reason: str
    certainty: Certainty
    used: tuple[RecordUse, ...]
    excluded: tuple[Exclusion, ...]
    technical_summary: str = ""
    plain_summary: str = ""
    record_ids: tuple[str, ...] = field(default=())


EMPTY_VOTES = VoteTally(0, 0, 0, ())
"""A tally with no finding."""


@dataclass(frozen=True)
class EpidemiologyAnswer(Answer):
    """An observational answer: the headline estimate (the term with the most independent
    estimates) and one per disease term, the vote tally, and MR results shown beside."""

    pooled: PooledEstimate | None = None
    pooled_by_term: tuple[PooledEstimate, ...] = ()
    votes: VoteTally = EMPTY_VOTES
    mr: MRSummary | None = None


@dataclass(frozen=True)
class MRAnswer(Answer):
    """A Mendelian randomization answer: the MR findings with their own grades."""

    mr: MRSummary | None = None


@dataclass(frozen=True)
class TherapyAnswer(Answer):
    """A therapy answer: each trial and each drug's verdict."""

    trials: tuple[TrialFinding, ...] = ()
    drug_findings: tuple[DrugFinding, ...] = ()


@dataclass(frozen=True)
class BiomarkerAnswer(Answer):
    """A biomarker, immune-involvement or neuroinflammation answer: the marker findings, the
    criteria they were judged by, and the drug findings that bear on whether inflammation
    drives the disease."""

    biomarkers: tuple[BiomarkerFinding, ...] = ()
    drug_findings: tuple[DrugFinding, ...] = ()
    criteria: tuple[Criterion, ...] = ()


@dataclass(frozen=True)
class GeneticsAnswer(Answer):
    """A shared-genetics answer: genes shared by ALS and immune traits."""

    shared_genes: tuple[SharedGene, ...] = ()


@dataclass(frozen=True)
class ClassificationAnswer(Answer):
    """A classification answer: each criterion and the findings of the other lines it reads."""

    criteria: tuple[Criterion, ...] = ()
    biomarkers: tuple[BiomarkerFinding, ...] = ()
    drug_findings: tuple[DrugFinding, ...] = ()
    mr: MRSummary | None = None


AnyAnswer = (
    EpidemiologyAnswer
    | MRAnswer
    | TherapyAnswer
    | BiomarkerAnswer
    | GeneticsAnswer
    | ClassificationAnswer
)
"""Every kind of answer (the type of an answer whose kind is not known in advance)."""


def pooled_of(a: Answer) -> PooledEstimate | None:
    """The headline estimate of an epidemiological answer, else ``None``."""
    return a.pooled if isinstance(a, EpidemiologyAnswer) else None


def pooled_terms_of(a: Answer) -> tuple[PooledEstimate, ...]:
    """One pooled estimate per disease term (epidemiological answers), else ``()``."""
    return a.pooled_by_term if isinstance(a, EpidemiologyAnswer) else ()


def votes_of(a: Answer) -> VoteTally:
    """The vote tally of an epidemiological answer, else an empty tally."""
    return a.votes if isinstance(a, EpidemiologyAnswer) else EMPTY_VOTES


def mr_of(a: Answer) -> MRSummary | None:
    """MR results of an answer that has them, else ``None``."""
    if isinstance(a, EpidemiologyAnswer | MRAnswer | ClassificationAnswer):
        return a.mr
    return None


def trials_of(a: Answer) -> tuple[TrialFinding, ...]:
    """Trials of a therapy answer, else ``()``."""
    return a.trials if isinstance(a, TherapyAnswer) else ()


def drug_findings_of(a: Answer) -> tuple[DrugFinding, ...]:
    """Per-drug findings of an answer that has them, else ``()``."""
    if isinstance(a, TherapyAnswer | BiomarkerAnswer | ClassificationAnswer):
        return a.drug_findings
    return ()


def biomarkers_of(a: Answer) -> tuple[BiomarkerFinding, ...]:
    """Marker findings of an answer that has them, else ``()``."""
    if isinstance(a, BiomarkerAnswer | ClassificationAnswer):
        return a.biomarkers
    return ()


def shared_genes_of(a: Answer) -> tuple[SharedGene, ...]:
    """Shared genes of a genetics answer, else ``()``."""
    return a.shared_genes if isinstance(a, GeneticsAnswer) else ()


def criteria_of(a: Answer) -> tuple[Criterion, ...]:
    """Criteria of a classification or marker answer, else ``()``."""
    return a.criteria if isinstance(a, ClassificationAnswer | BiomarkerAnswer) else ()


__all__ = [
    "CERTAINTY_LEVELS",
    "EMPTY_VOTES",
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
    "SensitivityAnalysis",
    "SharedGene",
    "StudyRow",
    "TherapyAnswer",
    "TrialFinding",
    "Verdict",
    "Vote",
    "VoteDirection",
    "VoteTally",
    "biomarkers_of",
    "criteria_of",
    "drug_findings_of",
    "mr_of",
    "pooled_of",
    "pooled_terms_of",
    "shared_genes_of",
    "trials_of",
    "votes_of",
]
