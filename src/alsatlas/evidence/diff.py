"""Record-level differences between two evidence folders.

Records are compared as the curator wrote them (the YAML mappings, file-level ``study_id`` and
``citation`` merged into each record), so two folders written under different schema versions
can still be compared. A record is *changed* when any field differs; the changed field names
are listed with their old and new values.
"""

from __future__ import annotations

import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Any

import yaml

from alsatlas.errors import EvidenceError

SHIPPED_PATH = "src/alsatlas/data/evidence"
"""Where the shipped evidence lives inside the repository (the default path for revisions)."""

_SUFFIXES = (".yaml", ".yml")
_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One field of one record that differs."""

    field: str
    old: Any
    new: Any


@dataclass(frozen=True, slots=True)
class RecordChange:
    """A record present in both folders whose fields differ."""

    record_id: str
    kind: str
    fields: tuple[FieldChange, ...]


@dataclass(frozen=True, slots=True)
class RecordDiff:
    """Records added, removed and changed from ``old`` to ``new``."""

    added: tuple[str, ...]
    removed: tuple[str, ...]
    changed: tuple[RecordChange, ...]
    old_count: int
    new_count: int

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "old_count": self.old_count,
            "new_count": self.new_count,
            "added": list(self.added),
            "removed": list(self.removed),
            "changed": [
                {
                    "id": c.record_id,
                    "kind": c.kind,
                    "fields": [{"field": f.field, "old": f.old, "new": f.new} for f in c.fields],
                }
                for c in self.changed
            ],
        }


def raw_records(folder: Path) -> dict[str, dict[str, Any]]:
    """Record id -> the record's mapping (with its file's ``study_id`` and ``citation``)."""
    out: dict[str, dict[str, Any]] = {}
    files = sorted(p for p in folder.rglob("*") if p.suffix in _SUFFIXES and p.is_file())
    if not files:
        raise EvidenceError("no evidence files (*.yaml, *.yml) in this folder", file=str(folder))
    for path in files:
        try:
            data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            raise EvidenceError(f"not readable YAML: {exc}", file=str(path)) from None
        if not isinstance(data, dict) or not isinstance(data.get("records"), list):
            raise EvidenceError("not an evidence file (no 'records' list)", file=str(path))
        for rec in data["records"]:
            if isinstance(rec, dict) and "id" in rec:
                merged = {"study_id": data.get("study_id"), "citation": data.get("citation")}
                merged.update(rec)
                out[str(rec["id"])] = merged
    return out


def _flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(value, dict):
        flat: dict[str, Any] = {}
        for key, item in value.items():
            flat.update(_flatten(item, f"{prefix}.{key}" if prefix else str(key)))
        return flat
    return {prefix: value}


def diff_records(old: dict[str, dict[str, Any]], new: dict[str, dict[str, Any]]) -> RecordDiff:
    """Compare two ``raw_records`` mappings field by field (nested fields dotted)."""
    changed: list[RecordChange] = []
    for rid in sorted(old.keys() & new.keys()):
        a, b = _flatten(old[rid]), _flatten(new[rid])
        fields = tuple(
            FieldChange(name, a.get(name), b.get(name))
            for name in sorted(a.keys() | b.keys())
            if a.get(name) != b.get(name)
        )
        if fields:
            changed.append(RecordChange(rid, str(new[rid].get("kind", "")), fields))
    return RecordDiff(
        added=tuple(sorted(new.keys() - old.keys())),
        removed=tuple(sorted(old.keys() - new.keys())),
        changed=tuple(changed),
        old_count=len(old),
        new_count=len(new),
    )


@contextmanager
def evidence_folder(spec: str) -> Iterator[Path]:
    """An evidence folder from ``spec``: an existing folder, or a git revision of the current
    repository (``REV`` for its shipped evidence, ``REV:PATH`` for another folder), extracted to
    a temporary folder that is removed afterwards."""
    path = Path(spec)
    if path.is_dir():
        yield path
        return
    if path.exists():
        raise EvidenceError("not a folder: give the folder that holds the evidence", file=spec)
    rev, _, inner = spec.partition(":")
    inner = inner or SHIPPED_PATH
    try:
        blob = subprocess.run(
            ["git", "archive", "--format=tar", rev, inner],
            capture_output=True,
            check=True,
            timeout=120,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        raise EvidenceError(
            "neither a folder nor a git revision of this repository", file=spec
        ) from None
    with tempfile.TemporaryDirectory(prefix="alsatlas-evidence-") as tmp:
        with tarfile.open(fileobj=BytesIO(blob)) as tar:
            tar.extractall(tmp, filter="data")
        folder = Path(tmp) / inner
        if not folder.is_dir():
            raise EvidenceError(
                "is a file in that revision, not a folder of evidence files", file=spec
            )
        yield folder


__all__ = [
    "SHIPPED_PATH",
    "FieldChange",
    "RecordChange",
    "RecordDiff",
    "diff_records",
    "evidence_folder",
    "raw_records",
]
