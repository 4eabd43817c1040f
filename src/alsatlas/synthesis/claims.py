"""Claim checker: map a free-text claim onto catalogue questions and grade it.

A claim such as "Lupus raises the risk of ALS" or "MN-166 is a promising anti-inflammatory drug"
is matched to questions by the vocabulary (diseases and drugs named in it, through their
synonyms) and by a few topic cues (autoimmune classification, causality, genes, microglia /
neuroinflammation, biomarkers, treatment). Each matched question is answered as usual. When the
claim states the opposite direction of the question's claim ("lowers", "protects"), the verdict
is mirrored: *supported* and *contradicted* swap; the other verdicts stay.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import yaml

from alsatlas.errors import EvidenceError
from alsatlas.evidence import EvidenceBase, find_diseases, find_drugs, load_evidence
from alsatlas.evidence.vocabulary import disease_and_members, normalise_text
from alsatlas.synthesis.answer import Answer, Verdict, VoteDirection, _AsDict
from alsatlas.synthesis.dispatch import answer
from alsatlas.synthesis.questions import QUESTIONS


def _load_cues() -> tuple[re.Pattern[str], tuple[tuple[str, re.Pattern[str]], ...]]:
    """The direction and topic cues of ``data/content/claim_cues.yaml``, compiled and checked
    (every question id exists, every pattern compiles)."""
    path = Path(str(resources.files("alsatlas") / "data" / "content" / "claim_cues.yaml"))
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    known = {q.id for q in QUESTIONS}
    try:
        decrease = re.compile(raw["decrease"])
        topics = []
        for entry in raw["topics"]:
            if entry["question"] not in known:
                raise EvidenceError(
                    "unknown question id", file=str(path), row=entry["question"], field="question"
                )
            topics.append((str(entry["question"]), re.compile(entry["pattern"])))
    except re.error as exc:
        raise EvidenceError(f"bad pattern: {exc}", file=str(path), field="pattern") from None
    return decrease, tuple(topics)


_DECREASE, _CUES = _load_cues()

_MIRROR: dict[Verdict, Verdict] = {
    "supported": "contradicted",
    "contradicted": "supported",
    "partly supported": "partly supported",
    "not supported": "not supported",
    "insufficient evidence": "insufficient evidence",
}


@dataclass(frozen=True)
class ClaimMatch(_AsDict):
    """A question the claim maps onto, why, and the verdict for the claim as stated."""

    question_id: str
    why: str
    claim_direction: VoteDirection
    verdict: Verdict
    answer: Answer


@dataclass(frozen=True)
class ClaimCheck(_AsDict):
    """The result of checking one claim: every matched question (may be empty)."""

    claim: str
    diseases: tuple[str, ...]
    drugs: tuple[str, ...]
    matches: tuple[ClaimMatch, ...]


def _question_for_disease(term: str) -> str | None:
    for q in QUESTIONS:
        if q.category == "epidemiology" and term in q.terms:
            return q.id
    for q in QUESTIONS:  # a member disease (hashimoto -> thyroid) or a broader term
        if q.category == "epidemiology" and any(term in disease_and_members(t) for t in q.terms):
            return q.id
    return None


def claim_direction(claim: str) -> VoteDirection:
    """``decreased`` when the claim speaks of lower risk / protection, else ``increased``."""
    return "decreased" if _DECREASE.search(normalise_text(claim)) else "increased"


def match_questions(claim: str) -> list[tuple[str, str]]:
    """(question id, why) pairs for a claim, in the order found, without duplicates."""
    text = normalise_text(claim)
    found: list[tuple[str, str]] = []

    def add(qid: str, why: str) -> None:
        if qid not in [f[0] for f in found]:
            found.append((qid, why))

    for drug in find_drugs(claim):
        if any(drug in q.drugs for q in QUESTIONS):
            add(next(q.id for q in QUESTIONS if drug in q.drugs), f"names the drug {drug}")
        else:
            add("immune_therapies", f"names the drug {drug}")
    diseases = [d for d in find_diseases(claim) if d != "als"]
    for cue_id, pattern in _CUES:
        hit = pattern.search(text)
        if hit is None or (cue_id == "autoimmune_causal_mr" and not diseases):
            continue
        add(cue_id, f"topic cue '{hit.group(0)}'")
    classification = any(f[0] == "als_autoimmune" for f in found)
    for term in diseases:
        if classification and term == "any_immune_mediated":
            continue  # "ALS is an autoimmune disease" names no prior disease
        disease_qid = _question_for_disease(term)
        if disease_qid is not None:
            add(disease_qid, f"names the disease {term}")
    return found


def check_claim(claim: str, evidence: EvidenceBase | None = None) -> ClaimCheck:
    """Match ``claim`` to catalogue questions and give the verdict for the claim as stated."""
    base = load_evidence() if evidence is None else evidence
    direction = claim_direction(claim)
    matches: list[ClaimMatch] = []
    for qid, why in match_questions(claim):
        result = answer(qid, base)
        verdict = result.verdict
        stated = direction
        if (
            result.question.category == "epidemiology"
            and direction != result.question.claim_direction
        ):
            verdict = _MIRROR[verdict]
        else:
            stated = result.question.claim_direction
        matches.append(ClaimMatch(qid, why, stated, verdict, result))
    return ClaimCheck(
        claim=claim,
        diseases=tuple(d for d in find_diseases(claim) if d != "als"),
        drugs=find_drugs(claim),
        matches=tuple(matches),
    )


__all__ = ["ClaimCheck", "ClaimMatch", "check_claim", "claim_direction", "match_questions"]
