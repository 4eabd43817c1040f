"""Schema of the evidence base: one frozen pydantic model per record kind.

Every record carries a stable ``id``, the ``study_id`` of its publication, a :class:`Citation`,
``read_from`` (the page its numbers were read on), a ``verification`` level saying what kind of
page that is, and curator ``notes``. Notes are for people only: synthesis reads the structured
fields (numeric ``p_value``, ``f_statistic``, ``time_window``, ``design_type``, ``adjusted``,
``survival_origin``, ``multiple_testing``, ``primary_result`` ...), never free text.
Records are discriminated by ``kind``:

- ``epi_association`` (:class:`EpiAssociation`): prior disease and later ALS (HR/RR/OR/SIR/IRR);
- ``published_meta_analysis`` (:class:`PublishedMetaAnalysis`): a pooled estimate as published;
- ``mr`` (:class:`MRResult`): a two-sample Mendelian randomization result;
- ``genetic_correlation`` (:class:`GeneticCorrelation`): genome-wide genetic correlation (rg);
- ``shared_locus`` (:class:`SharedLocus`): a locus / gene shared by ALS and an immune trait;
- ``immune_trial`` (:class:`ImmuneTrial`): an immune-targeted ALS clinical trial;
- ``immune_biomarker`` (:class:`ImmuneBiomarker`): an immune marker of ALS onset/progression/
  survival.

The models check types only. The rules that relate fields to each other (the CI contains the
estimate, ratio measures are positive, a direction-only record has no numbers, identifiers are
well formed, terms are in the vocabulary) live in :mod:`alsatlas.evidence.rules`, so that
``alsatlas validate`` can report every broken rule of every record at once.

Numbers are as reported: ``estimate`` with a 95% confidence interval ``ci_lb`` .. ``ci_ub`` on
the natural scale (ratio measures are not logged here; :mod:`alsatlas.stats` pools on the log
scale).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

Verification = Literal["primary", "secondary", "unverified"]
"""Where the record's content (its numbers, or its direction for a direction-only record) was
read: ``primary`` on PubMed, PMC, the publisher's article page or the trial registry;
``secondary`` on a mirror or aggregator of the primary text (abstract mirrors, repositories,
news pages); ``unverified`` not confirmed on any page (its numbers are never used)."""

VERIFICATION_LEVELS: tuple[Verification, ...] = ("primary", "secondary", "unverified")

PValueQualifier = Literal["=", "<", ">"]
"""How a p-value was reported: exactly (``=``), as an upper bound (``p < 0.001``) or a lower
bound (``p > 0.05``)."""

DesignType = Literal["cohort", "case_control", "other"]
"""Study design class of an observational estimate (nested case-control is ``case_control``)."""

ExposureScope = Literal[
    "autoimmune",
    "immune_mediated",
    "immune_mediated_group",
    "autoimmune_proxy",
    "thyroid_not_autoimmune_specific",
    "mixed",
    "mixed_inflammatory_degenerative",
    "familial",
    "context_non_autoimmune",
    "inflammation_context",
    "gi_dysfunction_context",
    "treatment_context",
    "immune_context_infection",
]
"""What an epidemiological exposure stands for: the person's own autoimmune or immune-mediated
disease (single or grouped), a proxy of one (``autoimmune_proxy``,
``thyroid_not_autoimmune_specific``: thyroid disease not restricted to its autoimmune forms),
mixed groupings, disease in relatives (``familial``) or context rows (``*_context``)."""

CONTEXT_SCOPES: frozenset[str] = frozenset(
    {
        "context_non_autoimmune",
        "inflammation_context",
        "gi_dysfunction_context",
        "treatment_context",
        "immune_context_infection",
    }
)
"""Scopes that are context only (infections, treatments, non-autoimmune comparators)."""

PROXY_SCOPES: frozenset[str] = frozenset({"autoimmune_proxy", "thyroid_not_autoimmune_specific"})
"""Scopes that only approximate an autoimmune disease."""

Direction = Literal["increased", "decreased", "null"]
"""Direction of an association: risk/level/effect higher, lower, or no association."""

RatioMeasure = Literal["HR", "RR", "OR", "SIR", "IRR"]
"""Ratio measures of an epidemiological association (all on the natural, positive scale)."""

AnalysisRole = Literal["main", "subgroup", "sensitivity"]

Pooling = Literal["eligible", "caution", "excluded"]
"""Curator's flag for pooling: ``eligible`` (a primary estimate of an immune-mediated exposure),
``caution`` (use in sensitivity analyses only), ``excluded`` (context row, subgroup or
direction-only). Synthesis still applies its own rules on top."""

RecordKind = Literal[
    "epi_association",
    "published_meta_analysis",
    "mr",
    "genetic_correlation",
    "shared_locus",
    "immune_trial",
    "immune_biomarker",
]

RATIO_MEASURES: frozenset[str] = frozenset({"HR", "RR", "OR", "SIR", "IRR"})

_FROZEN = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True, allow_inf_nan=False)


class Citation(BaseModel):
    """A publication (or registry entry) that a record was taken from.

    Identifiers are stored bare: ``pmid`` as digits (``"33331190"``), ``doi`` without a resolver
    prefix (``"10.1080/21678421.2020.1861022"``), ``pmcid`` with its ``PMC`` prefix, ``nct_id``
    as ``NCT`` + 8 digits. Unknown parts stay ``None``; they are never guessed.
    """

    model_config = _FROZEN

    pmid: str | None = None
    doi: str | None = None
    pmcid: str | None = None
    nct_id: str | None = None
    title: str | None = None
    first_author: str | None = None
    year: int | None = None
    journal: str | None = None

    @property
    def label(self) -> str:
        """Short human label, e.g. ``"Cao W 2024"`` (falls back to an identifier)."""
        who = self.first_author or self.journal or self.doi or self.pmid or self.nct_id or "?"
        return f"{who} {self.year}" if self.year is not None else who

    @property
    def identifiers(self) -> tuple[str, ...]:
        """Prefixed identifiers that are known: ``PMID:…``, ``DOI:…``, ``PMCID:…``, ``NCT…``."""
        out: list[str] = []
        if self.pmid:
            out.append(f"PMID:{self.pmid}")
        if self.doi:
            out.append(f"DOI:{self.doi}")
        if self.pmcid:
            out.append(f"PMCID:{self.pmcid}")
        if self.nct_id:
            out.append(self.nct_id)
        return tuple(out)


class TimeWindow(BaseModel):
    """When the exposure was recorded relative to ALS diagnosis.

    ``lag_years_min``/``lag_years_max`` bound the years between exposure diagnosis and ALS that
    an estimate covers (``None``: not restricted / not reported). ``excludes_year_before_als`` is
    ``True`` when diagnoses in the year before ALS were left out (guards against reverse causation
    and diagnostic mimicry), ``False`` when they were included, ``None`` when not reported.
    """

    model_config = _FROZEN

    description: str = ""
    lag_years_min: float | None = None
    lag_years_max: float | None = None
    excludes_year_before_als: bool | None = None


class Effect(BaseModel):
    """A structured effect estimate with a 95% CI (used where a record has one optionally)."""

    model_config = _FROZEN

    measure: str
    estimate: float | None = None
    ci_lb: float | None = None
    ci_ub: float | None = None
    p_value: float | None = None
    p_value_qualifier: PValueQualifier = "="


class _Record(BaseModel):
    """Fields every record has."""

    model_config = _FROZEN

    id: str
    study_id: str
    citation: Citation
    read_from: str
    """URL of the page the record's numbers (or direction) were read on."""
    extra_sources: tuple[str, ...] = ()
    verification: Verification
    notes: str = ""
    """Curator's notes, for people; no rule reads them."""

    @property
    def verified(self) -> bool:
        """``True`` when the record was read on a page (``primary`` or ``secondary``)."""
        return self.verification != "unverified"

    def disease_terms(self) -> tuple[str, ...]:
        """Vocabulary terms of the diseases this record is about (used by lookups)."""
        return ()


AuthorCaveat = Literal["misdiagnosis", "reverse_causation", "surveillance"]


class EpiAssociation(_Record):
    """An observational association: prior (immune-mediated) disease and later ALS.

    A *numeric* record has ``measure``, ``estimate``, ``ci_lb`` and ``ci_ub``; a
    *direction-only* record (a paper stated the direction without a number we could read) has
    ``direction`` and none of the numbers. Direction-only records count in narrative and
    vote-counting, never in a pooled estimate.
    """

    kind: Literal["epi_association"] = "epi_association"
    exposure: str
    """Vocabulary term of the exposure disease (e.g. ``sle``, ``celiac_disease``)."""
    exposure_as_named: str
    exposure_scope: ExposureScope
    """What the exposure stands for (:data:`ExposureScope`)."""
    outcome: str = "als"
    outcome_as_named: str = "ALS"
    measure: RatioMeasure | None = None
    estimate: float | None = None
    ci_lb: float | None = None
    ci_ub: float | None = None
    direction: Direction | None = None
    p_value: float | None = None
    p_value_qualifier: PValueQualifier = "="
    p_value_as_reported: str | None = None
    """A p-value that is not one number (``"<0.001 (CSF); 0.040 (serum)"``), for display only."""
    reported_statistic: str | None = None
    """A statistic that is not a ratio measure with a CI (e.g. a count or an ecological
    correlation), kept as text; such a record is direction-only for synthesis."""
    n_cases_exposed: int | None = None
    """Exposed ALS cases."""
    n_cases: int | None = None
    """ALS cases in the study (case-control designs), where stated."""
    n_controls: int | None = None
    """Controls in the study (case-control designs), where stated."""
    study_size: str | None = None
    """Study size as reported (text)."""
    design: str
    """Design as described (text, for display)."""
    design_type: DesignType
    """Design class that rules read: ``cohort``, ``case_control`` or ``other``."""
    data_source: str
    country: str
    overlap_group: str | None = None
    """Records sharing an overlap group come from one register/population: never pool two of
    them for the same exposure."""
    time_window: TimeWindow = TimeWindow()
    analysis_role: AnalysisRole = "main"
    subgroup: str | None = None
    adjustment: str | None = None
    """What the estimate was adjusted or matched for (text)."""
    adjusted: bool | None = None
    """``True`` for an adjusted (or matched/standardised) estimate, ``False`` for a crude one."""
    author_caveats: tuple[AuthorCaveat, ...] = ()
    """Biases the study's own authors name as explaining part or all of the association:
    ``misdiagnosis`` (early ALS coded as, or mimicking, the immune disease),
    ``reverse_causation`` (the excess sits in the period just before ALS diagnosis),
    ``surveillance`` (more contact with doctors finds ALS sooner)."""
    pooling: Pooling = "excluded"

    @property
    def direction_only(self) -> bool:
        """``True`` when the record has no estimate (direction-only finding)."""
        return self.estimate is None

    def disease_terms(self) -> tuple[str, ...]:
        return (self.exposure,)


class PublishedMetaAnalysis(_Record):
    """A pooled estimate as a published meta-analysis reported it (for external checks)."""

    kind: Literal["published_meta_analysis"] = "published_meta_analysis"
    exposure: str
    exposure_as_named: str
    outcome: str = "als"
    measure: RatioMeasure | None = None
    estimate: float | None = None
    ci_lb: float | None = None
    ci_ub: float | None = None
    direction: Direction | None = None
    i2_percent: float | None = None
    n_studies: int | None = None
    study_designs: str | None = None
    model: str | None = None
    included_studies: str | None = None
    scope: str = ""

    def disease_terms(self) -> tuple[str, ...]:
        return (self.exposure,)


RobustMethod = Literal[
    "mr_egger",
    "weighted_median",
    "mode_based",
    "mr_presso",
    "cochran_q",
    "heterogeneity_test",
    "pleiotropy_test",
]
"""Pleiotropy-robust MR estimators and tests (TwoSampleMR / MendelianRandomization names)."""


class MRResult(_Record):
    """A two-sample Mendelian randomization estimate.

    ``orientation`` is ``forward`` when ALS is the outcome and ``reverse`` when ALS is the
    exposure. ``measure`` names the scale (``OR``, ``OR per SD``, ``beta``); ratio scales must be
    positive.
    """

    kind: Literal["mr"] = "mr"
    exposure: str
    exposure_term: str | None = None
    outcome: str
    outcome_term: str | None = None
    orientation: Literal["forward", "reverse"] = "forward"
    exposure_gwas: str | None = None
    outcome_gwas: str | None = None
    method: str | None = None
    n_snps: int | None = None
    measure: str | None = None
    estimate: float | None = None
    ci_lb: float | None = None
    ci_ub: float | None = None
    se: float | None = None
    p_value: float | None = None
    p_value_qualifier: PValueQualifier = "="
    p_value_as_reported: str | None = None
    """A p-value that is not one number (``"<0.001 (CSF); 0.040 (serum)"``), for display only."""
    direction: Direction | None = None
    genes: tuple[str, ...] = ()
    finding: str = ""
    f_statistic: float | None = None
    """Instrument strength as reported (see ``f_statistic_reported_as``)."""
    f_statistic_reported_as: Literal["min", "mean", "median", "all_above"] | None = None
    """``min``/``mean``/``median`` F over instruments, or ``all_above`` (every F exceeds
    ``f_statistic``)."""
    robust_methods: tuple[RobustMethod, ...] = ()
    """Pleiotropy-robust estimators or tests the study reported beside its primary estimate."""
    exposure_class: Literal["disease", "immune_trait", "other"] = "other"
    """``disease`` (a diagnosis), ``immune_trait`` (immune cell or protein level), ``other``."""

    def disease_terms(self) -> tuple[str, ...]:
        return tuple(t for t in (self.exposure_term, self.outcome_term) if t is not None)


class GeneticCorrelation(_Record):
    """A genome-wide genetic correlation (``estimate`` is rg) between ALS and another trait."""

    kind: Literal["genetic_correlation"] = "genetic_correlation"
    trait: str
    """The other trait, as named."""
    trait_term: str | None = None
    als_term: str = "als"
    method: str | None = None
    measure: str = "rg"
    estimate: float | None = None
    ci_lb: float | None = None
    ci_ub: float | None = None
    se: float | None = None
    p_value: float | None = None
    p_value_qualifier: PValueQualifier = "="
    p_value_as_reported: str | None = None
    """A p-value that is not one number (``"<0.001 (CSF); 0.040 (serum)"``), for display only."""
    direction: Direction | None = None
    finding: str = ""

    def disease_terms(self) -> tuple[str, ...]:
        return tuple(t for t in (self.als_term, self.trait_term) if t is not None)


class SharedLocus(_Record):
    """A locus or gene implicated in ALS and in an immune trait (or modifying ALS via immunity).

    ``relation`` is ``shared`` for a pleiotropic locus/gene, ``modifier`` for an immune gene
    variant that modifies ALS course. ``genes`` are HGNC symbols; ``variants`` rsids.
    """

    kind: Literal["shared_locus"] = "shared_locus"
    relation: Literal["shared", "modifier"] = "shared"
    traits: tuple[str, ...]
    """Vocabulary terms of the traits involved (ALS included)."""
    traits_as_named: str
    genes: tuple[str, ...] = ()
    variants: tuple[str, ...] = ()
    locus: str = ""
    method: str | None = None
    measure: str | None = None
    estimate: float | None = None
    estimate_text: str | None = None
    """The reported effect when it is not one number (``"23.2% vs 7.4%"``)."""
    ci_lb: float | None = None
    ci_ub: float | None = None
    se: float | None = None
    p_value: float | None = None
    p_value_qualifier: PValueQualifier = "="
    p_value_as_reported: str | None = None
    """A p-value that is not one number (``"<0.001 (CSF); 0.040 (serum)"``), for display only."""
    finding: str = ""

    def disease_terms(self) -> tuple[str, ...]:
        return self.traits


TrialResult = Literal[
    "benefit",
    "benefit_prespecified_subgroup",
    "no_benefit",
    "harm",
    "pending",
    "not_efficacy",
]
"""Result of a trial's pre-specified primary analysis: efficacy endpoint met (in everyone, or
only in a pre-specified subpopulation), missed, the drug group did worse, not yet known, or the
primary endpoint was not efficacy (safety, dose, biomarker)."""

TrialStatus = Literal["completed", "terminated", "ongoing", "withdrawn", "unknown"]
"""Registry status of a trial."""


class TrialAnalysis(BaseModel):
    """One analysis of a trial other than its primary analysis.

    ``role``: ``prespecified_adjusted`` (the primary endpoint, adjusted for pre-specified
    covariates), ``prespecified_subgroup``, ``prespecified_secondary`` (another pre-specified
    endpoint), ``post_hoc``.
    """

    model_config = _FROZEN

    label: str
    role: Literal[
        "prespecified_adjusted", "prespecified_subgroup", "prespecified_secondary", "post_hoc"
    ]
    result: Literal["benefit", "no_benefit", "harm"]
    effect: Effect | None = None


class ImmuneTrial(_Record):
    """An immune- or inflammation-targeting clinical trial in ALS.

    ``drug`` is a drug-vocabulary term (``ibudilast``); ``drug_as_named`` keeps the source's
    spelling (``ibudilast (MN-166)``). ``effect`` holds a structured estimate where one was
    reported; ``effect_summary`` the reported numbers as text otherwise.
    """

    kind: Literal["immune_trial"] = "immune_trial"
    drug: str
    drug_as_named: str
    mechanism: str
    trial_name: str
    nct_id: str | None = None
    registry_id: str | None = None
    """Non-NCT registry id (e.g. ANZCTR ``ACTRN…``)."""
    phase: str
    n_participants: int | None = None
    """Participants randomised (or treated, for single-arm studies) where a count was given."""
    enrolment: str | None = None
    """Enrolment as reported (text)."""
    primary_endpoint: str
    endpoint_type: Literal["efficacy", "safety", "biomarker"]
    """What the primary endpoint measures: efficacy, safety/tolerability, or a
    pharmacodynamic/biomarker endpoint."""
    result_summary: str = ""
    effect_summary: str | None = None
    effect: Effect | None = None
    efficacy_signal: str | None = None
    """The efficacy signal as described (text, for display)."""
    randomised: bool
    """``False`` for open-label single-arm, historical-control or expanded-access studies."""
    primary_result: TrialResult
    """Result of the pre-specified primary analysis (:data:`TrialResult`)."""
    supporting_analyses: tuple[TrialAnalysis, ...] = ()
    """Other analyses with their role (pre-specified adjusted, subgroup, post hoc)."""
    status: TrialStatus
    """Registry status (:data:`TrialStatus`) as last checked."""
    status_checked: str | None = None
    """ISO date the registry status was last read."""
    year: int | None = None

    def disease_terms(self) -> tuple[str, ...]:
        return ("als",)


Predicts = Literal[
    "onset", "progression", "survival", "severity", "diagnosis", "treatment_response", "other"
]


Compartment = Literal["blood", "csf", "pet", "tissue", "records"]


class ImmuneBiomarker(_Record):
    """An immune or inflammatory marker and what it predicts in ALS.

    ``predicts`` lists the outcomes it was studied for (onset, progression, survival, severity,
    diagnosis i.e. case-control level, treatment_response, other). ``cohort_n`` is the number of ALS
    patients where it was reported.
    """

    kind: Literal["immune_biomarker"] = "immune_biomarker"
    marker: str
    category: str
    specimen: str | None = None
    predicts: tuple[Predicts, ...]
    outcome_as_named: str
    cohort_n: int | None = None
    cohort: str | None = None
    overlap_group: str | None = None
    """Cohort or register shared with other records (e.g. ``uk_biobank``)."""
    contrast: str | None = None
    measure: str | None = None
    estimate: float | None = None
    estimate_text: str | None = None
    """The reported effect when it is not one number (``"39.3 vs 37.1"``)."""
    ci_lb: float | None = None
    ci_ub: float | None = None
    p_value: float | None = None
    p_value_qualifier: PValueQualifier = "="
    p_value_as_reported: str | None = None
    """A p-value that is not one number (``"<0.001 (CSF); 0.040 (serum)"``), for display only."""
    direction: Direction | None = None
    finding: str = ""
    compartments: tuple[Compartment, ...] = ()
    """Where the marker was measured: ``blood``, ``csf``, ``pet`` (imaging), ``tissue``,
    ``records`` (health records)."""
    survival_origin: Literal["onset", "diagnosis", "sampling"] | None = None
    """For survival: time counted from symptom onset, diagnosis or sampling."""
    autoantibody: bool = False
    """``True`` when the marker is an autoantibody."""
    adjusted: bool | None = None
    multiple_testing: Literal["not_corrected", "survived", "not_survived"] | None = None
    """Whether the reported association survived the paper's multiple-testing correction."""
    immune: bool = True
    """``False`` for non-immune comparator markers (neurofilaments) kept for context."""

    def disease_terms(self) -> tuple[str, ...]:
        return ("als",)


Record = Annotated[
    EpiAssociation
    | PublishedMetaAnalysis
    | MRResult
    | GeneticCorrelation
    | SharedLocus
    | ImmuneTrial
    | ImmuneBiomarker,
    Field(discriminator="kind"),
]
"""Any evidence record, discriminated by ``kind``."""

RECORD_MODELS: dict[str, type[_Record]] = {
    "epi_association": EpiAssociation,
    "published_meta_analysis": PublishedMetaAnalysis,
    "mr": MRResult,
    "genetic_correlation": GeneticCorrelation,
    "shared_locus": SharedLocus,
    "immune_trial": ImmuneTrial,
    "immune_biomarker": ImmuneBiomarker,
}
"""Model class of each ``kind``."""


class EvidenceFile(BaseModel):
    """One YAML file: one publication, its citation, and its records.

    The file-level ``citation`` is copied into each record that does not carry its own.
    """

    model_config = _FROZEN

    study_id: str
    citation: Citation
    records: tuple[Record, ...]


__all__ = [
    "CONTEXT_SCOPES",
    "PROXY_SCOPES",
    "RATIO_MEASURES",
    "RECORD_MODELS",
    "VERIFICATION_LEVELS",
    "AnalysisRole",
    "AuthorCaveat",
    "Citation",
    "Compartment",
    "DesignType",
    "Direction",
    "Effect",
    "EpiAssociation",
    "EvidenceFile",
    "ExposureScope",
    "GeneticCorrelation",
    "ImmuneBiomarker",
    "ImmuneTrial",
    "MRResult",
    "PValueQualifier",
    "Pooling",
    "Predicts",
    "PublishedMetaAnalysis",
    "RatioMeasure",
    "Record",
    "RecordKind",
    "RobustMethod",
    "SharedLocus",
    "TimeWindow",
    "TrialAnalysis",
    "TrialResult",
    "TrialStatus",
    "Verification",
]
