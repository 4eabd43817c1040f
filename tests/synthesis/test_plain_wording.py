"""Plain-language answers say which way, how big in people out of 10,000, and how sure, in
words that agree with the verdict."""

from __future__ import annotations

from synthesis_factories import base, direction_only, epi

from alsatlas.synthesis import answer
from alsatlas.synthesis.summaries import baseline_risk, certainty_sentence, phrasebook


def test_phrasebook_covers_every_verdict_and_level() -> None:
    book = phrasebook()
    assert len(book.verdict) == len(book.risk_verdict) == len(book.therapy_verdict) == 5
    assert set(book.certainty) == set(book.certainty_after_agreement)


def test_baseline_risk_is_cited() -> None:
    b = baseline_risk()
    assert b.lifetime_risk_per_1000 == 2.6
    assert b.citation["pmid"] == "31329211" and b.verification in {"primary", "secondary"}


def test_supported_at_low_certainty_reads_as_a_but() -> None:
    text = certainty_sentence("very low", "supported")
    assert text.startswith("But ")
    assert certainty_sentence("very low", "partly supported").startswith("We are very unsure")


def test_risk_answers_name_the_direction_and_absolute_numbers() -> None:
    rows = (
        epi("a.sle", 1.5, 1.3, 1.73, overlap_group="g1"),
        epi("b.sle", 1.5, 1.28, 1.76, overlap_group="g2"),
    )
    a = answer("sle_als_risk", base(*rows))
    assert a.verdict == "supported"
    assert "people with lupus (SLE) have a higher risk of ALS" in a.plain_summary
    assert "Out of 10,000 people, about 26 get ALS in their lifetime" in a.plain_summary
    assert "about 39 would, if this link is real" in a.plain_summary  # 26 x 1.5


def test_partly_supported_says_which_way_and_no_numbers_without_a_number() -> None:
    votes = [direction_only(f"{s}.sle", "increased", overlap_group=s) for s in ("x", "y")]
    a = answer("sle_als_risk", base(*votes))
    assert a.verdict == "partly supported"
    assert "Some studies point to a higher risk of ALS for people with lupus" in a.plain_summary
    assert "Out of 10,000" not in a.plain_summary


def test_no_absolute_numbers_from_a_very_wide_interval() -> None:
    a = answer("sle_als_risk", base(epi("a.sle", 25.7, 2.95, 224.6)))
    assert "Out of 10,000" not in a.plain_summary
    assert "could be much lower or higher" in a.plain_summary


def _lines_modules() -> list[tuple[str, object]]:
    import ast
    from pathlib import Path

    import alsatlas.synthesis.lines as lines

    folder = Path(lines.__file__).parent
    return [(p.name, ast.parse(p.read_text(encoding="utf-8"))) for p in sorted(folder.glob("*.py"))]


def test_every_sentence_key_the_lines_use_is_in_the_phrasebook() -> None:
    import ast

    keys = set(phrasebook().sentences)
    used = set()
    for _, tree in _lines_modules():
        for node in ast.walk(tree):  # type: ignore[arg-type]
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "say":
                first = node.args[0]
                assert isinstance(first, ast.Constant), "sentence keys are literal"
                used.add(first.value)
    assert used and used <= keys
    assert keys - used == set(), f"unused sentences: {sorted(keys - used)}"


def test_patient_prose_lives_in_the_phrasebook_not_in_code() -> None:
    import ast

    for name, tree in _lines_modules():
        for node in ast.walk(tree):  # type: ignore[arg-type]
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "plain_text":
                for arg in ast.walk(node):
                    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                        # keys, verdict names and "" only: no sentence written in code
                        assert not arg.value.rstrip().endswith((".", "?", "!")), (name, arg.value)


def test_every_shipped_plain_answer_reads_at_grade_8_or_lower() -> None:
    from alsatlas.presentation.readability import reading_grade
    from alsatlas.synthesis import answer_all

    for a in answer_all():
        assert reading_grade(a.plain_summary) <= 8.0, a.question.id


def test_no_absolute_numbers_at_very_low_certainty() -> None:
    """The shipped any-autoimmune answer: CI 1.32-1.63 excludes 1, but the certainty is very low
    (no lagged estimate, most weight from estimates whose authors name reverse causation)."""
    a = answer("any_autoimmune_als_risk")
    assert a.verdict == "partly supported" and a.certainty.level == "very low"
    assert "Out of 10,000" not in a.plain_summary
