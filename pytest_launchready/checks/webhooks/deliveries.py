"""Deliveries: a fresh payload per case (a new event id, so cases never see each other's events),
the event id field of a body, and a body changed after it was signed."""

from __future__ import annotations

import copy
import hashlib
import json
import re
import secrets
from dataclasses import dataclass, field
from typing import Any, Mapping

from pytest_launchready.routes.vocabulary import normalise

#: Body fields that name the event (compared lower case without - and _), most telling first.
EVENT_ID_FIELDS = ("eventid", "id", "webhookid", "deliveryid", "messageid", "notificationid")


#: What :func:`tampered` says when the body has no value to change: the caller adds a space to the bytes.
SPACE_ADDED = "a space added"


@dataclass(frozen=True)
class Delivery:
    """One request to a receiver: the raw body and the headers sent with it."""

    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


def event_id_field(body: Any) -> str | None:
    """The top-level field of ``body`` that holds its event id (``id``, ``event_id``...), or None."""
    if not isinstance(body, dict):
        return None
    names = {normalise(name): name for name, value in body.items() if isinstance(value, (str, int)) and not isinstance(value, bool)}
    return next((names[key] for key in EVENT_ID_FIELDS if key in names), None)


def new_event_id(prefix: str = "evt") -> str:
    """An event id no one used before: ``evt_lr<hex>``."""
    return f"{prefix}_lr{secrets.token_hex(8)}"


def with_event_id(body: Any, event_id: str) -> Any:
    """A copy of ``body`` whose event id field (when it has one) holds ``event_id`` (a number for a
    numeric field)."""
    name = event_id_field(body)
    if name is None:
        return copy.deepcopy(body)
    fresh = copy.deepcopy(body)
    fresh[name] = _number(event_id) if isinstance(body[name], int) else event_id
    return fresh


def _number(event_id: str) -> int:
    """A numeric id made from the random hex tail of ``event_id`` (48 bits: unique enough per run)."""
    tail = re.search(r"[0-9a-f]+$", event_id)
    return int(tail.group(0)[-12:], 16) if tail else int(hashlib.sha256(event_id.encode()).hexdigest()[:12], 16)


def encode(body: Any) -> bytes:
    """The JSON bytes sent (and signed)."""
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def tampered(body: Any) -> tuple[Any, str]:
    """``body`` with one value changed the way an attacker would (same type and length, so the
    receiver's own validation still accepts it), and what was changed."""
    changed = copy.deepcopy(body)
    name = event_id_field(changed)
    if name is not None:
        changed[name] = _other(changed[name])
        return changed, f"field {name!r} changed"
    path = _first_leaf(changed)
    if path is None:
        return body, SPACE_ADDED
    holder: Any = changed
    for key in path[:-1]:
        holder = holder[key]
    holder[path[-1]] = _other(holder[path[-1]])
    return changed, f"field {'.'.join(str(k) for k in path)!r} changed"


def _other(value: Any) -> Any:
    if isinstance(value, bool):
        return not value
    if isinstance(value, (int, float)):
        return value + 1
    text = str(value)
    if not text:
        return "x"
    last = "b" if text[-1] == "a" else "a"
    return text[:-1] + last


def _first_leaf(value: Any, path: tuple[Any, ...] = ()) -> tuple[Any, ...] | None:
    """The path to the first string, number or bool in ``value`` (depth first), or None."""
    if isinstance(value, Mapping):
        for key, sub in value.items():
            found = _first_leaf(sub, (*path, key))
            if found is not None:
                return found
        return None
    if isinstance(value, list):
        for index, sub in enumerate(value):
            found = _first_leaf(sub, (*path, index))
            if found is not None:
                return found
        return None
    return path if path and isinstance(value, (str, int, float, bool)) else None
