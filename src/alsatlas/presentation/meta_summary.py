"""The JSON form of a meta-analysis fit, shared by ``alsatlas meta --format json`` and
``POST /api/meta``: metafor's names (``rma``'s ``estimate, se, ... QEp, pi_lb, pi_ub``) and,
for ratio measures pooled on the log scale, an ``exp`` block back on the ratio scale."""

from __future__ import annotations

import math
from typing import Any

from alsatlas.stats.rma import RMAResult


def exp_or_inf(value: float) -> float:
    """``exp(value)``; a log value beyond double range (about 709.8) gives infinity, as R's
    ``exp`` does, instead of an OverflowError."""
    try:
        return math.exp(float(value))
    except OverflowError:
        return math.inf


def exp_block(summary: dict[str, Any]) -> dict[str, float | None]:
    """``estimate``, CI and prediction interval exponentiated (``None`` stays ``None``; see
    :func:`exp_or_inf`)."""

    def ex(key: str) -> float | None:
        value = summary.get(key)
        return None if value is None else exp_or_inf(value)

    return {
        "estimate": ex("estimate"),
        "ci_lb": ex("ci_lb"),
        "ci_ub": ex("ci_ub"),
        "pi_lb": ex("pi_lb"),
        "pi_ub": ex("pi_ub"),
    }


def fit_summary(fit: RMAResult, ratio: bool) -> dict[str, Any]:
    """``fit.to_dict()``, with the ``exp`` block when ``ratio``."""
    out = fit.to_dict()
    if ratio:
        out["exp"] = exp_block(out)
    return out


__all__ = [
    "exp_block",
    "exp_or_inf",
    "fit_summary",
]
