"""Evidence version, content hash and changelog.

The *content hash* of an evidence folder is the SHA-256 of its YAML files (each file's path
relative to the folder, a NUL byte, its bytes, a NUL byte; files in sorted path order), shown
as its first 12 hex digits. It changes whenever any record changes.

The shipped folder keeps a dated ``CHANGELOG.md``; each entry starts with a heading line::

    ## 2026.12.0 (2026-12-02) content 1a2b3c4d5e6f

The newest entry comes first. Its version is the shipped evidence version and its hash must
equal the hash of the shipped files (a test checks it), so records cannot change without a
changelog entry.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from alsatlas.errors import EvidenceError

HASH_DIGITS = 12
_SUFFIXES = (".yaml", ".yml")
_HEADING = re.compile(
    r"^## (?P<version>\d{4}\.\d{1,2}\.\d+) \((?P<date>\d{4}-\d{2}-\d{2})\) "
    r"content (?P<hash>[0-9a-f]{12})\s*$"
)


def content_hash(folder: Path) -> str:
    """Content hash (12 hex digits) of the YAML files under ``folder`` (or one file)."""
    digest = hashlib.sha256()
    if folder.is_file():
        files = [folder]
        root = folder.parent
    else:
        root = folder
        files = sorted(p for p in folder.rglob("*") if p.suffix in _SUFFIXES and p.is_file())
    for path in files:
        digest.update(path.relative_to(root).as_posix().encode("utf-8") + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:HASH_DIGITS]


@dataclass(frozen=True, slots=True)
class ChangelogEntry:
    """One dated entry of the evidence changelog."""

    version: str
    date: str
    content_hash: str
    lines: tuple[str, ...]


def read_changelog(path: Path) -> tuple[ChangelogEntry, ...]:
    """Entries of an evidence ``CHANGELOG.md``, newest first.

    Raises
    ------
    EvidenceError
        When the file is missing or has no entry heading.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise EvidenceError(f"cannot read the changelog: {exc.strerror}", file=str(path)) from None
    entries: list[ChangelogEntry] = []
    head: re.Match[str] | None = None
    body: list[str] = []
    for line in text.splitlines():
        match = _HEADING.match(line)
        if match is None and line.startswith("## "):
            raise EvidenceError(
                "changelog heading must read '## YYYY.M.N (YYYY-MM-DD) content <12 hex>'",
                file=str(path),
                row=line,
            )
        if match is not None:
            if head is not None:
                entries.append(_entry(head, body))
            head, body = match, []
        elif head is not None and line.strip():
            body.append(line.rstrip())
    if head is not None:
        entries.append(_entry(head, body))
    if not entries:
        raise EvidenceError("the changelog has no entry", file=str(path))
    return tuple(entries)


def _entry(head: re.Match[str], body: list[str]) -> ChangelogEntry:
    return ChangelogEntry(head["version"], head["date"], head["hash"], tuple(body))


@dataclass(frozen=True, slots=True)
class EvidenceVersion:
    """Version label and content hash of a loaded evidence folder.

    ``version`` is the changelog version for the shipped folder (or a custom folder whose
    changelog's newest hash matches its files), else ``"unversioned"``.
    """

    version: str
    content_hash: str

    @property
    def label(self) -> str:
        """``2026.12.0 (content 1a2b3c4d5e6f)``."""
        return f"{self.version} (content {self.content_hash})"


def evidence_version(folder: Path) -> EvidenceVersion:
    """Version of the evidence in ``folder``: its changelog's newest entry when that entry's
    hash matches the files, else ``unversioned``, with the content hash either way."""
    digest = content_hash(folder)
    changelog = (folder if folder.is_dir() else folder.parent) / "CHANGELOG.md"
    if changelog.is_file():
        try:
            newest = read_changelog(changelog)[0]
        except EvidenceError:
            return EvidenceVersion("unversioned", digest)
        if newest.content_hash == digest:
            return EvidenceVersion(newest.version, digest)
    return EvidenceVersion("unversioned", digest)


__all__ = [
    "ChangelogEntry",
    "EvidenceVersion",
    "content_hash",
    "evidence_version",
    "read_changelog",
]
