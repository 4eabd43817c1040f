"""Exit codes of every ``alsatlas`` command.

====  =====================================================================================
code  meaning
====  =====================================================================================
0     done
1     findings: the evidence failed validation (``validate``, and any command that loads it)
2     usage or input error: a bad option, an unreadable or malformed file, an unknown id,
      or data the model cannot be fitted to (an iterative estimator that does not converge)
130   interrupted (Ctrl+C)
====  =====================================================================================
"""

from __future__ import annotations

OK = 0
FINDINGS = 1
INPUT_ERROR = 2
INTERRUPTED = 130

__all__ = ["FINDINGS", "INPUT_ERROR", "INTERRUPTED", "OK"]
