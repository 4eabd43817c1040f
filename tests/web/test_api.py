"""The JSON API: every route, its status codes and shapes, and that its numbers are the
synthesis layer's own (compared with a fresh ``alsatlas.synthesis.answer`` call)."""

from __future__ import annotations

import math
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st

from alsatlas import __version__
from alsatlas.evidence import EVIDENCE_VERSION, TABLES, EvidenceBase
from alsatlas.synthesis import QUESTIONS, answer
from alsatlas.synthesis.answer import pooled_of

QUESTION_IDS = [q.id for q in QUESTIONS]


def _json_ready(value: Any) -> Any:
    """What a JSON body holds for a ``to_dict()`` value (non-finite floats become null)."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _json_ready(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_ready(v) for v in value]
    return value


def test_health(client: TestClient, evidence: EvidenceBase) -> None:
    r = client.get("/api/health")
    assert r.status_code == 200
    assert r.json() == {
        "status": "ok",
        "package_version": __version__,
        "evidence_version": EVIDENCE_VERSION,
        "evidence_content_hash": evidence.content_hash,
        "records": len(evidence),
        "questions": len(QUESTIONS),
    }
    assert len(evidence.content_hash) == 12


def test_question_list_is_the_catalogue_with_synthesis_verdicts(
    client: TestClient, evidence: EvidenceBase
) -> None:
    r = client.get("/api/questions")
    assert r.status_code == 200
    body = r.json()
    assert body["count"] == len(QUESTIONS)
    assert [q["id"] for q in body["questions"]] == QUESTION_IDS
    for row in body["questions"]:
        expected = answer(row["id"], evidence)
        assert row["title"] == expected.question.title
        assert row["verdict"] == expected.verdict
        assert row["certainty"] == expected.certainty.level
        if pooled_of(expected) is None:
            assert row["estimate"] is None
        else:
            p = pooled_of(expected)
            assert row["estimate"] == {
                "term": p.term,
                "measure": p.measure,
                "k": p.k,
                "estimate": p.estimate,
                "ci_lb": p.ci_lb,
                "ci_ub": p.ci_ub,
            }


@pytest.mark.parametrize("question_id", QUESTION_IDS)
def test_question_detail_equals_synthesis_answer(
    client: TestClient, evidence: EvidenceBase, question_id: str
) -> None:
    r = client.get(f"/api/questions/{question_id}")
    assert r.status_code == 200
    body = r.json()
    expected = answer(question_id, evidence)
    got = body["answer"]
    assert body["id"] == question_id
    assert got["verdict"] == expected.verdict
    assert got["certainty"]["level"] == expected.certainty.level
    assert (
        got["certainty"]["grade_steps"] == _json_ready(expected.certainty.to_dict())["grade_steps"]
    )
    if pooled_of(expected) is not None:
        assert got["pooled"] == _json_ready(pooled_of(expected).to_dict())
    # the whole answer, field by field, as synthesis serialises it
    assert got == _json_ready(expected.to_dict())
    ids = [r["id"] for r in body["records"]]
    assert ids == [i for i in expected.record_ids if i in evidence.by_id]
    for rec in body["records"]:
        assert rec == evidence.get(rec["id"]).model_dump(mode="json")


def test_a_pooled_estimate_is_sent_with_its_rows(
    client: TestClient, evidence: EvidenceBase
) -> None:
    pooled = [
        (qid, pooled_of(a))
        for qid in QUESTION_IDS
        if pooled_of(a := answer(qid, evidence)) is not None and pooled_of(a).k >= 2
    ]
    assert pooled, "the shipped evidence has at least one pooled estimate"
    qid, p = pooled[0]
    got = client.get(f"/api/questions/{qid}").json()["answer"]["pooled"]
    assert got["k"] == p.k == len(got["rows"])
    assert got["estimate"] == p.estimate
    assert (got["ci_lb"], got["ci_ub"]) == (p.ci_lb, p.ci_ub)
    assert [row["record_id"] for row in got["rows"]] == [row.record_id for row in p.rows]


def test_unknown_question_is_404_naming_the_id(client: TestClient) -> None:
    r = client.get("/api/questions/no_such_question")
    assert r.status_code == 404
    body = r.json()
    assert body["id"] == "no_such_question"
    assert "no_such_question" in body["detail"]


def test_evidence_without_filters_lists_every_record(
    client: TestClient, evidence: EvidenceBase
) -> None:
    r = client.get("/api/evidence")
    assert r.status_code == 200
    body = r.json()
    assert body["count"] == len(evidence) == len(body["records"])
    assert sorted(rec["id"] for rec in body["records"]) == sorted(r.id for r in evidence)
    keys = [(rec["kind"], rec["id"]) for rec in body["records"]]
    assert keys == sorted(keys)
    assert body["filters"]["kind"] is None
    assert body["filters"]["verified_only"] is False


@pytest.mark.parametrize("kind", sorted(TABLES))
def test_evidence_kind_filter(client: TestClient, evidence: EvidenceBase, kind: str) -> None:
    body = client.get("/api/evidence", params={"kind": kind}).json()
    assert {rec["kind"] for rec in body["records"]} <= {kind}
    assert body["count"] == len(evidence.of_kind(kind))


@pytest.mark.parametrize(("name", "term"), [("lupus", "sle"), ("SLE", "sle"), ("sle", "sle")])
def test_evidence_disease_matches_through_the_vocabulary(
    client: TestClient, evidence: EvidenceBase, name: str, term: str
) -> None:
    body = client.get("/api/evidence", params={"disease": name}).json()
    assert body["filters"]["disease_term"] == term
    assert body["filters"]["disease_terms"] == [term]
    expected = {r.id for r in evidence.for_disease(term)}
    assert expected, "the shipped evidence has records on lupus"
    assert {rec["id"] for rec in body["records"]} == expected


def test_evidence_disease_with_members(client: TestClient, evidence: EvidenceBase) -> None:
    plain = client.get("/api/evidence", params={"disease": "thyroid_any"}).json()
    wide = client.get(
        "/api/evidence", params={"disease": "thyroid_any", "include_members": "true"}
    ).json()
    assert {r["id"] for r in wide["records"]} == {
        r.id for r in evidence.for_disease("thyroid_any", include_members=True)
    }
    assert wide["count"] > plain["count"]
    assert len(wide["filters"]["disease_terms"]) > 1


def test_evidence_verified_only_and_combined(client: TestClient, evidence: EvidenceBase) -> None:
    body = client.get("/api/evidence", params={"verified_only": "true"}).json()
    assert body["count"] == sum(r.verified for r in evidence)
    assert all(rec["verification"] != "unverified" for rec in body["records"])
    both = client.get(
        "/api/evidence",
        params={"kind": "epi_association", "disease": "multiple sclerosis", "verified_only": "1"},
    ).json()
    expected = {
        r.id
        for r in evidence.for_disease("multiple_sclerosis")
        if r.kind == "epi_association" and r.verified
    }
    assert {rec["id"] for rec in both["records"]} == expected


def test_unknown_disease_is_422_naming_the_parameter(client: TestClient) -> None:
    r = client.get("/api/evidence", params={"disease": "not a disease at all"})
    assert r.status_code == 422
    body = r.json()
    assert body["param"] == "disease"
    assert "not a disease at all" in body["detail"]


@pytest.mark.parametrize(
    "params", [{"kind": "no_such_kind"}, {"verified_only": "perhaps"}, {"include_members": "x"}]
)
def test_bad_parameters_are_422(client: TestClient, params: dict[str, str]) -> None:
    r = client.get("/api/evidence", params=params)
    assert r.status_code == 422
    (problem,) = r.json()["detail"]
    assert problem["loc"] == ["query", next(iter(params))]


def test_evidence_detail(client: TestClient, evidence: EvidenceBase) -> None:
    used: dict[str, list[tuple[str, str]]] = {}
    for qid in QUESTION_IDS:
        a = answer(qid, evidence)
        for u in a.used:
            used.setdefault(u.record_id, []).append((qid, "used"))
        for e in a.excluded:
            used.setdefault(e.record_id, []).append((qid, "excluded"))
    record_id = next(iter(used))
    r = client.get(f"/api/evidence/{record_id}")
    assert r.status_code == 200
    body = r.json()
    assert body["record"] == evidence.get(record_id).model_dump(mode="json")
    assert body["file"] == evidence.files[record_id]
    assert [(u["question_id"], u["status"]) for u in body["used_by"]] == used[record_id]


def test_every_record_has_a_detail(client: TestClient, evidence: EvidenceBase) -> None:
    for rec in evidence:
        assert client.get(f"/api/evidence/{rec.id}").status_code == 200


def test_unknown_record_is_404_naming_the_id(client: TestClient) -> None:
    r = client.get("/api/evidence/no.such.record")
    assert r.status_code == 404
    assert r.json()["id"] == "no.such.record"
    assert "no.such.record" in r.json()["detail"]


def test_unknown_api_path_is_json_404(client: TestClient) -> None:
    r = client.get("/api/nothing/here")
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("application/json")
    assert r.json()["detail"] == "Not Found"


def test_openapi_schema_names_the_response_models(client: TestClient) -> None:
    r = client.get("/api/openapi.json")
    assert r.status_code == 200
    schema = r.json()
    paths = schema["paths"]
    for path in (
        "/api/health",
        "/api/questions",
        "/api/questions/{question_id}",
        "/api/evidence",
        "/api/evidence/{record_id}",
    ):
        assert "get" in paths[path]
    assert not any(not p.startswith("/api/") for p in paths), "HTML pages stay out of the schema"
    models = schema["components"]["schemas"]
    for name in (
        "QuestionList",
        "QuestionDetail",
        "EpidemiologyAnswer",
        "TherapyAnswer",
        "PooledEstimate",
        "EvidenceList",
    ):
        assert name in models
    ok = paths["/api/questions/{question_id}"]["get"]["responses"]
    assert ok["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/QuestionDetail")
    assert ok["404"]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorBody")


def test_no_cdn_documentation_pages(client: TestClient) -> None:
    # FastAPI's /docs and /redoc load scripts from a CDN; the explorer serves a pointer instead
    docs = client.get("/docs")
    assert docs.status_code == 200 and "<script" not in docs.text
    assert "/api/openapi.json" in docs.text
    assert client.get("/redoc").status_code == 404


@settings(max_examples=60, deadline=None)
@given(disease=st.text(max_size=40), kind=st.sampled_from([None, *sorted(TABLES), "x"]))
def test_evidence_filters_never_fail(client: TestClient, disease: str, kind: str | None) -> None:
    params = {"disease": disease} if kind is None else {"disease": disease, "kind": kind}
    r = client.get("/api/evidence", params=params)
    assert r.status_code in (200, 422)
    if r.status_code == 200:
        body = r.json()
        assert body["count"] == len(body["records"])
    html = client.get("/evidence", params=params)
    assert html.status_code in (200, 422)
