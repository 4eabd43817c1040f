"""Where the MR reference files live, and the tolerance for rounded published numbers."""

from __future__ import annotations

from pathlib import Path

REF = Path(__file__).resolve().parents[2] / "reference" / "mr"


def printed(value: float, reference: float) -> bool:
    """True when ``value`` rounds to the printed ``reference``.

    The vignette prints rounded numbers, so the tolerance is half a unit in the last printed
    digit of ``reference`` (plus a little floating-point slack).
    """
    text = repr(float(reference))
    decimals = len(text.split(".")[1]) if "." in text and "e" not in text else 0
    return abs(value - reference) <= 0.5 * 10.0**-decimals + 1e-12
