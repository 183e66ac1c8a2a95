"""Saving a file whole or not at all: the one write path every ``save`` uses.

The bytes go to a new temporary file in the target's folder, created with a
random name by :func:`tempfile.mkstemp` (``O_CREAT | O_EXCL``, and
``O_NOFOLLOW`` where the system has it, so a planted symlink is never
followed), are flushed to disk (``fsync``), and the file is then renamed
over the target with :func:`os.replace`, which is atomic on POSIX and
Windows. On any failure, an ``OSError`` or anything else (a bug, a
``KeyboardInterrupt``), the temporary file is removed. Concurrent saves to
one path each rename a complete file of their own, so the target always
ends as one complete file: the last one renamed.

A process killed outright (``SIGKILL``, power loss) cannot remove its
temporary file (``.NAME.XXXXXXXX.part`` beside the target); the next save
to the same path removes such files once they are a day old, since no save
runs that long.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import BinaryIO, Final, NoReturn

from ilp.errors import ILPError

__all__ = ["write_atomic"]

#: Age in seconds after which a leftover temporary file of a killed save is removed.
STALE_SECONDS: Final = 24 * 60 * 60


@cache
def _file_mode() -> int:
    """The mode a newly created file gets under this process's umask (read once)."""
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask


def write_atomic(
    path: str | os.PathLike[str],
    write: Callable[[BinaryIO], object],
    *,
    error: type[ILPError],
) -> None:
    """Write *path* through ``write(file)``: completely, or not at all.

    An ``OSError`` (no such folder, no permission, disk full) raises *error*
    naming the path; any other exception propagates unchanged. Either way
    the temporary file is removed and *path* is left as it was.
    """
    target = Path(path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    except OSError as exc:
        _fail(target, exc, error)
    try:
        with os.fdopen(fd, "wb") as fh:
            os.fchmod(fh.fileno(), _file_mode())
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            _fail(target, exc, error)
        raise
    _sync_folder(target.parent)
    _remove_stale(target)


def _remove_stale(target: Path) -> None:
    """Remove temporary files of saves to *target* that were killed a day or more ago."""
    limit = time.time() - STALE_SECONDS
    with contextlib.suppress(OSError):
        for old in target.parent.glob(f".{target.name}.*.part"):
            with contextlib.suppress(OSError):
                if old.lstat().st_mtime < limit:
                    old.unlink()


def _sync_folder(folder: Path) -> None:
    """Flush the rename to disk where the system allows opening a folder (best effort)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - e.g. Windows, where folders cannot be opened
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover - some file systems refuse fsync on a folder
        pass
    finally:
        os.close(fd)


def _fail(target: Path, exc: OSError, error: type[ILPError]) -> NoReturn:
    msg = f"{os.fspath(target)}: cannot write ({exc.strerror or type(exc).__name__})"
    raise error(msg, field="path", value=os.fspath(target)) from None
