"""How a raw ini or command-line value becomes the typed value a setting holds, or a UsageError.

Every parser takes the raw value (a string, a list of lines, a bool, or what argparse returned) and a
:class:`Reading` (which key it is, the rootdir, the values read before it) and returns the typed
value. A bad value raises ``pytest.UsageError`` naming the key, the value seen and what is valid.
The settings table names these parsers; this module is loaded only when settings are read, not at
every pytest start.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Any, Callable, Mapping, NamedTuple

import pytest

from pytest_launchready.config.check_names import CHECK_NAMES

DOCS_URL = "https://github.com/pytest-launchready/pytest-launchready/blob/main/docs/configuration.md"

_ROUTE_RE = re.compile(r"^(GET|HEAD|OPTIONS|POST|PUT|PATCH|DELETE|TRACE|\*)\s+(/\S*)$", re.IGNORECASE)


class Reading(NamedTuple):
    """What a parser may know besides the raw value: its key, the rootdir, the values read so far."""

    key: str
    rootpath: str
    earlier: Mapping[str, Any]


#: ``(raw value, reading) -> typed value``; raises ``pytest.UsageError`` on a bad value.
Parser = Callable[[Any, Reading], Any]


@dataclass(frozen=True)
class RoleRoute:
    """``admin: DELETE /admin/users/{user_id}``: only ``role`` and higher may call the route."""

    role: str
    route_key: str


@dataclass(frozen=True)
class DkimSelector:
    """A ``launchready_dkim_selectors`` entry: ``selector`` is checked for ``domain``, or for every
    mail domain when ``domain`` is empty (a bare selector line)."""

    selector: str
    domain: str = ""


@dataclass(frozen=True)
class Waiver:
    """An accepted finding: test ids matching ``pattern`` are reported as waived.

    ``*`` and ``?`` are the only wildcards: brackets are literal, as in every generated test id
    (``test_cors[*]``, ``test_auth[GET /items]``).
    """

    pattern: str
    reason: str

    def matches(self, test_id: str) -> bool:
        """True when ``test_id`` (``test_auth[GET /items]``) is covered by this waiver."""
        regex = re.escape(self.pattern).replace(r"\*", ".*").replace(r"\?", ".")
        return re.fullmatch(regex, test_id, re.DOTALL) is not None


# Parsers named in the table, one per kind of value.


def flag(raw: Any, reading: Reading) -> bool:
    """A bool ini key or a store-true option."""
    return bool(raw)


def text(raw: str, reading: Reading) -> str:
    """A free string, stripped."""
    return raw.strip()


def text_or_empty(raw: str | None, reading: Reading) -> str:
    """An option's string as given, or empty when absent."""
    return raw or ""


def number_or_zero(raw: int | None, reading: Reading) -> int:
    """An option's number (argparse checked it), or 0 when absent."""
    return raw or 0


def checks_or_all(raw: tuple[str, ...] | None, reading: Reading) -> tuple[str, ...]:
    """The checks ``--launchready-checks`` selected (argparse checked them), or all."""
    return raw or CHECK_NAMES


def items(raw: list[str], reading: Reading) -> tuple[str, ...]:
    """A linelist: stripped lines, without blanks and ``#`` comments."""
    return tuple(_items(raw))


def lowercase_items(raw: list[str], reading: Reading) -> tuple[str, ...]:
    """A linelist of host names."""
    return tuple(h.lower() for h in _items(raw))


def origins(raw: list[str], reading: Reading) -> tuple[str, ...]:
    """Browser origins, without a trailing slash."""
    return tuple(o.rstrip("/") for o in _items(raw))


def mail_domains(raw: list[str], reading: Reading) -> tuple[str, ...]:
    """Domain names, lowercase, without the root dot."""
    return tuple(d.lower().rstrip(".") for d in _items(raw))


#: RFC 6376 3.1: a selector is one or more DNS labels; a domain here is two or more (RFC 1035 2.3.1).
_LABEL = r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?"
_SELECTOR_RE = re.compile(rf"^{_LABEL}(?:\.{_LABEL})*$", re.IGNORECASE)
_DOMAIN_RE = re.compile(rf"^(?=.{{1,253}}$){_LABEL}(?:\.{_LABEL})+$", re.IGNORECASE)


def dkim_selectors(raw: list[str], reading: Reading) -> tuple[DkimSelector, ...]:
    """``s1 s2`` lines (every mail domain) and ``example.com: s1 s2`` lines (that domain, one of
    ``launchready_mail_domains`` read before); selectors apart by spaces or commas."""
    known: tuple[str, ...] = reading.earlier["mail_domains"]
    result = []
    for line in _items(raw):
        domain, sep, rest = line.partition(":")
        domain = domain.strip().lower().rstrip(".") if sep else ""
        names = (rest if sep else line).replace(",", " ").split()
        bad_names = [name for name in names if not _SELECTOR_RE.match(name)]
        if not names or bad_names or (sep and not _DOMAIN_RE.match(domain)):
            _bad(reading.key, line, "'selector ...' for every mail domain, or 'example.com: selector ...' for one "
                 "(selectors are DNS labels such as s1 or google, apart by spaces)")
        if sep and domain not in known:
            listed = ", ".join(known) or "none"
            _bad(reading.key, line, f"a domain of launchready_mail_domains before the colon ({listed})")
        result += [DkimSelector(name, domain) for name in names]
    return tuple(result)


def app(raw: str, reading: Reading) -> str:
    """``package.module:attr``."""
    value = raw.strip()
    if value and ":" not in value:
        _bad(reading.key, value, "'package.module:attr', e.g. 'myproduct.main:app'")
    return value


def base_url(raw: str, reading: Reading) -> str:
    """An http(s) URL, without a trailing slash."""
    if raw and not re.match(r"^https?://[^/\s]+", raw):
        _bad(reading.key, raw, "an http:// or https:// URL, e.g. http://127.0.0.1:8000")
    return raw.rstrip("/")


def http_url(raw: str, reading: Reading) -> str:
    """A plain-http URL of the site, without a trailing slash."""
    value = raw.strip()
    if value and not re.match(r"^http://[^/\s]+/?$", value):
        _bad(reading.key, value, "a plain-http URL of the site, e.g. http://app.example.com")
    return value.rstrip("/")


def route(raw: str, reading: Reading) -> str:
    """One optional ``METHOD /path``, normalised (``POST /auth/logout``), or empty."""
    return _route(raw, reading.key) if raw.strip() else ""


def routes(raw: list[str], reading: Reading) -> tuple[str, ...]:
    """A linelist of ``METHOD /path``."""
    return tuple(_route(v, reading.key) for v in _items(raw))


def roles(raw: list[str], reading: Reading) -> tuple[str, ...]:
    """Role names, highest first; at least one. One per line or several on a line (``owner admin member``, as the
    docs show the default): a role name never holds a space."""
    result = tuple(role for line in _items(raw) for role in line.split())
    if not result:
        _bad(reading.key, "(empty)", "at least one role, highest first")
    return result


def tenant_role(raw: str, reading: Reading) -> str:
    """One role of ``launchready_roles`` (read before), or empty for the default, the first of them."""
    value = raw.strip()
    known: tuple[str, ...] = reading.earlier["roles"]
    if value and value not in known:
        _bad(reading.key, value, f"one of launchready_roles ({', '.join(known)}), or nothing for the first of them")
    return value


#: The placeholders a ``launchready_login_fields`` value may hold.
LOGIN_PLACEHOLDERS = ("email", "username", "password", "tenant", "role")
_PLACEHOLDER = re.compile(r"\$([A-Za-z_]+)")


def login_fields(raw: list[str], reading: Reading) -> tuple[tuple[str, str], ...]:
    """``field: value`` lines; a value may hold ``$email``, ``$username``, ``$password``, ``$tenant``, ``$role``."""
    result = []
    valid = "'field: value' lines, the value a literal or holding $" + ", $".join(LOGIN_PLACEHOLDERS)
    for line in _items(raw):
        name, sep, value = line.partition(":")
        unknown = [p for p in _PLACEHOLDER.findall(value) if p not in LOGIN_PLACEHOLDERS]
        if not sep or not name.strip() or not value.strip() or unknown:
            _bad(reading.key, line, valid)
        result.append((name.strip(), value.strip()))
    return tuple(result)


#: What an audit entry must say, and the names ``launchready_audit_fields`` may map.
AUDIT_FIELDS = ("user", "org", "time", "ip", "action")


def audit_fields(raw: list[str], reading: Reading) -> tuple[tuple[str, str], ...]:
    """``field: name`` lines, field one of user, org, time, ip, action; name the entry's key (dotted for nested)."""
    result = []
    for line in _items(raw):
        field_name, sep, name = line.partition(":")
        if not sep or field_name.strip() not in AUDIT_FIELDS or not name.strip() or " " in name.strip():
            _bad(reading.key, line, f"'field: name' lines, field one of {', '.join(AUDIT_FIELDS)} (user: actor_id)")
        result.append((field_name.strip(), name.strip()))
    return tuple(result)


def role_routes(raw: list[str], reading: Reading) -> tuple[RoleRoute, ...]:
    """``ROLE: METHOD /path`` lines, ROLE one of the roles read before (``launchready_roles``)."""
    known: tuple[str, ...] = reading.earlier["roles"]
    result = []
    for value in _items(raw):
        role, sep, route_text = value.partition(":")
        if not sep or role.strip() not in known:
            _bad(reading.key, value, f"'ROLE: METHOD /path' with ROLE one of {', '.join(known)}")
        result.append(RoleRoute(role.strip(), _route(route_text, reading.key)))
    return tuple(result)


def load_routes(raw: list[str], reading: Reading) -> tuple[tuple[int, str], ...]:
    """``WEIGHT: METHOD /path`` lines: how often (relative to the others) each route is sent under load."""
    result = []
    for value in _items(raw):
        weight, sep, route_text = value.partition(":")
        if not sep or not weight.strip().isdigit():
            _bad(reading.key, value, "'WEIGHT: METHOD /path' such as '3: GET /conversations' (WEIGHT a whole number)")
        result.append((_int(weight.strip(), reading.key, 1, 1000), _route(route_text, reading.key)))
    return tuple(result)


def deny_status(raw: list[str], reading: Reading) -> frozenset[int]:
    """4xx status codes, at least one."""
    # A 2xx or 3xx as a "denial" would make an app without authentication pass auth.
    codes = frozenset(_int(value, reading.key, 100, 599) for value in _items(raw))
    allowed = [code for code in sorted(codes) if not 400 <= code <= 499]
    if allowed:
        _bad(reading.key, allowed[0], "4xx status codes only (e.g. 401, 403, 404): a 2xx, 3xx or 5xx answer is not a denial")
    if not codes:
        _bad(reading.key, "(empty)", "at least one 4xx status code, e.g. 401 and 403")
    return codes


def env_name(raw: str, reading: Reading) -> str:
    """``env:VARNAME`` -> ``VARNAME``: secrets are named, never written in ini."""
    value = raw.strip()
    if not value:
        return ""
    if not value.startswith("env:") or not value[4:].strip():
        _bad(reading.key, "<hidden>", "env:VARNAME, the name of an environment variable holding the secret (never the secret itself)")
    return value[4:].strip()


def ca_bundle(raw: str, reading: Reading) -> str:
    """The path of an existing PEM file, relative to the rootdir."""
    value = raw.strip()
    if value and not os.path.isfile(value if os.path.isabs(value) else os.path.join(reading.rootpath, value)):
        _bad(reading.key, value, "the path of a PEM file of CA certificates (relative to the rootdir)")
    return value


def nameservers(raw: list[str], reading: Reading) -> tuple[tuple[str, int], ...]:
    """``host[:port]`` lines (``[::1]:5353`` for IPv6 with a port) -> ``(host, port)``."""
    return tuple(_nameserver(n, reading.key) for n in _items(raw))


def waivers(raw: list[str], reading: Reading) -> tuple[Waiver, ...]:
    """``test-id-pattern: reason`` lines."""
    return tuple(_waiver(w, reading.key) for w in _items(raw))


def whole(low: int, high: int) -> Parser:
    """A parser of whole numbers from ``low`` to ``high``."""

    def parse(raw: str, reading: Reading) -> int:
        return _int(raw, reading.key, low, high)

    return parse


def number(low: float, high: float) -> Parser:
    """A parser of numbers from ``low`` to ``high``."""

    def parse(raw: str, reading: Reading) -> float:
        return _float(raw, reading.key, low, high)

    return parse


def _bad(name: str, value: object, valid: str) -> None:
    raise pytest.UsageError(f"{name} = {value!r} is not valid: expected {valid}. See {DOCS_URL}#{name}")


def _items(values: list[str]) -> list[str]:
    return [v.strip() for v in values if v.strip() and not v.strip().startswith("#")]


def _route(value: str, name: str) -> str:
    match = _ROUTE_RE.match(value.strip())
    if not match:
        _bad(name, value, "'METHOD /path' such as 'POST /auth/login' (METHOD may be * for all)")
    assert match is not None
    return f"{match.group(1).upper()} {match.group(2)}"


def _int(value: str, name: str, low: int, high: int) -> int:
    try:
        result = int(str(value).strip())
    except ValueError:
        result = low - 1
    if not low <= result <= high:
        _bad(name, value, f"a whole number from {low} to {high}")
    return result


def _float(value: str, name: str, low: float, high: float) -> float:
    try:
        result = float(str(value).strip())
    except ValueError:
        result = low - 1
    if not low <= result <= high:
        _bad(name, value, f"a number from {low} to {high}")
    return result


def _nameserver(value: str, name: str) -> tuple[str, int]:
    host, port = value, "53"
    if value.startswith("["):  # [::1]:5353
        host, _, rest = value[1:].partition("]")
        port = rest.lstrip(":") or "53"
    elif value.count(":") == 1:
        host, port = value.split(":")
    return host, _int(port, name, 1, 65535)


def _waiver(value: str, name: str) -> Waiver:
    pattern, sep, reason = value.partition(": ")
    if not sep or not reason.strip():
        _bad(name, value, "'test-id-pattern: reason', e.g. 'test_cors[*]: public API, no cookies'")
    return Waiver(pattern.strip(), reason.strip())
