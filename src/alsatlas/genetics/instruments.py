"""Shipped instrument sets (exposures) and the OpenGWAS catalogue, selectable by name or id.

Sources (``alsatlas/data/genetics/README.md`` gives provenance and licences):

- MR-Base clumped genome-wide significant instruments for ALS and 69 immune-mediated-disease
  GWAS (MRInstruments, CC0), one set per OpenGWAS id (``ieu-a-832``, ``ukb-a-105``, ...);
- RA (Okada 2014) and SLE (Bentham 2015) sets with allele frequencies (MRcovid, MIT), ids
  ``okada2014-ra-mrcovid`` and ``bentham2015-sle-mrcovid``.

A *trait* groups sets: ``"rheumatoid arthritis"``, ``"RA"`` and ``"ra"`` all name the trait
rheumatoid arthritis, which has several sets. Selecting a trait picks its default set, listed in
:data:`DEFAULT_SET` (a European GWAS with allele frequencies where one exists, else the largest
European GWAS), and reports the alternatives. A name that matches several traits is refused
with the candidates listed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources

import polars as pl

from alsatlas.errors import AlsatlasInputError
from alsatlas.genetics.sumstats import Sumstats, parse_sumstats

DATA_DIR = ("data", "genetics")
MRBASE_FILE = "mrbase_instruments_als_autoimmune.tsv"
CATALOGUE_FILE = "opengwas_catalogue_als_autoimmune_immunecell.tsv"
MRCOVID_FILES: dict[str, tuple[str, str, str, int, str]] = {
    # id: (file, trait, author, year, pmid)
    "okada2014-ra-mrcovid": (
        "mrcovid_ra_okada2014_instruments_5e-8.tsv",
        "rheumatoid arthritis",
        "Okada Y",
        2014,
        "24390342",
    ),
    "bentham2015-sle-mrcovid": (
        "mrcovid_sle_bentham2015_instruments_5e-8.tsv",
        "systemic lupus erythematosus",
        "Bentham J",
        2015,
        "26502338",
    ),
}

TRAIT_ALIASES: dict[str, tuple[str, ...]] = {
    "amyotrophic lateral sclerosis": ("als", "motor neuron disease", "mnd"),
    "rheumatoid arthritis": ("ra",),
    "systemic lupus erythematosus": ("sle", "lupus"),
    "multiple sclerosis": ("ms",),
    "type 1 diabetes": ("t1d", "type 1 diabetes mellitus"),
    "inflammatory bowel disease": ("ibd",),
    "crohn's disease": ("cd", "crohn", "crohns", "crohn disease", "crohns disease"),
    "ulcerative colitis": ("uc",),
    "celiac disease": ("coeliac disease", "celiac", "coeliac", "malabsorption/coeliac disease"),
    "psoriasis": (),
    "asthma": ("doctor diagnosed asthma",),
    "eczema": ("atopic dermatitis", "eczema/dermatitis"),
    "hay fever, allergic rhinitis or eczema": ("hayfever", "allergic rhinitis"),
    "hypothyroidism": ("hypothyroidism/myxoedema", "other hypothyroidism"),
    "thyroxine treatment": ("levothyroxine sodium", "thyroxine product", "levothyroxine"),
    "primary biliary cirrhosis": ("pbc", "primary biliary cholangitis"),
    "primary sclerosing cholangitis": ("psc",),
    "juvenile idiopathic arthritis": ("jia",),
    "ankylosing spondylitis": ("as",),
    "vitiligo": (),
    "iga nephropathy": ("igan",),
}
"""Canonical trait → aliases (compared after lower-casing and collapsing blanks)."""

DEFAULT_SET: dict[str, str] = {
    "amyotrophic lateral sclerosis": "ieu-a-1085",
    "rheumatoid arthritis": "okada2014-ra-mrcovid",
    "systemic lupus erythematosus": "bentham2015-sle-mrcovid",
    "multiple sclerosis": "ieu-a-1025",
    "type 1 diabetes": "ieu-a-285",
    "inflammatory bowel disease": "ieu-a-294",
    "crohn's disease": "ieu-a-12",
    "ulcerative colitis": "ieu-a-970",
    "celiac disease": "ieu-a-1058",
    "psoriasis": "ieu-a-282",
    "asthma": "ukb-a-446",
    "eczema": "ieu-a-996",
    "hypothyroidism": "ukb-a-77",
    "primary biliary cirrhosis": "ieu-a-287",
    "thyroxine treatment": "ukb-a-190",
}
"""Trait → the set used when a trait (not an id) is asked for."""


@dataclass(frozen=True)
class ExposureSet:
    """Metadata of one shipped instrument set."""

    id: str
    trait: str
    label: str
    author: str
    year: int | None
    pmid: str
    population: str
    samplesize: float | None
    ncase: float | None
    ncontrol: float | None
    nsnp: int
    has_eaf: bool
    source: str


@dataclass(frozen=True)
class SelectedSet:
    """The set a query resolved to, how, and the other sets of the same trait."""

    set: ExposureSet
    matched_by: str
    alternatives: tuple[ExposureSet, ...]


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("’", "'").strip().lower())


def _alias_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for trait, aliases in TRAIT_ALIASES.items():
        table[_norm(trait)] = trait
        table[_norm(trait.replace("'", ""))] = trait
        for alias in aliases:
            table[_norm(alias)] = trait
    return table


def _canonical_trait(label: str) -> str:
    """Canonical trait of a set label such as ``Non-cancer illness code  self-reported: asthma``."""
    text = _norm(label)
    tail = text.rsplit(":", 1)[-1].strip()
    tail = re.sub(r"^(k50|k51|e03)\s+", "", tail)
    tail = re.sub(r"\s*\[.*\]$", "", tail)
    table = _alias_table()
    for candidate in (text, tail):
        if candidate in table:
            return table[candidate]
    if "hayfever" in text:
        return "hay fever, allergic rhinitis or eczema"
    return tail


def _read_text(name: str) -> bytes:
    return resources.files("alsatlas").joinpath(*DATA_DIR, name).read_bytes()


def _read_tsv(name: str) -> pl.DataFrame:
    """A shipped tab-separated table, every column as text (``""`` and ``NA`` read as null)."""
    return pl.read_csv(
        _read_text(name),
        separator="\t",
        infer_schema=False,
        null_values=["", "NA"],
        quote_char=None,
    )


def _opt_float(value: object) -> float | None:
    try:
        out = float(str(value))
    except (TypeError, ValueError):
        return None
    return out if out == out else None


@cache
def _mrbase_table() -> pl.DataFrame:
    return _read_tsv(MRBASE_FILE)


@cache
def list_exposure_sets() -> tuple[ExposureSet, ...]:
    """Every shipped instrument set, MR-Base sets first (by id), then the MRcovid sets."""
    sets: list[ExposureSet] = []
    table = _mrbase_table()
    for key, group in table.group_by("opengwas_id", maintain_order=True):
        first = group.row(0, named=True)
        year = first["year"]
        eaf = group.get_column("eaf.exposure")
        sets.append(
            ExposureSet(
                id=str(key[0]),
                trait=_canonical_trait(str(first["exposure"])),
                label=str(first["exposure"]).strip(),
                author=str(first["author"] or ""),
                year=int(year) if year else None,
                pmid=str(first["pmid"] or ""),
                population=str(first["population"] or ""),
                samplesize=_opt_float(first["samplesize.exposure"]),
                ncase=_opt_float(first["ncase.exposure"]),
                ncontrol=_opt_float(first["ncontrol.exposure"]),
                nsnp=group.height,
                has_eaf=bool(eaf.is_not_null().any()),
                source=MRBASE_FILE,
            )
        )
    sets.sort(key=lambda s: s.id)
    for set_id, (file, trait, author, year, pmid) in MRCOVID_FILES.items():
        frame = pl.read_csv(_read_text(file), separator="\t", infer_schema=False)
        first = frame.row(0, named=True)
        sets.append(
            ExposureSet(
                id=set_id,
                trait=trait,
                label=f"{trait.capitalize()} ({author} {year}, MRcovid clumped 5e-8)",
                author=author,
                year=year,
                pmid=pmid,
                population="European",
                samplesize=_opt_float(first["N"]),
                ncase=None,
                ncontrol=None,
                nsnp=frame.height,
                has_eaf=True,
                source=file,
            )
        )
    return tuple(sets)


def traits() -> dict[str, tuple[ExposureSet, ...]]:
    """Canonical trait → its sets."""
    out: dict[str, list[ExposureSet]] = {}
    for s in list_exposure_sets():
        out.setdefault(s.trait, []).append(s)
    return {k: tuple(v) for k, v in sorted(out.items())}


def _default_for(trait: str, sets: tuple[ExposureSet, ...]) -> ExposureSet:
    by_id = {s.id: s for s in sets}
    if trait in DEFAULT_SET and DEFAULT_SET[trait] in by_id:
        return by_id[DEFAULT_SET[trait]]
    european = [s for s in sets if s.population in ("European", "")] or list(sets)
    return max(european, key=lambda s: (s.samplesize or 0.0, s.nsnp, s.id))


def select_exposure_set(query: str) -> SelectedSet:
    """Resolve an OpenGWAS id, a trait name or an alias to one shipped set.

    Order: exact id (case-insensitive); exact trait name or alias (the trait's default set);
    then a substring of trait names and set labels, which must point to a single trait.

    Raises
    ------
    AlsatlasInputError
        No match (the message lists the traits), or a name matching several traits (the
        message lists them and their set ids).
    """
    q = _norm(query)
    sets = list_exposure_sets()
    groups = traits()
    for s in sets:
        if s.id.lower() == q:
            alts = tuple(x for x in groups[s.trait] if x.id != s.id)
            return SelectedSet(set=s, matched_by="id", alternatives=alts)
    aliases = _alias_table()
    trait = aliases.get(q) or aliases.get(q.replace("'", ""))
    if trait is not None and trait in groups:
        chosen = _default_for(trait, groups[trait])
        alts = tuple(x for x in groups[trait] if x.id != chosen.id)
        return SelectedSet(set=chosen, matched_by=f"trait '{trait}'", alternatives=alts)
    hits = sorted({s.trait for s in sets if q and (q in _norm(s.trait) or q in _norm(s.label))})
    if len(hits) == 1:
        chosen = _default_for(hits[0], groups[hits[0]])
        alts = tuple(x for x in groups[hits[0]] if x.id != chosen.id)
        return SelectedSet(set=chosen, matched_by=f"trait '{hits[0]}'", alternatives=alts)
    if len(hits) > 1:
        listing = "; ".join(f"{t} ({', '.join(s.id for s in groups[t])})" for t in hits)
        raise AlsatlasInputError(
            f"'{query}' matches {len(hits)} traits: {listing}. Give a trait name or set id.",
            field="exposure-set",
        )
    raise AlsatlasInputError(
        f"no shipped instrument set matches '{query}'. Traits: {', '.join(groups)}",
        field="exposure-set",
    )


def load_exposure_set(query: str | ExposureSet) -> Sumstats:
    """The instruments of a set (by query or :class:`ExposureSet`), read and checked."""
    chosen = query if isinstance(query, ExposureSet) else select_exposure_set(query).set
    if chosen.source == MRBASE_FILE:
        raw = _read_text(MRBASE_FILE)
        lines = raw.split(b"\n")
        prefix = chosen.id.encode() + b"\t"
        picked = [i for i, ln in enumerate(lines) if i > 0 and ln.startswith(prefix)]
        body = b"\n".join([lines[0], *[lines[i] for i in picked]])
        subset = parse_sumstats(body + b"\n", source=f"{MRBASE_FILE}[{chosen.id}]")
        # report line numbers of the shipped file, not of the extracted subset
        original = {j + 2: i + 1 for j, i in enumerate(picked)}
        data = subset.data.with_columns(
            pl.col("line").replace_strict(original, return_dtype=pl.Int64)
        )
        examples = tuple(
            replace(e, line=original.get(e.line, e.line)) for e in subset.report.examples
        )
        return replace(subset, data=data, report=replace(subset.report, examples=examples))
    return parse_sumstats(_read_text(chosen.source), source=chosen.source)


@cache
def opengwas_catalogue() -> pl.DataFrame:
    """The shipped OpenGWAS catalogue rows (879 GWAS: ALS, autoimmune, 731 immune-cell traits)."""
    return _read_tsv(CATALOGUE_FILE)


def immune_cell_gwas() -> pl.DataFrame:
    """Catalogue rows of the 731 Orrù et al. 2020 immune-cell GWAS (PMID 32929287)."""
    return opengwas_catalogue().filter(pl.col("pmid") == "32929287")


__all__ = [
    "DEFAULT_SET",
    "TRAIT_ALIASES",
    "ExposureSet",
    "SelectedSet",
    "immune_cell_gwas",
    "list_exposure_sets",
    "load_exposure_set",
    "opengwas_catalogue",
    "select_exposure_set",
    "traits",
]
