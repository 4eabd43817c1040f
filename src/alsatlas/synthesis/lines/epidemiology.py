"""Epidemiology: a prior immune-mediated disease and later ALS (pooled estimates, votes,
verdict and GRADE-style certainty)."""

from __future__ import annotations

from alsatlas.evidence import EvidenceBase
from alsatlas.synthesis.answer import (
    Answer,
    EpidemiologyAnswer,
    Exclusion,
    PooledEstimate,
    Question,
    RecordUse,
    Vote,
)
from alsatlas.synthesis.certainty import epi_certainty
from alsatlas.synthesis.lines.common import (
    ids,
    mr_for_terms,
    mr_plain,
    overlap_key,
    subgroup_terms,
    tally,
)
from alsatlas.synthesis.pooling import pool_term
from alsatlas.synthesis.selection import select_epi
from alsatlas.synthesis.summaries import (
    absolute_risk_sentence,
    bias_sentence,
    certainty_sentence,
    effect_sentence,
    epi_technical,
    plain_text,
    risk_verdict_sentence,
    say,
)
from alsatlas.synthesis.verdict import estimate_verdict

# --- epidemiology ------------------------------------------------------------------------------


def epidemiology_answer(q: Question, evidence: EvidenceBase) -> Answer:
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
            key = overlap_key(by_id[vote.record_id])
            rank = (0 if vote.numeric else 1, index)
            if key not in chosen:
                order.append(key)
            if key not in chosen or rank < chosen[key][0]:
                chosen[key] = (rank, vote)
    votes = tally([chosen[k][1] for k in order])
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
        if r.exposure not in q.terms and r.exposure in subgroup_terms(q.terms):
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
    mr = mr_for_terms(evidence, q.terms)
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
    name = q.plain_name
    plain = plain_text(
        risk_verdict_sentence(verdict, q),
        effect_sentence(headline, name) if headline is not None else "",
        absolute_risk_sentence(headline, name)
        if headline is not None
        and verdict in ("supported", "partly supported", "contradicted")
        and certainty.level != "very low"
        else "",
        bias_sentence(certainty.grade_steps)
        if verdict in ("supported", "partly supported")
        else "",
        "" if headline is not None or votes.total == 0 else say("no_numbers_epi"),
        say("no_study") if votes.total == 0 else "",
        mr_plain(mr),
        certainty_sentence(certainty.level, verdict),
    )
    return EpidemiologyAnswer(
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
        record_ids=ids(used, excluded),
    )
