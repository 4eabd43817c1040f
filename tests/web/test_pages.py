"""The HTML pages: status codes, what each page shows, links, and that nothing is loaded from
elsewhere (no scripts, no external stylesheets or images)."""

from __future__ import annotations

import re
from html import unescape

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape

from alsatlas.evidence import EvidenceBase, lookup_disease, normalise_disease
from alsatlas.presentation.views import pooled_text
from alsatlas.synthesis import QUESTIONS, answer
from alsatlas.synthesis.answer import drug_findings_of, pooled_of
from alsatlas.web import Atlas
from alsatlas.web.templating import environment, question_path, record_path, slug

QUESTION_IDS = [q.id for q in QUESTIONS]
_RESOURCE = re.compile(r"<(?:script|link|img|iframe|source|embed|object)\b[^>]*>", re.I)
_URL_ATTR = re.compile(r'\b(?:src|href|action|data)="([^"]*)"', re.I)


def _text(html: str) -> str:
    """Visible text of a page, tags dropped and entities decoded, spaces collapsed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def _assert_self_contained(html: str) -> None:
    """No script, every loaded resource (stylesheet, image, ...) comes from this site, and no
    element id is used twice (figures, tables and anchors share one document)."""
    assert "<script" not in html.lower()
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
    for tag in _RESOURCE.findall(html):
        for url in _URL_ATTR.findall(tag):
            local = url.startswith("/") and not url.startswith("//")
            assert local or url.startswith("data:"), f"external resource in {tag}"


def test_index_shows_every_question_with_its_verdict(
    client: TestClient, evidence: EvidenceBase
) -> None:
    r = client.get("/")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    html = r.text
    _assert_self_contained(html)
    assert 'href="/static/explorer.css"' in html
    for qid in QUESTION_IDS:
        a = answer(qid, evidence)
        row = re.search(rf'<tr id="q-{re.escape(qid)}">(.*?)</tr>', html, re.S)
        assert row is not None, qid
        cells = _text(row.group(1))
        assert a.question.title in cells
        assert a.verdict in cells
        assert a.certainty.level in cells
        if pooled_of(a) is not None:
            assert pooled_text(pooled_of(a)) in cells
        assert f'href="{question_path(qid)}"' in row.group(1)


def test_index_opens_with_the_short_answer(client: TestClient, evidence: EvidenceBase) -> None:
    head = answer("als_autoimmune", evidence)
    text = _text(client.get("/").text)
    assert "The short answer" in text
    assert head.question.plain in text
    assert (head.technical_summary or head.verdict_reason) in text


@pytest.mark.parametrize("question_id", QUESTION_IDS)
def test_question_page(
    client: TestClient, atlas: Atlas, evidence: EvidenceBase, question_id: str
) -> None:
    r = client.get(question_path(question_id))
    assert r.status_code == 200
    html = r.text
    _assert_self_contained(html)
    a = answer(question_id, evidence)
    text = _text(html)
    assert f"<h1>{escape(a.question.title)}</h1>" in html
    assert f'class="badge verdict-{a.verdict.replace(" ", "-")}">{a.verdict}</span>' in html
    assert a.verdict_reason in text
    assert a.certainty.level in text
    for step in a.certainty.grade_steps:
        assert step.reason in text
    if pooled_of(a) is not None:
        assert pooled_text(pooled_of(a)) in text
    # every figure the report draws for this question is inline SVG on the page
    for fig in atlas.figures(question_id):
        assert f'id="{fig.id}"' in html
        assert "<svg" in html
    # studies link to their record pages and out to PubMed / doi.org / ClinicalTrials.gov
    for rid in a.record_ids:
        rec = evidence.get(rid)
        assert f'href="{record_path(rid)}"' in html
        c = rec.citation
        if c.pmid:
            assert f'href="https://pubmed.ncbi.nlm.nih.gov/{c.pmid}/"' in html
        elif c.doi:
            assert f'href="https://doi.org/{escape(c.doi)}"' in html


def test_pooled_question_page_has_a_forest_plot(client: TestClient, evidence: EvidenceBase) -> None:
    pooled = [q for q in QUESTION_IDS if (p := pooled_of(answer(q, evidence))) and p.k >= 2]
    assert pooled
    html = client.get(question_path(pooled[0])).text
    assert re.search(r"<figure class=\"plot\"[^>]*>\s*<svg\b", html)
    assert 'role="img"' in html
    # the studies table links each study out to PubMed / doi.org / ClinicalTrials.gov
    p = pooled_of(answer(pooled[0], evidence))
    assert p is not None
    table = re.search(
        rf'<table class="data studies" id="studies-{slug(p.term)}".*?</table>', html, re.S
    )
    assert table is not None
    for row in p.rows:
        c = evidence.get(row.record_id).citation
        assert f'href="{record_path(row.record_id)}"' in table.group(0)
        if c.pmid:
            assert f'href="https://pubmed.ncbi.nlm.nih.gov/{c.pmid}/"' in table.group(0)
        if c.doi:
            assert f'href="https://doi.org/{escape(c.doi)}"' in table.group(0)


def test_question_pages_link_to_their_neighbours(client: TestClient) -> None:
    html = client.get(question_path(QUESTION_IDS[1])).text
    assert f'rel="prev" href="{question_path(QUESTION_IDS[0])}"' in html
    assert f'rel="next" href="{question_path(QUESTION_IDS[2])}"' in html


def test_unknown_question_page_is_an_html_404(client: TestClient) -> None:
    r = client.get("/questions/no_such_question")
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("text/html")
    assert "no question with id &#39;no_such_question&#39;" in r.text


def test_unknown_page_is_an_html_404(client: TestClient) -> None:
    r = client.get("/no/such/page")
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("text/html")
    _assert_self_contained(r.text)


def test_evidence_browser_form_and_all_records(client: TestClient, evidence: EvidenceBase) -> None:
    r = client.get("/evidence")
    assert r.status_code == 200
    html = r.text
    _assert_self_contained(html)
    assert '<form class="filters" method="get" action="/evidence"' in html
    for control in ('<select id="kind" name="kind">', 'name="disease"', 'name="verified_only"'):
        assert control in html
    assert f"{len(evidence)} records" in _text(html)
    for rec in evidence:
        assert f'href="{record_path(rec.id)}"' in html


def test_evidence_browser_filters(client: TestClient, evidence: EvidenceBase) -> None:
    # a disease with verified epidemiological records, named by a synonym, not its term
    term = next(
        r.exposure
        for r in evidence.epi_associations
        if r.verified and (d := lookup_disease(r.exposure)) and d.synonyms
    )
    disease = lookup_disease(term)
    assert disease is not None
    name = disease.synonyms[0]
    assert normalise_disease(name) == term
    r = client.get(
        "/evidence",
        params={"kind": "epi_association", "disease": name, "verified_only": "true"},
    )
    assert r.status_code == 200
    expected = [
        rec for rec in evidence.for_disease(term) if rec.kind == "epi_association" and rec.verified
    ]
    html = r.text
    assert f"{len(expected)} record" in _text(html)
    shown = set(re.findall(r'<th scope="row"><a href="/evidence/([^"]+)"', html))
    assert shown == {rec.id for rec in expected}
    # the form keeps the filter
    assert '<option value="epi_association" selected>Epidemiological association (' in html
    assert f'value="{escape(name)}"' in html
    assert 'name="verified_only" value="true" checked' in html


@pytest.mark.parametrize("params", [{"disease": "not a disease"}, {"kind": "nonsense"}])
def test_evidence_browser_bad_filter_is_422_with_the_form(
    client: TestClient, params: dict[str, str]
) -> None:
    r = client.get("/evidence", params=params)
    assert r.status_code == 422
    assert 'role="alert"' in r.text
    assert str(escape(next(iter(params.values())))) in r.text
    assert "<form" in r.text


def test_record_page(client: TestClient, atlas: Atlas, evidence: EvidenceBase) -> None:
    rec = next(r for r in evidence if r.citation.pmid and atlas.usages.get(r.id))
    r = client.get(record_path(rec.id))
    assert r.status_code == 200
    html = r.text
    _assert_self_contained(html)
    text = _text(html)
    assert rec.id in text
    assert f'href="https://pubmed.ncbi.nlm.nih.gov/{rec.citation.pmid}/"' in html
    for use in atlas.usages[rec.id]:
        assert f'href="{question_path(use.question_id)}"' in html
        assert use.reason in text


def test_every_record_page_renders(client: TestClient, evidence: EvidenceBase) -> None:
    for rec in evidence:
        assert client.get(record_path(rec.id)).status_code == 200, rec.id


def test_unknown_record_page_is_an_html_404(client: TestClient) -> None:
    r = client.get("/evidence/no.such.record")
    assert r.status_code == 404
    assert "no record with id" in r.text


def test_stylesheet_is_served_and_self_contained(client: TestClient) -> None:
    r = client.get("/static/explorer.css")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/css")
    assert "url(" not in r.text
    assert "@import" not in r.text


def test_templates_autoescape() -> None:
    template = environment().from_string("{{ x }}")
    assert environment().autoescape is not False
    rendered = (
        environment()
        .get_template("error.html")
        .render(status=404, title="<b>t</b>", detail="<script>x</script>", package_version="0")
    )
    assert "<script>x</script>" not in rendered
    assert "&lt;script&gt;" in rendered
    del template


def test_evidence_and_answers_are_loaded_once_per_app(
    monkeypatch: pytest.MonkeyPatch, evidence: EvidenceBase
) -> None:
    import alsatlas.web.atlas as atlas_module
    from alsatlas.synthesis import answer_all
    from alsatlas.web import create_app

    calls = {"load_evidence": 0, "answer_all": 0}

    def counting_load(path: object = None) -> EvidenceBase:
        calls["load_evidence"] += 1
        return evidence

    def counting_answer_all(base: EvidenceBase | None = None) -> tuple[object, ...]:
        calls["answer_all"] += 1
        return answer_all(base)

    monkeypatch.setattr(atlas_module, "load_evidence", counting_load)
    monkeypatch.setattr(atlas_module, "answer_all", counting_answer_all)
    with TestClient(create_app()) as c:
        for path in ("/", "/api/questions", question_path(QUESTION_IDS[2]), "/evidence"):
            assert c.get(path).status_code == 200
            assert c.get(path).status_code == 200
    assert calls == {"load_evidence": 1, "answer_all": 1}


@pytest.mark.parametrize("path", ["/", "/evidence", "/api/health", "/no/such/page"])
def test_responses_forbid_scripts_and_foreign_resources(client: TestClient, path: str) -> None:
    headers = client.get(path).headers
    policy = headers["content-security-policy"]
    assert "default-src 'none'" in policy
    assert "script-src" not in policy  # falls back to default-src 'none': no script runs
    assert headers["x-content-type-options"] == "nosniff"


def test_drug_verdicts_show_as_badges_and_trial_records_link(
    client: TestClient, evidence: EvidenceBase
) -> None:
    a = answer("immune_therapies", evidence)
    assert drug_findings_of(a)
    html = client.get(question_path("immune_therapies")).text
    for finding in drug_findings_of(a):
        assert f'class="badge verdict-{slug(finding.verdict)}">{finding.verdict}</span>' in html
        for rid in finding.trial_ids:
            assert f'href="{record_path(rid)}"' in html


def test_a_failing_page_is_a_500_page_not_a_traceback(atlas: Atlas) -> None:
    from dataclasses import replace

    from alsatlas.web import create_app

    def broken_figures(_: object) -> tuple[()]:
        raise RuntimeError("figure failed")

    broken = replace(atlas, figures_for=broken_figures)
    with TestClient(create_app(broken), raise_server_exceptions=False) as c:
        page = c.get(question_path(QUESTION_IDS[0]))
        assert page.status_code == 500
        assert page.headers["content-type"].startswith("text/html")
        assert "figure failed" not in page.text
        assert "Server error" in page.text
        # the JSON API does not draw figures and keeps working
        assert c.get(f"/api/questions/{QUESTION_IDS[0]}").status_code == 200
