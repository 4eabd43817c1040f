"""The /check page and POST /api/check; Host, HEAD, unsafe URLs and mathtext labels."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from alsatlas.claims import MAX_BYTES
from alsatlas.cli import app as cli
from alsatlas.figures.forest import forest_plot
from alsatlas.presentation.inline_svg import figure_to_svg
from alsatlas.web.app import create_app

ARTICLE = "ALS is not an autoimmune disease. <script>alert(1)</script> Lupus raises ALS risk."


def test_api_check_is_the_json_of_the_cli(client: TestClient) -> None:
    plain = client.post("/api/check", content=ARTICLE, headers={"content-type": "text/plain"})
    as_json = client.post("/api/check", json={"text": ARTICLE})
    assert plain.status_code == as_json.status_code == 200
    cli_out = CliRunner().invoke(cli, ["check", "-", "--format", "json"], input=ARTICLE)
    expected = json.loads(cli_out.output)
    expected["source"] = "<request>"
    assert plain.json() == as_json.json() == expected


def test_api_check_refuses_bad_bodies_clearly(client: TestClient) -> None:
    r = client.post("/api/check", json={"txt": "x"})
    assert r.status_code == 422 and "text" in r.json()["detail"]
    r = client.post("/api/check", content=b"\xff\xfe", headers={"content-type": "text/plain"})
    assert r.status_code == 422 and "UTF-8" in r.json()["detail"]
    big = b"a" * (MAX_BYTES + 1)
    r = client.post("/api/check", content=big, headers={"content-type": "text/plain"})
    assert r.status_code == 413


def test_check_page_annotates_an_escaped_article(client: TestClient) -> None:
    form = client.get("/check")
    assert form.status_code == 200
    assert '<form method="post" action="/check"' in form.text and 'name="text"' in form.text
    r = client.post("/check", data={"text": ARTICLE})
    assert r.status_code == 200
    assert "<script>alert(1)</script>" not in r.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in r.text
    assert 'class="badge verdict-supported"' in r.text  # "ALS is not an autoimmune disease"
    assert client.post("/check", data={"text": " "}).status_code == 422


def test_home_page_gives_the_plain_language_answer(client: TestClient) -> None:
    html = client.get("/").text
    assert "In plain words:" in html
    assert 'href="/check"' in html


def test_unknown_hosts_are_refused_and_head_is_answered() -> None:
    c = TestClient(create_app())
    assert c.get("/", headers={"host": "evil.example"}).status_code == 400
    head = c.head("/questions/als_autoimmune")
    assert head.status_code == 200 and head.content == b""
    assert int(head.headers["content-length"]) > 0


def test_a_label_with_mathtext_is_drawn_literally() -> None:
    fig = forest_plot([0.1, 0.2], [0.01, 0.02], labels=["$\\frac{1}$ study", "B"], ratio=True)
    svg = figure_to_svg(fig)
    assert "frac" in svg


def test_repeated_pages_come_from_the_cache_and_errors_never_do() -> None:
    from alsatlas.web.app import ResponseCache

    app = create_app()
    c = TestClient(app)
    first = c.get("/questions/t1d_als_risk")
    second = c.get("/questions/t1d_als_risk")
    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    assert second.headers["content-security-policy"]
    assert c.get("/questions/nope").status_code == 404
    cache = app.response_cache
    assert isinstance(cache, ResponseCache)
    assert ("/questions/t1d_als_risk", b"") in cache.entries
    assert ("/questions/nope", b"") not in cache.entries


def test_cached_pages_are_served_only_to_allowed_hosts_and_to_head() -> None:
    app = create_app()
    c = TestClient(app)
    assert c.get("/questions/t1d_als_risk").status_code == 200
    evil = c.get("/questions/t1d_als_risk", headers={"host": "evil.example"})
    assert evil.status_code == 400 and evil.headers["content-security-policy"]
    ported = c.get("/questions/t1d_als_risk", headers={"host": "127.0.0.1:8000"})
    assert ported.status_code == 200
    head = c.head("/questions/t1d_als_risk")
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-length"] == ported.headers["content-length"]


def test_cached_pages_never_answer_a_host_the_host_check_refuses() -> None:
    app = create_app()
    c = TestClient(app)
    path = "/questions/t1d_als_risk"
    malformed = ("127.0.0.1:abc", "localhost:", "127.0.0.1:8000:9", "localhost.")
    refused = [c.get(path, headers={"host": h}).status_code for h in malformed]
    assert refused == [400] * len(malformed)
    assert c.get(path).status_code == 200  # now cached
    assert [c.get(path, headers={"host": h}).status_code for h in malformed] == refused


def test_evidence_filters_by_level_design_and_year(client: TestClient) -> None:
    body = client.get("/api/evidence", params={"level": "secondary"}).json()
    assert body["count"] > 0 and {r["verification"] for r in body["records"]} == {"secondary"}
    cc = client.get("/api/evidence", params={"design": "case_control"}).json()
    assert cc["count"] > 0 and {r["design_type"] for r in cc["records"]} == {"case_control"}
    recent = client.get("/api/evidence", params={"year_min": 2023}).json()
    assert all(r["citation"]["year"] >= 2023 for r in recent["records"])
    assert client.get("/api/evidence", params={"level": "gold"}).status_code == 422
    page = client.get("/evidence", params={"level": "primary", "design": "cohort"})
    assert page.status_code == 200 and 'name="level"' in page.text
    bad = client.get("/evidence", params={"year_min": "last year"})
    assert bad.status_code == 422 and "must be a year" in bad.text


def test_downloads_publications_and_api_pointers(client: TestClient) -> None:
    import csv
    import io

    tsv = client.get("/evidence/download.tsv", params={"level": "primary"})
    assert tsv.status_code == 200 and "attachment" in tsv.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(tsv.text), delimiter="\t"))
    assert rows and {r["verification"] for r in rows} == {"primary"}
    js = client.get("/evidence/download.json", params={"level": "primary"}).json()
    assert [r["id"] for r in js] == [r["id"] for r in rows]
    assert client.get("/evidence/download.csv").text.startswith("id,kind,study_id")
    assert client.get("/evidence/download.xls").status_code == 404
    page = client.get("/publications/Mariosa2015")
    assert page.status_code == 200 and "PMID 25600257" in page.text
    assert client.get("/publications/nope").status_code == 404
    assert 'href="/evidence/download.tsv' in client.get("/evidence").text
    r = client.get("/openapi.json", follow_redirects=False)
    assert r.status_code == 307 and r.headers["location"] == "/api/openapi.json"
    assert "/api/openapi.json" in client.get("/docs").text


def test_refusals_carry_the_security_headers() -> None:
    r = TestClient(create_app()).get("/", headers={"host": "evil.example"})
    assert r.status_code == 400
    assert r.headers["content-security-policy"] and r.headers["x-content-type-options"]
