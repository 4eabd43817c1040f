"""What a scan runs: its inputs (files and shipped instrument sets), its pairs and settings.

An input is named on the command line as

- a file (plain or gzip summary statistics),
- a folder (every regular, non-hidden file in it, sorted by name),
- a glob pattern (``data/*.tsv.gz``; ``**`` recurses),
- ``set:NAME``: a shipped instrument set by id, trait or alias
  (:func:`alsatlas.genetics.instruments.select_exposure_set`), or ``set:all`` for every one.

Every exposure is paired with every outcome (``forward``); with both directions each outcome is
also paired with each exposure as exposure (``reverse``). A shipped set holds instruments only,
so it never serves as an outcome, and a source is never paired with itself. Only paths and
settings travel to the workers; each opens its files itself.
"""

from __future__ import annotations

import glob
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Literal

from alsatlas.errors import AlsatlasInputError

SourceKind = Literal["file", "set"]
Direction = Literal["forward", "reverse"]

SET_PREFIX = "set:"
DEFAULT_INSTRUMENT_P = 5e-8


@dataclass(frozen=True, order=True)
class ScanSource:
    """One trait of a scan: a summary-statistics file or a shipped instrument set.

    Attributes
    ----------
    key
        Identity of the source in the results: the absolute path of a file, ``set:<id>`` of a
        shipped set.
    label
        Name shown in tables and figures (file name, or set label and id).
    kind
        ``"file"`` or ``"set"``.
    """

    key: str
    label: str
    kind: SourceKind

    @property
    def can_be_outcome(self) -> bool:
        """Whether the source holds genome-wide rows to look instruments up in."""
        return self.kind == "file"


@dataclass(frozen=True, order=True)
class ScanPair:
    """One exposure → outcome analysis of a scan."""

    exposure: ScanSource
    outcome: ScanSource
    direction: Direction

    @property
    def key(self) -> tuple[str, str, str]:
        """``(exposure key, outcome key, direction)``: the pair's identity in the results."""
        return (self.exposure.key, self.outcome.key, self.direction)


@dataclass(frozen=True)
class ScanParams:
    """Settings applied to every pair (stored with the results; a resumed scan must match).

    Attributes
    ----------
    methods
        Method ids to run where the number of variants allows; None runs IVW, MR-Egger and the
        weighted median (the Wald ratio for a single variant).
    convention
        ``"twosamplemr"`` or ``"mendelianrandomization"`` defaults.
    seed
        Seed of the bootstrap streams (None: the engine's default seed).
    action
        TwoSampleMR harmonisation action (1, 2 or 3).
    instrument_p
        Instruments of an exposure *file* are its rows with p ≤ this (None keeps every row);
        shipped sets are used as shipped.
    instrument_window_kb
        With a threshold, prune an exposure file's instruments by distance:
        :func:`alsatlas.genetics.instrument_select.select_instruments` (p < threshold, one
        variant per window, as ``alsatlas mr --both-directions``; TwoSampleMR's ``clump_kb`` is
        10,000). None uses the rows as they are: right for clumped instrument files, not for
        genome-wide files.
    """

    methods: tuple[str, ...] | None = None
    convention: str = "twosamplemr"
    seed: int | None = None
    action: int = 2
    instrument_p: float | None = DEFAULT_INSTRUMENT_P
    instrument_window_kb: float | None = None

    def to_json(self) -> str:
        """Canonical JSON form, stored in the results file."""
        body = asdict(self)
        body["methods"] = list(self.methods) if self.methods is not None else None
        return json.dumps(body, sort_keys=True)


def _file_source(path: Path) -> ScanSource:
    resolved = path.resolve()
    return ScanSource(key=str(resolved), label=path.name, kind="file")


def _set_sources(query: str, role: str) -> list[ScanSource]:
    from alsatlas.genetics.instruments import list_exposure_sets, select_exposure_set

    if query.strip().lower() == "all":
        sets = list(list_exposure_sets())
    else:
        sets = [select_exposure_set(query).set]
    return [
        ScanSource(key=f"{SET_PREFIX}{s.id}", label=f"{s.label} ({s.id})", kind="set") for s in sets
    ]


def expand_sources(items: Sequence[str], *, role: str) -> tuple[ScanSource, ...]:
    """The sources named by ``items`` (files, folders, globs, ``set:NAME``), in the order given,
    each once.

    Raises
    ------
    AlsatlasInputError
        An item that names nothing (no such file, an empty folder, a glob matching no file, an
        unknown set).
    """
    out: list[ScanSource] = []
    for item in items:
        if item.startswith(SET_PREFIX):
            out += _set_sources(item[len(SET_PREFIX) :], role)
            continue
        path = Path(item)
        if path.is_dir():
            files = sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith("."))
            if not files:
                raise AlsatlasInputError("folder holds no file", file=item, field=role)
            out += [_file_source(p) for p in files]
        elif path.is_file():
            out.append(_file_source(path))
        elif glob.has_magic(item):
            files = sorted(Path(p) for p in glob.glob(item, recursive=True) if Path(p).is_file())
            if not files:
                raise AlsatlasInputError("pattern matches no file", file=item, field=role)
            out += [_file_source(p) for p in files]
        else:
            raise AlsatlasInputError("no such file or folder", file=item, field=role)
    seen: set[str] = set()
    unique = []
    for s in out:
        if s.key not in seen:
            seen.add(s.key)
            unique.append(s)
    return tuple(unique)


def plan_pairs(
    exposures: Sequence[ScanSource],
    outcomes: Sequence[ScanSource],
    *,
    both_directions: bool = False,
) -> tuple[ScanPair, ...]:
    """Every exposure × outcome pair (``forward``), and with ``both_directions`` every
    outcome × exposure pair (``reverse``); self-pairs, pairs repeated by the reverse direction
    and pairs whose outcome is a shipped set are left out. Sorted by outcome, then exposure, so
    that neighbouring pairs share an outcome file."""
    pairs: dict[tuple[str, str], ScanPair] = {}

    def add(e: ScanSource, o: ScanSource, direction: Direction) -> None:
        if e.key != o.key and o.can_be_outcome and (e.key, o.key) not in pairs:
            pairs[(e.key, o.key)] = ScanPair(exposure=e, outcome=o, direction=direction)

    for e in exposures:
        for o in outcomes:
            add(e, o, "forward")
    if both_directions:
        for e in exposures:
            for o in outcomes:
                add(o, e, "reverse")
    return tuple(sorted(pairs.values(), key=lambda p: (p.outcome.key, p.exposure.key, p.direction)))


def chunk_pairs(pairs: Sequence[ScanPair], size: int) -> list[tuple[ScanPair, ...]]:
    """Consecutive chunks of at most ``size`` pairs, each holding a single outcome."""
    if size < 1:
        raise AlsatlasInputError("chunk size must be at least 1", field="chunk-size")
    chunks: list[tuple[ScanPair, ...]] = []
    current: list[ScanPair] = []
    for pair in pairs:
        if current and (len(current) >= size or current[-1].outcome.key != pair.outcome.key):
            chunks.append(tuple(current))
            current = []
        current.append(pair)
    if current:
        chunks.append(tuple(current))
    return chunks


__all__ = [
    "DEFAULT_INSTRUMENT_P",
    "SET_PREFIX",
    "Direction",
    "ScanPair",
    "ScanParams",
    "ScanSource",
    "chunk_pairs",
    "expand_sources",
    "plan_pairs",
]
