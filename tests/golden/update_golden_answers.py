"""Rewrite ``answers.yaml`` from the current evidence and rules (review the diff before commit)."""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).parent))

from golden_answers import GOLDEN, current


def main() -> None:
    header = (
        "# Pinned answers of every shipped question (verdict, the rule that fired, certainty,\n"
        "# headline estimate, plain summary). Reviewed by hand: update it only together with\n"
        "# the evidence or rule change that moves it\n"
        "# (python tests/golden/update_golden_answers.py).\n"
    )
    body = yaml.safe_dump(current(), sort_keys=False, allow_unicode=True, width=100)
    GOLDEN.write_text(header + body, encoding="utf-8")
    print(f"wrote {GOLDEN}")


if __name__ == "__main__":
    main()
