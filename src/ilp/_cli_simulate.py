"""``ilp simulate``: demand month by month on a network, with a progress bar, written to a file.

The population comes from a family register (``--register``) or is drawn
(``--synthetic N`` people, :func:`ilp.population.synthesize`). The result
goes to ``--out``: ``.npz`` holds every table, ``.csv`` the demand table
(month × site × cluster × service). The file is written whole or not at
all. Bad input exits with status 2 and one line ``error: ...``.
"""

from __future__ import annotations

import argparse
import sys
from concurrent.futures import Executor, ProcessPoolExecutor
from pathlib import Path
from typing import Any, TextIO

import attrs

from ilp._extras import require
from ilp.dates import as_date
from ilp.errors import ILPError, MissingExtraError

__all__ = ["add_parser", "run"]

EXIT_USAGE = 2


def add_parser(sub: Any, parser_class: type[argparse.ArgumentParser]) -> None:
    """Add ``simulate`` to the ``ilp`` subcommands (*parser_class* for nested ones)."""
    del parser_class  # no nested subcommands
    p = sub.add_parser(
        "simulate",
        help="simulate demand month by month: due, received and staff time per site",
        description=(
            "Simulate a population on a network month by month (births, deaths, "
            "pregnancies, services due and received) and write the results."
        ),
    )
    p.add_argument("--network", required=True, help="network file (YAML or JSON)")
    source = p.add_mutually_exclusive_group(required=True)
    source.add_argument("--register", help="family register: CSV folder or YAML/JSON file")
    source.add_argument(
        "--synthetic", type=int, metavar="N", help="draw N people on the network instead"
    )
    p.add_argument("--start", required=True, help="the first day simulated, YYYY-MM-DD")
    p.add_argument("--months", required=True, type=int, help="how many months")
    p.add_argument("--seed", required=True, type=int, help="random seed (0 or more)")
    p.add_argument("--out", required=True, help="result file: .npz (all tables) or .csv (demand)")
    p.add_argument("--workers", type=int, default=1, help="processes to use (default 1)")
    p.add_argument("--je-endemic", action="store_true", help="the region gives JE vaccine")
    p.add_argument("--quiet", action="store_true", help="no progress bar")


class _Progress:
    """The month-by-month progress bar (tqdm, extra ``ilp[progress]``) on a terminal only.

    When *stream* is not a terminal (a log file, a pipe) nothing is drawn;
    without tqdm a terminal gets one line saying how to install it.
    """

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.bar: Any = None
        self._tqdm: Any = None
        if not stream.isatty():
            return
        try:
            self._tqdm = require("tqdm", "progress", feature="the progress bar").tqdm
        except MissingExtraError as exc:
            stream.write(f"({exc}; or --quiet)\n")

    def __call__(self, done: int, total: int) -> None:
        if self._tqdm is None:
            return
        if self.bar is None:
            self.bar = self._tqdm(
                total=total, desc="simulate", unit="month", file=self.stream, leave=True
            )
        self.bar.update(done - self.bar.n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _fail(msg: str) -> int:
    sys.stderr.write(f"error: {' '.join(msg.split())}\n")
    return EXIT_USAGE


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Run ``ilp simulate``; returns the exit status."""
    try:
        return _run(args, out)
    except ILPError as exc:
        return _fail(str(exc))


def _run(args: argparse.Namespace, out: TextIO) -> int:
    from ilp.files import read_register  # noqa: PLC0415 - the command's own imports
    from ilp.lifecycle import Region  # noqa: PLC0415
    from ilp.network import load_network  # noqa: PLC0415
    from ilp.population import Population  # noqa: PLC0415
    from ilp.population.simulation import simulate  # noqa: PLC0415

    target = Path(args.out)
    if target.suffix.lower() not in {".npz", ".csv"}:
        return _fail(f"--out: {args.out!r} does not end in .npz or .csv")
    if not target.parent.is_dir():
        return _fail(f"--out: folder {str(target.parent)!r} does not exist")
    if args.workers < 1:
        return _fail(f"--workers: {args.workers} is not 1 or more")
    if args.synthetic is not None and args.synthetic < 1:
        return _fail(f"--synthetic: {args.synthetic} is not a number of people (1 or more)")
    start = as_date(args.start, field="--start")
    network = load_network(args.network)
    households: Any = None
    if args.register is not None:
        register = read_register(args.register)
        people, family = [], []
        for k, fam in enumerate(register.families):
            for m in fam.members:
                person = m.person
                if person.residence is None and fam.residence is not None:
                    person = attrs.evolve(person, residence=fam.residence)
                people.append(person)
                family.append(k)
        population, history = Population.from_people(people, register.histories)
        households = family
    else:
        from ilp.population import synthesize  # noqa: PLC0415

        drawn = synthesize(seed=args.seed, on=start, network=network, size=args.synthetic)
        population, history = drawn.population, drawn.history
        households = drawn.households
    region = Region(flags={"je_endemic"}) if args.je_endemic else None
    bar = None if args.quiet else _Progress(sys.stderr)
    executor: Executor | None = None
    try:
        if args.workers > 1:
            executor = ProcessPoolExecutor(max_workers=args.workers)
        result = simulate(
            population,
            history,
            network,
            start,
            args.months,
            seed=args.seed,
            region=region,
            executor=executor,
            progress=bar,
            keep_population=False,
            households=households,
        )
    finally:
        if bar is not None:
            bar.close()
        if executor is not None:
            executor.shutdown(cancel_futures=True)
    result.save(target)
    counts = result.people
    out.write(
        f"{len(population):,} people, {args.months} months from {start} on {network.id}: "
        f"{int(counts['births'].sum()):,} births, {int(counts['deaths'].sum()):,} deaths, "
        f"{int(result.demand['due'].sum()):,} items due, "
        f"{int(result.demand['received'].sum()):,} received; wrote {args.out}\n"
    )
    return 0
