"""Reading grade of the report's plain-language text (Flesch-Kincaid, via ``textstat``).

The Flesch-Kincaid grade level is

.. math::

    0.39 \\cdot \\frac{\\text{words}}{\\text{sentences}}
    + 11.8 \\cdot \\frac{\\text{syllables}}{\\text{words}} - 15.59

(Kincaid JP, Fishburne RP, Rogers RL, Chissom BS. Derivation of new readability formulas for
Navy enlisted personnel. Research Branch Report 8-75, Naval Technical Training Command, 1975).
It is computed with ``textstat``'s implementation of that formula. ``textstat`` counts English
syllables with the CMU pronouncing dictionary, which it fetches through NLTK over the network on
first use; the report must build offline, so syllables are counted with ``pyphen``'s en_US
hyphenation dictionary instead (``textstat``'s own fallback for words missing from the CMU
dictionary), selected by the language tag ``en-US``. Hyphenation points can undercount
syllables (``elephant`` splits as ``ele-phant``), which lowers the grade a little; the report's
test therefore holds the plain-language section one grade below :data:`MAX_PLAIN_GRADE`
(:data:`UNDERCOUNT_MARGIN`).
"""

from __future__ import annotations

import html
import re

from textstat.backend.metrics import flesch_kincaid_grade as _fk_grade

#: Language tag for ``textstat``: the hyphenation-dictionary syllable counter, no download.
SYLLABLE_LANGUAGE = "en-US"

#: The highest reading grade the plain-language section may have.
MAX_PLAIN_GRADE = 9.0

#: Grades the plain-language test keeps in hand for the hyphenation syllable undercount.
UNDERCOUNT_MARGIN = 1.0

_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


def html_to_text(markup: str) -> str:
    """Strip tags and collapse white space, keeping the words a reader sees."""
    return _SPACE.sub(" ", html.unescape(_TAG.sub(" ", markup))).strip()


def reading_grade(text: str) -> float:
    """Flesch-Kincaid grade level of ``text`` (see the module docstring for the formula)."""
    return float(_fk_grade(text, SYLLABLE_LANGUAGE))


__all__ = [
    "MAX_PLAIN_GRADE",
    "SYLLABLE_LANGUAGE",
    "UNDERCOUNT_MARGIN",
    "html_to_text",
    "reading_grade",
]
