"""Therapy line: reading immune-targeted trial records, and the verdict per drug and per class.

Rule ``therapy`` of :data:`alsatlas.synthesis.rules.RULES`:

* a drug is **supported** when a randomised trial met an efficacy primary endpoint in its full
  population and no other randomised efficacy trial of it failed (then **partly supported**);
  **partly supported** also when the primary endpoint was met only in a pre-specified
  subpopulation;
* **contradicted** when a randomised efficacy trial found harm (and none found benefit);
* **not supported** when randomised efficacy trials missed their primary endpoint or stopped
  for futility (post hoc or subgroup-only signals after a missed primary do not count);
* **insufficient evidence** with only safety, dose-finding, biomarker or uncontrolled studies,
  or trials still blinded.

Certainty starts high when randomised efficacy trials exist (low otherwise), one level down
when the largest has fewer than 200 participants, one down when there is a single such trial.
The class verdict (any immune-targeting drug) is *supported* when at least one drug is
supported with at least moderate certainty, *partly supported* when one is supported with lower
certainty, *not supported* when at least three drugs are not supported or contradicted and none
is supported; subgroup-only drugs are named but do not lift the class verdict.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from alsatlas.evidence.schema import ImmuneTrial
from alsatlas.evidence.vocabulary import drugs
from alsatlas.synthesis.answer import Certainty, DrugFinding, GradeStep, TrialFinding, Verdict
from alsatlas.synthesis.certainty import grade
from alsatlas.synthesis.rules import MIN_DRUGS_CLASS_NULL, MIN_TRIAL_SIZE


def _n(record: ImmuneTrial) -> int | None:
    return record.n_participants


def is_randomised(record: ImmuneTrial) -> bool:
    """The record's ``randomised`` field (open-label single-arm, historical-control and
    expanded-access studies are not)."""
    return record.randomised


def tests_efficacy(record: ImmuneTrial) -> bool:
    """``True`` when the primary endpoint is an efficacy endpoint (``endpoint_type``)."""
    return record.endpoint_type == "efficacy"


def trial_outcome(record: ImmuneTrial) -> tuple[str, str]:
    """(outcome, why) from the structured ``primary_result`` and ``supporting_analyses``.

    Outcomes: benefit, subgroup benefit (primary endpoint met only in a pre-specified
    subpopulation), secondary benefit (primary analysis missed, a pre-specified adjusted or
    subgroup analysis showed benefit), no benefit, harm, not yet known.
    """
    result = record.primary_result
    if result == "pending":
        return "not yet known", "still running or blinded"
    if result == "harm":
        return "harm", "the drug group did worse"
    if result == "not_efficacy" or not tests_efficacy(record):
        return "not yet known", "primary endpoint was not efficacy (safety, dose or biomarker)"
    if result == "benefit":
        return "benefit", "efficacy primary endpoint met"
    if result == "benefit_prespecified_subgroup":
        return "subgroup benefit", "primary endpoint met only in a pre-specified subpopulation"
    supportive = [
        a.label
        for a in record.supporting_analyses
        if a.result == "benefit" and a.role != "post_hoc"
    ]
    if supportive:
        return (
            "secondary benefit",
            "primary analysis missed; pre-specified " + ", ".join(supportive) + " showed benefit",
        )
    return "no benefit", "efficacy primary endpoint missed or trial stopped"


def trial_finding(record: ImmuneTrial) -> TrialFinding:
    """One trial as the synthesis reads it."""
    outcome, _ = trial_outcome(record)
    return TrialFinding(
        record_id=record.id,
        label=record.citation.label,
        drug=record.drug,
        drug_as_named=record.drug_as_named,
        trial_name=record.trial_name,
        registry_id=record.nct_id or record.registry_id,
        phase=record.phase,
        n_participants=_n(record),
        randomised=is_randomised(record),
        endpoint_type=record.endpoint_type,
        efficacy_tested=tests_efficacy(record),
        efficacy_signal=record.efficacy_signal,
        status=record.status,
        outcome=outcome,  # type: ignore[arg-type]
        result_summary=record.result_summary,
        primary_result=record.primary_result,
        other_analyses="; ".join(
            f"{a.label}: {a.result.replace('_', ' ')} ({a.role.replace('_', ' ')})"
            for a in record.supporting_analyses
        ),
    )


def _drug_label(term: str) -> str:
    entry = drugs().get(term)
    return entry.label if entry is not None else term


def trial_key(record: ImmuneTrial) -> str:
    """Identity of a trial: its registry id, else its name (two reports of one trial share it)."""
    return record.nct_id or record.registry_id or record.trial_name.lower()


def unique_trials(records: Sequence[ImmuneTrial]) -> list[ImmuneTrial]:
    """One record per trial (:func:`trial_key`): the most recent report, efficacy first."""
    best: dict[str, ImmuneTrial] = {}
    for r in records:
        key = trial_key(r)
        current = best.get(key)
        rank = (tests_efficacy(r), r.year or 0)
        if current is None or rank > (tests_efficacy(current), current.year or 0):
            best[key] = r
    keep = {id(r) for r in best.values()}
    return [r for r in records if id(r) in keep]


def drug_finding(term: str, records: Sequence[ImmuneTrial]) -> DrugFinding:
    """Verdict and certainty for one drug from its trials (rule ``therapy``); several reports
    of one trial (same registry id) count once."""
    findings = [trial_finding(r) for r in unique_trials(records)]
    rct = [f for f in findings if f.randomised and f.efficacy_tested]
    decided = [f for f in rct if f.outcome != "not yet known"]
    benefit = [f for f in decided if f.outcome == "benefit"]
    subgroup = [f for f in decided if f.outcome in ("subgroup benefit", "secondary benefit")]
    harm = [f for f in decided if f.outcome == "harm"]
    none_ = [f for f in decided if f.outcome == "no benefit"]
    verdict: Verdict
    if benefit and not (none_ or harm):
        verdict, reason = "supported", f"{len(benefit)} randomised trial(s) met efficacy endpoints"
    elif benefit or subgroup:
        verdict = "partly supported"
        reason = (
            f"{len(benefit)} full-population and {len(subgroup)} subgroup-only or "
            f"secondary-analysis positive randomised trial(s); {len(none_) + len(harm)} failed"
        )
    elif harm:
        verdict, reason = "contradicted", f"{len(harm)} randomised trial(s) found harm"
    elif none_:
        verdict = "not supported"
        reason = f"{len(none_)} randomised efficacy trial(s) missed the primary endpoint"
    else:
        pending = [f for f in rct if f.outcome == "not yet known"]
        verdict = "insufficient evidence"
        reason = (
            f"no completed randomised efficacy trial ({len(pending)} pending; "
            f"{len(findings) - len(rct)} safety, biomarker or uncontrolled stud(ies))"
        )
    steps: list[GradeStep] = []
    if decided:
        start = "high"
        start_reason = "randomised controlled trials: GRADE starts at high"
        sizes = [f.n_participants for f in decided if f.n_participants is not None]
        largest = max(sizes) if sizes else None
        if largest is None or largest < MIN_TRIAL_SIZE:
            steps.append(
                GradeStep(
                    "imprecision",
                    -1,
                    f"largest randomised efficacy trial has {largest or 'an unknown number of'} "
                    f"participants (< {MIN_TRIAL_SIZE})",
                )
            )
        else:
            steps.append(GradeStep("imprecision", 0, f"largest trial has {largest} participants"))
        if len(decided) == 1:
            steps.append(
                GradeStep("inconsistency", -1, "a single trial: consistency cannot be checked")
            )
        elif (benefit or subgroup) and (none_ or harm):
            steps.append(GradeStep("inconsistency", -1, "trials of this drug disagree"))
        else:
            steps.append(GradeStep("inconsistency", 0, f"{len(decided)} trials agree"))
        if subgroup and not benefit:
            steps.append(
                GradeStep(
                    "indirectness",
                    -1,
                    "benefit only in a subpopulation or a secondary analysis, not confirmed in a "
                    "second trial",
                )
            )
    else:
        start = "low"
        start_reason = "no completed randomised efficacy trial: safety or uncontrolled data only"
        steps.append(
            GradeStep("imprecision", -1, "efficacy not tested in a completed randomised trial")
        )
    certainty = grade(start, start_reason, steps)  # type: ignore[arg-type]
    return DrugFinding(
        drug=term,
        label=_drug_label(term),
        verdict=verdict,
        certainty=certainty,
        reason=reason,
        trial_ids=tuple(r.id for r in records),
    )


def drug_findings(records: Iterable[ImmuneTrial]) -> tuple[DrugFinding, ...]:
    """One :class:`DrugFinding` per drug, in order of first appearance."""
    by_drug: dict[str, list[ImmuneTrial]] = {}
    for r in records:
        by_drug.setdefault(r.drug, []).append(r)
    return tuple(drug_finding(term, recs) for term, recs in by_drug.items())


def class_verdict(findings: Sequence[DrugFinding]) -> tuple[Verdict, str, Certainty]:
    """Verdict for 'immune-targeting therapies work', from the per-drug findings."""
    supported = [f for f in findings if f.verdict == "supported"]
    strong = [f for f in supported if f.certainty.score >= 3]
    partly = [f for f in findings if f.verdict == "partly supported"]
    failed = [f for f in findings if f.verdict in ("not supported", "contradicted")]
    pending = [f for f in findings if f.verdict == "insufficient evidence"]
    tail = (
        f"{len(failed)} drug(s) failed in randomised efficacy trials"
        + (f" ({', '.join(f.label for f in failed)})" if failed else "")
        + (
            f"; subgroup-only or secondary-analysis signal for {', '.join(f.label for f in partly)}"
            if partly
            else ""
        )
        + f"; {len(pending)} without a completed efficacy trial"
    )
    verdict: Verdict
    if strong:
        verdict, reason = "supported", f"{', '.join(f.label for f in strong)} worked; " + tail
    elif supported:
        verdict = "partly supported"
        reason = f"{', '.join(f.label for f in supported)} worked, at low certainty; " + tail
    elif len(failed) >= MIN_DRUGS_CLASS_NULL:
        verdict, reason = "not supported", "no drug has worked: " + tail
    else:
        verdict, reason = "insufficient evidence", tail
    decided = [f for f in findings if f.verdict != "insufficient evidence"]
    if decided:
        best = max(f.certainty.score for f in decided)
        levels = ("very low", "low", "moderate", "high")
        start = levels[best - 1]
        steps = [
            GradeStep(
                "across drugs",
                0,
                "the class grade is the highest grade among drugs with a decided verdict",
            )
        ]
        certainty = grade(start, "highest per-drug grade", steps)  # type: ignore[arg-type]
    else:
        certainty = grade("very low", "no completed randomised efficacy trial", ())
    return verdict, reason, certainty


__all__ = [
    "MIN_DRUGS_CLASS_NULL",
    "MIN_TRIAL_SIZE",
    "class_verdict",
    "drug_finding",
    "drug_findings",
    "is_randomised",
    "tests_efficacy",
    "trial_finding",
    "trial_key",
    "trial_outcome",
    "unique_trials",
]
