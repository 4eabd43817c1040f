"""MR in the explorer: the shipped examples and uploaded tables give the CLI's numbers."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from alsatlas.cli import app as cli
from alsatlas.genetics.examples import EXAMPLES, example_path


def _cli(*args: str) -> dict:  # type: ignore[type-arg]
    out = CliRunner().invoke(cli, ["mr", *args, "--format", "json"])
    assert out.exit_code == 0, out.output
    return json.loads(out.output)  # type: ignore[no-any-return]


def _by_method(results: list[dict]) -> dict:  # type: ignore[type-arg]
    return {r["method"]: r for r in results}


def test_examples_are_listed_and_give_the_cli_numbers(client: TestClient) -> None:
    assert set(client.get("/api/mr/examples").json()) == set(EXAMPLES)
    got = _by_method(client.get("/api/mr/examples/bmi").json()["results"])
    expected = _by_method(_cli("--example", "bmi")["results"])
    assert set(got) == set(expected)
    for method, row in expected.items():
        for key in ("b", "se", "pval"):
            assert got[method][key] == pytest.approx(row[key], rel=1e-12, nan_ok=True), method


def test_an_uploaded_table_is_analysed_with_plots(client: TestClient) -> None:
    table = example_path().read_bytes()
    r = client.post(
        "/api/mr",
        params={"exposure_id": EXAMPLES["t2d"][0], "plots": "true"},
        content=table,
        headers={"content-type": "text/tab-separated-values"},
    )
    assert r.status_code == 200, r.text
    body = r.json()
    scatter = body["plots"]["scatter"]
    assert "<svg" in scatter and scatter.rstrip().endswith("</svg>")
    ivw = _by_method(body["results"])["ivw"]
    expected = _by_method(_cli("--example", "t2d")["results"])["ivw"]
    assert ivw["b"] == pytest.approx(expected["b"], rel=1e-12)


def test_bad_uploads_are_clear(client: TestClient) -> None:
    r = client.post("/api/mr", content=b"a,b\n1,2\n", headers={"content-type": "text/csv"})
    assert r.status_code == 422
    big = b"x" * 5_000_001
    assert client.post("/api/mr", content=big).status_code == 413
    several = client.post("/api/mr", content=example_path().read_bytes())
    assert several.status_code == 422 and "exposures" in several.json()["detail"]


def test_mr_page_runs_an_example_and_a_pasted_table(client: TestClient) -> None:
    page = client.get("/mr", params={"example": "cholesterol"})
    assert page.status_code == 200 and "<svg" in page.text and "ivw" in page.text
    lines = example_path().read_text().splitlines()
    header, rows = lines[0], [x for x in lines[1:] if EXAMPLES["bmi"][0] in x]
    pasted = client.post("/mr", data={"table": "\n".join([header, *rows])})
    assert pasted.status_code == 200 and "Results: your table" in pasted.text
    assert client.post("/mr", data={"table": ""}).status_code == 422
    assert client.get("/mr", params={"example": "nope"}).status_code == 404
