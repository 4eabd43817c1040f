"""alsatlas.stats: pure numerical estimators (numpy arrays in, frozen results out).

Meta-analysis core, with metafor's names and defaults:

- :func:`rma` fits equal-, random- and mixed-effects models (:class:`RMAResult`), with
  ``predict()`` (:class:`Prediction`) and ``confint()`` (:class:`HeterogeneityCI`);
- :func:`estimate_tau2` exposes the τ² estimators (``METHODS``);
- :func:`rma_batch` fits many intercept-only meta-analyses at once (:class:`RMABatchResult`);
- :func:`subgroup_analysis` pools per subgroup and tests subgroup differences;
- :func:`effects_from_se` and :func:`effects_from_ratio_ci` turn reported estimates into
  ``yi``/``vi``.
"""

from alsatlas.stats.batch import RMABatchResult, rma_batch
from alsatlas.stats.confint import HeterogeneityCI, confint_heterogeneity
from alsatlas.stats.effects_generic import (
    GenericEffects,
    effects_from_ci,
    effects_from_ratio_ci,
    effects_from_se,
)
from alsatlas.stats.meta_inputs import METHODS, TESTS
from alsatlas.stats.predict import Prediction, predict_rma
from alsatlas.stats.rma import RMAResult, rma
from alsatlas.stats.tau2 import Tau2Estimate, estimate_tau2

__all__ = [
    "METHODS",
    "TESTS",
    "GenericEffects",
    "HeterogeneityCI",
    "Prediction",
    "RMABatchResult",
    "RMAResult",
    "Tau2Estimate",
    "confint_heterogeneity",
    "effects_from_ci",
    "effects_from_ratio_ci",
    "effects_from_se",
    "estimate_tau2",
    "predict_rma",
    "rma",
    "rma_batch",
]
