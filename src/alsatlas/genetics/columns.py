"""Column roles of GWAS summary-statistics files and their detection from a header.

A *role* is what a column means (``snp``, ``effect_allele``, ``beta``, ...). Detection runs in
three steps:

1. **Known formats.** A header that carries a format's signature columns is mapped with that
   format's own rules, which settle the cases where generic names mislead: SAIGE's effect allele
   is ``Allele2``; PLINK2 reports ``REF``, ``ALT`` *and* the tested allele ``A1``; BOLT-LMM
   reports ``P_BOLT_LMM`` and ``P_BOLT_LMM_INF``; GWAS-SSF may carry ``rsid`` and
   ``variant_id``; GWAS Catalog harmonised files carry ``hm_`` columns beside the submitted
   ones (the ``hm_`` ones are used). Formats: GWAS Catalog harmonised, GWAS-SSF, PLINK2
   ``.glm``, REGENIE, SAIGE, BOLT-LMM, METAL.
2. **Synonyms.** Every role not yet mapped is looked up in a synonym table. Names are compared
   after lower-casing, removing a TwoSampleMR ``.exposure``/``.outcome`` suffix and dropping
   every character that is not a letter or digit (``P-value`` = ``p.value`` = ``PVALUE``). Two
   columns matching one role make the file ambiguous: :class:`~alsatlas.errors.SumstatsError`
   names both, and the user settles it with an override.
3. **Overrides.** ``overrides={"beta": "LOGOR"}`` maps a role to a column by its exact name and
   wins over steps 1 and 2.

The result, :class:`ColumnMapping`, says which column feeds each role and how each was found, so
that a face can show the user what was picked.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from alsatlas.errors import SumstatsError

ROLES: tuple[str, ...] = (
    "snp",
    "chr",
    "pos",
    "effect_allele",
    "other_allele",
    "beta",
    "odds_ratio",
    "se",
    "ci_lower",
    "ci_upper",
    "z",
    "pval",
    "log10p",
    "eaf",
    "n",
    "ncase",
    "ncontrol",
)
"""Every role a column can play, in display order."""

ROLE_DESCRIPTIONS: Mapping[str, str] = {
    "snp": "variant id (rsid)",
    "chr": "chromosome",
    "pos": "base-pair position",
    "effect_allele": "effect (tested) allele",
    "other_allele": "other (non-effect) allele",
    "beta": "effect size (beta or log-odds)",
    "odds_ratio": "odds ratio (converted to log-odds)",
    "se": "standard error of beta",
    "ci_lower": "lower 95% CI bound",
    "ci_upper": "upper 95% CI bound",
    "z": "z statistic",
    "pval": "p-value",
    "log10p": "-log10 p-value",
    "eaf": "effect allele frequency",
    "n": "sample size",
    "ncase": "number of cases",
    "ncontrol": "number of controls",
}

_SYNONYMS: Mapping[str, tuple[str, ...]] = {
    "snp": ("snp", "rsid", "rsids", "rs", "rsnumber", "markername", "snpid", "id", "variantid",
            "markerid", "marker", "snpname", "variant"),
    "chr": ("chr", "chrom", "chromosome", "chromosomeid"),
    "pos": ("pos", "position", "bp", "basepairlocation", "genpos", "basepair", "bpos", "poshg19",
            "bpgrch37"),
    "effect_allele": ("effectallele", "ea", "a1", "allele1", "alt", "testedallele", "riskallele",
                      "codedallele"),
    "other_allele": ("otherallele", "oa", "a2", "allele2", "ref", "nea", "noneffectallele",
                     "allele0", "noncodedallele"),
    "beta": ("beta", "b", "effect", "logor", "betahat", "es", "effectsize"),
    "odds_ratio": ("or", "oddsratio"),
    "se": ("se", "standarderror", "stderr", "sebeta", "logorse"),
    "ci_lower": ("cilower", "lowerci", "l95", "lci", "ci95lower"),
    "ci_upper": ("ciupper", "upperci", "u95", "uci", "ci95upper"),
    "z": ("z", "zscore", "zstat"),
    "pval": ("p", "pval", "pvalue", "pvalues", "pboltlmm"),
    "log10p": ("log10p", "neglog10pvalue", "mlog10p", "lp", "neglog10p"),
    "eaf": ("eaf", "effectallelefrequency", "freq1", "freq", "a1freq", "af", "frq", "af1",
            "effectallelefreq"),
    "n": ("n", "samplesize", "nsamples", "obsct", "totalsamplesize", "ntotal"),
    "ncase": ("ncase", "ncases", "ncas"),
    "ncontrol": ("ncontrol", "ncontrols", "ncon", "nctrl"),
}  # fmt: skip

# Known formats: signature (normalised names that must all be present) and, per role, the
# normalised candidates in order of preference (first present wins).
_FORMATS: tuple[tuple[str, frozenset[str], Mapping[str, tuple[str, ...]]], ...] = (
    (
        "gwas-catalog-harmonised",
        frozenset({"hmeffectallele", "hmotherallele", "hmbeta"}),
        {
            "snp": ("hmrsid", "rsid", "variantid", "hmvariantid"),
            "chr": ("hmchrom", "chromosome"),
            "pos": ("hmpos", "basepairlocation"),
            "effect_allele": ("hmeffectallele",),
            "other_allele": ("hmotherallele",),
            "beta": ("hmbeta",),
            "odds_ratio": ("hmoddsratio",),
            "se": ("standarderror",),
            "ci_lower": ("hmcilower",),
            "ci_upper": ("hmciupper",),
            "eaf": ("hmeffectallelefrequency",),
            "pval": ("pvalue",),
            "log10p": ("neglog10pvalue",),
            "n": ("n",),
        },
    ),
    (
        "gwas-ssf",
        frozenset({"chromosome", "basepairlocation", "effectallele", "otherallele"}),
        {
            "snp": ("rsid", "variantid"),
            "chr": ("chromosome",),
            "pos": ("basepairlocation",),
            "effect_allele": ("effectallele",),
            "other_allele": ("otherallele",),
            "beta": ("beta",),
            "odds_ratio": ("oddsratio",),
            "se": ("standarderror",),
            "ci_lower": ("cilower",),
            "ci_upper": ("ciupper",),
            "eaf": ("effectallelefrequency",),
            "pval": ("pvalue",),
            "log10p": ("neglog10pvalue",),
            "n": ("n",),
        },
    ),
    (
        "plink2",
        frozenset({"chrom", "pos", "id", "ref", "alt", "a1"}),
        {
            "snp": ("id",),
            "chr": ("chrom",),
            "pos": ("pos",),
            "effect_allele": ("a1",),
            "other_allele": ("omitted", "ax"),
            "beta": ("beta",),
            "odds_ratio": ("or",),
            "se": ("se", "logorse"),
            "eaf": ("a1freq",),
            "pval": ("p",),
            "log10p": ("log10p",),
            "z": ("zstat",),
            "n": ("obsct",),
        },
    ),
    (
        "saige",
        frozenset({"markerid", "allele1", "allele2", "afallele2"}),
        {
            "snp": ("rsid", "markerid"),
            "chr": ("chr",),
            "pos": ("pos",),
            "effect_allele": ("allele2",),
            "other_allele": ("allele1",),
            "beta": ("beta",),
            "se": ("se",),
            "eaf": ("afallele2",),
            "pval": ("pvalue",),
            "n": ("n",),
            "ncase": ("ncase",),
            "ncontrol": ("ncontrol",),
        },
    ),
    (
        "bolt-lmm",
        frozenset({"snp", "chr", "bp", "allele1", "allele0", "a1freq"}),
        {
            "snp": ("snp",),
            "chr": ("chr",),
            "pos": ("bp",),
            "effect_allele": ("allele1",),
            "other_allele": ("allele0",),
            "beta": ("beta",),
            "se": ("se",),
            "eaf": ("a1freq",),
            "pval": ("pboltlmm", "pboltlmminf", "plinreg"),
        },
    ),
    (
        "regenie",
        frozenset({"chrom", "genpos", "id", "allele0", "allele1", "a1freq"}),
        {
            "snp": ("id",),
            "chr": ("chrom",),
            "pos": ("genpos",),
            "effect_allele": ("allele1",),
            "other_allele": ("allele0",),
            "beta": ("beta",),
            "se": ("se",),
            "eaf": ("a1freq",),
            "log10p": ("log10p",),
            "pval": ("p",),
            "n": ("n",),
        },
    ),
    (
        "metal",
        frozenset({"markername", "allele1", "allele2"}),
        {
            "snp": ("markername",),
            "effect_allele": ("allele1",),
            "other_allele": ("allele2",),
            "beta": ("effect", "beta"),
            "se": ("stderr",),
            "eaf": ("freq1",),
            "pval": ("pvalue", "p"),
            "z": ("zscore",),
            "n": ("weight", "n"),
        },
    ),
)

_SUBMITTED_SSF = (
    "chromosome",
    "basepairlocation",
    "effectallele",
    "otherallele",
    "beta",
    "oddsratio",
    "hazardratio",
    "cilower",
    "ciupper",
    "effectallelefrequency",
    "variantid",
)

_SUFFIX = re.compile(r"\.(exposure|outcome)$", re.IGNORECASE)
_NON_ALNUM = re.compile(r"[^a-z0-9]")


def normalise_name(column: str) -> str:
    """The form in which column names are compared: lower case, letters and digits only.

    A trailing TwoSampleMR ``.exposure``/``.outcome`` suffix is removed first; ``id.exposure``
    and ``id.outcome`` (the GWAS id) become ``gwasid`` so that they are not read as variant ids.
    """
    stripped = column.strip()
    base = _SUFFIX.sub("", stripped)
    norm = _NON_ALNUM.sub("", base.lower())
    if base != stripped and norm == "id":
        return "gwasid"  # TwoSampleMR's id.exposure / id.outcome name the GWAS, not the variant
    return norm


@dataclass(frozen=True)
class ColumnMapping:
    """Which column of a file feeds each role, and how that was decided.

    Attributes
    ----------
    format
        Name of the detected format (``gwas-catalog-harmonised``, ``gwas-ssf``, ``plink2``,
        ``saige``, ``bolt-lmm``, ``regenie``, ``metal``) or ``generic``.
    roles
        Role → exact column name in the file.
    how
        Role → ``format``, ``synonym`` or ``override``.
    other_allele_from_ref_alt
        For PLINK2 files without ``OMITTED``/``AX``: the (REF, ALT) column names; the other
        allele is whichever of the two is not ``A1``.
    unused
        Columns of the file that feed no role.
    """

    format: str
    roles: Mapping[str, str]
    how: Mapping[str, str]
    other_allele_from_ref_alt: tuple[str, str] | None = None
    unused: tuple[str, ...] = field(default_factory=tuple)

    def column(self, role: str) -> str | None:
        """The column mapped to ``role``, or ``None``."""
        return self.roles.get(role)

    def rows(self) -> list[tuple[str, str, str, str]]:
        """(role, description, column, how) for display, in :data:`ROLES` order."""
        out = []
        for role in ROLES:
            if role in self.roles:
                out.append((role, ROLE_DESCRIPTIONS[role], self.roles[role], self.how[role]))
            elif role == "other_allele" and self.other_allele_from_ref_alt is not None:
                ref, alt = self.other_allele_from_ref_alt
                out.append((role, ROLE_DESCRIPTIONS[role], f"{ref}/{alt} not A1", "format"))
        return out


def detect_columns(
    header: Sequence[str],
    *,
    overrides: Mapping[str, str] | None = None,
    file: str | None = None,
) -> ColumnMapping:
    """Map the columns of ``header`` to roles; see the module docstring for the rules.

    Parameters
    ----------
    header
        Column names as they appear in the file.
    overrides
        Role → exact column name, taking precedence over detection.
    file
        File name, used in error messages.

    Raises
    ------
    SumstatsError
        Unknown role or column in ``overrides``, a repeated column name, two candidate columns
        for one role, or no column for a required role (variant id or chromosome+position,
        effect allele, effect size).
    """
    names = list(header)
    overrides = dict(overrides or {})
    seen: dict[str, int] = {}
    for name in names:
        seen[name] = seen.get(name, 0) + 1
    dupes = sorted(n for n, c in seen.items() if c > 1)
    if dupes:
        raise SumstatsError(f"repeated column name(s) {dupes} in the header", file=file)

    roles: dict[str, str] = {}
    how: dict[str, str] = {}
    for role, column in overrides.items():
        if role not in ROLES:
            raise SumstatsError(f"unknown role '{role}'; roles are {', '.join(ROLES)}", file=file)
        if column not in names:
            raise SumstatsError(
                f"override {role}={column!r}: no such column; columns are {names}", file=file
            )
        roles[role] = column
        how[role] = "override"

    by_norm: dict[str, list[str]] = {}
    for name in names:
        by_norm.setdefault(normalise_name(name), []).append(name)
    used = set(roles.values())

    fmt_name = "generic"
    ref_alt: tuple[str, str] | None = None
    for name, signature, rules in _FORMATS:
        if signature <= by_norm.keys():
            fmt_name = name
            for role, options in rules.items():
                if role in roles:
                    continue
                for cand in options:
                    cols = [c for c in by_norm.get(cand, []) if c not in used]
                    if cols:
                        roles[role] = cols[0]
                        how[role] = "format"
                        used.add(cols[0])
                        break
            if name == "plink2" and "other_allele" not in roles:
                ref_alt = (by_norm["ref"][0], by_norm["alt"][0])
                used.update(ref_alt)
            if name == "plink2":
                used.update(by_norm["ref"] + by_norm["alt"])
            if name == "gwas-catalog-harmonised":
                # the submitted (non-hm_) values must not fill roles the hm_ columns left empty
                for submitted in _SUBMITTED_SSF:
                    used.update(by_norm.get(submitted, []))
            if name == "bolt-lmm":
                used.update(by_norm.get("pboltlmminf", []) + by_norm.get("plinreg", []))
            break

    for role in ROLES:
        if role in roles or (role == "other_allele" and ref_alt is not None):
            continue
        candidates = [
            col for syn in _SYNONYMS[role] for col in by_norm.get(syn, []) if col not in used
        ]
        if len(candidates) > 1:
            raise SumstatsError(
                f"ambiguous columns for {ROLE_DESCRIPTIONS[role]} ('{role}'): "
                f"{', '.join(repr(c) for c in candidates)}; choose one with an override "
                f"(e.g. --column {role}={candidates[0]})",
                file=file,
                field=role,
            )
        if candidates:
            roles[role] = candidates[0]
            how[role] = "synonym"
            used.add(candidates[0])

    if "snp" not in roles and not ("chr" in roles and "pos" in roles):
        raise SumstatsError(
            f"no variant id column (e.g. rsid, SNP, MarkerName) and no chromosome + position "
            f"columns; columns are {names}",
            file=file,
            field="snp",
        )
    if "effect_allele" not in roles:
        raise SumstatsError(
            f"no effect allele column (e.g. effect_allele, A1, ALT); columns are {names}",
            file=file,
            field="effect_allele",
        )
    if "beta" not in roles and "odds_ratio" not in roles:
        raise SumstatsError(
            f"no effect-size column (beta, log-odds or odds ratio); columns are {names}",
            file=file,
            field="beta",
        )
    return ColumnMapping(
        format=fmt_name,
        roles=roles,
        how=how,
        other_allele_from_ref_alt=ref_alt,
        unused=tuple(n for n in names if n not in used),
    )


__all__ = ["ROLES", "ROLE_DESCRIPTIONS", "ColumnMapping", "detect_columns", "normalise_name"]
