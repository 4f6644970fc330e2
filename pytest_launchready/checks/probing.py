"""Requests the authorization checks send, and the re-reads that prove a write happened.

A :class:`~pytest_launchready.checks.probe.Probe` is one request with ids placed at :class:`~pytest_launchready.checks.idfuzz.Position`\\ s;
:func:`build` makes it from a route, an id assignment and a :class:`~pytest_launchready.checks.idfuzz.Variant`.
:class:`Views` are the GET routes an object owner uses to see an object (the object itself, its
collection, its children): read twice before an attack (to learn which views change on their own)
and again after every 2xx, so a write counts only when re-reading shows it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping

import httpx

from pytest_launchready.checks.idfuzz import Position, Variant
from pytest_launchready.checks.probe import Probe
from pytest_launchready.routes.schemas import flatten
from pytest_launchready.routes.vocabulary import caller_fields as _caller_fields, fields_of
from pytest_launchready.tenants.seeding import (
    as_schema_type,
    blank,
    collection_of,
    fill,
    id_fields,
    is_create_route,
    is_id_name,
    items_of,
    seed_body,
    unwrap,
)

if TYPE_CHECKING:
    from pytest_launchready.config.settings import Settings
    from pytest_launchready.routes import Route

_SEARCH_NAMES = re.compile(r"^(q|query|search|term|text|keyword|keywords|filter|s)$", re.IGNORECASE)
#: JSON keys whose values change by themselves (clocks, counters, versions): ignored when comparing.
_VOLATILE_KEYS = re.compile(r"(_at$|At$|time|date|expires|seen|now|etag|version|count|ttl|age|nonce)", re.IGNORECASE)
MAX_VIEWS = 5


def positions(route: Route) -> list[Position]:
    """Where ``route`` takes object ids: every path parameter, then id-like query and body fields."""
    query, body = id_fields(route)
    found = [Position(name, "path") for name in route.path_params]
    found += [Position(name, "query") for name in query]
    found += [Position(name, "body") for name in body]
    return found


@dataclass(frozen=True)
class CallerField:
    """A body field that names the caller (``username``, ``email``, ``owner``): ``name`` inside the
    envelope ``wrapper`` (None when the body is not wrapped), holding the user's ``kind`` of value."""

    name: str
    kind: str
    wrapper: str | None = None

    def place(self, body: Any, value: str) -> Any:
        """``body`` (a copy) with ``value`` in this field."""
        body = json.loads(json.dumps(body)) if isinstance(body, dict) else {}
        fields = fields_of(body, self.wrapper)
        if fields is not None:
            fields[self.name] = value
        return body


def swappable_caller_fields(route: Route, settings: Settings) -> list[CallerField]:
    """The body fields of ``route`` that name the caller by value (``routes.vocabulary.caller_fields``).

    None on a create (``POST /messages {"email"}``): a user named in a new object is most often
    someone else (the recipient, the assignee), and tenant A receiving B's object is no breach.
    """
    if is_create_route(route, settings):
        return []
    return [CallerField(name, kind, wrapper) for name, kind, wrapper in _caller_fields(route)]


def is_search_param(name: str) -> bool:
    """``q``, ``query``, ``search``...: where a list route gets the victim's canary as search text."""
    return bool(_SEARCH_NAMES.match(name))


def build(
    route: Route,
    ids: Mapping[Position, Any],
    canary: str,
    variant: Variant | None = None,
    at: Position | None = None,
    label: str = "",
) -> Probe:
    """The request for ``route`` with ``ids`` placed, ``canary`` in free text, ``variant`` applied at ``at``."""
    values: dict[str, Any] = {p.name: v for p, v in ids.items() if p.where == "path"}
    query: list[tuple[str, str]] = []
    body_ids: dict[str, Any] = {p.name: v for p, v in ids.items() if p.where == "body"}
    query_ids: dict[str, Any] = {p.name: v for p, v in ids.items() if p.where == "query"}
    trailing = False
    if variant is not None and at is not None:
        trailing = variant.trailing_slash
        query += list(variant.extra_query)
        target = {"path": values, "body": body_ids, "query": query_ids}[at.where]
        if variant.value is None:
            target.pop(at.name, None)
        else:
            target[at.name] = variant.value
    path = route.format_path({k: str(v) for k, v in values.items()}) + ("/" if trailing else "")
    for param in route.params_in("query"):
        if param.name in query_ids:
            value = query_ids[param.name]
            query += [(param.name, str(v)) for v in value] if isinstance(value, list) else [(param.name, str(value))]
        elif param.required:
            query.append((param.name, str(fill(param.schema, param.name, canary, lambda n: None))))
    body = seed_body(route, canary, lambda name: None, complete=True)
    if isinstance(body, dict):
        schema_props = ((route.body_schema or {}).get("properties") or {}) if route.body_schema else {}
        for key in [k for k in body if is_id_name(k) and k not in body_ids]:
            del body[key]  # an id we did not mean to send would point at somebody's object
        for name, value in body_ids.items():
            body[name] = as_schema_type(value, schema_props.get(name) or {}) if isinstance(value, str) else value
    form = bool(route.body_content_type) and "json" not in str(route.body_content_type)
    return Probe(route.method, path, query, body, form, label, route)


def public_read_routes(routes: Iterable[Route], configured: Iterable[str] = ()) -> set[str]:
    """The public GET routes a write check may re-read through: ``launchready_public_read_routes``, or
    by default each public GET whose path a private write also takes (anyone reads an article, only
    its author changes it: the public read is where the change shows)."""
    chosen = set(configured)
    if chosen:
        return chosen
    routes = list(routes)
    written = {blank(r.path) for r in routes if r.is_mutating and not r.public}
    return {r.key for r in routes if r.method == "GET" and r.public and blank(r.path) in written}


def differing(body: Any, current: Mapping[str, Any] | None, schema: Mapping[str, Any] | None) -> Any:
    """``body`` with every field that would leave ``current`` as it is set to another valid value.

    A write that sends the value the object already has changes nothing, so re-reading cannot show it
    (an enum's first value, sent to an object created with it). Ids and free text are left alone (free
    text holds the attacker's canary, which already differs). A one-key envelope is looked into.
    """
    if not isinstance(body, dict) or not isinstance(current, Mapping):
        return body
    properties = dict((flatten(schema or {}).get("properties") or {}))
    if len(body) == 1:
        (key, inner), = body.items()
        if isinstance(inner, dict) and key not in current:
            return {key: differing(inner, current, properties.get(key))}
    changed = dict(body)
    for name, value in body.items():
        if name in current and current[name] == value and not is_id_name(name):
            other = _other_value(flatten(properties.get(name) or {}), value)
            if other is not None:
                changed[name] = other
    return changed


def _other_value(schema: Mapping[str, Any], value: Any) -> Any:
    """A valid value for ``schema`` other than ``value``, or None when there is no safe one."""
    if schema.get("enum"):
        return next((option for option in schema["enum"] if option != value), None)
    if isinstance(value, bool):
        return not value
    if isinstance(value, int) and schema.get("maximum") != value:
        return value + 1
    return None


# --- re-reading -----------------------------------------------------------------------------------


@dataclass
class Snapshot:
    """What one view answered: status and parsed JSON (or text)."""

    status: int
    data: Any

    @classmethod
    def of(cls, response: httpx.Response) -> Snapshot:
        try:
            data = response.json()
        except ValueError:
            data = response.text
        return cls(response.status_code, data)

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


@dataclass
class View:
    """A GET the owner uses to see the object, with its two reads before the attack.

    ``own_items``: the view is a list mixing the owner's rows with others' (another defect may leak
    them in), so only rows that mention the owner's data are compared. ``foreign_rows``: before the
    attack it already listed the attacker's rows (a list of every user, not the owner's tenant).
    """

    route: Route
    path: str
    before: Snapshot | None = None
    stable: bool = True
    own_items: bool = False
    foreign_rows: bool = False


class Views:
    """The owner's views of the objects a write targets; :meth:`changed` says what an attack did.

    ``marks`` are strings only the owner's data holds (its canary, its ids): in list views, only the
    rows holding one are compared, so the attacker changing its *own* rows (which a list leaking
    other tenants' rows would show too) is never taken for a write on the owner's. ``foreign`` are
    the attacker's own ids and names: in a list that showed the attacker's rows before the attack, a
    row naming the attacker is the attacker's, even once it holds an owner's value (B setting its own
    e-mail to A's), so it is left out of the comparison; the attacker's canary counts wherever it lands.
    """

    def __init__(self, views: list[View], client: httpx.Client, marks: Iterable[str] = (),
                 foreign: Iterable[str] = ()) -> None:
        self.views = views
        self.client = client
        self.marks = [m for m in marks if m]
        self.foreign = [m for m in foreign if m and m not in self.marks]

    @classmethod
    def for_route(cls, routes: tuple[Route, ...], route: Route, value: Callable[[str, str], str | None],
                  client: httpx.Client, marks: Iterable[str] = (), public_read: Iterable[str] = (),
                  foreign: Iterable[str] = ()) -> Views:
        """The owner's GET routes that show what ``route`` would change, filled with the owner's ids.

        ``value(param, collection)`` is the owner's id for a path parameter (None when unknown).
        Public GETs are views only when listed in ``public_read`` (see :func:`public_read_routes`).
        """
        readable = set(public_read)
        names = {p.name for p in positions(route)}
        own_collection = collection_of(route.path, route.path_params[-1]) if route.path_params else blank(route.path)
        picked: list[tuple[int, Route, str]] = []
        for candidate in routes:
            if candidate.method != "GET" or (candidate.public and candidate.key not in readable):
                continue
            filled: dict[str, str] = {}
            for param in candidate.path_params:
                found = value(param, collection_of(candidate.path, param))
                if found is None:
                    break
                filled[param] = found
            else:
                if blank(candidate.path) == blank(route.path):
                    rank = 0
                elif blank(candidate.path) == own_collection:
                    rank = 1
                elif names & set(candidate.path_params):
                    rank = 2
                else:
                    continue
                picked.append((rank, candidate, candidate.format_path(filled)))
        picked.sort(key=lambda item: (item[0], item[1].path))
        return cls([View(r, path) for _, r, path in picked[:MAX_VIEWS]], client, marks, foreign)

    def read(self, view: View) -> Snapshot | None:
        """One GET of ``view`` as the owner (None when it could not be sent)."""
        try:
            return Snapshot.of(self.client.get(view.path))
        except httpx.HTTPError:
            return None

    def current(self) -> dict[str, Any] | None:
        """The object as the owner saw it before the attack: the first item view (a GET with path
        parameters) that shows one object; list views hold many."""
        for view in self.views:
            data = unwrap(view.before.data) if view.before is not None and view.route.path_params else None
            if isinstance(data, dict):
                return data
        return None

    def prime(self) -> None:
        """Read every view twice: views that differ between the two reads are unstable."""
        for view in self.views:
            first = self.read(view)
            second = self.read(view)
            view.before = second
            if first is None or second is None:
                continue
            listed = items_of(second.data)
            view.own_items = any(self._mentions(item, self.marks) for item in listed or [])
            view.foreign_rows = any(self._mentions(item, self.foreign) and not self._mentions(item, self.marks)
                                    for item in listed or [])  # the attacker's own rows, listed to the owner
            if view.route.public and listed and not view.own_items:
                view.before = None  # a public list of others' rows only: it cannot show the owner's object
                continue
            view.stable = (first.status == second.status
                           and self._part(view, first.data, owners=True) == self._part(view, second.data, owners=True))
        self.views = [v for v in self.views if v.before is not None and v.before.ok]

    def changed(self, marker: str, strong: bool = False) -> tuple[View, str, Snapshot] | None:
        """The first view an attack changed, why, and what it shows now; None when nothing changed.

        ``strong``: count only the attacker's ``marker`` appearing, the object answering 404/410, or the
        object leaving a list it was in (used after a denial, where any other difference is more likely
        an audit entry than the attack).
        A 429 is the owner being throttled, never a sign of the attack.
        """
        for view in self.views:
            after = self.read(view)
            before = view.before
            if after is None or before is None or after.status == 429:
                continue
            if not after.ok:
                if strong and after.status not in (404, 410):
                    continue
                return view, f"it now answers {after.status} (it answered {before.status} before): the object is gone", after
            was, now = self._part(view, before.data), self._part(view, after.data)
            if marker and marker in _dump(now) and marker not in _dump(was):
                return view, f"it now holds the attacker's canary {marker}", after
            was, now = self._part(view, before.data, owners=True), self._part(view, after.data, owners=True)
            if strong and view.own_items and isinstance(was, list) and isinstance(now, list) and len(now) < len(was):
                gone = sum(item not in now for item in was)
                if gone:
                    return view, f"{gone} of the owner's items in it are gone (the list had {len(was)}, now {len(now)})", after
            if view.stable and was != now and not strong:
                return view, f"its content changed ({difference(was, now)})", after
        return None

    @staticmethod
    def _mentions(item: Any, marks: list[str]) -> bool:
        text = _dump(item)
        return any(re.search(rf"(?<![\w-]){re.escape(mark)}(?![\w-])", text) for mark in marks)

    def _part(self, view: View, data: Any, owners: bool = False) -> Any:
        """What of ``data`` is compared: in a mixed list, the rows that mention the owner's data; with
        ``owners``, of those not the rows that name the attacker, where the list showed its rows before."""
        listed = items_of(data)
        if view.own_items and listed is not None:
            data = [item for item in listed if self._mentions(item, self.marks)
                    and not (owners and view.foreign_rows and self._mentions(item, self.foreign))]
        return _comparable(data)



def _dump(data: Any) -> str:
    return data if isinstance(data, str) else json.dumps(data, sort_keys=True, default=str)


def _comparable(data: Any, depth: int = 0) -> Any:
    if depth > 8:
        return data
    if isinstance(data, dict):
        return {k: _comparable(v, depth + 1) for k, v in data.items() if not _VOLATILE_KEYS.search(str(k))}
    if isinstance(data, list):
        return [_comparable(v, depth + 1) for v in data]
    return data


def difference(before: Any, after: Any, where: str = "") -> str:
    """The first place two JSON values differ: ``[1].role: 'member' -> 'owner'``."""
    if isinstance(before, dict) and isinstance(after, dict):
        for key in sorted(set(before) | set(after), key=str):
            if key not in after:
                return f"{where}.{key} removed".lstrip(".")
            if key not in before:
                return f"{where}.{key} added: {_short(after[key])}".lstrip(".")
            if before[key] != after[key]:
                return difference(before[key], after[key], f"{where}.{key}")
    if isinstance(before, list) and isinstance(after, list):
        if len(before) != len(after):
            return f"{where or 'the list'} had {len(before)} items, now {len(after)}"
        for index, (old, new) in enumerate(zip(before, after)):
            if old != new:
                return difference(old, new, f"{where}[{index}]")
    return f"{where.lstrip('.') or 'the body'}: {_short(before)} -> {_short(after)}"


def _short(value: Any, limit: int = 60) -> str:
    text = json.dumps(value, default=str)
    return text if len(text) <= limit else text[:limit] + "..."
