"""``alsatlas meta --cluster COLUMN``: a multilevel model for files with several estimates
per study or register (``rma.mv(yi, vi, random = ~ 1 | cluster/estimate)``, see
:mod:`alsatlas.stats.rma_mv`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from alsatlas.errors import AlsatlasInputError, StatsInputError
from alsatlas.presentation.meta_summary import exp_block

if TYPE_CHECKING:
    from alsatlas.cli.meta import CsvTable, EffectInput
    from alsatlas.stats.meta_inputs import FloatArray


def multilevel_payload(
    table: CsvTable,
    eff: EffectInput,
    cluster: str,
    mods: FloatArray | None,
    *,
    method: str,
    test: str,
    level: float,
) -> dict[str, Any]:
    """Fit ``~ 1 | cluster/estimate`` and return the ``meta`` payload (metafor's names)."""
    from alsatlas.stats.rma_mv import rma_mv

    if method not in ("REML", "ML") or test not in ("z", "t"):
        raise AlsatlasInputError(
            "--cluster fits by REML or ML with the z or t test", field="--method/--test"
        )
    groups = table.text(cluster)
    try:
        res = rma_mv(
            eff.yi, eff.vi, random=[groups, np.arange(len(groups))], mods=mods, method=method,
            test=test, level=level,
        )  # fmt: skip
    except StatsInputError as exc:
        raise AlsatlasInputError(exc.reason, file=table.path, field=exc.field) from None
    pred = res.predict()
    fs = res.fitstats()
    out: dict[str, Any] = {
        "file": table.path,
        "input": eff.source,
        "measure": eff.measure,
        "scale": "log" if eff.ratio else "identity",
        "k": res.k,
        "estimate": float(res.beta[0]),
        "se": float(res.se[0]),
        "stat": float(res.zval[0]),
        "pval": float(res.pval[0]),
        "ci_lb": float(res.ci_lb[0]),
        "ci_ub": float(res.ci_ub[0]),
        "pi_lb": float(pred["pi_lb"][0]) if res.p == 1 else None,
        "pi_ub": float(pred["pi_ub"][0]) if res.p == 1 else None,
        "sigma2": res.sigma2.tolist(),
        "s_nlevels": list(res.s_nlevels),
        "cluster": cluster,
        "QE": res.QE,
        "QEp": res.QEp,
        "method": method,
        "test": test,
        "level": res.level,
        "fit": {"logLik": fs.ll, "deviance": fs.dev, "AIC": fs.AIC, "BIC": fs.BIC, "AICc": fs.AICc},
    }
    if res.p > 1:
        out.update(beta=res.beta.tolist(), se_beta=res.se.tolist(), pval_beta=res.pval.tolist(),
                   QM=res.QM, QMp=res.QMp)  # fmt: skip
    if eff.ratio:
        out["exp"] = exp_block(out)
    return out


__all__ = ["multilevel_payload"]
