"""Unit tests of the report's building blocks: tables, exports, inline SVG, reading grade."""

from __future__ import annotations

import csv
import io
import json
import math
import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pytest
from hypothesis import given
from hypothesis import strategies as st

from alsatlas.presentation.inline_svg import figure_to_svg, inline_svg
from alsatlas.presentation.readability import html_to_text, reading_grade
from alsatlas.presentation.tables import Column, Table, cell_href, format_cell, format_pvalue
from alsatlas.presentation.templating import grade_symbols, slug
from alsatlas.presentation.views import methods_blocks, text_blocks
from alsatlas.report.exports import table_to_json, table_to_tsv, write_tables


def test_format_cell_by_kind() -> None:
    assert format_cell(1.23456, Column("x", "x", "number")) == "1.23"
    assert format_cell(-0.5, Column("x", "x", "number", 3)) == "\u22120.500"
    assert format_cell(12.34, Column("x", "x", "percent", 1)) == "12.3%"
    assert format_cell(454444, Column("x", "x", "int")) == "454,444"
    assert format_cell(-1, Column("x", "x", "signed")) == "\u22121"
    assert format_cell(2, Column("x", "x", "signed")) == "+2"
    assert format_cell(None, Column("x", "x", "number")) == "\u2014"
    assert format_cell(math.nan, Column("x", "x", "number")) == "\u2014"
    assert format_cell(True, Column("x", "x")) == "yes"
    assert format_pvalue(0.0004) == "<0.001"
    assert format_pvalue(0.04567) == "0.0457"


def test_identifier_links() -> None:
    assert (
        cell_href("23615458", Column("p", "p", "pmid"))
        == "https://pubmed.ncbi.nlm.nih.gov/23615458/"
    )
    assert cell_href("10.1/x", Column("d", "d", "doi")) == "https://doi.org/10.1/x"
    assert cell_href("NCT04057898", Column("n", "n", "nct")) == (
        "https://clinicaltrials.gov/study/NCT04057898"
    )
    assert cell_href("ACTRN12619000013178", Column("n", "n", "nct")) is None
    assert (
        cell_href("PMC1", Column("c", "c", "pmcid"))
        == "https://pmc.ncbi.nlm.nih.gov/articles/PMC1/"
    )
    assert cell_href("Cao2024", Column("r", "r", "ref")) == "#ref-Cao2024"
    assert cell_href(None, Column("r", "r", "ref")) is None


def test_grade_symbols_and_slug() -> None:
    assert grade_symbols("high") == "⊕⊕⊕⊕"
    assert grade_symbols("moderate") == "⊕⊕⊕◯"
    assert grade_symbols("low") == "⊕⊕◯◯"
    assert grade_symbols("very low") == "⊕◯◯◯"
    assert slug("insufficient evidence") == "insufficient-evidence"


TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30)
VALUE = st.one_of(
    st.none(), st.booleans(), st.integers(-(10**9), 10**9), st.floats(allow_nan=False), TEXT
)


@given(st.lists(st.tuples(VALUE, VALUE), max_size=8))
def test_tsv_and_json_round_trip(pairs: list[tuple[object, object]]) -> None:
    table = Table(
        "t",
        "caption",
        (Column("a", "A"), Column("b", "B", "number")),
        tuple({"a": a, "b": b} for a, b in pairs),  # type: ignore[misc]
    )
    data = json.loads(json.dumps(table_to_json(table)))
    assert [c["key"] for c in data["columns"]] == ["a", "b"]
    for row, (a, b) in zip(data["rows"], pairs, strict=True):
        for got, want in ((row["a"], a), (row["b"], b)):
            if isinstance(want, float) and not math.isfinite(want):
                assert got is None
            else:
                assert got == want
    lines = table_to_tsv(table).split("\n")
    assert lines[0] == "a\tb" and lines[-1] == ""
    assert len(lines) == len(pairs) + 2
    for line, (_a, b) in zip(lines[1:], pairs, strict=False):
        cells = line.split("\t")
        assert len(cells) == 2
        if isinstance(b, float) and math.isfinite(b):
            assert float(cells[1]) == b


def test_write_tables(tmp_path: Path) -> None:
    table = Table("demo", "Demo", (Column("x", "X", "number"),), ({"x": 0.1 + 0.2},))
    paths = write_tables((table,), tmp_path)
    assert {p.name for p in paths} == {"demo.json", "demo.tsv", "demo.parquet"}
    rows = list(csv.DictReader(io.StringIO((tmp_path / "demo.tsv").read_text()), delimiter="\t"))
    assert float(rows[0]["x"]) == 0.1 + 0.2
    assert json.loads((tmp_path / "demo.json").read_text())["rows"][0]["x"] == 0.1 + 0.2


def _svg(label: str) -> str:
    fig, ax = plt.subplots(figsize=(2, 1.5))
    ax.plot([1, 2], [1, 2], label=label)
    ax.set_title(label)
    try:
        return figure_to_svg(fig)
    finally:
        plt.close(fig)


def test_inline_svg_prefixes_ids_and_references() -> None:
    raw = _svg("A")
    markup = str(inline_svg(raw, prefix="f1", title="Forest <plot>", description="what & why"))
    assert not markup.startswith("<?xml") and "<!DOCTYPE" not in markup
    assert "<metadata" not in markup
    ids = re.findall(r'\bid="([^"]+)"', markup)
    assert ids and all(i.startswith("f1-") for i in ids)
    for target in re.findall(r'href="#([^"]+)"', markup) + re.findall(r"url\(#([^)]+)\)", markup):
        assert target in ids
    assert 'role="img"' in markup and 'aria-labelledby="f1-title f1-desc"' in markup
    assert '<title id="f1-title">Forest &lt;plot&gt;</title>' in markup
    assert "what &amp; why" in markup
    assert re.search(r"<svg\b[^>]*\swidth=", markup) is None


def test_two_inline_figures_share_no_id() -> None:
    a = str(inline_svg(_svg("A"), prefix="fa", title="A"))
    b = str(inline_svg(_svg("B"), prefix="fb", title="B"))
    ids_a = set(re.findall(r'\bid="([^"]+)"', a))
    ids_b = set(re.findall(r'\bid="([^"]+)"', b))
    assert ids_a and ids_b and not ids_a & ids_b


def test_inline_svg_rejects_bad_prefix() -> None:
    with pytest.raises(ValueError, match="prefix"):
        inline_svg(_svg("A"), prefix="1 bad", title="t")


def test_reading_grade_is_flesch_kincaid() -> None:
    # 6 words, 2 sentences, 6 one-syllable words: 0.39 * 3 + 11.8 * 1 - 15.59 (Kincaid 1975).
    assert reading_grade("The cat sat. The dog ran.") == pytest.approx(0.39 * 3 + 11.8 - 15.59)
    # 5 words, 1 sentence, syllables 1 + 2 + 1 + 2 + 2 = 8 (the / doc-tor / has / yel-low /
    # pa-per): 0.39 * 5 + 11.8 * 8 / 5 - 15.59.
    got = reading_grade("The doctor has yellow paper.")
    assert got == pytest.approx(0.39 * 5 + 11.8 * 8 / 5 - 15.59)


def test_html_to_text() -> None:
    assert html_to_text("<p>a &amp; <b>b</b></p>\n<p>c</p>") == "a & b c"


def test_text_blocks_and_methods_blocks() -> None:
    blocks = text_blocks("# Head\n\nOne two.\nthree.\n\n- item a\n- item b\n\n# Next\nPara.")
    assert blocks[0].heading == "Head"
    assert blocks[0].paragraphs == ("One two. three.",)
    assert blocks[0].items == ("item a", "item b")
    assert blocks[1].heading == "Next" and blocks[1].paragraphs == ("Para.",)
    methods = methods_blocks("Selection. Only verified.\n\nPooling. REML. More.")
    assert [(b.heading, b.paragraphs) for b in methods] == [
        ("Selection", ("Only verified.",)),
        ("Pooling", ("REML. More.",)),
    ]
