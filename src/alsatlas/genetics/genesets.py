"""Gene-set overlap: is a gene list enriched in a reference set, against a stated background?

With a background of ``N`` genes, a reference set of ``K`` of them, a query list of ``n`` of
them and ``k`` genes in both, the one-sided p-value is the hypergeometric upper tail

    p = P(X ≥ k),   X ~ Hypergeometric(N, K, n),

which equals the one-sided (``alternative="greater"``) Fisher exact test on the 2×2 table
``[[k, n − k], [K − k, N − K − n + k]]`` (Rivals et al. 2007, doi:10.1093/bioinformatics/btl633).
The sample odds ratio of that table and the fold enrichment ``k / (nK/N)`` are reported too.

When the background is a gene list, query and reference genes outside it are set aside and
listed (a gene cannot be drawn from a universe it is not in). When it is a number, it is taken
as ``N`` and every query and reference gene is assumed to belong to it.

Shipped sets (``alsatlas/data/genetics/README.md``): GO:0002376 *immune system process* and four
other immune terms, each with all descendant terms (org.Hs.eg.db 3.16.0, GO 2022-07-01); the
18,903 genes with any GO biological-process annotation in the same release, the default
background; ALS genes: ALSoD "definitive" (17) and WikiPathways WP2447 (38).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources

import polars as pl
from scipy import stats

from alsatlas.errors import AlsatlasInputError

DATA_DIR = ("data", "genetics")
GO_IMMUNE_FILE = "go_immune_gene_sets_orghsegdb_3.16.0.tsv"
GO_BACKGROUND_FILE = "go_bp_annotated_genes_orghsegdb_3.16.0.tsv"
ALSOD_FILE = "als_genes_alsod_definitive_17.tsv"
WP2447_FILE = "wikipathways_WP2447_als_genes.txt"
IMMUNE_SYSTEM_PROCESS = "GO:0002376"


@dataclass(frozen=True)
class GeneSet:
    """A named set of HGNC symbols (upper case)."""

    id: str
    name: str
    genes: frozenset[str]
    source: str

    def __len__(self) -> int:
        return len(self.genes)


@dataclass(frozen=True)
class OverlapResult:
    """Hypergeometric enrichment of a query list in a reference set.

    Attributes
    ----------
    background_size, reference_size, query_size, overlap
        ``N, K, n, k`` after restriction to the background.
    shared
        The genes in both (sorted).
    expected, fold_enrichment, odds_ratio
        ``nK/N``, ``k / expected`` and the 2×2 sample odds ratio (``inf`` when a cell is 0).
    pval
        One-sided hypergeometric ``P(X ≥ k)``.
    query_not_in_background, reference_not_in_background
        Genes set aside because the background lacks them (sorted).
    background
        How the background was defined, in words.
    """

    background_size: int
    reference_size: int
    query_size: int
    overlap: int
    shared: tuple[str, ...]
    expected: float
    fold_enrichment: float
    odds_ratio: float
    pval: float
    query_not_in_background: tuple[str, ...]
    reference_not_in_background: tuple[str, ...]
    background: str

    def to_dict(self) -> dict[str, object]:
        """Plain-Python form for JSON output."""
        return {
            "background": self.background,
            "background_size": self.background_size,
            "reference_size": self.reference_size,
            "query_size": self.query_size,
            "overlap": self.overlap,
            "shared": list(self.shared),
            "expected": self.expected,
            "fold_enrichment": self.fold_enrichment,
            "odds_ratio": self.odds_ratio,
            "pval": self.pval,
            "query_not_in_background": list(self.query_not_in_background),
            "reference_not_in_background": list(self.reference_not_in_background),
        }


def hypergeometric_enrichment(
    background_size: int, reference_size: int, query_size: int, overlap: int
) -> tuple[float, float, float, float]:
    """``(pval, expected, fold_enrichment, odds_ratio)`` for counts ``N, K, n, k``.

    ``pval = P(X ≥ k)`` with ``X ~ Hypergeometric(N, K, n)``; see the module docstring.

    Raises
    ------
    AlsatlasInputError
        Counts that cannot come from sets (negative, ``K > N``, ``n > N``, ``k > min(K, n)``,
        or ``k < n + K − N``).
    """
    big_n, big_k, n, k = background_size, reference_size, query_size, overlap
    if min(big_n, big_k, n, k) < 0 or big_k > big_n or n > big_n or k > min(big_k, n):
        raise AlsatlasInputError(
            f"impossible counts: background {big_n}, reference {big_k}, query {n}, overlap {k}"
        )
    if k < n + big_k - big_n:
        raise AlsatlasInputError(
            f"impossible counts: overlap {k} is below the minimum {n + big_k - big_n} "
            f"for background {big_n}, reference {big_k}, query {n}"
        )
    pval = float(stats.hypergeom.sf(k - 1, big_n, big_k, n)) if big_n > 0 else 1.0
    pval = min(1.0, max(0.0, pval))
    expected = n * big_k / big_n if big_n > 0 else 0.0
    fold = k / expected if expected > 0 else float("nan")
    a, b, c, d = k, n - k, big_k - k, big_n - big_k - n + k
    odds = (a * d) / (b * c) if b * c > 0 else (float("inf") if a * d > 0 else float("nan"))
    return pval, expected, fold, odds


def _symbols(genes: Iterable[str]) -> frozenset[str]:
    return frozenset(g.strip().upper() for g in genes if g and g.strip())


def overlap_test(
    query: Iterable[str],
    reference: Iterable[str],
    background: Iterable[str] | int,
    *,
    background_label: str | None = None,
) -> OverlapResult:
    """Enrichment of ``query`` genes in ``reference`` against ``background``.

    Parameters
    ----------
    query, reference
        Gene symbols (compared upper-case).
    background
        A gene list (the universe), or its size ``N``.
    background_label
        Words describing the background, kept in the result.
    """
    q, r = _symbols(query), _symbols(reference)
    if isinstance(background, int):
        if background < len(q | r):
            raise AlsatlasInputError(
                f"background size {background} is smaller than the {len(q | r)} distinct "
                f"query and reference genes",
                field="background",
            )
        big_n = background
        q_out: frozenset[str] = frozenset()
        r_out: frozenset[str] = frozenset()
        label = background_label or f"{background} genes (given size)"
    else:
        bg = _symbols(background)
        q_out, r_out = q - bg, r - bg
        q, r = q & bg, r & bg
        big_n = len(bg)
        label = background_label or f"{big_n} genes (given list)"
    shared = q & r
    pval, expected, fold, odds = hypergeometric_enrichment(big_n, len(r), len(q), len(shared))
    return OverlapResult(
        background_size=big_n,
        reference_size=len(r),
        query_size=len(q),
        overlap=len(shared),
        shared=tuple(sorted(shared)),
        expected=expected,
        fold_enrichment=fold,
        odds_ratio=odds,
        pval=pval,
        query_not_in_background=tuple(sorted(q_out)),
        reference_not_in_background=tuple(sorted(r_out)),
        background=label,
    )


def _read(name: str) -> bytes:
    return resources.files("alsatlas").joinpath(*DATA_DIR, name).read_bytes()


@cache
def go_immune_sets() -> dict[str, GeneSet]:
    """The shipped GO immune terms (with descendants), by GO id."""
    frame = pl.read_csv(_read(GO_IMMUNE_FILE), separator="\t", infer_schema=False)
    out: dict[str, GeneSet] = {}
    for (go_id, term), group in frame.group_by(["go_id", "go_term"], maintain_order=True):
        out[str(go_id)] = GeneSet(
            id=str(go_id),
            name=str(term),
            genes=_symbols(group.get_column("symbol").to_list()),
            source=GO_IMMUNE_FILE,
        )
    return out


@cache
def go_background() -> GeneSet:
    """All 18,903 genes with a GO biological-process annotation (org.Hs.eg.db 3.16.0)."""
    frame = pl.read_csv(_read(GO_BACKGROUND_FILE), separator="\t", infer_schema=False)
    return GeneSet(
        id="go-bp-annotated",
        name="genes with any GO biological-process annotation (org.Hs.eg.db 3.16.0)",
        genes=_symbols(frame.get_column("symbol").to_list()),
        source=GO_BACKGROUND_FILE,
    )


@cache
def als_gene_sets() -> dict[str, GeneSet]:
    """Shipped ALS gene lists: ``alsod-definitive`` (17) and ``wp2447`` (38)."""
    alsod = pl.read_csv(_read(ALSOD_FILE), separator="\t", infer_schema=False)
    wp_lines = _read(WP2447_FILE).decode("utf-8").splitlines()
    return {
        "alsod-definitive": GeneSet(
            id="alsod-definitive",
            name="ALSoD definitive ALS genes",
            genes=_symbols(alsod.get_column("symbol").to_list()),
            source=ALSOD_FILE,
        ),
        "wp2447": GeneSet(
            id="wp2447",
            name="WikiPathways WP2447 amyotrophic lateral sclerosis",
            genes=_symbols(ln for ln in wp_lines if not ln.startswith("#")),
            source=WP2447_FILE,
        ),
    }


def resolve_gene_set(name: str) -> GeneSet:
    """A shipped set by id: an ALS list id, a GO id, or ``go-bp-annotated``."""
    key = name.strip()
    als = als_gene_sets()
    go = go_immune_sets()
    if key.lower() in als:
        return als[key.lower()]
    if key.upper() in go:
        return go[key.upper()]
    if key.lower() == "go-bp-annotated":
        return go_background()
    raise AlsatlasInputError(
        f"unknown gene set '{name}'; shipped sets: {', '.join([*als, *go, 'go-bp-annotated'])}",
        field="gene-set",
    )


__all__ = [
    "IMMUNE_SYSTEM_PROCESS",
    "GeneSet",
    "OverlapResult",
    "als_gene_sets",
    "go_background",
    "go_immune_sets",
    "hypergeometric_enrichment",
    "overlap_test",
    "resolve_gene_set",
]
