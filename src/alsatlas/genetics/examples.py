"""The shipped MR examples: van Rheenen 2021 ALS look-ups of body mass index, type 2 diabetes
and total cholesterol instruments (``data/genetics``; provenance in its README)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

EXAMPLES: dict[str, tuple[str, str]] = {
    "bmi": ("30124842-GCST006900", "body mass index (GCST006900, PMID 30124842) → ALS"),
    "t2d": ("ebi-a-GCST006867", "type 2 diabetes (GCST006867) → ALS"),
    "cholesterol": (
        "34887591-GCST90239676",
        "total cholesterol (GCST90239676, PMID 34887591) → ALS",
    ),
}
"""Example name → (``id.exposure`` in the shipped look-up file, description)."""

EXAMPLE_FILE = "als_vanrheenen2021_outcome_lookups_bmi_t2d_tc.tsv"


def example_path() -> Path:
    """Path of the shipped van Rheenen 2021 look-up file."""
    return Path(str(resources.files("alsatlas").joinpath("data", "genetics", EXAMPLE_FILE)))


__all__ = ["EXAMPLES", "EXAMPLE_FILE", "example_path"]
