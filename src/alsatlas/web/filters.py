"""The evidence filters as query parameters, shared by ``/api/evidence`` and the downloads.

One FastAPI dependency declares the parameters once (with their OpenAPI descriptions), resolves
the disease through the vocabulary and answers an unknown one with a 422 naming ``disease``.
The HTML evidence page keeps its own form parsing: it shows bad values in the form instead.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Depends, Query

from alsatlas.evidence import RecordKind
from alsatlas.web.atlas import EvidenceFilter, UnknownDisease, evidence_filter
from alsatlas.web.errors import BadParameter


def filter_query(
    kind: Annotated[RecordKind | None, Query(description="Record kind")] = None,
    disease: Annotated[
        str | None,
        Query(description="Disease term or any synonym in the vocabulary (lupus -> sle)"),
    ] = None,
    include_members: Annotated[
        bool, Query(description="A broad disease term also matches its member diseases")
    ] = False,
    verified_only: Annotated[
        bool, Query(description="Only records read on a page (primary or secondary)")
    ] = False,
    level: Annotated[
        Literal["primary", "secondary", "unverified"] | None,
        Query(description="Only records of this verification level"),
    ] = None,
    design: Annotated[
        Literal["cohort", "case_control", "other"] | None,
        Query(description="Only epidemiological records of this design class"),
    ] = None,
    year_min: Annotated[int | None, Query(ge=1900, le=2100)] = None,
    year_max: Annotated[int | None, Query(ge=1900, le=2100)] = None,
) -> EvidenceFilter:
    """The filter the query names (see :func:`alsatlas.web.atlas.evidence_filter`)."""
    try:
        return evidence_filter(
            kind=kind,
            disease=disease,
            include_members=include_members,
            verified_only=verified_only,
            level=level,
            design=design,
            year_min=year_min,
            year_max=year_max,
        )
    except UnknownDisease as exc:
        raise BadParameter("disease", str(exc)) from None


FilterDep = Annotated[EvidenceFilter, Depends(filter_query)]

__all__ = ["FilterDep", "filter_query"]
