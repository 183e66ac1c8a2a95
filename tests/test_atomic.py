"""Saves are whole or absent: one temporary file per save, renamed into place (issue 13, item 10)."""

from __future__ import annotations

import multiprocessing
import os
import time
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pytest

from ilp._atomic import STALE_SECONDS, _file_mode, write_atomic
from ilp.errors import PopulationError
from ilp.population import History, Population

ROUNDS = 100
WRITERS = 3


def _population(n: int) -> Population:
    birth = np.full(n, 738_000, dtype=np.int32)
    sex = np.zeros(n, dtype=np.int8)
    return Population(ids=np.array([f"p{i}" for i in range(n)], dtype=object), birth=birth, sex=sex)


def _writer(path: str, n: int, rounds: int, barrier: object) -> None:
    population = _population(n)
    for _ in range(rounds):
        barrier.wait()  # type: ignore[attr-defined]
        population.save(path)
        barrier.wait()  # type: ignore[attr-defined]  # the checker reads the file now
        barrier.wait()  # type: ignore[attr-defined]


class TestWriteAtomic:
    def test_concurrent_saves_end_with_one_complete_file(self, tmp_path: Path) -> None:
        """Reproducer 10: writers saving one path at once leave a whole file, 100 rounds in a row."""
        path = tmp_path / "pop.npz"
        ctx = multiprocessing.get_context("fork")
        barrier = ctx.Barrier(WRITERS + 1)
        sizes = [200 + 50 * k for k in range(WRITERS)]
        procs = [ctx.Process(target=_writer, args=(str(path), n, ROUNDS, barrier)) for n in sizes]
        for p in procs:
            p.start()
        try:
            for _ in range(ROUNDS):
                barrier.wait(timeout=60)
                barrier.wait(timeout=60)
                loaded = Population.load(path)
                assert len(loaded) in sizes
                assert loaded.ids.tolist() == [f"p{i}" for i in range(len(loaded))]
                assert sorted(os.listdir(tmp_path)) == ["pop.npz"]
                barrier.wait(timeout=60)
        finally:
            for p in procs:
                p.join(timeout=60)
        assert [p.exitcode for p in procs] == [0] * WRITERS

    def test_a_symlink_at_a_temporary_name_is_never_followed(self, tmp_path: Path) -> None:
        """Temporary names are random and created exclusively: a planted link stays untouched."""
        victim = tmp_path / "victim.txt"
        victim.write_text("keep me", "utf-8")
        (tmp_path / "pop.npz.part").symlink_to(victim)
        _population(3).save(tmp_path / "pop.npz")
        assert victim.read_text("utf-8") == "keep me"
        assert len(Population.load(tmp_path / "pop.npz")) == 3

    def test_a_symlink_at_the_target_is_replaced_not_followed(self, tmp_path: Path) -> None:
        """Saving over a symlink replaces the link itself; its target is not written."""
        victim = tmp_path / "victim.txt"
        victim.write_text("keep me", "utf-8")
        (tmp_path / "pop.npz").symlink_to(victim)
        _population(3).save(tmp_path / "pop.npz")
        assert victim.read_text("utf-8") == "keep me"
        assert not (tmp_path / "pop.npz").is_symlink()

    def test_a_failure_that_is_not_an_os_error_leaves_nothing(self, tmp_path: Path) -> None:
        """Reproducer 10: an exception while writing removes the temporary file and propagates."""
        target = tmp_path / "out.bin"
        target.write_bytes(b"old")

        def broken(f: BinaryIO) -> None:
            f.write(b"half")
            msg = "a bug while writing"
            raise RuntimeError(msg)

        with pytest.raises(RuntimeError, match="a bug while writing"):
            write_atomic(target, broken, error=PopulationError)
        assert os.listdir(tmp_path) == ["out.bin"]
        assert target.read_bytes() == b"old"

    def test_an_os_error_while_writing_is_a_population_error(self, tmp_path: Path) -> None:
        """A failing write raises the caller's error naming the path, and leaves nothing."""

        def full(_: BinaryIO) -> None:
            raise OSError(28, "No space left on device")

        with pytest.raises(PopulationError, match="cannot write \\(No space left on device\\)"):
            write_atomic(tmp_path / "out.bin", full, error=PopulationError)
        assert os.listdir(tmp_path) == []

    def test_a_missing_folder_is_a_population_error(self, tmp_path: Path) -> None:
        """A save into a folder that does not exist names the path."""
        with pytest.raises(PopulationError, match="cannot write") as info:
            _population(2).save(tmp_path / "no" / "pop.npz")
        assert info.value.field == "path"

    def test_the_file_gets_the_usual_permissions(self, tmp_path: Path) -> None:
        """A saved file is readable as any new file would be, not private like a temp file."""
        old = os.umask(0o022)
        _file_mode.cache_clear()
        try:
            History(
                (), np.zeros(0, np.int32), np.zeros(0, np.int16), np.zeros(0, np.int32), 0
            ).save(tmp_path / "h.npz")
        finally:
            os.umask(old)
            _file_mode.cache_clear()
        assert (tmp_path / "h.npz").stat().st_mode & 0o777 == 0o644

    def test_leftovers_of_killed_saves_are_removed_when_a_day_old(self, tmp_path: Path) -> None:
        """Reproducer 10: a killed save's hidden temporary file goes on the next save, once stale."""
        old = tmp_path / ".pop.npz.abcd1234.part"
        fresh = tmp_path / ".pop.npz.efgh5678.part"
        other = tmp_path / ".other.npz.abcd1234.part"
        for leftover in (old, fresh, other):
            leftover.write_bytes(b"half")
        day_ago = time.time() - STALE_SECONDS - 60
        os.utime(old, (day_ago, day_ago))
        os.utime(other, (day_ago, day_ago))
        _population(2).save(tmp_path / "pop.npz")
        assert not old.exists()
        assert fresh.exists()  # may be a save still running
        assert other.exists()  # another file's
