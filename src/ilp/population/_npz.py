"""Reading ``.npz`` files without trusting them: headers checked before anything is allocated.

NumPy's own ``np.load`` reads the shape from each array's header and
allocates it before reading the data, so a small file whose header claims
10¹¹ values asks for hundreds of gigabytes. Here each member of the zip
archive is checked first: its ``.npy`` header (read with
:mod:`numpy.lib.format`) must declare a plain dtype (no objects, so no
pickle), at least one dimension, and exactly as many bytes as the archive
says the member holds, and the archive's sizes must be possible for the
bytes in the file. Only then is an array read, with ``allow_pickle=False``.
Every failure is a :class:`~ilp.errors.PopulationError` naming the file.
"""

from __future__ import annotations

import os
import tokenize
import warnings
import zipfile
import zlib
from typing import IO, Any, Final

import numpy as np
import numpy.typing as npt

from ilp.errors import PopulationError

__all__ = ["NpzArrays", "open_npz"]

#: The most a member may expand when deflated (zlib's bound is about 1032:1).
_MAX_RATIO: Final = 1100
#: Slack for the headers and tiny members, in bytes.
_SLACK: Final = 64 * 1024
#: The most members an ilp file has (a few dozen).
_MAX_MEMBERS: Final = 256
#: The zip flag of an encrypted member (zipfile raises RuntimeError on opening one).
_ENCRYPTED: Final = 0x1


class NpzArrays:
    """The arrays of one ``.npz`` file, checked on opening, read one by one on demand."""

    def __init__(self, path: str | os.PathLike[str], what: str) -> None:
        self.path = os.fspath(path)
        self.what = what
        self._file: IO[bytes] | None = None
        self._zip: zipfile.ZipFile | None = None
        self._headers: dict[str, tuple[tuple[int, ...], np.dtype[Any]]] = {}
        try:
            self._file = open(self.path, "rb")  # noqa: SIM115 - closed by close()
            size = os.fstat(self._file.fileno()).st_size
            self._zip = zipfile.ZipFile(self._file)
            self._check(size)
        except PopulationError:
            self.close()
            raise
        except (
            OSError,
            ValueError,
            EOFError,
            zipfile.BadZipFile,
            zipfile.LargeZipFile,
            zlib.error,
            NotImplementedError,
        ) as exc:
            self.close()
            raise self.error(f"not a saved {what} ({_why(exc)})") from None

    def error(self, msg: str, name: str | None = None) -> PopulationError:
        """A :class:`PopulationError` about this file (and array *name*)."""
        full = f"{self.path}: array {name!r} {msg}" if name else f"{self.path}: {msg}"
        return PopulationError(full, field=name or "path", value=self.path)

    def _check(self, size: int) -> None:
        assert self._zip is not None
        infos = self._zip.infolist()
        if len(infos) > _MAX_MEMBERS:
            raise self.error(f"{len(infos)} members; a saved {self.what} has far fewer")
        if sum(i.compress_size for i in infos) > size:
            raise self.error("the archive claims more bytes than the file holds")
        for info in infos:
            if not info.filename.endswith(".npy") or info.is_dir():
                raise self.error(f"member {info.filename[:60]!r} is not a NumPy array")
            name = info.filename[: -len(".npy")]
            if info.flag_bits & _ENCRYPTED:
                raise self.error("is encrypted, which ilp never saves", name)
            limit = info.compress_size * _MAX_RATIO + _SLACK
            if info.compress_type == zipfile.ZIP_STORED:
                limit = info.compress_size
            if info.file_size > limit:
                raise self.error("declares more bytes than its compressed data can hold", name)
            self._headers[name] = self._header(name, info)

    def _header(self, name: str, info: zipfile.ZipInfo) -> tuple[tuple[int, ...], np.dtype[Any]]:
        assert self._zip is not None
        with self._zip.open(info) as fh, warnings.catch_warnings():
            # NumPy warns, then parses on, a header written by Python 2: ilp never
            # writes one, so the warning is raised here and refused below
            warnings.simplefilter("error", UserWarning)
            try:
                version = np.lib.format.read_magic(fh)
                if version == (1, 0):
                    shape, fortran, dtype = np.lib.format.read_array_header_1_0(fh)
                elif version == (2, 0):
                    shape, fortran, dtype = np.lib.format.read_array_header_2_0(fh)
                else:
                    raise self.error(f"has an unsupported .npy version {version}", name)
                header_bytes = fh.tell()
            except PopulationError:
                raise
            except UserWarning:
                raise self.error("has a .npy header written by Python 2", name) from None
            except (
                ValueError,
                OSError,
                EOFError,
                SyntaxError,
                TypeError,
                tokenize.TokenError,
                zlib.error,
                zipfile.BadZipFile,
            ) as exc:
                raise self.error(f"has no valid .npy header ({_why(exc)})", name) from None
        if dtype.hasobject:
            raise self.error("holds Python objects, which ilp never saves", name)
        if len(shape) == 0:
            raise self.error("is a single value (0-d), where ilp saves arrays", name)
        count = 1
        for n in shape:
            count *= n
        if count * dtype.itemsize != info.file_size - header_bytes:
            msg = (
                f"declares shape {shape[:4]} of {dtype.str} ({count:,} values), "
                f"but holds {max(info.file_size - header_bytes, 0):,} bytes"
            )
            raise self.error(msg, name)
        if fortran and len(shape) > 1:
            raise self.error("is in Fortran order, which ilp never saves", name)
        return shape, dtype

    @property
    def files(self) -> list[str]:
        """The names of the arrays in the file."""
        return list(self._headers)

    def __contains__(self, name: object) -> bool:
        return name in self._headers

    def shape(self, name: str) -> tuple[int, ...]:
        """The shape of array *name* as its header declares it."""
        return self._headers[name][0]

    def get(self, name: str) -> npt.NDArray[Any]:
        """Array *name*, read now; a missing array is a :class:`PopulationError`."""
        if name not in self._headers or self._zip is None:
            raise self.error("is missing (not saved by ilp, or by another version)", name)
        try:
            with self._zip.open(name + ".npy") as fh:
                array: npt.NDArray[Any] = np.lib.format.read_array(fh, allow_pickle=False)
        except (
            OSError,
            ValueError,
            EOFError,
            zipfile.BadZipFile,
            zlib.error,
            NotImplementedError,
        ) as exc:
            raise self.error(f"cannot be read ({_why(exc)})", name) from None
        return array

    def __getitem__(self, name: str) -> npt.NDArray[Any]:
        return self.get(name)

    def close(self) -> None:
        """Close the file."""
        if self._zip is not None:
            self._zip.close()
            self._zip = None
        if self._file is not None:
            self._file.close()
            self._file = None

    def __enter__(self) -> NpzArrays:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_npz(path: str | os.PathLike[str], what: str) -> NpzArrays:
    """Open the ``.npz`` file at *path* holding a saved *what* (``"population"``, …), checked."""
    return NpzArrays(path, what)


def _why(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text if len(text) <= 80 else text[:77] + "..."
