"""The command table: each top-level command, the modules that define it and its one-line help.

``alsatlas --help`` lists commands from this table alone, and a command's modules (with their
scipy, polars, matplotlib or uvicorn imports) are imported only when that command runs, so
start-up costs what ``typer`` costs. A test checks every line here against the command's own
docstring, so the two cannot drift apart.
"""

from __future__ import annotations

from typing import NamedTuple


class CommandEntry(NamedTuple):
    """Where a command lives and what ``--help`` says about it."""

    modules: tuple[str, ...]
    help: str


COMMANDS: dict[str, CommandEntry] = {
    "questions": CommandEntry(
        ("alsatlas.cli.ask",),
        "List every catalogue question with its verdict and certainty.",
    ),
    "ask": CommandEntry(
        ("alsatlas.cli.ask",),
        "Answer one question: verdict, certainty with each step, pooled estimate and evidence.",
    ),
    "check": CommandEntry(
        ("alsatlas.cli.check",),
        "Rate every claim about ALS and the immune system, negation and framing included.",
    ),
    "meta": CommandEntry(
        ("alsatlas.cli.meta",),
        "Meta-analysis of a CSV file (metafor's rma with its defaults: REML, z test).",
    ),
    "mr": CommandEntry(
        ("alsatlas.cli.mr",),
        "Two-sample Mendelian randomization: harmonise, estimate, report.",
    ),
    "mvmr": CommandEntry(
        ("alsatlas.cli.mvmr",),
        "Multivariable Mendelian randomization: IVW, MR-Egger and conditional F-statistics.",
    ),
    "report": CommandEntry(
        ("alsatlas.cli.report",),
        "Answer every question from the evidence base and write the self-contained HTML report.",
    ),
    "serve": CommandEntry(
        ("alsatlas.cli.serve",),
        "Serve the explorer: answered questions, the evidence browser and the JSON API.",
    ),
    "validate": CommandEntry(
        ("alsatlas.cli.validate",),
        "Validate evidence YAML: schema, CIs, ids, vocabulary terms; report every error.",
    ),
    "version": CommandEntry(("alsatlas.cli.version",), "Print the alsatlas version."),
    "evidence": CommandEntry(
        ("alsatlas.cli.evidence", "alsatlas.cli.evidence_diff", "alsatlas.cli.evidence_export"),
        "Browse the cited evidence base.",
    ),
    "genes": CommandEntry(
        ("alsatlas.cli.genes",),
        "Gene-set questions: ALS genes and immune-system genes.",
    ),
    "sumstats": CommandEntry(
        ("alsatlas.cli.sumstats",),
        "Summary-statistics files: index once, select instruments.",
    ),
}
