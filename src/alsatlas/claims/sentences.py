"""Sentence segmentation that keeps character offsets.

A sentence ends at ``.``, ``!`` or ``?`` followed by white space and an upper-case letter,
digit or quote, unless the word before the full stop is a known abbreviation (``e.g.``,
``i.e.``, ``et al.``, ``Dr.``, ``vs.``, ...) or a single initial; a line break always ends a
heading or list item (any line that does not end in sentence punctuation and is followed by
another line). Offsets are into the text given.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ABBREVIATIONS = frozenset(
    [
        "e.g",
        "i.e",
        "et",
        "al",
        "etc",
        "vs",
        "dr",
        "mr",
        "mrs",
        "ms",
        "prof",
        "fig",
        "figs",
        "approx",
        "no",
        "nos",
        "vol",
        "st",
        "jr",
        "sr",
        "inc",
        "ltd",
        "co",
        "u.s",
        "u.k",
        "ca",
        "cf",
        "al",
        "dept",
        "univ",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
    ]
)
"""Words (lower case, without the final full stop) after which a full stop ends no sentence."""

_END = re.compile(r"[.!?]+[\"')\]]*(?=\s+[\"'(\[]?[A-Z0-9])")
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)\.$")


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence: its text and its ``[start, end)`` offsets; ``heading`` when it is a title."""

    text: str
    start: int
    end: int
    heading: bool = False


def _is_abbreviation(before: str) -> bool:
    match = _WORD_BEFORE.search(before)
    if match is None:
        return False
    word = match.group(1).lower().rstrip(".")
    return word in ABBREVIATIONS or len(word) == 1


def _split_line(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    cursor = start
    for match in _END.finditer(text, start, end):
        stop = match.end()
        if text[match.start()] == "." and _is_abbreviation(text[cursor : match.start() + 1]):
            continue
        spans.append((cursor, stop))
        cursor = stop
    spans.append((cursor, end))
    return spans


def split_sentences(text: str, headings: tuple[tuple[int, int], ...] = ()) -> tuple[Sentence, ...]:
    """Every sentence of ``text`` with its offsets (blank stretches dropped)."""
    out: list[Sentence] = []
    for line in re.finditer(r"[^\n]+", text):
        for a, b in _split_line(text, line.start(), line.end()):
            piece = text[a:b]
            lead = len(piece) - len(piece.lstrip())
            trail = len(piece.rstrip())
            if trail <= lead:
                continue
            s, e = a + lead, a + trail
            heading = any(h0 <= s and e <= h1 for h0, h1 in headings)
            out.append(Sentence(text[s:e], s, e, heading))
    return tuple(out)


__all__ = ["ABBREVIATIONS", "Sentence", "split_sentences"]
