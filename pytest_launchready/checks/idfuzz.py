"""Variants of a foreign object id that authorization code often handles differently from the id itself.

Given where an id goes (path, query or body), the victim's id and the attacker's own id,
:func:`variants` lists, in a fixed order: parameter pollution (``?id=mine&id=theirs``, own id in the
path with theirs in the query), type and format variants (string/int, leading zeros, case, trailing
slash, percent-encoding, a ``.json`` suffix), arrays and objects where a body id is expected, and the
integer neighbours of the victim's id. :func:`select` keeps a bounded, seeded subset.

Why not hypothesis: the space here is small and enumerable (a dozen variants per id), so a search
strategy finds nothing a list does not, while replaying and shrinking examples against a stateful
target (writes, deletes) would resend requests and turn one finding into ``Flaky`` errors. A fixed
generator plus ``random.Random(seed)`` selection (``--launchready-fuzz-seed``) gives the same requests
on every run, every xdist worker and every re-run of a failed test, which is what a CI gate needs.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

#: Variants sent per test, at most (the exact swaps are always sent on top of these).
MAX_VARIANTS = 16


@dataclass(frozen=True)
class Position:
    """Where an id goes in a request: ``name`` in ``path``, ``query`` or ``body``."""

    name: str
    where: str

    def __str__(self) -> str:
        return f"{{{self.name}}}" if self.where == "path" else f"{self.where} {self.name}"


@dataclass(frozen=True)
class Variant:
    """One way of sending the victim's id at a position.

    ``value`` replaces the id (it may be a list or a dict in a body; in a path it is inserted
    verbatim, so percent-encoding survives). ``extra_query`` pairs are appended to the query string;
    ``trailing_slash`` adds ``/`` to the path. ``neighbour`` variants name other objects than the
    victim's own, so they are only sent by read tests.
    """

    label: str
    value: Any
    extra_query: tuple[tuple[str, str], ...] = ()
    trailing_slash: bool = False
    neighbour: bool = False


def variants(position: Position, theirs: str, mine: str | None, integer: bool = False) -> list[Variant]:
    """The variants of the victim's id ``theirs`` at ``position`` (``mine``: the attacker's own id)."""
    found: list[Variant] = []
    if position.where == "path":
        found.append(Variant("with a trailing slash", theirs, trailing_slash=True))
        found.append(Variant("percent-encoded", "".join(f"%{b:02X}" for b in theirs.encode())))
        found.append(Variant("with a .json suffix", f"{theirs}.json"))
        if mine is not None:
            extra = ((position.name, theirs),) + ((("id", theirs),) if position.name != "id" else ())
            found.append(Variant(f"own {position.name} in the path, the victim's in the query", mine, extra_query=extra))
    elif position.where == "query":
        if mine is not None:
            found.append(Variant("polluted: own id first, the victim's second", [mine, theirs]))
            found.append(Variant("polluted: the victim's id first, own second", [theirs, mine]))
        found.append(Variant("as an array parameter", None, extra_query=((f"{position.name}[]", theirs),)))
    else:
        found.append(Variant("in an array", [theirs]))
        if mine is not None:
            found.append(Variant("in an array after own id", [mine, theirs]))
        found.append(Variant("in an object", {"id": theirs}))
        if theirs.isdigit():
            found.append(Variant("as a string" if integer else "as an integer", theirs if integer else int(theirs)))
    found += _format_variants(theirs, position.where)
    return _unique(found, theirs)


def _format_variants(theirs: str, where: str) -> list[Variant]:
    found = []
    if theirs.isdigit():
        found.append(Variant("with a leading zero", "0" + theirs))
        found.append(Variant("with two leading zeros", "00" + theirs))
        number = int(theirs)
        for step in (-1, 1, -2, 2):
            if number + step >= 0:
                found.append(Variant(f"neighbour {step:+d}", str(number + step), neighbour=True))
    if theirs.upper() != theirs:
        found.append(Variant("in upper case", theirs.upper()))
    if theirs.lower() != theirs:
        found.append(Variant("in lower case", theirs.lower()))
    if where != "path":
        found.append(Variant("padded with spaces", f" {theirs} "))
    return found


def _unique(found: list[Variant], theirs: str) -> list[Variant]:
    seen: set[str] = set()
    result = []
    for variant in found:
        key = repr((variant.value, variant.extra_query, variant.trailing_slash))
        if key not in seen and not (variant.value == theirs and not variant.extra_query and not variant.trailing_slash):
            seen.add(key)
            result.append(variant)
    return result


def select(candidates: list[Any], rng: random.Random, limit: int = MAX_VARIANTS) -> list[Any]:
    """At most ``limit`` of ``candidates``, chosen by ``rng`` (seeded), in their original order."""
    if len(candidates) <= limit:
        return list(candidates)
    keep = sorted(rng.sample(range(len(candidates)), limit))
    return [candidates[i] for i in keep]
