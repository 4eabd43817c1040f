"""Errors that alsatlas raises on bad input.

The hierarchy, drawn as a tree::

    AlsatlasError                   anything alsatlas raises on purpose
    ├── AlsatlasInputError          bad input: names where (file, row/record, field) and why
    │   ├── EvidenceError           an evidence file or record breaks the schema or a rule
    │   ├── SumstatsError           a GWAS summary-statistics file cannot be read or mapped
    │   └── StatsInputError         arrays handed to an estimator are unusable (k too small,
    │       │                       non-positive variances, NaN, mismatched lengths)
    │       └── DegenerateFitError  the data leave one estimator undefined (MR-Egger when every
    │                               variant has the same |beta.exposure|): that method gives
    │                               no estimate, with this reason, and the others go on
    └── ConvergenceError            an iterative estimator (Fisher scoring, a root search) did
                                    not converge on valid input (metafor stops with an error;
                                    statsmodels' ConvergenceWarning); not an input error
"""

from __future__ import annotations


class AlsatlasError(Exception):
    """Base class of every error alsatlas raises on purpose."""


class AlsatlasInputError(AlsatlasError, ValueError):
    """Bad input. ``where`` names the file, row or record and field; ``reason`` says what is wrong.

    Parameters
    ----------
    reason
        What is wrong, in words a user can act on.
    file, row, field
        Where it is wrong; each is optional and is printed when given.
    """

    def __init__(
        self,
        reason: str,
        *,
        file: str | None = None,
        row: str | int | None = None,
        field: str | None = None,
    ) -> None:
        self.reason = reason
        self.file = file
        self.row = row
        self.field = field
        super().__init__(self.message)

    @property
    def where(self) -> str:
        """``file:row:field`` with the parts that are known."""
        parts = []
        if self.file is not None:
            parts.append(str(self.file))
        if self.row is not None:
            parts.append(f"record {self.row}" if isinstance(self.row, str) else f"row {self.row}")
        if self.field is not None:
            parts.append(f"field '{self.field}'")
        return ", ".join(parts)

    @property
    def message(self) -> str:
        """The full message: where, then why."""
        return f"{self.where}: {self.reason}" if self.where else self.reason


class EvidenceError(AlsatlasInputError):
    """An evidence file or record breaks the schema or a validation rule."""


class SumstatsError(AlsatlasInputError):
    """A GWAS summary-statistics file cannot be read, mapped or harmonised."""


class StatsInputError(AlsatlasInputError):
    """Arrays handed to an estimator are unusable (k too small, bad variances, NaN, lengths)."""


class DegenerateFitError(StatsInputError):
    """The data leave one estimator undefined (e.g. MR-Egger's slope when Sxx = 0)."""


class ConvergenceError(AlsatlasError, ArithmeticError):
    """An iterative estimator did not converge (valid input; the algorithm gave up).

    Parameters
    ----------
    reason
        What did not converge and what to try instead.
    method
        The estimator (e.g. ``"REML"``), when one is concerned.
    iterations
        Iterations run before giving up.
    row
        The meta-analysis (row of a batch), when there are several.
    """

    def __init__(
        self,
        reason: str,
        *,
        method: str | None = None,
        iterations: int | None = None,
        row: int | None = None,
    ) -> None:
        self.reason = reason
        self.method = method
        self.iterations = iterations
        self.row = row
        super().__init__(self.message)

    @property
    def message(self) -> str:
        """The message, prefixed by the batch row when there is one."""
        return reason_with_row(self.reason, self.row)


def reason_with_row(reason: str, row: int | None) -> str:
    """``reason`` prefixed with ``meta-analysis ROW: `` when ``row`` is given."""
    return reason if row is None else f"meta-analysis {row}: {reason}"


__all__ = [
    "AlsatlasError",
    "AlsatlasInputError",
    "ConvergenceError",
    "DegenerateFitError",
    "EvidenceError",
    "StatsInputError",
    "SumstatsError",
]
