"""Whole articles (plain text, Markdown, HTML): the expected verdicts for at least 90% of their
claims, HTML read as visible text only, and one article in two formats gives the same claims."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from alsatlas.claims import MAX_BYTES, check_text, read_source
from alsatlas.claims.sentences import split_sentences
from alsatlas.claims.source import document_from_text, html_to_text
from alsatlas.cli import app
from alsatlas.errors import AlsatlasInputError

ARTICLES = Path(__file__).with_name("articles")
runner = CliRunner()


@pytest.mark.parametrize("name", ["immune_als.txt", "myths.md", "news.html", "blog.html"])
def test_an_article_gets_the_expected_verdicts(name: str) -> None:
    expected = yaml.safe_load((ARTICLES / name).with_suffix(".expected.yaml").read_text())
    result = runner.invoke(app, ["check", str(ARTICLES / name), "--format", "json"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    got = {
        c["sentence"]: {s["question_id"]: s["verdict"] for s in c["subclaims"]}
        for c in body["claims"]
    }
    hits = 0
    total = 0
    for sentence, questions in expected.items():
        for qid, allowed in questions.items():
            total += 1
            verdicts = got.get(sentence, {})
            rated = verdicts.get(qid)
            if rated is None and "out_of_scope" in allowed:
                rated = verdicts.get(None)  # not graded: the sentence holds no question's claim
            hits += rated in allowed
    assert hits / total >= 0.9, (hits, total, got)


def test_claims_keep_their_offsets_in_the_visible_text() -> None:
    doc = read_source(str(ARTICLES / "myths.md"))
    result = check_text(doc.text, kind="text", name=doc.name)
    for c in result.claims:
        assert doc.text[c.start : c.end] == c.sentence


def test_html_is_read_as_visible_text_only() -> None:
    page = (
        "<html><head><title>t</title><style>p{}</style></head><body><script>ALS is "
        "autoimmune</script><h2>Lupus &amp; ALS</h2><p>ALS is not an autoimmune "
        "disease.</p></body></html>"
    )
    text, headings = html_to_text(page)
    assert "script" not in text and "ALS is autoimmune" not in text
    assert "Lupus & ALS" in text
    assert len(headings) == 1
    result = check_text(page, kind="html", name="page.html")
    assert [s.verdict for s in result.subclaims] == ["supported"]
    assert result.claims[0].heading == "Lupus & ALS"


def test_html_and_plain_versions_of_one_article_give_the_same_claims() -> None:
    plain = (ARTICLES / "immune_als.txt").read_text(encoding="utf-8")
    paragraphs = [p.strip() for p in plain.split("\n\n") if p.strip()]
    html = "<html><body>" + "".join(f"<p>{p}</p>" for p in paragraphs) + "</body></html>"
    a = check_text(plain)
    b = check_text(html, kind="html", name="a.html")

    def claims(r):  # type: ignore[no-untyped-def]
        return [(c.sentence, [(s.question_id, s.verdict) for s in c.subclaims]) for c in r.claims]

    assert claims(a) == claims(b)


def test_segmentation_survives_abbreviations_and_lists() -> None:
    text = "Studies, e.g. by Turner et al. in 2013, found more ALS. Dr. Smith agreed.\n- one\n- two"
    got = [s.text for s in split_sentences(text)]
    assert got == [
        "Studies, e.g. by Turner et al. in 2013, found more ALS.",
        "Dr. Smith agreed.",
        "- one",
        "- two",
    ]


def test_large_and_non_utf8_input_is_refused_clearly(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_bytes(b"a" * (MAX_BYTES + 1))
    result = runner.invoke(app, ["check", str(big)])
    assert result.exit_code == 2 and "larger than" in result.output
    bad = tmp_path / "latin1.txt"
    bad.write_bytes("Sjögren and ALS".encode("latin-1"))
    result = runner.invoke(app, ["check", str(bad)])
    assert result.exit_code == 2 and "not UTF-8" in result.output
    assert "Traceback" not in result.output
    result = runner.invoke(app, ["check", str(tmp_path / "missing.html")])
    assert result.exit_code == 2 and "no such file" in result.output
    result = runner.invoke(app, ["check", str(tmp_path) + "/"])
    assert result.exit_code == 2 and "is a folder" in result.output
    with pytest.raises(AlsatlasInputError):
        document_from_text("x" * (MAX_BYTES + 1))


def test_binary_input_with_nul_bytes_is_refused_from_file_and_stdin(tmp_path: Path) -> None:
    binary = b"Rheumatoid arthritis raises ALS risk.\0\0 Lupus too."
    path = tmp_path / "article.txt"
    path.write_bytes(binary)
    for args, stdin in ((["check", str(path)], None), (["check", "-"], binary)):
        result = runner.invoke(app, args, input=stdin)
        assert result.exit_code == 2, result.output
        assert "NUL byte at offset 37" in result.output
        assert "binary file" in result.output and "Traceback" not in result.output


def test_stdin_and_html_output_escape_the_article() -> None:
    article = "ALS is an autoimmune disease. <script>alert(1)</script> Lupus raises ALS risk."
    result = runner.invoke(app, ["check", "-", "--format", "html"], input=article)
    assert result.exit_code == 0, result.output
    assert "<script>alert(1)</script>" not in result.output
    assert "&lt;script&gt;" in result.output
    assert 'class="badge verdict-not-supported"' in result.output


def test_not_a_claim_is_out_of_scope_never_an_error() -> None:
    result = runner.invoke(app, ["check", "The ALS Association provides support groups."])
    assert result.exit_code == 0
    assert "out of scope" in result.output
    result = runner.invoke(app, ["check", "The weather is nice.", "--format", "json"])
    assert result.exit_code == 0 and json.loads(result.output)["claims"] == []


DECISIVE = (
    "ALS is an autoimmune disease.",
    "Drugs that act on the immune system slow ALS.",
    "Autoimmune disease causes ALS.",
    "The immune system is involved in ALS.",
)
NEGATED = (
    "ALS is not an autoimmune disease.",
    "Drugs that act on the immune system do not slow ALS.",
    "Autoimmune disease does not cause ALS.",
    "The immune system is not involved in ALS.",
)


@pytest.mark.parametrize(("claim", "negation"), list(zip(DECISIVE, NEGATED, strict=True)))
def test_adding_not_flips_a_decisive_verdict(claim: str, negation: str) -> None:
    a = check_text(claim).subclaims
    b = check_text(negation).subclaims
    assert [s.question_id for s in a] == [s.question_id for s in b]
    for x, y in zip(a, b, strict=True):
        assert x.verdict in ("supported", "not_supported", "contradicted")
        assert x.verdict != y.verdict and y.polarity == "negative"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.permutations(list(DECISIVE + NEGATED + ("Lupus raises ALS risk.",))))
def test_reordering_sentences_changes_no_verdict(order: list[str]) -> None:
    result = check_text(" ".join(order))
    got = {c.sentence: [(s.question_id, s.verdict) for s in c.subclaims] for c in result.claims}
    for sentence in order:
        alone = check_text(sentence)
        assert got[sentence] == [(s.question_id, s.verdict) for s in alone.subclaims]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300))
def test_any_text_is_checked_without_error(text: str) -> None:
    result = check_text(text)
    for c in result.claims:
        assert text[c.start : c.end] == c.sentence
