"""Atomic output files: a reader sees the old file or the whole new one, never a partial one.

Each writer goes to a hidden temporary file in the destination's own folder and is moved over
the destination with :func:`os.replace`, which POSIX makes atomic within one file system. If
writing fails (a full disk, an interrupt, an error while rendering), the temporary file is
removed and the destination keeps its previous content.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path

from alsatlas.errors import AlsatlasInputError


@contextlib.contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on a clean exit it replaces ``path``.

    For writers that take a file name (matplotlib's ``savefig``, polars' ``write_parquet``).

    Raises
    ------
    AlsatlasInputError
        Naming the file, when ``path`` exists but is not a regular file (a folder, a device)
        or cannot be written (missing folder, no permission, disk full).
    """
    target = Path(path)
    if target.exists() and not target.is_file():
        raise AlsatlasInputError("exists and is not a regular file", file=str(target))
    # Created exclusively with mode 0666 so the kernel applies the umask, as a plain open() would
    # (mkstemp would leave the output 0600).
    tmp = target.parent / f".{target.name}.{secrets.token_hex(8)}.tmp"
    try:
        os.close(os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666))
    except OSError as exc:
        raise AlsatlasInputError(f"cannot write: {exc.strerror}", file=str(target)) from None
    try:
        yield tmp
        os.replace(tmp, target)
    except OSError as exc:
        raise AlsatlasInputError(f"cannot write: {exc.strerror}", file=str(target)) from None
    finally:
        tmp.unlink(missing_ok=True)


def ensure_dir(path: str | Path) -> Path:
    """Create the folder ``path`` (and its parents) if missing; an error names it.

    Raises
    ------
    AlsatlasInputError
        When the folder cannot be made (a file in the way, no permission).
    """
    folder = Path(path)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        reason = f"cannot make this folder: {exc.strerror}"
        raise AlsatlasInputError(reason, file=str(folder)) from None
    return folder


@contextlib.contextmanager
def atomic_dir(path: str | Path) -> Iterator[Path]:
    """Yield a new empty folder beside ``path``; on a clean exit it takes the place of ``path``
    as a whole (files of an older run that were not written again are gone with it).

    The old folder is renamed aside, the new one renamed in, and the old one removed, so a
    reader sees either the complete old folder or the complete new one (or, for the instant
    between the two renames, none). On an error the old folder is left as it was.

    Raises
    ------
    AlsatlasInputError
        Naming the folder, when ``path`` exists and is not a folder, or cannot be replaced.
    """
    target = Path(path)
    if target.exists() and not target.is_dir():
        raise AlsatlasInputError("exists and is not a folder", file=str(target))
    token = secrets.token_hex(8)
    staging = target.parent / f".{target.name}.{token}.new"
    try:
        staging.mkdir()
    except OSError as exc:
        raise AlsatlasInputError(f"cannot write: {exc.strerror}", file=str(target)) from None
    old = target.parent / f".{target.name}.{token}.old"
    try:
        yield staging
        if target.exists():
            os.replace(target, old)
        os.replace(staging, target)
    except OSError as exc:
        if old.exists() and not target.exists():
            os.replace(old, target)
        raise AlsatlasInputError(f"cannot write: {exc.strerror}", file=str(target)) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(old, ignore_errors=True)


def write_text_atomic(path: str | Path, text: str) -> Path:
    """Write ``text`` as UTF-8 to ``path`` atomically; return the path."""
    return write_bytes_atomic(path, text.encode("utf-8"))


def write_bytes_atomic(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically, flushed to disk before the move; return the path."""
    with atomic_path(path) as tmp, tmp.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    return Path(path)


__all__ = ["atomic_path", "ensure_dir", "write_bytes_atomic", "write_text_atomic"]
