"""The requests tenant B sends at tenant A's objects: ids swapped where the route takes them, and
tenant A's own username, email or user id in the body fields that name the caller."""

from __future__ import annotations

import re
import secrets
import uuid
from typing import Any

from pytest_launchready.checks.context import RunContext
from pytest_launchready.checks.idfuzz import Position, Variant, select, variants
from pytest_launchready.checks.probe import Probe
from pytest_launchready.checks.probing import CallerField, build, swappable_caller_fields
from pytest_launchready.config.settings import Settings
from pytest_launchready.routes.vocabulary import is_privileged_field
from pytest_launchready.tenants import Tenant
from pytest_launchready.tenants.seeding import lookup

#: The label of a probe that names tenant A in a body field (its fix differs from an id swap's).
CALLER = "caller field"
#: An integer id no seeded object has: what a route answers for an id that exists for no one.
NOBODY_INTEGER = "987654321"


def attack_probes(route: Any, theirs: dict[Position, str], mine: dict[Position, str], canary: str, ctx: RunContext,
                  neighbours: bool, twins: dict[int, Probe] | None = None) -> list[tuple[Probe, str]]:
    """The exact swaps (all of A's ids; then one of A's ids at a time among B's own), then a bounded,
    seeded selection of id variants. Each with the words that say which id came from whom.

    ``twins``, when given, is filled with ``id(probe) -> the same variant of B's own id``: a crash both
    cause does not depend on whose id it is (``2.json`` is no one's id).
    """
    order = list(theirs)
    probes: list[tuple[Probe, str]] = [(build(route, theirs, canary), _says(theirs, {}))]
    contexts: dict[Position, dict[Position, str]] = {}
    for position in order:
        own = {p: mine[p] for p in order if p != position and p in mine}
        if len(order) > 1 and len(own) == len(order) - 1:
            contexts[position] = {**own, position: theirs[position]}
            probes.append((build(route, contexts[position], canary), _says({position: theirs[position]}, own)))
        else:
            contexts[position] = dict(theirs)
    candidates: list[tuple[Probe, str]] = []
    for position in order:
        assignment = contexts[position]
        integer = _is_integer(route, position)
        own = {p: v for p, v in assignment.items() if p != position and v != theirs.get(p)}
        for variant in variants(position, theirs[position], mine.get(position), integer):
            if variant.neighbour and not neighbours:
                continue
            says = _says({position: theirs[position]}, own, variant)
            probe = build(route, assignment, canary, variant, position)
            candidates.append((probe, says))
            twin = _same_variant(variant, position, mine.get(position), theirs[position], integer)
            if twins is not None and twin is not None:
                twins[id(probe)] = build(route, {**assignment, position: mine.get(position, theirs[position])}, canary, twin,
                                         position)
    return probes + select(candidates, ctx.rng)


def nobody_ids(theirs: dict[Position, str]) -> dict[Position, str]:
    """``theirs`` with every id replaced by one of the same shape that no one has (a fresh UUID, a large
    integer, a made-up slug): what a route answers for an object that does not exist."""
    def nobody(value: str) -> str:
        if _UUID.fullmatch(value):
            return str(uuid.uuid4())
        if value.isdigit():
            return NOBODY_INTEGER
        return f"lrnobody{secrets.token_hex(6)}"
    return {position: nobody(value) for position, value in theirs.items()}


_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def _same_variant(variant: Variant, position: Position, mine: str | None, theirs: str, integer: bool) -> Variant | None:
    """``variant`` made from the attacker's own id instead of the victim's, and for a neighbour an id no one
    has (a neighbour may be no one's too); None for a variant that mixes both ids (pollution, own id in the
    path), which has no own-only twin."""
    if variant.neighbour:
        return Variant("an id no one has", NOBODY_INTEGER, neighbour=True)
    if mine is None or mine == theirs or "own" in variant.label or "polluted" in variant.label:
        return None
    return next((v for v in variants(position, mine, None, integer) if v.label == variant.label), None)


def _says(victim_ids: dict[Position, str], own: dict[Position, str], variant: Variant | None = None) -> str:
    parts = []
    if variant is not None and variant.neighbour:
        (position, value), = victim_ids.items()
        parts.append(f"with a {variant.label} of tenant A's {position.name}={value}: {position.name}={variant.value}")
    else:
        parts.append("with tenant A's " + " and ".join(f"{p.name}={v}" for p, v in victim_ids.items()))
        if variant is not None:
            parts[-1] += f" {variant.label}"
    if own:
        parts.append("tenant B's own " + " and ".join(f"{p.name}={v}" for p, v in own.items()))
    return ", and ".join(parts)


def _is_integer(route: Any, position: Position) -> bool:
    if position.where == "body":
        schema = ((route.body_schema or {}).get("properties") or {}).get(position.name) or {}
    else:
        schema = next((p.schema for p in route.parameters if p.name == position.name and p.location == position.where), {})
    return schema.get("type") == "integer"


def caller_probes(route: Any, owner: Tenant, attacker: Tenant, mine: dict[Position, str],
                  settings: Settings) -> list[tuple[Probe, str]]:
    """Tenant B's own request with tenant A's value in one body field that names the caller at a time
    (``PUT /profile {"username": "<A's>"}``): an app that trusts the body acts on A. Path ids are B's
    own; a field A has no value for, or B lacks an id for the path, sends nothing."""
    path_ids = {p: v for p, v in mine.items() if p.where == "path"}
    if len(path_ids) < len(route.path_params):
        return []
    probes = []
    for field in swappable_caller_fields(route, settings):
        theirs, own = identity(owner, field), identity(attacker, field)
        if theirs is None or theirs == own:
            continue
        probe = with_identity(build(route, path_ids, attacker.canary), route, attacker, settings, skip=field)
        probe.body = field.place(probe.body, theirs)
        probe.label = CALLER
        says = f"with tenant A's {field.name}={theirs} in the body"
        if path_ids:
            says += ", and tenant B's own " + " and ".join(f"{p.name}={v}" for p, v in path_ids.items())
        probes.append((probe, says))
    return probes


def with_identity(probe: Probe, route: Any, tenant: Tenant, settings: Settings, skip: CallerField | None = None) -> Probe:
    """``probe`` with ``tenant``'s own value in every body field that names the caller (but ``skip``):
    the request a real user of ``tenant`` sends."""
    for field in swappable_caller_fields(route, settings):
        value = identity(tenant, field)
        # ``owner`` is a privileged field (DESIGN's bodies rule): only the attack itself sends one.
        if field != skip and value is not None and not is_privileged_field(field.name):
            probe.body = field.place(probe.body, value)
    return probe


def identity(tenant: Tenant, field: CallerField) -> str | None:
    """``tenant``'s own value for ``field``: its username, email or user id (an ``owner`` holding a
    name when the user has no known id)."""
    value = lookup(tenant, field.kind)
    if value is None and field.kind == "user_id":
        value = lookup(tenant, "username")
    return value
