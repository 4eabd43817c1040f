"""alsatlas.stats: pure numerical estimators (numpy arrays in, frozen results out).

Meta-analysis core, with metafor's names and defaults:

- :func:`rma` fits equal-, random- and mixed-effects models (:class:`RMAResult`), with
  ``predict()`` (:class:`Prediction`) and ``confint()`` (:class:`HeterogeneityCI`);
- :func:`estimate_tau2` exposes the τ² estimators (``METHODS``);
- :func:`rma_batch` fits many intercept-only meta-analyses at once (:class:`RMABatchResult`);
- :func:`subgroup_analysis` pools per subgroup and tests subgroup differences;
- :func:`effects_from_se` and :func:`effects_from_ratio_ci` turn reported estimates into
  ``yi``/``vi``; :func:`escalc_2x2` does so for 2×2 tables (OR, RR, RD, PETO);
- diagnostics: :func:`leave1out`, :func:`influence`, :func:`regtest` (Egger-type),
  :func:`ranktest` (Begg) and :func:`trimfill` (L0/R0).
"""

from alsatlas.stats.batch import RMABatchResult, rma_batch
from alsatlas.stats.confint import HeterogeneityCI, confint_heterogeneity
from alsatlas.stats.effects_generic import (
    GenericEffects,
    effects_from_ci,
    effects_from_ratio_ci,
    effects_from_se,
)
from alsatlas.stats.escalc import MEASURES_2X2, TableEffectSizes, escalc_2x2
from alsatlas.stats.influence import InfluenceResult, influence
from alsatlas.stats.leave1out import LeaveOneOutResult, leave1out
from alsatlas.stats.meta_inputs import METHODS, TESTS
from alsatlas.stats.predict import Prediction, predict_rma
from alsatlas.stats.ranktest import RankTestResult, ranktest
from alsatlas.stats.regtest import RegTestResult, regtest
from alsatlas.stats.rma import RMAResult, rma
from alsatlas.stats.subgroup import SubgroupResult, subgroup_analysis
from alsatlas.stats.tau2 import Tau2Estimate, estimate_tau2
from alsatlas.stats.trimfill import TrimFillResult, trimfill

__all__ = [
    "MEASURES_2X2",
    "METHODS",
    "TESTS",
    "GenericEffects",
    "HeterogeneityCI",
    "InfluenceResult",
    "LeaveOneOutResult",
    "Prediction",
    "RMABatchResult",
    "RMAResult",
    "RankTestResult",
    "RegTestResult",
    "SubgroupResult",
    "TableEffectSizes",
    "Tau2Estimate",
    "TrimFillResult",
    "confint_heterogeneity",
    "effects_from_ci",
    "effects_from_ratio_ci",
    "effects_from_se",
    "escalc_2x2",
    "estimate_tau2",
    "influence",
    "leave1out",
    "predict_rma",
    "ranktest",
    "regtest",
    "rma",
    "rma_batch",
    "subgroup_analysis",
    "trimfill",
]
