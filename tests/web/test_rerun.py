"""Re-running a meta-analysis: POST /api/meta gives the numbers of `alsatlas meta` on the same
rows; the re-run page pools the chosen studies of a question."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from alsatlas.cli import app as cli
from alsatlas.web.atlas import Atlas

ROWS = [
    {"label": "A", "estimate": 1.42, "ci_lb": 1.03, "ci_ub": 1.94},
    {"label": "B", "estimate": 1.47, "ci_lb": 1.31, "ci_ub": 1.64},
    {"label": "C", "estimate": 0.95, "ci_lb": 0.70, "ci_ub": 1.30},
]
KEYS = ("estimate", "se", "ci_lb", "ci_ub", "tau2", "I2", "QE", "QEp", "pval", "pi_lb", "pi_ub")


@pytest.mark.parametrize(("method", "test"), [("REML", "z"), ("DL", "knha"), ("PM", "t")])
def test_api_meta_equals_the_cli_on_the_same_rows(
    client: TestClient, tmp_path: Path, method: str, test: str
) -> None:
    r = client.post(
        "/api/meta", json={"rows": ROWS, "measure": "HR", "method": method, "test": test}
    )
    assert r.status_code == 200, r.text
    got = r.json()
    table = tmp_path / "t.csv"
    table.write_text(
        "study,hr,lo,hi\n"
        + "".join(f"{x['label']},{x['estimate']},{x['ci_lb']},{x['ci_ub']}\n" for x in ROWS)
    )
    out = CliRunner().invoke(
        cli,
        [
            "meta",
            str(table),
            "--estimate",
            "hr",
            "--ci-lb",
            "lo",
            "--ci-ub",
            "hi",
            "--log",
            "--measure",
            "HR",
            "--method",
            method,
            "--test",
            test,
            "--format",
            "json",
        ],
    )
    assert out.exit_code == 0, out.output
    expected = json.loads(out.output)
    for key in KEYS:
        assert got[key] == pytest.approx(expected[key], rel=1e-12, abs=1e-15), key
    assert got["exp"]["estimate"] == pytest.approx(expected["exp"]["estimate"], rel=1e-12)


def test_api_meta_takes_2x2_tables_and_yi_vi(client: TestClient) -> None:
    tables = [{"ai": 10, "bi": 90, "ci": 5, "di": 95}, {"ai": 20, "bi": 180, "ci": 12, "di": 188}]
    r = client.post("/api/meta", json={"rows": tables, "measure": "OR"})
    assert r.status_code == 200 and r.json()["k"] == 2 and r.json()["scale"] == "log"
    r = client.post("/api/meta", json={"rows": [{"yi": 0.1, "vi": 0.01}, {"yi": 0.3, "vi": 0.02}]})
    assert r.status_code == 200 and r.json()["scale"] == "identity"


def test_api_meta_refuses_mixed_or_empty_input(client: TestClient) -> None:
    r = client.post("/api/meta", json={"rows": [{"yi": 0.1, "vi": 0.01}, {"estimate": 1.2}]})
    assert r.status_code == 422 and "exactly one input" in r.json()["detail"]
    assert client.post("/api/meta", json={"rows": []}).status_code == 422
    assert client.post("/api/meta", json={"rows": ROWS, "method": "XX"}).status_code == 422


def test_api_meta_re_pools_a_question(client: TestClient, atlas: Atlas) -> None:
    r = client.post("/api/meta", json={"question_id": "any_autoimmune_als_risk"})
    assert r.status_code == 200
    a = atlas.answer("any_autoimmune_als_risk")
    from alsatlas.synthesis.answer import pooled_of

    pooled = pooled_of(a)
    assert pooled is not None
    assert r.json()["exp"]["estimate"] == pytest.approx(pooled.estimate, rel=1e-12)
    one = client.post(
        "/api/meta",
        json={"question_id": "any_autoimmune_als_risk", "include": [pooled.rows[0].record_id]},
    )
    assert one.status_code == 422 and "at least 2 studies" in one.json()["detail"]


def test_rerun_page_pools_the_chosen_studies(client: TestClient, atlas: Atlas) -> None:
    page = client.get("/questions/any_autoimmune_als_risk/rerun")
    assert page.status_code == 200 and 'type="checkbox" name="include"' in page.text
    r = client.get(
        "/questions/any_autoimmune_als_risk/rerun",
        params={"method": "DL", "test": "knha", "run": "true"},
    )
    assert r.status_code == 200
    assert "Result" in r.text and "<svg" in r.text
    assert "no prediction interval with k &lt; 3" in r.text
    bad = client.get("/questions/any_autoimmune_als_risk/rerun", params={"method": "XX"})
    assert bad.status_code == 422


def test_api_meta_memo_keeps_fixed_size_keys_and_repeats_answers(
    client: TestClient, atlas: Atlas
) -> None:
    from alsatlas.synthesis.answer import pooled_of
    from alsatlas.web.rerun import _MEMO

    a = atlas.answer("any_autoimmune_als_risk")
    pooled = pooled_of(a)
    assert pooled is not None
    ids = [r.record_id for r in pooled.rows]
    # the question's studies named among many unknown ids: the same pool as all of them
    include = [f"unknown_{i}" for i in range(20_000)] + ids
    request = {"question_id": "any_autoimmune_als_risk", "include": include}
    first = client.post("/api/meta", json=request)
    again = client.post("/api/meta", json=request)
    assert first.status_code == 200 and again.content == first.content
    assert first.json()["exp"]["estimate"] == pytest.approx(pooled.estimate, rel=1e-12)
    memo = _MEMO[atlas]
    assert memo and all(isinstance(key, bytes) and len(key) == 16 for key in memo)


def test_api_meta_body_over_the_request_limit_is_413(client: TestClient) -> None:
    from alsatlas.web.bodies import MAX_REQUEST_BYTES

    big = b'{"question_id": "ra_als_risk", "include": [' + b'"x",' * (MAX_REQUEST_BYTES // 4)
    big += b'"x"]}'
    declared = client.post("/api/meta", content=big, headers={"content-type": "application/json"})
    assert declared.status_code == 413
    assert "larger than 8,000,000 bytes" in declared.json()["detail"]

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
        for i in range(0, len(big), 1 << 20):
            yield big[i : i + (1 << 20)]

    streamed = client.post(
        "/api/meta", content=chunks(), headers={"content-type": "application/json"}
    )
    assert streamed.status_code == 413
    small = client.post("/api/meta", json={"question_id": "any_autoimmune_als_risk"})
    assert small.status_code == 200
