r"""Effect sizes of event counts: single proportions, single incidence rates and rate ratios.

As ``metafor::escalc`` (3.8), with :math:`x_i` events among :math:`n_i` (:math:`m_i = n_i -
x_i` non-events, :math:`p_i = x_i/n_i`) or over person-time :math:`t_i`:

==========  ====================================  ==========================================
measure     :math:`y_i`                           :math:`v_i` (``vtype="LS"``)
==========  ====================================  ==========================================
``PR``      :math:`p_i`                           :math:`p_i(1-p_i)/n_i`
``PLO``     :math:`\log(p_i/(1-p_i))`             :math:`1/x_i + 1/m_i`
``PAS``     :math:`\arcsin\sqrt{p_i}`             :math:`1/(4n_i)`
``IR``      :math:`x_i/t_i`                       :math:`x_i/t_i^2`
``IRLN``    :math:`\log(x_i/t_i)`                 :math:`1/x_i`
``IRR``     :math:`\log\frac{x_{1i}/t_{1i}}{x_{2i}/t_{2i}}`   :math:`1/x_{1i} + 1/x_{2i}`
==========  ====================================  ==========================================

Other variances: ``PR`` ``"UB"`` :math:`p_i(1-p_i)/(n_i-1)` and ``"AV"``
:math:`\bar p(1-\bar p)/n_i`; ``PLO`` ``"AV"`` :math:`1/(\bar p n_i) + 1/((1-\bar p)n_i)`, with
:math:`\bar p` the :math:`n`-weighted mean proportion.

**Continuity correction** (metafor's defaults): ``add = 1/2`` is added to :math:`x_i` and
:math:`m_i` (``PR``, ``PLO``), to :math:`x_i` (``IR``, ``IRLN``) or to both groups' counts
(``IRR``) of each row with a zero count (``to = "only0"``; also ``"all"``, ``"if0all"``,
``"none"``); the corrected counts give both :math:`y_i` and :math:`v_i`. ``PAS`` defaults to
``add = 0`` (the arcsine is defined at 0 and 1). For ``IRR``, ``drop00 = True`` removes rows
with no events in either group.

References
----------
metafor 3.8 documentation: ``help(escalc)``; Viechtbauer, W. (2010). *Journal of
Statistical Software*, 36(3).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from alsatlas.errors import StatsInputError
from alsatlas.stats.escalc_common import (
    EffectSizes,
    check_add,
    check_choice,
    correction_mask,
    finish,
    require,
    vector,
    weighted_mean,
)

#: Single-proportion measures, with metafor's names.
MEASURES_PROPORTION: tuple[str, ...] = ("PR", "PLO", "PAS")
#: Single incidence-rate measures.
MEASURES_RATE: tuple[str, ...] = ("IR", "IRLN")
#: Measures with metafor's default ``add = 0`` (all others: 1/2).
NO_ADD_MEASURES: frozenset[str] = frozenset({"AS", "PAS"})


def default_add(measure: str, add: float | None) -> float:
    """``add`` as given, else metafor's default for ``measure`` (0 for ``AS``/``PAS``)."""
    if add is None:
        return 0.0 if measure in NO_ADD_MEASURES else 0.5
    return check_add(add)


def escalc_proportion(
    measure: str,
    xi: ArrayLike,
    ni: ArrayLike | None = None,
    *,
    mi: ArrayLike | None = None,
    vtype: str = "LS",
    add: float | None = None,
    to: str = "only0",
) -> EffectSizes:
    """Effect sizes of single proportions (``PR``, ``PLO``, ``PAS``), as ``metafor::escalc``.

    Parameters
    ----------
    measure
        ``"PR"`` (raw proportion), ``"PLO"`` (logit) or ``"PAS"`` (arcsine square root).
    xi, ni, mi
        Events and sample sizes, or events and non-events (``mi``).
    vtype
        ``"LS"`` (default); also ``"UB"``/``"AV"`` for ``PR`` and ``"AV"`` for ``PLO``.
    add, to
        Continuity correction (module docstring); ``add=None`` takes metafor's default.

    Raises
    ------
    StatsInputError
        Unknown measure, vtype or rule; negative counts; events above the sample size; a
        sample size of 0; an undefined result (e.g. ``PLO`` of 0 events with ``add = 0``).

    Examples
    --------
    >>> es = escalc_proportion("PLO", [0, 5], [20, 20])
    >>> [round(float(y), 4) for y in es.yi]
    [-3.7136, -1.0986]
    """
    check_choice(measure, MEASURES_PROPORTION, "measure")
    vtypes = {"PR": ("LS", "UB", "AV"), "PLO": ("LS", "AV"), "PAS": ("LS",)}[measure]
    check_choice(vtype, vtypes, "vtype")
    shift_value = default_add(measure, add)
    x = vector(xi, "xi")
    k = x.shape[0]
    require(x >= 0, "count must not be negative", "xi")
    if mi is not None:
        m = vector(mi, "mi", k)
        require(m >= 0, "count must not be negative", "mi")
        if ni is not None:
            require(vector(ni, "ni", k) == x + m, "ni must equal xi + mi", "ni")
    elif ni is not None:
        n_in = vector(ni, "ni", k)
        require(x <= n_in, "events exceed the sample size", "xi")
        m = n_in - x
    else:
        raise StatsInputError("give the sample sizes (ni) or the non-events (mi)", field="ni")
    require(x + m > 0, "sample size must be positive", "ni")
    corrected = correction_mask((x == 0) | (m == 0), to) & (shift_value > 0)
    shift = np.where(corrected, shift_value, 0.0)
    x, m = x + shift, m + shift
    n = x + m
    p = x / n
    with np.errstate(all="ignore"):
        if measure == "PR":
            yi = p
            if vtype == "LS":
                vi = p * (1.0 - p) / n
            elif vtype == "UB":
                vi = p * (1.0 - p) / (n - 1.0)
            else:
                pbar = weighted_mean(p, n)
                vi = np.full(k, pbar * (1.0 - pbar)) / n
        elif measure == "PLO":
            yi = np.log(p / (1.0 - p))
            if vtype == "LS":
                vi = 1.0 / x + 1.0 / m
            else:
                pbar = weighted_mean(p, n)
                vi = 1.0 / (pbar * n) + 1.0 / ((1.0 - pbar) * n)
        else:
            yi = np.arcsin(np.sqrt(p))
            vi = 1.0 / (4.0 * n)
    return finish(yi, vi, measure, corrected, "xi")


def escalc_rate(
    measure: str,
    xi: ArrayLike,
    ti: ArrayLike,
    *,
    add: float | None = None,
    to: str = "only0",
) -> EffectSizes:
    """Effect sizes of single incidence rates (``IR``, ``IRLN``), as ``metafor::escalc``.

    Parameters
    ----------
    measure
        ``"IR"`` (raw rate) or ``"IRLN"`` (log rate).
    xi, ti
        Events and person-time at risk.
    add, to
        Continuity correction of zero counts (module docstring; default 1/2, ``"only0"``).

    Examples
    --------
    >>> es = escalc_rate("IRLN", [0, 4], [100.0, 200.0])
    >>> [round(float(v), 4) for v in es.vi]
    [2.0, 0.25]
    """
    check_choice(measure, MEASURES_RATE, "measure")
    shift_value = default_add(measure, add)
    x = vector(xi, "xi")
    t = vector(ti, "ti", x.shape[0])
    require(x >= 0, "count must not be negative", "xi")
    require(t > 0, "person-time must be positive", "ti")
    corrected = correction_mask(x == 0, to) & (shift_value > 0)
    x = x + np.where(corrected, shift_value, 0.0)
    with np.errstate(all="ignore"):
        rate = x / t
    with np.errstate(all="ignore"):
        if measure == "IR":
            yi, vi = rate, rate / t
        else:
            yi, vi = np.log(rate), 1.0 / x
    return finish(yi, vi, measure, corrected, "xi")


def escalc_irr(
    x1i: ArrayLike,
    t1i: ArrayLike,
    x2i: ArrayLike,
    t2i: ArrayLike,
    *,
    add: float | None = None,
    to: str = "only0",
    drop00: bool = False,
) -> EffectSizes:
    """Log incidence rate ratios (``IRR``), as ``metafor::escalc``.

    Parameters
    ----------
    x1i, t1i, x2i, t2i
        Events and person-time of group 1 and group 2.
    add, to
        Continuity correction added to both counts of a row with a zero count.
    drop00
        Remove rows with no events in either group (``kept`` marks the rest).

    Examples
    --------
    >>> es = escalc_irr([3, 0], [100.0, 50.0], [6, 2], [120.0, 60.0])
    >>> [round(float(y), 4) for y in es.yi]
    [-0.5108, -1.4271]
    """
    shift_value = default_add("IRR", add)
    x1 = vector(x1i, "x1i")
    k = x1.shape[0]
    t1 = vector(t1i, "t1i", k)
    x2 = vector(x2i, "x2i", k)
    t2 = vector(t2i, "t2i", k)
    for arr, field in ((x1, "x1i"), (x2, "x2i")):
        require(arr >= 0, "count must not be negative", field)
    for arr, field in ((t1, "t1i"), (t2, "t2i")):
        require(arr > 0, "person-time must be positive", field)
    kept = ~((x1 == 0) & (x2 == 0)) if drop00 else np.ones(k, dtype=bool)
    corrected = correction_mask(((x1 == 0) | (x2 == 0)) & kept, to) & kept & (shift_value > 0)
    shift = np.where(corrected, shift_value, 0.0)
    x1, x2 = x1 + shift, x2 + shift
    with np.errstate(all="ignore"):
        yi = np.log(x1 / t1) - np.log(x2 / t2)
        vi = 1.0 / x1 + 1.0 / x2
    return finish(yi, vi, "IRR", corrected, "x1i", kept if drop00 else None)


__all__ = [
    "MEASURES_PROPORTION",
    "MEASURES_RATE",
    "NO_ADD_MEASURES",
    "default_add",
    "escalc_irr",
    "escalc_proportion",
    "escalc_rate",
]
