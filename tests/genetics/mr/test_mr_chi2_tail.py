"""The χ²₁ upper tail of the penalised weights (erfc form) against the incomplete gamma."""

from __future__ import annotations

import numpy as np
from scipy import special

from alsatlas.genetics.mr.penalised import _chi2_1_sf


def test_chi2_1_sf_matches_incomplete_gamma() -> None:
    x = np.concatenate([[0.0], np.logspace(-12, np.log10(1390.0), 5000), [1400.5, 1450.0, 1e4]])
    got, ref = _chi2_1_sf(x), special.chdtrc(1.0, x)
    assert got[0] == 1.0
    pos = ref > 0
    assert np.all(np.abs(got[pos] - ref[pos]) <= 1e-12 * ref[pos])
    assert np.array_equal(got[-3:], ref[-3:])
