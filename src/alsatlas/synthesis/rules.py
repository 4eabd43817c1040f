"""The written synthesis rules: thresholds used by the code, and the same rules as text.

Every number that decides a verdict or a certainty step is a constant here, and
:data:`RULES` states each rule in words; :func:`methods_text` joins them into the methods
section the report prints. The code in :mod:`~alsatlas.synthesis.selection`,
:mod:`~alsatlas.synthesis.pooling`, :mod:`~alsatlas.synthesis.verdict`,
:mod:`~alsatlas.synthesis.certainty` and :mod:`~alsatlas.synthesis.mr_rubric` reads these
constants, so the text and the behaviour cannot drift apart silently (a test checks that
each constant appears in the text).

Sources: GRADE Handbook (Schünemann et al., 2013), sections 5.1-5.2 (starting level by design;
downgrading for risk of bias, inconsistency, imprecision, publication bias; upgrading for large
effects, RR > 2 or < 0.5 by one level and RR > 5 or < 0.2 by two, Guyatt et al. 2011,
J Clin Epidemiol 64:1311); Cochrane Handbook v6.4 chapter 10 (I² bands, random effects,
prediction intervals, funnel-plot tests need at least 10 studies, section 13.3.5.4);
metafor's defaults for ``rma.uni`` (Viechtbauer 2010, J Stat Softw 36(3)); Hartung & Knapp
2001 and Sidik & Jonkman 2002 for the HKSJ adjustment.
"""

from __future__ import annotations

from dataclasses import dataclass

# --- pooling -----------------------------------------------------------------------------------
POOL_METHOD = "REML"
"""τ² estimator of the primary random-effects model (metafor's default)."""
POOL_TEST = "z"
"""Test / CI of the primary model (metafor's default Wald-type z)."""
SENSITIVITY_TEST = "knha"
"""Hartung-Knapp-Sidik-Jonkman test, reported as a sensitivity analysis when k ≥ 2."""
MIN_K_POOL = 2
"""A model is fitted from k = 2; k = 1 reports the single estimate as published."""
MIN_K_PREDICTION = 3
"""A prediction interval is shown from k = 3: the usual interval (Higgins, Thompson &
Spiegelhalter 2009, J R Stat Soc A 172:137) uses a t distribution with k - 2 degrees of
freedom, undefined for k = 2, and tau² from two studies is too unstable to predict from."""
MIN_K_REGTEST = 10
"""Egger-type regression test for funnel asymmetry only from k = 10 (Cochrane 13.3.5.4)."""
REGTEST_ALPHA = 0.10
"""Funnel asymmetry is flagged when the regression test gives p < 0.10."""
MIN_LAG_YEARS = 1.0
"""An estimate *has a lag* when diagnoses in the year before ALS were left out, or its time
window starts at least this many years before ALS."""

# --- verdict -----------------------------------------------------------------------------------
NULL_BAND = (0.80, 1.25)
"""A CI lying entirely inside this band around 1 is a precise null: evidence of no effect."""
HIGH_HETEROGENEITY_I2 = 75.0
"""I² (percent) at or above which heterogeneity is considerable (Cochrane 10.10.2)."""
MODERATE_HETEROGENEITY_I2 = 50.0
"""I² (percent) at or above which heterogeneity is substantial (Cochrane 10.10.2)."""
MAX_DISCORDANT_SHARE = 1.0 / 3.0
"""A pooled result that excludes 1 is *supported* only if at most this share of the independent
votes is null, and none goes significantly the other way; otherwise *partly supported*."""
MAX_CAVEAT_WEIGHT = 0.5
"""Supported needs at most this share of the pooled weight from estimates whose own authors
attribute the excess to misdiagnosis or reverse causation."""
MIN_VOTES_DIRECTION_ONLY = 2
"""With no numeric estimate, at least this many independent direction-only findings, all in the
claimed direction and none against, give *partly supported*; anything less is insufficient."""

# --- certainty ---------------------------------------------------------------------------------
WIDE_CI_RATIO = 4.0
"""A CI whose upper/lower bound ratio is at least this large is imprecise even when it excludes
1 (a proxy for an optimal information size that is not met)."""
IMPRECISION_BAND = (0.75, 1.25)
"""A CI that spans both ends of this band is very imprecise (two levels down)."""
LARGE_EFFECT = 2.0
"""RR > 2 (or < 0.5) raises certainty by one level if no risk-of-bias concern applies."""
VERY_LARGE_EFFECT = 5.0
"""RR > 5 (or < 0.2) raises certainty by two levels under the same condition."""

# --- Mendelian randomization rubric ----------------------------------------------------------
MR_MIN_F = 10.0
"""Instruments with a mean F statistic below 10 are weak (Staiger & Stock 1997)."""

# --- therapy and biomarkers ------------------------------------------------------------------
MIN_REPLICATIONS = 2
"""A biomarker association counts as replicated when significant in this many independent
studies."""
AUTOANTIBODY_MAJORITY = 0.5
"""Seropositive share at or above which an autoantibody is present in most patients."""
MIN_TRIAL_SIZE = 200
"""Largest randomised efficacy trial of a drug below this size: one level down (imprecision)."""
MIN_DRUGS_CLASS_NULL = 3
"""Drugs that failed (and none that worked) needed for a class verdict of 'not supported'."""


@dataclass(frozen=True)
class Rule:
    """One written rule: where it applies and what it says."""

    id: str
    topic: str
    text: str


RULES: tuple[Rule, ...] = (
    # selection
    Rule(
        "select-verified",
        "selection",
        "Only verified numeric estimates (estimate and 95% CI read on the cited page) are pooled. "
        "Unverified or partial records never enter a pooled number.",
    ),
    Rule(
        "select-role",
        "selection",
        "Only main analyses are pooled, or the one subgroup a curator pre-specified as a study's "
        "estimate for that disease (pooling flag 'eligible'). Subgroup and sensitivity rows are "
        "never pooled together with their parent row.",
    ),
    Rule(
        "select-flag",
        "selection",
        "Rows flagged 'caution' by the curator (for example disease controls, or thyroid disease "
        "not specific to autoimmunity) enter a sensitivity analysis only; rows flagged "
        "'excluded' (context exposures) are not used.",
    ),
    Rule(
        "select-overlap",
        "selection",
        "One estimate per overlap group (studies drawing on one register or population) per "
        "disease term. The pre-specified choice is the largest, i.e. the estimate with the "
        "smallest standard error, then the most recent publication.",
    ),
    Rule(
        "select-term",
        "selection",
        "Estimates are pooled within one disease vocabulary term only; organ-system groupings and "
        "single diseases are never pooled together.",
    ),
    Rule(
        "pool-scale",
        "pooling",
        "Ratio measures (HR, RR, OR, SIR, IRR) are pooled on the log scale with "
        "SE = (ln(upper) - ln(lower)) / (2 x 1.959964). They are treated as approximately equal "
        "because ALS is rare (rare-outcome assumption); the measure of each row is shown.",
    ),
    Rule(
        "pool-model",
        "pooling",
        f"Random-effects model, τ² by {POOL_METHOD}, Wald-type '{POOL_TEST}' test and CI "
        "(metafor's rma.uni defaults, so numbers match what users of metafor get), with a 95% "
        "prediction interval. The Hartung-Knapp-Sidik-Jonkman ('knha') CI is shown as a "
        "sensitivity analysis: with the 2-4 studies typical here it is often much wider, and "
        "neither choice is reliable enough to report alone. "
        f"With k = 1 the single estimate is reported as published and nothing is pooled "
        f"(a model needs k ≥ {MIN_K_POOL}); a prediction interval is shown only from "
        f"k = {MIN_K_PREDICTION}.",
    ),
    Rule(
        "pool-sensitivity",
        "pooling",
        "Sensitivity analyses: (a) leaving out estimates without a lag (an estimate has a lag "
        "when diagnoses in the year before ALS were left out, or its window starts at least "
        f"{MIN_LAG_YEARS:g} year before ALS), (b) by design (cohort vs case-control), "
        "(c) adding 'caution' rows, (d) the HKSJ test.",
    ),
    Rule(
        "votes",
        "votes",
        "Every independent main finding on the question's diseases casts one vote: numeric "
        "estimates by whether the CI excludes 1 (increased / decreased) or not (null), "
        "direction-only records by their stated direction. One vote per population (overlap "
        "group) per question; numeric records are preferred, then the question's first disease "
        "term. Rows about disease in relatives (familial) or context exposures (infections, "
        "treatments, non-autoimmune conditions) do not vote. Votes never enter a pooled number.",
    ),
    Rule(
        "verdict-headline",
        "verdict",
        "A question's headline estimate is the pooled (or single) estimate of its disease term "
        "with the most independent estimates (ties: the question's first term); every other "
        "term is pooled and shown on its own. Verdicts grade the question's claim (e.g. 'people "
        "with lupus have a higher risk of ALS').",
    ),
    Rule(
        "plain-absolute-risk",
        "verdict",
        "The plain summary turns a ratio into people out of 10,000 (the cited baseline lifetime "
        "risk times the headline ratio) only when the verdict is supported, partly supported or "
        "contradicted, the headline CI excludes 1 and is not very wide (upper/lower < "
        f"{WIDE_CI_RATIO:g}), and the certainty is above very low: a count of people would "
        "otherwise look far surer than the evidence.",
    ),
    Rule(
        "verdict-supported",
        "verdict",
        "Supported: the headline CI excludes 1 in the claimed direction, no independent finding "
        "goes significantly the other way, fewer than "
        f"{MAX_DISCORDANT_SHARE:.2f} of the votes are null, I² < {HIGH_HETEROGENEITY_I2:g}%, the "
        f"CI is not very wide (upper/lower < {WIDE_CI_RATIO:g}, i.e. enough events), the "
        "association survives a lag before ALS diagnosis (every pooled estimate has one, or "
        "the lag-only sensitivity analysis has rows and still excludes 1 in that direction; "
        "when no estimate has a lag, that is stated as the reason and the verdict is at most "
        "partly supported), and no more than "
        f"{MAX_CAVEAT_WEIGHT:.0%} of the weight comes from estimates whose own authors attribute "
        "the excess to misdiagnosis or reverse causation.",
    ),
    Rule(
        "verdict-partly",
        "verdict",
        "Partly supported: the headline CI excludes 1 in the claimed direction but one of the "
        "other conditions for 'supported' fails; or there is no numeric estimate and at least "
        f"{MIN_VOTES_DIRECTION_ONLY} independent direction-only findings all go in the claimed "
        "direction with none against (direction known, size unknown) and their own authors do "
        "not attribute them to misdiagnosis or reverse causation.",
    ),
    Rule(
        "verdict-not-supported",
        "verdict",
        f"Not supported (evidence of no effect): the headline CI lies within "
        f"{NULL_BAND[0]:g}-{NULL_BAND[1]:g}, a precise null.",
    ),
    Rule(
        "verdict-contradicted",
        "verdict",
        "Contradicted: the headline CI excludes 1 in the direction opposite to the claim, and no "
        "independent finding goes significantly in the claimed direction.",
    ),
    Rule(
        "verdict-insufficient",
        "verdict",
        "Insufficient evidence: anything else - no estimate, a CI that includes 1 but is too wide "
        "to rule out a relevant effect, or findings that conflict in direction.",
    ),
    Rule(
        "certainty-start",
        "certainty",
        "Certainty starts at 'low' for observational evidence and 'high' for randomised trials "
        "(GRADE); Mendelian randomization starts at 'moderate' (no reverse causation, less "
        "confounding, but untestable instrument assumptions) and follows its own rubric.",
    ),
    Rule(
        "certainty-bias",
        "certainty",
        "Risk of bias, one level down: more than half of the pooled weight comes from estimates "
        "without a lag before ALS (reverse causation, diagnostic mimicry, surveillance in the "
        "year before diagnosis).",
    ),
    Rule(
        "certainty-indirectness",
        "certainty",
        "Indirectness, one level down: more than half of the weight comes from a proxy of the "
        "disease (exposure scope 'proxy', e.g. insulin-dependent diabetes for type 1 diabetes, "
        "or thyroid disease not specific to autoimmunity).",
    ),
    Rule(
        "certainty-inconsistency",
        "certainty",
        f"Inconsistency: one level down for I² ≥ {MODERATE_HETEROGENEITY_I2:g}%, two for "
        f"I² ≥ {HIGH_HETEROGENEITY_I2:g}% with estimates on both sides of 1; one level down when "
        "independent findings go significantly in opposite directions.",
    ),
    Rule(
        "certainty-imprecision",
        "certainty",
        f"Imprecision: two levels down when the CI spans both {IMPRECISION_BAND[0]:g} and "
        f"{IMPRECISION_BAND[1]:g}; one level down when it includes 1 otherwise, or when it "
        f"excludes 1 but its upper/lower ratio is ≥ {WIDE_CI_RATIO:g} (few events); one level "
        "down when only direction-only findings exist (no size known).",
    ),
    Rule(
        "certainty-publication",
        "certainty",
        f"Publication bias is assessed only with k ≥ {MIN_K_REGTEST} (Egger-type regression "
        f"test, regtest); p < {REGTEST_ALPHA:g} is one level down. With fewer studies it is "
        "stated as not assessable.",
    ),
    Rule(
        "certainty-large-effect",
        "certainty",
        f"Large effect: one level up when the whole CI lies beyond {LARGE_EFFECT:g} (or below "
        f"1/{LARGE_EFFECT:g}), two levels when beyond {VERY_LARGE_EFFECT:g}; only when no "
        "risk-of-bias step applied.",
    ),
    Rule(
        "mr-rubric",
        "Mendelian randomization",
        f"MR certainty: one level down when instrument strength is not reported or the mean F is "
        f"< {MR_MIN_F:g}; one down when no pleiotropy-robust method or test (MR-Egger intercept, "
        "weighted median/mode, heterogeneity) is reported, or when the MR-Egger intercept or "
        "MR-PRESSO global test flags pleiotropy (p < 0.05); one down when methods (a method whose "
        "CI excludes 0 with the opposite sign) or independent studies disagree in direction; one "
        "down when the Steiger test favours the reverse direction; imprecision as above. MR "
        "results and observational estimates are shown side by side, never pooled together.",
    ),
    Rule(
        "mr-verdict",
        "Mendelian randomization",
        "MR verdict over the diseases: supported when most independent exposures give a CI "
        "excluding 1 in the claimed direction; not supported when none does and at least one is "
        f"a precise null (CI within {NULL_BAND[0]:g}-{NULL_BAND[1]:g}); partly supported when "
        "some do; contradicted when most go the other way; otherwise insufficient.",
    ),
    Rule(
        "mr-immune-traits",
        "Mendelian randomization",
        "Immune traits (cell counts, cytokines, complement and acute-phase proteins) are judged "
        "two-sided (any change in ALS risk): supported when one trait is significant in the same "
        "direction in at least two independent studies; partly supported when traits are "
        "significant but none is replicated; not supported when none is significant and at "
        "least one is a precise null; otherwise insufficient. Certainty is that of the most "
        "certain result carrying the verdict.",
    ),
    Rule(
        "therapy",
        "therapy",
        "A drug is supported when a randomised trial met an efficacy primary endpoint in its full "
        "population and no other randomised efficacy trial of it failed; partly supported when "
        "the primary endpoint was met only in a pre-specified subpopulation (or other trials "
        "failed); contradicted when a randomised efficacy trial found harm; not supported when "
        "randomised efficacy trials missed the primary endpoint or stopped for futility (subgroup "
        "or post hoc signals after a missed primary do not count); insufficient evidence with "
        "only safety, dose-finding, biomarker or uncontrolled studies, or trials still blinded. "
        "Randomised means not open-label, single-arm, historical-control or expanded access. "
        "Several reports of one trial (same registry id) count once (the latest report). "
        "Certainty starts high for randomised efficacy trials (low otherwise); one level down "
        f"when the largest has fewer than {MIN_TRIAL_SIZE} participants, one down for a single "
        "trial or trials that disagree, one down for subpopulation-only benefit. The class "
        "(any immune-targeting drug) is supported when a drug is supported with at least "
        "moderate certainty, partly supported when one is supported at lower certainty, not "
        f"supported when at least {MIN_DRUGS_CLASS_NULL} drugs failed and none worked; its grade "
        "is the highest grade among drugs with a decided verdict.",
    ),
    Rule(
        "biomarkers",
        "biomarkers",
        "An immune biomarker predicts an outcome when its association is significant (CI "
        "excludes 1 for ratio measures, else reported p < 0.05); replicated when significant in "
        f"≥ {MIN_REPLICATIONS} independent studies (cohorts of one publication count once). Per "
        "outcome (onset, progression, survival): supported with a replicated immune marker, "
        "partly supported with unreplicated significant markers, insufficient otherwise. The "
        "overall claim is supported when every outcome with data has a replicated marker, partly "
        "supported when at least one has a significant marker. Certainty starts low; one down "
        "when no marker is replicated; one down when a marker is significant in one study and "
        "not in another for the same outcome.",
    ),
    Rule(
        "neuroinflammation",
        "biomarkers",
        "Neuroinflammation drives progression: supported when immune markers track progression "
        "or survival and an immune-targeting drug slowed ALS in randomised trials; partly "
        "supported when markers track progression but the drugs failed (association, not shown "
        "to drive); insufficient otherwise. Certainty starts low; one down when no significant "
        "marker was measured in CSF or by PET (blood only: indirect); one down when "
        f"associations come from fewer than {MIN_REPLICATIONS} studies.",
    ),
    Rule(
        "immune-involvement",
        "biomarkers",
        "Immune involvement is supported when immune markers differ significantly between people "
        f"with ALS and controls in ≥ {MIN_REPLICATIONS} independent studies, partly supported "
        "with fewer (or with prognostic associations only). Certainty starts low; one down when "
        "fewer than two studies agree.",
    ),
    Rule(
        "shared-genetics",
        "shared genetics",
        "Shared genetics is supported when verified shared loci come from at least two "
        "independent studies and genetic correlations (rg) are significant in one consistent "
        "direction; partly supported with shared loci or significant rg but not both, or rg of "
        "conflicting direction; not supported when there is no shared locus and every rg is "
        "null. A gene counts as shared when a verified record names it for ALS and an immune "
        "trait (gene level; linkage disequilibrium between lead variants not checked). "
        "Certainty starts low; one down when rg go both ways, one down when most rg records "
        "lack verified numbers, one down when shared loci come from a single study.",
    ),
    Rule(
        "classification",
        "classification",
        "ALS is classed as autoimmune only if autoimmunity is shown to define or drive it. Three "
        "criteria are checked against the records: an autoantibody present in most people with "
        f"ALS (seropositive share ≥ {AUTOANTIBODY_MAJORITY:.0%} in ≥ {MIN_REPLICATIONS} "
        "studies); benefit from immune-targeting treatment in randomised trials (the therapy "
        "class verdict); a causal effect of autoimmune liability in Mendelian randomization (the "
        "MR verdict). Two or more met: supported; one: partly supported; none, with the trial "
        "and MR lines both 'not supported' or 'contradicted': not supported; otherwise "
        "insufficient. Certainty: the highest grade of the trial and MR lines, one level down "
        "for indirectness. Immune involvement (raised inflammatory markers, prognostic immune "
        "markers) is graded as a separate question.",
    ),
)
"""Every rule, in the order the methods section prints them."""


def methods_text() -> str:
    """The rules as a methods section: one paragraph per topic, one sentence group per rule."""
    topics: dict[str, list[str]] = {}
    for rule in RULES:
        topics.setdefault(rule.topic, []).append(rule.text)
    parts = [f"{topic.capitalize()}. " + " ".join(texts) for topic, texts in topics.items()]
    return "\n\n".join(parts)


__all__ = [
    "AUTOANTIBODY_MAJORITY",
    "HIGH_HETEROGENEITY_I2",
    "IMPRECISION_BAND",
    "LARGE_EFFECT",
    "MAX_DISCORDANT_SHARE",
    "MIN_DRUGS_CLASS_NULL",
    "MIN_K_POOL",
    "MIN_K_REGTEST",
    "MIN_LAG_YEARS",
    "MIN_REPLICATIONS",
    "MIN_TRIAL_SIZE",
    "MIN_VOTES_DIRECTION_ONLY",
    "MODERATE_HETEROGENEITY_I2",
    "MR_MIN_F",
    "NULL_BAND",
    "POOL_METHOD",
    "POOL_TEST",
    "REGTEST_ALPHA",
    "RULES",
    "SENSITIVITY_TEST",
    "VERY_LARGE_EFFECT",
    "WIDE_CI_RATIO",
    "Rule",
    "methods_text",
]
