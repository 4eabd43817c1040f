"""The article claim checker: article -> sentences -> claims (entities, relation, polarity,
hedging, strength, framing) -> question routing -> a verdict derived from the answer.

Entry points: :func:`check_text` and :func:`check_document` (with :func:`read_source` for a
file, a claim string or standard input). Cue words are data
(``data/content/claim_language.yaml``); verdicts come from the synthesis answers only.
"""

from alsatlas.claims.article import ArticleCheck, CheckedSentence, check_document, check_text
from alsatlas.claims.claim import CLAIM_VERDICTS, ClaimVerdict, SubClaim
from alsatlas.claims.source import MAX_BYTES, Document, read_source

__all__ = [
    "CLAIM_VERDICTS",
    "MAX_BYTES",
    "ArticleCheck",
    "CheckedSentence",
    "ClaimVerdict",
    "Document",
    "SubClaim",
    "check_document",
    "check_text",
    "read_source",
]
