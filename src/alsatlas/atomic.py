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
