"""Errors the explorer's routes raise, and how each face answers them.

``NotFound`` (an unknown question or record id) and ``BadParameter`` (a query parameter that
validates as a type but means nothing, such as a disease name outside the vocabulary) are
raised by both the JSON API and the HTML pages. Under ``/api`` they are answered with an
:class:`~alsatlas.web.responses.ErrorBody` (404 / 422); elsewhere with an HTML error page of
the same status. FastAPI's own 422 for a parameter of the wrong type keeps its usual body.
"""

from __future__ import annotations


class ExplorerError(Exception):
    """Base of the explorer's request errors; ``status`` is the HTTP status to answer with."""

    status: int = 400

    def __init__(self, detail: str) -> None:
        self.detail = detail
        super().__init__(detail)


class NotFound(ExplorerError):
    """No question or record has this id."""

    status = 404

    def __init__(self, what: str, ident: str) -> None:
        self.what = what
        self.ident = ident
        super().__init__(f"no {what} with id {ident!r}")


class BadParameter(ExplorerError):
    """A query parameter has an acceptable type but no meaning (``disease=notadisease``)."""

    status = 422

    def __init__(self, param: str, detail: str) -> None:
        self.param = param
        super().__init__(detail)


__all__ = ["BadParameter", "ExplorerError", "NotFound"]
