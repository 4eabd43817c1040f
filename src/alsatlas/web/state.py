"""Where a request finds the application's :class:`~alsatlas.web.atlas.Atlas`.

:func:`~alsatlas.web.app.create_app` loads the atlas once and stores it on ``app.state``; the
routes receive it through the :func:`get_atlas` dependency, so nothing is loaded per request.
"""

from __future__ import annotations

from fastapi import Request

from alsatlas.web.atlas import Atlas

STATE_KEY = "atlas"


def get_atlas(request: Request) -> Atlas:
    """The atlas of the application that serves ``request``."""
    atlas = getattr(request.app.state, STATE_KEY, None)
    if not isinstance(atlas, Atlas):
        raise RuntimeError("the application has no atlas; build it with create_app()")
    return atlas


__all__ = ["STATE_KEY", "get_atlas"]
