"""Checking a whole article: every sentence that makes a claim about ALS and the immune
system, each with its offsets and rated sub-claims.

``check_text`` is the library entry (a claim, or an article's text with its kind);
``ArticleCheck.to_dict()`` is the JSON the CLI prints and the web API returns.
"""

from __future__ import annotations

from dataclasses import dataclass

from alsatlas.claims.claim import Shape, SubClaim, parse, rate, route
from alsatlas.claims.sentences import split_sentences
from alsatlas.claims.source import Document, SourceKind, document_from_text
from alsatlas.evidence import EvidenceBase, load_evidence
from alsatlas.synthesis import answer_all
from alsatlas.synthesis.answer import _AsDict


@dataclass(frozen=True)
class CheckedSentence(_AsDict):
    """One sentence that makes claims: its text, ``[start, end)`` offsets in the article's
    visible text, the heading it stands under, and its sub-claims."""

    sentence: str
    start: int
    end: int
    heading: str | None
    subclaims: tuple[SubClaim, ...]


@dataclass(frozen=True)
class ArticleCheck(_AsDict):
    """Every claim of one article (``source`` names it: a file, ``<stdin>`` or ``<claim>``)."""

    source: str
    kind: str
    claims: tuple[CheckedSentence, ...]

    @property
    def subclaims(self) -> tuple[SubClaim, ...]:
        """Every sub-claim, in article order."""
        return tuple(s for c in self.claims for s in c.subclaims)


def check_document(doc: Document, evidence: EvidenceBase | None = None) -> ArticleCheck:
    """Rate every claim of ``doc`` against the evidence base (the shipped one by default)."""
    base = load_evidence() if evidence is None else evidence
    answers = {a.question.id: a for a in answer_all(base)}
    out: list[CheckedSentence] = []
    previous: Shape | None = None
    heading: str | None = None
    for s in split_sentences(doc.text, doc.headings):
        if s.heading:
            heading = s.text
            continue
        shape = parse(s.text, previous)
        routes = route(shape)
        if shape.about_als or shape.diseases or shape.drugs:
            previous = shape
        if not routes:
            continue
        subclaims = tuple(rate(shape, r, answers, base) for r in routes)
        out.append(CheckedSentence(s.text, s.start, s.end, heading, subclaims))
    return ArticleCheck(doc.name, doc.kind, tuple(out))


def check_text(
    text: str,
    evidence: EvidenceBase | None = None,
    *,
    kind: SourceKind | None = "text",
    name: str = "<claim>",
) -> ArticleCheck:
    """Rate the claims of ``text`` (a claim or an article; ``kind=None`` sniffs HTML)."""
    return check_document(document_from_text(text, name, kind), evidence)


__all__ = ["ArticleCheck", "CheckedSentence", "check_document", "check_text"]
