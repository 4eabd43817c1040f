"""Small synthetic answers and records for unit tests of the report's formatting.

These are hand-made result objects (numbers are arbitrary), used only to check that the report
shows what it is given; the tests on the shipped evidence use the real synthesis.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

from alsatlas.presentation.views import EvidenceStamp
from alsatlas.report.build import ReportInputs
from alsatlas.stats.rma import rma
from alsatlas.synthesis.answer import (
    BiomarkerAnswer,
    BiomarkerFinding,
    Certainty,
    ClassificationAnswer,
    Criterion,
    EpidemiologyAnswer,
    Exclusion,
    GeneticsAnswer,
    GradeStep,
    MRFinding,
    MRSummary,
    PooledEstimate,
    Question,
    RecordUse,
    SensitivityAnalysis,
    SharedGene,
    StudyRow,
    TherapyAnswer,
    TrialFinding,
    Vote,
    VoteTally,
)
from alsatlas.synthesis.questions import QUESTIONS


@dataclass(frozen=True)
class FakeCitation:
    pmid: str | None = None
    doi: str | None = None
    pmcid: str | None = None
    nct_id: str | None = None
    title: str | None = None
    first_author: str | None = None
    year: int | None = None
    journal: str | None = None


@dataclass(frozen=True)
class FakeRecord:
    id: str
    study_id: str
    citation: FakeCitation
    read_from: str = "https://example.org/source"
    verification: str = "primary"


STUDY_OF = {"m1": "MR2022", "t1": "COMBAT", "b1": "Lunetta2017"}


def _present(cls: type, **fields: object) -> dict[str, object]:
    """The given fields that ``cls`` has (the result objects gain fields over time)."""
    return {k: v for k, v in fields.items() if k in cls.__dataclass_fields__}


def _question(qid: str) -> Question:
    return next(q for q in QUESTIONS if q.id == qid)


LOW = Certainty(
    level="low",
    start="low",
    start_reason="Observational studies start at low certainty.",
    grade_steps=(
        GradeStep("imprecision", -1, "CI crosses 1.25"),
        GradeStep("large effect", 1, "RR > 2"),
    ),
)
VERY_LOW = Certainty("very low", "low", "Observational.", (GradeStep("imprecision", -1, "k = 1"),))


def study_row(rid: str, est: float, lb: float, ub: float, w: float) -> StudyRow:
    return StudyRow(
        record_id=rid,
        label=f"Study {rid}",
        measure="HR",
        estimate=est,
        ci_lb=lb,
        ci_ub=ub,
        yi=math.log(est),
        vi=((math.log(ub) - math.log(lb)) / 3.92) ** 2,
        weight=w,
        design="cohort",
        design_class="cohort",
        has_lag=True,
        overlap_group=None,
    )


def pooled_estimate(
    term: str,
    draft: tuple[StudyRow, ...],
    sensitivity: tuple[SensitivityAnalysis, ...] = (),
) -> PooledEstimate:
    """A pooled estimate made as the synthesis layer makes it (``alsatlas.stats.rma``, REML,
    z test), carrying its fitted model as the synthesis does."""
    fit = rma([r.yi for r in draft], [r.vi for r in draft], method="REML", test="z")
    rows = tuple(
        dataclasses.replace(r, weight=float(w)) for r, w in zip(draft, fit.weights, strict=True)
    )
    pi = fit.predict()
    return PooledEstimate(
        term=term,
        measure="HR",
        k=len(rows),
        estimate=math.exp(fit.estimate),
        ci_lb=math.exp(float(fit.ci_lb[0])),
        ci_ub=math.exp(float(fit.ci_ub[0])),
        pi_lb=math.exp(float(pi.pi_lb[0])),
        pi_ub=math.exp(float(pi.pi_ub[0])),
        I2=fit.I2,
        tau2=fit.tau2,
        pval=float(fit.pval[0]),
        QEp=fit.QEp,
        method="REML",
        test="z",
        rows=rows,
        sensitivity=sensitivity,
        fit=fit,
    )


def synthetic_inputs() -> ReportInputs:
    pooled = pooled_estimate(
        "sle",
        (study_row("r1", 1.42, 1.03, 1.94, 0.0), study_row("r2", 2.1, 1.2, 3.6, 0.0)),
        sensitivity=(
            SensitivityAnalysis(
                "knha", "HKSJ test", ("r1", "r2"), 2, 1.6234, 0.2, 12.0, "REML", "knha"
            ),
        ),
    )
    sle = EpidemiologyAnswer(
        question=_question("sle_als_risk"),
        verdict="partly supported",
        verdict_reason="CI excludes 1 but few studies.",
        certainty=LOW,
        pooled=pooled,
        pooled_by_term=(pooled,),
        votes=VoteTally(
            1,
            0,
            1,
            (
                Vote("r1", "Study r1", "sle", "increased", True, ""),
                Vote("r3", "Study r3", "sle", "null", False, "direction only"),
            ),
        ),
        used=(
            RecordUse("r1", "epi_association", "pooled", "main"),
            RecordUse("r2", "epi_association", "pooled", "main"),
        ),
        excluded=(Exclusion("r3", "epi_association", "direction-only"),),
        mr=MRSummary(
            findings=(
                MRFinding(
                    record_id="m1",
                    label="MR study",
                    exposure="SLE liability",
                    exposure_term="sle",
                    outcome="ALS",
                    orientation="forward",
                    method="IVW",
                    n_snps=40,
                    measure="OR",
                    estimate=1.01,
                    ci_lb=0.98,
                    ci_ub=1.04,
                    p_value=0.5,
                    p_value_qualifier="=",
                    direction="null",
                    precise_null=True,
                    verification="verified",
                    outcome_gwas="van Rheenen 2021",
                    certainty=VERY_LOW,
                    **_present(MRFinding, study_id=STUDY_OF["m1"]),
                ),
            ),
            increased=0,
            decreased=0,
            null=1,
            unknown=0,
            text="One MR study: null.",
        ),
        technical_summary="Two cohort studies pooled.\n\nThe estimate is imprecise.",
        plain_summary="People with lupus may have a slightly higher chance of getting ALS.",
    )
    auto = ClassificationAnswer(
        question=_question("als_autoimmune"),
        verdict="not supported",
        verdict_reason="No disease-defining autoimmunity found.",
        certainty=VERY_LOW,
        used=(),
        excluded=(),
        criteria=(Criterion("ALS-specific autoantibodies", False, "None found.", ("r1",)),),
        technical_summary="ALS does not meet the criteria of an autoimmune disease.",
        plain_summary="ALS is not an autoimmune disease, as far as we know today.",
    )
    genes = GeneticsAnswer(
        question=_question("shared_genetics"),
        verdict="partly supported",
        verdict_reason="One shared gene.",
        certainty=VERY_LOW,
        used=(RecordUse("g1", "shared_locus", "finding", "shared locus"),),
        excluded=(),
        shared_genes=(SharedGene("HLA-DRB1", ("rheumatoid arthritis",), ("g1",), "shared"),),
        technical_summary="One gene is shared.",
        plain_summary="A few genes show up in both ALS and immune diseases.",
    )
    ibu = TherapyAnswer(
        question=_question("ibudilast"),
        verdict="insufficient evidence",
        verdict_reason="Trial ongoing.",
        certainty=VERY_LOW,
        used=(RecordUse("t1", "immune_trial", "context", "trial"),),
        excluded=(),
        trials=(
            TrialFinding(
                record_id="t1",
                label="COMBAT-ALS",
                drug="ibudilast",
                drug_as_named="ibudilast (MN-166)",
                trial_name="COMBAT-ALS",
                registry_id="NCT04057898",
                phase="2b/3",
                n_participants=230,
                randomised=True,
                endpoint_type="efficacy",
                efficacy_tested=False,
                efficacy_signal=None,
                status="ongoing",
                outcome="not yet known",
                result_summary="Blinded.",
                **_present(TrialFinding, study_id=STUDY_OF["t1"]),
            ),
        ),
        technical_summary="The phase 2b/3 trial has not reported.",
        plain_summary="We do not know yet. A large trial is still going on.",
    )
    markers = BiomarkerAnswer(
        question=_question("immune_biomarkers"),
        verdict="partly supported",
        verdict_reason="One marker in one study.",
        certainty=VERY_LOW,
        used=(RecordUse("b1", "immune_biomarker", "finding", "marker"),),
        excluded=(),
        biomarkers=(
            BiomarkerFinding(
                record_id="b1",
                label="Lunetta 2017",
                marker="CRP",
                predicts=("survival",),
                measure="HR",
                estimate=1.129,
                ci_lb=1.033,
                ci_ub=1.234,
                p_value=0.007,
                p_value_qualifier="=",
                direction="increased",
                significant=True,
                cohort_n=394,
                immune=True,
                verification="verified",
                **_present(BiomarkerFinding, study_id=STUDY_OF["b1"]),
            ),
        ),
        technical_summary="CRP tracked survival in one study.",
        plain_summary="Some blood tests go along with shorter life.",
    )
    records = (
        FakeRecord(
            "r1",
            "Cao2024",
            FakeCitation(
                doi="10.3389/fimmu.2024.1356132",
                pmcid="PMC10948436",
                first_author="Cao W",
                year=2024,
                journal="Front Immunol",
                title="Immune-mediated diseases and ALS",
            ),
        ),
        FakeRecord(
            "r2", "Turner2013", FakeCitation(pmid="23615458", first_author="Turner MR", year=2013)
        ),
        FakeRecord(
            "r3", "Turner2013", FakeCitation(pmid="23615458", first_author="Turner MR", year=2013)
        ),
        FakeRecord(
            "m1", "MR2022", FakeCitation(pmid="36320012", first_author="Alipour P", year=2022)
        ),
        FakeRecord("t1", "COMBAT", FakeCitation(nct_id="NCT04057898", title="COMBAT-ALS")),
        FakeRecord(
            "b1", "Lunetta2017", FakeCitation(pmid="28384752", first_author="Lunetta C", year=2017)
        ),
        FakeRecord(
            "g1", "Gene2020", FakeCitation(doi="10.1000/xyz", first_author="Gene A", year=2020)
        ),
    )
    return ReportInputs(
        answers=(auto, sle, genes, ibu, markers),
        records=records,
        methods_text="Selection. Only verified numbers are pooled.\n\nPooling. REML.",
        evidence=EvidenceStamp("test.1", "2026-11-24"),
    )
