"""The public surface of alsatlas.evidence is explicit and sorted."""

from __future__ import annotations

import alsatlas.evidence as evidence


def test_all_is_sorted_and_complete() -> None:
    names = list(evidence.__all__)

    def style(name: str) -> tuple[int, str]:
        # isort-style order (as ruff's RUF022 keeps it): CONSTANTS, Classes, functions
        return (0 if name.isupper() else 1 if name[0].isupper() else 2, name)

    assert names == sorted(names, key=style)
    for name in names:
        assert hasattr(evidence, name), name
    for required in ("load_evidence", "EvidenceBase", "EvidenceStore", "normalise_disease"):
        assert required in names
