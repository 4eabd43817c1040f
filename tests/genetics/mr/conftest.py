"""Shared data for the MR estimator tests: the MendelianRandomization vignette examples."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

REF = Path(__file__).resolve().parents[2] / "reference" / "mr"


@pytest.fixture(scope="session")
def expected() -> dict[str, Any]:
    """Vignette outputs of MendelianRandomization 0.10.0 (rounded as printed)."""
    with open(REF / "mendelianrandomization_vignette_expected_results.json") as fh:
        data: dict[str, Any] = json.load(fh)
    return data


@pytest.fixture(scope="session")
def ldl() -> dict[str, np.ndarray]:
    """Waterworth 2010 LDL-c → CHD (28 variants), as in the package vignette."""
    with open(REF / "waterworth2010_lipids_chd.csv") as fh:
        rows = list(csv.DictReader(fh))
    return {
        "bx": np.array([float(r["ldlc_beta"]) for r in rows]),
        "bxse": np.array([float(r["ldlc_se"]) for r in rows]),
        "by": np.array([float(r["chd_logodds"]) for r in rows]),
        "byse": np.array([float(r["chd_logodds_se"]) for r in rows]),
    }


@pytest.fixture(scope="session")
def calcium() -> dict[str, np.ndarray]:
    """Calcium → fasting glucose, 6 correlated variants with their LD matrix."""
    with open(REF / "mendelianrandomization_calcium_fastgluc_correlated.json") as fh:
        data = json.load(fh)
    return {
        "bx": np.array(data["calcium"]),
        "bxse": np.array(data["calciumse"]),
        "by": np.array(data["fastgluc"]),
        "byse": np.array(data["fastglucse"]),
        "rho": np.array(data["calc_rho"]),
    }
