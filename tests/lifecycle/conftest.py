"""Helpers for catalogue tests: build a catalogue from a YAML snippet."""

from __future__ import annotations

import textwrap

from ilp.lifecycle import Catalogue, parse_catalogue
from ilp.lifecycle._loader import read_yaml

HEADER = """\
format: 1
id: test
title: {id: Uji, en: Test}
edition: "2025-01-01"
services:
"""

COMMON = """\
    group: immunization
    cluster: 2
    points_of_care: [puskesmas, posyandu]
    source: test source
"""


def entry(body: str) -> str:
    """One entry: *body* (starting with '- code:' or '- series:'), plus the common keys."""
    body = textwrap.dedent(body).strip("\n")
    first, _, rest = body.partition("\n")
    rest = textwrap.indent(rest, "    ") if rest else ""
    text = "  " + first + "\n" + COMMON + "    label: {id: Layanan, en: Service}\n"
    return text + (rest + "\n" if rest else "")


def catalogue_of(*bodies: str) -> Catalogue:
    """A catalogue made of the given entries."""
    text = HEADER + "".join(entry(b) for b in bodies)
    return parse_catalogue(read_yaml(text, origin="test.yaml"), origin="test.yaml")
