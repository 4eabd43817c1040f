"""Claim checker: routing precision/recall, verdict accuracy per class, negation pairs, and
throughput on a 2,000-word article (whole process, `alsatlas check FILE --format json`).

Goals: verdict accuracy >= 0.9, routing F1 >= 0.9, every negation pair rated apart, a
2,000-word article checked in under 2 s. Run: ``.venv/bin/python benchmarks/bench_claims.py``.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "claims"))

from claim_metrics import labelled, score  # noqa: E402

from alsatlas.claims import check_text  # noqa: E402


def article(words: int = 2000) -> str:
    """An article of about ``words`` words built from the three test articles."""
    folder = ROOT / "tests" / "claims" / "articles"
    base = " ".join(
        (folder / name).read_text(encoding="utf-8") for name in ("immune_als.txt", "myths.md")
    )
    text = base
    while len(text.split()) < words:
        text += "\n\n" + base
    return text


def main() -> None:
    entries = labelled()
    s = score(entries)
    print(f"labelled sentences: {len(entries)}")
    print(f"routing: precision {s.precision:.3f}, recall {s.recall:.3f}, F1 {s.f1:.3f}")
    print(f"verdict accuracy: {s.accuracy:.3f}")
    for cls, (ok, n) in sorted(s.by_class.items()):
        print(f"  {cls:<14} {ok}/{n} = {ok / n:.2f}")
    print(f"negation pairs rated apart: {s.pairs_opposite}/{s.pairs}")
    text = article()
    n_words = len(text.split())
    start = time.perf_counter()
    result = check_text(text)
    lib = time.perf_counter() - start
    sentences = len(result.claims)
    print(f"article: {n_words} words, {sentences} claim sentences")
    print(f"library: {lib:.3f} s ({sentences / lib:.0f} claim sentences/s)")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "article.txt"
        path.write_text(text, encoding="utf-8")
        exe = Path(sys.executable).with_name("alsatlas")
        start = time.perf_counter()
        subprocess.run(
            [str(exe), "check", str(path), "--format", "json"],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        whole = time.perf_counter() - start
    print(f"whole process: {whole:.2f} s for {n_words} words (goal < 2 s: ratio {whole / 2:.2f})")


if __name__ == "__main__":
    main()
