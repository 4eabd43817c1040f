"""From a sentence to rated sub-claims: entities, relation, polarity, hedging, strength and
framing, then routing to catalogue questions and a verdict derived from the synthesis answer.

Rules (each a plain function of the parsed sentence and the answer; no model decides):

- A sentence speaks of ALS when the vocabulary finds ALS in it, or when it starts with a back
  reference (``This``, ``These``, ``It``...) right after a sentence that did; then it also
  takes that sentence's diseases and drugs when it names none of its own.
- Routing: ALS as the subject of "is / is not / is called ... autoimmune" goes to the
  classification question; each named disease with a risk word (risk, linked, raises, more
  likely...) becomes one sub-claim for that disease's question; each named drug with an
  efficacy word (slows, works, helps, promising...) one sub-claim for that drug; then the topic
  cues (microglia, causes, genes, biomarkers, treatment, immune system), in that order.
- Verdict: the question's verdict (for a drug, that drug's verdict), mirrored when the claim
  states the opposite direction ("lowers": supported <-> contradicted, partly supported -> not
  supported), negated when the claim is negated
  (supported <-> contradicted, not supported -> supported, partly supported -> not supported),
  lowered when the claim asserts a size the evidence rules out ("triples the risk" against a
  95% CI below 3 is not supported) or a proof the certainty does not give ("proven" with low
  certainty is at most partly supported). A sentence framed as a myth or misconception is
  rated as the misconception it reports, and says so; a question is answered.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

from alsatlas.claims.language import language
from alsatlas.evidence import EvidenceBase
from alsatlas.evidence.vocabulary import disease_and_members, find_diseases, find_drugs
from alsatlas.synthesis.answer import Answer, _AsDict, drug_findings_of, pooled_of
from alsatlas.synthesis.questions import QUESTIONS

ClaimVerdict = Literal[
    "supported",
    "partly_supported",
    "not_supported",
    "contradicted",
    "insufficient_evidence",
    "out_of_scope",
]
CLAIM_VERDICTS: tuple[ClaimVerdict, ...] = get_args(ClaimVerdict)
"""Every claim verdict, in order."""
Polarity = Literal["positive", "negative"]
Framing = Literal["assertion", "misconception", "question"]

_FROM_ANSWER: dict[str, ClaimVerdict] = {
    "supported": "supported",
    "partly supported": "partly_supported",
    "not supported": "not_supported",
    "contradicted": "contradicted",
    "insufficient evidence": "insufficient_evidence",
}
NEGATE: dict[ClaimVerdict, ClaimVerdict] = {
    "supported": "contradicted",
    "partly_supported": "not_supported",
    "not_supported": "supported",
    "contradicted": "supported",
    "insufficient_evidence": "insufficient_evidence",
    "out_of_scope": "out_of_scope",
}
"""The verdict of "not P" from the verdict of P."""
MIRROR: dict[ClaimVerdict, ClaimVerdict] = {
    "supported": "contradicted",
    "contradicted": "supported",
    "partly_supported": "not_supported",
    "not_supported": "not_supported",
    "insufficient_evidence": "insufficient_evidence",
    "out_of_scope": "out_of_scope",
}
"""The verdict of "X lowers the risk" from that of "X raises the risk"."""

_EFFICACY = re.compile(
    r"\b(slows?|slowed|slowing|works?|worked|helps?|helped|treats?|treated|treating|benefits?|"
    r"effective|efficacy|promising|improves?|improved|extends?|extended|prolongs?|prolonged|"
    r"cures?|cured|halts?|halted|stops?|stopped|delays?|delayed|reverses?|succeed\w*|"
    r"breakthrough|hope)\b"
)
_AUTOIMMUNE_SUBJECT = re.compile(
    r"\b(als|it|this disease|this condition|lou gehrig'?s disease|motor neurone? disease|mnd)\b"
    r"(?:(?! that )[^.?!]){0,40}?\b(is|are|was|be|being|called|considered|classified as|"
    r"counts as|as)\b(?:(?! that )[^.?!]){0,30}?\bautoimmun\w*"
    r"|\b(is|are)\s+(als|it)\b[^.?!]{0,30}\bautoimmun\w*"
    r"|\b(consider|call|classif(?:y|ies|ied)|label)\w*\s+(als|it|motor neurone? disease)\b"
    r"[^.?!]{0,20}\bautoimmun\w*"
)
_CITATION_LIMIT = 5


@dataclass(frozen=True)
class SubClaim(_AsDict):
    """One rated claim of a sentence (a sentence naming several diseases has one each)."""

    text: str
    question_id: str | None
    entities: tuple[str, ...]
    polarity: Polarity
    hedged: bool
    framing: Framing
    strength: float | None
    verdict: ClaimVerdict
    certainty: str | None
    explanation: str
    citations: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Clause:
    """One clause of a sentence: what it names and how it speaks (negated, hedged)."""

    text: str
    diseases: tuple[str, ...]
    drugs: tuple[str, ...]
    polarity: Polarity
    hedged: bool
    classification: bool
    topics: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Shape:
    """What a sentence says, before routing: the parse the verdict rules read."""

    text: str
    about_als: bool
    diseases: tuple[str, ...]
    drugs: tuple[str, ...]
    polarity: Polarity
    hedged: bool
    decrease: bool
    framing: Framing
    strength: float | None
    out_of_scope: bool
    inherited: bool = False
    clauses: tuple[Clause, ...] = field(default=())


def _lower(text: str) -> str:
    return text.replace("\u2019", "'").replace("\u2018", "'").lower()


def _clauses(text: str) -> list[tuple[int, int]]:
    """``[start, end)`` spans of the clauses of ``text`` (split at clause breaks)."""
    lang = language()
    spans: list[tuple[int, int]] = []
    cursor = 0
    for m in lang.clause_break.finditer(text):
        spans.append((cursor, m.start()))
        cursor = m.end()
    spans.append((cursor, len(text)))
    return [(a, b) for a, b in spans if text[a:b].strip()]


def _clause(text: str, original: str) -> Clause:
    lang = language()
    found = find_diseases(original)
    return Clause(
        text=text,
        diseases=tuple(d for d in found if d != "als"),
        drugs=find_drugs(original),
        polarity="negative" if lang.negation.search(text) else "positive",
        hedged=bool(lang.hedge.search(text)),
        classification=bool(_AUTOIMMUNE_SUBJECT.search(text)),
        topics=tuple((t.name, t.question) for t in lang.topics if t.pattern.search(text)),
    )


def parse(text: str, previous: Shape | None = None) -> Shape:
    """The shape of one sentence; ``previous`` is the last sentence that spoke of ALS or named
    a disease or drug (what a back reference such as ``They`` or ``This`` points to)."""
    lang = language()
    low = _lower(text)
    found = find_diseases(text)
    diseases = tuple(d for d in found if d != "als")
    drugs = find_drugs(text)
    about = "als" in found
    inherited = False
    starts_back = bool(lang.back_reference.search(low.lstrip()))
    if previous is not None and previous.about_als and not about:
        about = starts_back or bool(lang.subject_reference.search(low))
    if (
        previous is not None
        and starts_back
        and not diseases
        and not drugs
        and not _AUTOIMMUNE_SUBJECT.search(_lower(previous.text))
    ):
        diseases, drugs = previous.diseases, previous.drugs
        inherited = bool(diseases or drugs)
    framing: Framing = "assertion"
    offset = 0
    hit = lang.misconception.search(low)
    if hit is not None:
        framing = "misconception"
        that = re.search(r"\b(that|:)\s*", low[hit.end() :])
        offset = hit.end() + (that.end() if that is not None else 0)
    claim_text = low[offset:]
    if framing == "assertion" and lang.question_form.search(low):
        framing = "question"
    ratios = [s.ratio for s in lang.strength if s.pattern.search(claim_text)]
    strength = max(ratios) if ratios else None
    # the vocabulary reads the original casing (acronyms such as RA and MS are upper case)
    same = len(low) == len(text)
    clauses = tuple(
        _clause(claim_text[a:b], text[offset + a : offset + b] if same else claim_text[a:b])
        for a, b in _clauses(claim_text)
    )
    if inherited and clauses:
        first = clauses[0]
        clauses = (
            Clause(
                first.text,
                diseases,
                drugs,
                first.polarity,
                first.hedged,
                first.classification,
                first.topics,
            ),
            *clauses[1:],
        )
    polarity: Polarity = clauses[0].polarity if clauses else "positive"
    return Shape(
        text=text,
        about_als=about,
        diseases=diseases,
        drugs=drugs,
        polarity=polarity,
        hedged=any(c.hedged for c in clauses),
        decrease=bool(lang.decrease.search(claim_text)),
        framing=framing,
        strength=strength,
        out_of_scope=bool(lang.out_of_scope.search(low)),
        inherited=inherited,
        clauses=clauses,
    )


def _disease_question(term: str) -> str | None:
    for q in QUESTIONS:
        if q.kind == "epidemiology" and term in q.terms:
            return q.id
    for q in QUESTIONS:
        if q.kind == "epidemiology" and any(term in disease_and_members(t) for t in q.terms):
            return q.id
    return None


def _drug_question(drug: str) -> str:
    return next((q.id for q in QUESTIONS if drug in q.drugs), "immune_therapies")


@dataclass(frozen=True, slots=True)
class Route:
    """A sub-claim's destination: the question, the entity it is about, why, and how the
    clause that holds it speaks (negated, hedged)."""

    question_id: str | None
    entity: str
    drug: str | None = None
    note: str = ""
    polarity: Polarity = "positive"
    hedged: bool = False


def route(shape: Shape) -> list[Route]:
    """Where each claim of a sentence goes (an empty list: not a claim about ALS)."""
    relevant = shape.about_als or bool(shape.drugs)
    if not relevant:
        return []
    if shape.out_of_scope:
        return [Route(None, "resource", note="a resource or call to action, not a claim")]
    low = _lower(shape.text)
    lang = language()
    risky = bool(lang.risk_relation.search(low)) or shape.strength is not None
    efficacy = bool(_EFFICACY.search(low))
    causal_words = "autoimmun" in low or "mendelian" in low
    routes: list[Route] = []
    seen: set[str] = set()

    def add(r: Route) -> None:
        key = f"{r.question_id}:{r.drug}:{r.entity}"
        if key not in seen:
            seen.add(key)
            routes.append(r)

    for c in shape.clauses:
        pol, hedged = c.polarity, c.hedged
        if c.classification:
            add(
                Route("als_autoimmune", "ALS as an autoimmune disease", polarity=pol, hedged=hedged)
            )
        for term in c.diseases:
            if c.classification and term == "any_immune_mediated":
                continue
            qid = _disease_question(term)
            if qid is None:
                add(Route(None, term, note=f"no question of the evidence base covers {term}"))
            elif risky or shape.inherited:
                add(Route(qid, term, polarity=pol, hedged=hedged))
        for drug in c.drugs:
            if efficacy:
                add(Route(_drug_question(drug), drug, drug=drug, polarity=pol, hedged=hedged))
            else:
                add(
                    Route(
                        None,
                        drug,
                        note="the evidence base grades whether drugs slow ALS, not how they act",
                    )
                )
        names = {name for name, _ in c.topics}
        for name, qid in c.topics:
            if name == "classification":
                continue
            if name == "causal" and not (c.diseases or causal_words):
                continue
            if name == "genetics" and "mendelian" in low:
                continue
            if name == "therapy" and (c.drugs or shape.drugs or not efficacy):
                continue
            if name == "involvement" and (
                routes or {"neuroinflammation", "therapy", "causal"} & names
            ):
                continue
            if name == "biomarkers" and c.drugs:
                continue
            add(Route(qid, name, polarity=pol, hedged=hedged))
    if not routes:
        add(Route(None, "ALS", note="no question of the evidence base covers this statement"))
    return routes


def _citations(answer: Answer, evidence: EvidenceBase, ids: Sequence[str] = ()) -> tuple[str, ...]:
    pooled = pooled_of(answer)
    order = list(ids) or ([r.record_id for r in pooled.rows] if pooled is not None else []) + [
        u.record_id for u in answer.used
    ]
    out: list[str] = []
    for rid in order:
        if rid not in evidence.by_id:
            continue
        c = evidence.get(rid).citation
        ident = c.identifiers[0] if c.identifiers else None
        if ident and ident not in out:
            out.append(ident)
        if len(out) == _CITATION_LIMIT:
            break
    return tuple(out)


_PHRASE: dict[ClaimVerdict, str] = {
    "supported": "The evidence supports this claim",
    "partly_supported": "The evidence partly supports this claim",
    "not_supported": "The evidence does not support this claim",
    "contradicted": "The evidence contradicts this claim",
    "insufficient_evidence": "There is not enough evidence to judge this claim",
    "out_of_scope": "This is not a claim the evidence base grades",
}


def rate(shape: Shape, r: Route, answers: Mapping[str, Answer], evidence: EvidenceBase) -> SubClaim:
    """The sub-claim for one route, its verdict derived from the question's answer."""
    common: dict[str, Any] = {
        "text": shape.text,
        "entities": tuple(x for x in (r.entity,) if x),
        "polarity": r.polarity,
        "hedged": r.hedged,
        "framing": shape.framing,
        "strength": shape.strength,
    }
    if r.question_id is None:
        return SubClaim(
            question_id=None,
            verdict="out_of_scope",
            certainty=None,
            explanation=f"{_PHRASE['out_of_scope']}: {r.note}.",
            **common,
        )
    a = answers[r.question_id]
    q = a.question
    verdict: ClaimVerdict = _FROM_ANSWER[a.verdict]
    certainty = a.certainty.level
    basis = f"'{q.claim}' is {a.verdict} ({certainty} certainty)"
    ids: tuple[str, ...] = ()
    if r.drug is not None and q.id == "immune_therapies":
        finding = next((d for d in drug_findings_of(a) if d.drug == r.drug), None)
        if finding is not None:
            verdict, certainty = _FROM_ANSWER[finding.verdict], finding.certainty.level
            basis = f"{finding.label} in ALS trials is {finding.verdict} ({certainty} certainty)"
            ids = finding.trial_ids
    notes: list[str] = []
    if q.kind == "epidemiology" and shape.decrease != (q.claim_direction == "decreased"):
        verdict = MIRROR[verdict]
        notes.append("the claim states the opposite direction")
    pooled = pooled_of(a)
    if shape.strength and verdict in ("supported", "partly_supported", "insufficient_evidence"):
        if pooled is not None and pooled.ci_ub < shape.strength:
            verdict = "not_supported"
            notes.append(
                f"the 95% CI ({pooled.ci_lb:.2f}-{pooled.ci_ub:.2f}) rules out a "
                f"{shape.strength:g}-fold effect"
            )
        elif pooled is None and verdict == "supported":
            verdict = "partly_supported"
            notes.append("the size it states has no number behind it")
    if shape.strength == 0 and verdict == "supported" and certainty in ("low", "very low"):
        verdict = "partly_supported"
        notes.append(f"not proven: certainty is {certainty}")
    if r.polarity == "negative":
        verdict = NEGATE[verdict]
    lead = _PHRASE[verdict]
    if shape.framing == "misconception":
        lead = f"The article reports this as a misconception. {_PHRASE[verdict]}"
    elif shape.framing == "question":
        lead = f"Answering the question: {_PHRASE[verdict].lower()}"
    extra = f" ({'; '.join(notes)})" if notes else ""
    return SubClaim(
        question_id=q.id,
        verdict=verdict,
        certainty=certainty,
        explanation=f"{lead}{extra}. Evidence: {basis}.",
        citations=_citations(a, evidence, ids),
        **common,
    )


__all__ = [
    "CLAIM_VERDICTS",
    "MIRROR",
    "NEGATE",
    "ClaimVerdict",
    "Clause",
    "Framing",
    "Polarity",
    "Route",
    "Shape",
    "SubClaim",
    "parse",
    "rate",
    "route",
]
