"""alsatlas.web: a small explorer over the answered questions and the evidence base.

:func:`create_app` builds a FastAPI application that serves a JSON API under ``/api`` (see
:mod:`alsatlas.web.api`) and server-rendered HTML pages (see :mod:`alsatlas.web.pages`). Both
format what :func:`alsatlas.synthesis.answer_all` returned, loaded once per application
(:class:`Atlas`), so a number can never differ between the explorer, the CLI and the report.
Run it with ``alsatlas serve``.
"""

from alsatlas.web.app import OPENAPI_URL, create_app
from alsatlas.web.atlas import Atlas

__all__ = ["OPENAPI_URL", "Atlas", "create_app"]
