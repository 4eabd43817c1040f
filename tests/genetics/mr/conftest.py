"""Shared data for the MR estimator tests: the MendelianRandomization vignette examples."""

from __future__ import annotations

import csv
import json
from typing import Any

import numpy as np
import pytest
from mr_testdata import REF


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


@pytest.fixture(scope="session")
def bmi_chd() -> dict[str, np.ndarray]:
    """TwoSampleMR vignette BMI (ieu-a-2) → CHD (ieu-a-7): 79 variants, alleles already
    aligned in the stored files (checked here), sorted by rsid."""
    with open(REF / "twosamplemr_vignette_bmi_ieu-a-2_exposure.tsv") as fh:
        ex = {r["SNP"]: r for r in csv.DictReader(fh, delimiter="\t")}
    with open(REF / "twosamplemr_vignette_chd_ieu-a-7_outcome.tsv") as fh:
        out = {r["SNP"]: r for r in csv.DictReader(fh, delimiter="\t")}
    snps = sorted(set(ex) & set(out))
    assert len(snps) == 79
    assert all(ex[s]["effect_allele.exposure"] == out[s]["effect_allele.outcome"] for s in snps)

    def col(table: dict[str, dict[str, str]], name: str) -> np.ndarray:
        return np.array([float(table[s][name]) for s in snps])

    return {
        "bx": col(ex, "beta.exposure"),
        "bxse": col(ex, "se.exposure"),
        "px": col(ex, "pval.exposure"),
        "nx": col(ex, "samplesize.exposure"),
        "eafx": col(ex, "eaf.exposure"),
        "by": col(out, "beta.outcome"),
        "byse": col(out, "se.outcome"),
        "py": col(out, "pval.outcome"),
        "ny": col(out, "samplesize.outcome"),
        "eafy": col(out, "eaf.outcome"),
    }
