"""Recognising another tenant's data in a response: its canary, or ids only that tenant has.

A canary (planted by seeding in every free-text field) is proof on its own. Ids are weaker, so
they count only when they are long enough to be unique (6+ characters), appear as a whole token,
were not sent in the request (an echo of the id you asked for reveals nothing), and are not also
the caller's own (an org both users belong to, a shared default).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable, Iterator

from pytest_launchready.tenants.seeding import is_id_name

if TYPE_CHECKING:
    from pytest_launchready.tenants import Tenant

MIN_ID_LENGTH = 6


@dataclass(frozen=True)
class Victim:
    """What marks one tenant's data: its canary and ids only it has (value -> field name)."""

    label: str
    canary: str
    ids: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Leak:
    """A piece of a victim's data found in a response: ``what`` says which, ``mark`` is the string."""

    victim: Victim
    what: str
    mark: str


def owned_values(tenant: Tenant) -> dict[str, str]:
    """Id-like values ``tenant``'s seeded objects carry (value -> the field that held it)."""
    found: dict[str, str] = {}
    for obj in tenant.objects:
        _add(found, obj.param, obj.id)
        for key, value in walk_ids(obj.body):
            _add(found, key, value)
    for name, value in tenant.ids.items():
        _add(found, name, value)
    return found


def id_values(data: Any) -> dict[str, str]:
    """Id-like values in parsed JSON ``data`` (value -> field name)."""
    found: dict[str, str] = {}
    for key, value in walk_ids(data):
        _add(found, key, value)
    return found


def _add(found: dict[str, str], key: str, value: Any) -> None:
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        text = str(value)
        if len(text) >= MIN_ID_LENGTH and text not in found:
            found[text] = key


def walk_ids(data: Any, depth: int = 0) -> Iterator[tuple[str, Any]]:
    """``(key, value)`` for every id-like key in nested JSON."""
    if depth > 8:
        return
    if isinstance(data, dict):
        for key, value in data.items():
            if isinstance(value, (dict, list)):
                yield from walk_ids(value, depth + 1)
            elif is_id_name(str(key)):
                yield str(key), value
    elif isinstance(data, list):
        for item in data[:200]:
            yield from walk_ids(item, depth + 1)


def victim(label: str, tenant: Tenant, attacker: Tenant | None = None, extra_own: Iterable[str] = ()) -> Victim:
    """``tenant`` as a victim: its canary, and the ids that tell its data apart from ``attacker``'s.

    Those are the ids of objects the tenant created, was given (``launchready_seed``) or is (its
    user), ids under identity fields (``org_id``, ``owner_id``, ``workspace_id``...), and any other
    id field whose value differs from the attacker's value under the same name. A field both hold
    with the same value (``model_id: "gpt-4o"``) is a shared constant, not a fingerprint.
    """
    from pytest_launchready.tenants.seeding import CREATED, ME, USER

    found: dict[str, str] = {}
    for obj in tenant.objects:
        if obj.source in (CREATED, USER, ME):
            _add(found, obj.param, obj.id)
    mine, theirs = _by_field(tenant), _by_field(attacker) if attacker is not None else {}
    for key, values in mine.items():
        if _IDENTITY.search(key) or (key in theirs and not values & theirs[key]):
            for value in sorted(values):
                _add(found, key, value)
    own = set(owned_values(attacker)) if attacker is not None else set()
    own.update(extra_own)
    ids = {value: key for value, key in found.items() if value not in own and tenant.canary not in value}
    return Victim(label, tenant.canary, ids)


_IDENTITY = re.compile(r"(org|organi[sz]ation|tenant|workspace|team|account|company|owner|user|author|creator|member)",
                       re.IGNORECASE)


def _by_field(tenant: Tenant) -> dict[str, set[str]]:
    fields: dict[str, set[str]] = {}
    pairs: list[tuple[str, Any]] = [(o.param, o.id) for o in tenant.objects] + list(tenant.ids.items())
    for obj in tenant.objects:
        pairs += list(walk_ids(obj.body))
    for key, value in pairs:
        if isinstance(value, (str, int)) and not isinstance(value, bool):
            fields.setdefault(key, set()).add(str(value))
    return fields


def find_leak(text: str, victims: Iterable[Victim], sent: Iterable[str] = ()) -> Leak | None:
    """The first sign of a victim's data in ``text`` (canaries first, then ids not in ``sent``)."""
    victims = list(victims)
    for who in victims:
        if who.canary and who.canary in text:
            return Leak(who, f"{who.label}'s canary {who.canary}", who.canary)
    sent_set = set(sent)
    for who in victims:
        for value, key in who.ids.items():
            if value in sent_set or any(value in s for s in sent_set):
                continue
            if re.search(rf"(?<![\w-]){re.escape(value)}(?![\w-])", text):
                return Leak(who, f"{who.label}'s {key} {value}", value)
    return None


def sent_values(method: str, url: str, body: Any) -> set[str]:
    """Every scalar the request carried: path segments, query values, body values."""
    from urllib.parse import parse_qsl, unquote, urlsplit

    parts = urlsplit(url)
    values = {unquote(segment) for segment in parts.path.split("/") if segment}
    values |= {value for _, value in parse_qsl(parts.query, keep_blank_values=True)}
    if body is not None:
        values |= {str(v) for v in _scalars(body)}
        values.add(json.dumps(body, default=str))
    return values


def _scalars(data: Any) -> Iterator[Any]:
    if isinstance(data, dict):
        for value in data.values():
            yield from _scalars(value)
    elif isinstance(data, list):
        for value in data:
            yield from _scalars(value)
    elif data is not None:
        yield data
