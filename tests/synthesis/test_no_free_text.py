"""Verdicts come from structured fields: no synthesis module reads curator notes or mines text."""

from __future__ import annotations

import ast
from pathlib import Path

import alsatlas.synthesis

SYNTHESIS = Path(alsatlas.synthesis.__file__).parent
FREE_TEXT = {"notes", "finding", "result_summary", "effect_summary", "description", "adjustment"}
"""Free-text record fields (display only)."""
DISPLAY_COPIES = {("trials.py", "result_summary")}
"""A field copied verbatim into a result object for display, never tested."""


def _modules() -> list[Path]:
    return sorted(SYNTHESIS.glob("*.py"))


def test_no_synthesis_module_reads_free_text_fields() -> None:
    offences = []
    for path in _modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr in FREE_TEXT:
                if (path.name, node.attr) in DISPLAY_COPIES:
                    continue
                offences.append(f"{path.name}:{node.lineno} reads .{node.attr}")
    assert not offences, offences


def test_no_synthesis_module_uses_regular_expressions() -> None:
    users = []
    for path in _modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import) and any(a.name == "re" for a in node.names):
                users.append(path.name)
    assert users == []  # the claim parser lives in alsatlas.claims, over the answers


def test_the_check_sees_a_planted_read() -> None:
    code = "def f(record):\n    return 'F > 10' in record.notes\n"
    tree = ast.parse(code)
    hits = [n for n in ast.walk(tree) if isinstance(n, ast.Attribute) and n.attr in FREE_TEXT]
    assert len(hits) == 1
