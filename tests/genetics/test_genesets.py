"""Gene-set overlap against scipy's Fisher exact test and a direct hypergeometric sum."""

from __future__ import annotations

from math import comb

import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.stats import fisher_exact

from alsatlas.errors import AlsatlasInputError
from alsatlas.genetics.genesets import (
    IMMUNE_SYSTEM_PROCESS,
    als_gene_sets,
    go_background,
    go_immune_sets,
    hypergeometric_enrichment,
    overlap_test,
    resolve_gene_set,
)


def _upper_tail(big_n: int, big_k: int, n: int, k: int) -> float:
    """P(X >= k) summed term by term with exact integers."""
    total = comb(big_n, n)
    return (
        sum(comb(big_k, i) * comb(big_n - big_k, n - i) for i in range(k, min(big_k, n) + 1))
        / total
    )


def test_hand_built_sets() -> None:
    background = [f"G{i}" for i in range(40)]
    reference = background[:10]
    query = ["G0", "G1", "G2", "G3", "G20", "G21", "NOT_IN_BG"]
    r = overlap_test(query, reference, background)
    assert (r.background_size, r.reference_size, r.query_size, r.overlap) == (40, 10, 6, 4)
    assert r.shared == ("G0", "G1", "G2", "G3")
    assert r.query_not_in_background == ("NOT_IN_BG",)
    table = [[4, 2], [6, 28]]
    odds, p = fisher_exact(table, alternative="greater")
    assert r.pval == pytest.approx(p, rel=1e-9)
    assert r.pval == pytest.approx(_upper_tail(40, 10, 6, 4), rel=1e-9)
    assert r.odds_ratio == pytest.approx(odds, rel=1e-12)
    assert r.expected == pytest.approx(6 * 10 / 40)


@given(
    st.integers(1, 300).flatmap(
        lambda big_n: st.tuples(
            st.just(big_n), st.integers(0, big_n), st.integers(0, big_n)
        ).flatmap(
            lambda t: st.tuples(
                st.just(t),
                st.integers(max(0, t[1] + t[2] - t[0]), min(t[1], t[2])),
            )
        )
    )
)
def test_matches_fisher_exact(args: tuple[tuple[int, int, int], int]) -> None:
    (big_n, big_k, n), k = args
    p, _, _, _ = hypergeometric_enrichment(big_n, big_k, n, k)
    _, p_ref = fisher_exact([[k, n - k], [big_k - k, big_n - big_k - n + k]], alternative="greater")
    assert p == pytest.approx(p_ref, rel=1e-7, abs=1e-300)
    assert p == pytest.approx(_upper_tail(big_n, big_k, n, k), rel=1e-7, abs=1e-300)


@pytest.mark.parametrize(
    "counts", [(-1, 0, 0, 0), (10, 11, 1, 0), (10, 5, 11, 0), (10, 5, 3, 4), (10, 8, 8, 5)]
)
def test_impossible_counts(counts: tuple[int, int, int, int]) -> None:
    with pytest.raises(AlsatlasInputError, match="impossible"):
        hypergeometric_enrichment(*counts)


def test_numeric_background() -> None:
    r = overlap_test(["A", "B", "C"], ["A", "B", "X", "Y"], 100)
    _, p = fisher_exact([[2, 1], [2, 95]], alternative="greater")
    assert r.pval == pytest.approx(p, rel=1e-9)
    with pytest.raises(AlsatlasInputError, match="smaller"):
        overlap_test(["A", "B"], ["C"], 2)


def test_shipped_sets() -> None:
    go = go_immune_sets()
    assert len(go[IMMUNE_SYSTEM_PROCESS]) == 2892  # genetic-data.md, source H
    assert {k: len(v) for k, v in go.items()} == {
        "GO:0002376": 2892,
        "GO:0006955": 1955,
        "GO:0045087": 927,
        "GO:0002250": 744,
        "GO:0006954": 848,
    }
    # the descendants of immune system process are inside it
    assert go["GO:0002250"].genes <= go["GO:0002376"].genes
    assert len(go_background()) == 18903
    assert go["GO:0002376"].genes <= go_background().genes
    als = als_gene_sets()
    assert len(als["alsod-definitive"]) == 17
    assert len(als["wp2447"]) == 38
    assert {"SOD1", "TARDBP", "FUS", "C9ORF72"} <= als["alsod-definitive"].genes
    assert resolve_gene_set("wp2447") is als["wp2447"]
    assert resolve_gene_set("go:0002376") is go["GO:0002376"]
    with pytest.raises(AlsatlasInputError, match="unknown gene set"):
        resolve_gene_set("kegg")


def test_als_genes_in_immune_system_process() -> None:
    bg = go_background()
    r = overlap_test(
        als_gene_sets()["alsod-definitive"].genes, go_immune_sets()["GO:0002376"].genes, bg.genes
    )
    assert r.shared == ("OPTN", "SOD1", "TBK1")
    _, p = fisher_exact([[3, 14], [2889, 18903 - 2892 - 17 + 3]], alternative="greater")
    assert r.pval == pytest.approx(p, rel=1e-9)
