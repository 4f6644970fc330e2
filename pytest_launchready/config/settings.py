"""Every ini key and command-line option, read and validated once into one typed object.

The keys themselves are declared in :mod:`pytest_launchready.plugin.options` (cheap, loaded at every
start); this module is only imported when the plugin is enabled or a fixture needs the settings.
Precedence is command-line option > ini. Secrets are never written in ini: settings such as
``launchready_jwt_key`` name an environment variable (``env:APP_JWT_SECRET``).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Any

import pytest

from pytest_launchready.config.check_names import CHECK_NAMES
from pytest_launchready.plugin.options import DOCS_URL, INI_SETTINGS, IniSetting, add_options, is_enabled
from pytest_launchready.redact import Secret

_ROUTE_RE = re.compile(r"^(GET|HEAD|OPTIONS|POST|PUT|PATCH|DELETE|TRACE|\*)\s+(/\S*)$", re.IGNORECASE)

__all__ = ["INI_SETTINGS", "IniSetting", "RoleRoute", "Settings", "Waiver", "add_options", "is_enabled", "read_settings"]


@dataclass(frozen=True)
class RoleRoute:
    """``admin: DELETE /admin/users/{user_id}``: only ``role`` and higher may call the route."""

    role: str
    route_key: str


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


@dataclass(frozen=True)
class Settings:
    """Everything the plugin reads from ini and the command line, validated."""

    enabled: bool = False
    app: str = ""
    base_url: str = ""
    openapi: str = ""
    public_routes: tuple[str, ...] = ()
    exclude_routes: tuple[str, ...] = ()
    roles: tuple[str, ...] = ("owner", "admin", "member")
    role_routes: tuple[RoleRoute, ...] = ()
    shared_routes: tuple[str, ...] = ()
    deny_status: frozenset[int] = frozenset({401, 403})
    jwt_key_env: str = ""
    jwt_public_key: str = ""
    logout_route: str = ""
    privileged_fields: tuple[str, ...] = ()
    allowed_origins: tuple[str, ...] = ()
    rate_limited: tuple[str, ...] = ()
    rate_limit_burst: int = 50
    rate_limit_window: float = 10.0
    tls_min_days: int = 14
    ca_bundle: str = ""
    http_url: str = ""
    secret_paths: tuple[str, ...] = ()
    secret_allowlist: tuple[str, ...] = ()
    mail_domains: tuple[str, ...] = ()
    dkim_selectors: tuple[str, ...] = ()
    nameservers: tuple[tuple[str, int], ...] = ()
    mail_samples: tuple[str, ...] = ()
    strict_mail: bool = False
    p95_ms: float = 500.0
    load_users: int = 25
    max_error_rate: float = 0.01
    allow_hosts: tuple[str, ...] = ()
    timeout: float = 10.0
    waivers: tuple[Waiver, ...] = ()
    checks: tuple[str, ...] = CHECK_NAMES
    strict: bool = False
    fuzz_seed: int = 0
    report_path: str = ""
    rootpath: str = field(default=".", compare=False)

    @property
    def jwt_key(self) -> Secret | None:
        """The JWT signing key from the environment variable named in ``launchready_jwt_key``."""
        value = os.environ.get(self.jwt_key_env) if self.jwt_key_env else None
        return Secret(value) if value else None

    @property
    def role_rank(self) -> dict[str, int]:
        """Role name -> rank, 0 for the highest."""
        return {role: rank for rank, role in enumerate(self.roles)}


def read_settings(config: pytest.Config) -> Settings:
    """Read and validate every setting; raise ``pytest.UsageError`` naming the bad one."""
    ini = config.getini
    base_url = config.getoption("launchready_url") or ini("launchready_base_url")
    app = ini("launchready_app").strip()
    if app and ":" not in app:
        _bad("launchready_app", app, "'package.module:attr', e.g. 'myproduct.main:app'")
    if base_url and not re.match(r"^https?://[^/\s]+", base_url):
        _bad("launchready_base_url", base_url, "an http:// or https:// URL, e.g. http://127.0.0.1:8000")
    roles = tuple(r.strip() for r in ini("launchready_roles") if r.strip())
    if not roles:
        _bad("launchready_roles", "(empty)", "at least one role, highest first")
    return Settings(
        enabled=is_enabled(config),
        app=app,
        base_url=base_url.rstrip("/"),
        openapi=ini("launchready_openapi").strip(),
        public_routes=_routes(ini, "launchready_public_routes"),
        exclude_routes=_routes(ini, "launchready_exclude_routes"),
        roles=roles,
        role_routes=_role_routes(ini("launchready_role_routes"), roles),
        shared_routes=_routes(ini, "launchready_shared_routes"),
        deny_status=_deny_status(ini("launchready_deny_status")),
        jwt_key_env=_env_name(ini("launchready_jwt_key"), "launchready_jwt_key"),
        jwt_public_key=ini("launchready_jwt_public_key").strip(),
        logout_route=_route(ini("launchready_logout_route"), "launchready_logout_route") if ini("launchready_logout_route").strip() else "",
        privileged_fields=tuple(_items(ini("launchready_privileged_fields"))),
        allowed_origins=tuple(o.rstrip("/") for o in _items(ini("launchready_allowed_origins"))),
        rate_limited=_routes(ini, "launchready_rate_limited"),
        rate_limit_burst=_int(ini("launchready_rate_limit_burst"), "launchready_rate_limit_burst", 1, 10_000),
        rate_limit_window=_float(ini("launchready_rate_limit_window"), "launchready_rate_limit_window", 0.1, 600),
        tls_min_days=_int(ini("launchready_tls_min_days"), "launchready_tls_min_days", 0, 3650),
        ca_bundle=_ca_bundle(ini("launchready_ca_bundle").strip(), str(config.rootpath)),
        http_url=_http_url(ini("launchready_http_url").strip()),
        secret_paths=tuple(_items(ini("launchready_secret_paths"))),
        secret_allowlist=tuple(_items(ini("launchready_secret_allowlist"))),
        mail_domains=tuple(d.lower().rstrip(".") for d in _items(ini("launchready_mail_domains"))),
        dkim_selectors=tuple(_items(ini("launchready_dkim_selectors"))),
        nameservers=tuple(_nameserver(n) for n in _items(ini("launchready_nameservers"))),
        mail_samples=tuple(_items(ini("launchready_mail_samples"))),
        strict_mail=bool(ini("launchready_strict_mail")),
        p95_ms=_float(ini("launchready_p95_ms"), "launchready_p95_ms", 1, 600_000),
        load_users=_int(ini("launchready_load_users"), "launchready_load_users", 1, 10_000),
        max_error_rate=_float(ini("launchready_max_error_rate"), "launchready_max_error_rate", 0, 1),
        allow_hosts=tuple(h.lower() for h in _items(ini("launchready_allow_hosts"))),
        timeout=_float(ini("launchready_timeout"), "launchready_timeout", 0.1, 600),
        waivers=tuple(_waiver(w) for w in _items(ini("launchready_waivers"))),
        checks=config.getoption("launchready_checks") or CHECK_NAMES,
        strict=bool(config.getoption("launchready_strict")),
        fuzz_seed=config.getoption("launchready_fuzz_seed") or 0,
        report_path=config.getoption("launchready_report") or "",
        rootpath=str(config.rootpath),
    )


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


def _routes(ini: Any, name: str) -> tuple[str, ...]:
    return tuple(_route(v, name) for v in _items(ini(name)))


def _role_routes(values: list[str], roles: tuple[str, ...]) -> tuple[RoleRoute, ...]:
    result = []
    for value in _items(values):
        role, sep, route = value.partition(":")
        if not sep or role.strip() not in roles:
            _bad("launchready_role_routes", value, f"'ROLE: METHOD /path' with ROLE one of {', '.join(roles)}")
        result.append(RoleRoute(role.strip(), _route(route, "launchready_role_routes")))
    return tuple(result)


def _int(value: str, name: str, low: int, high: int) -> int:
    try:
        number = int(str(value).strip())
    except ValueError:
        number = low - 1
    if not low <= number <= high:
        _bad(name, value, f"a whole number from {low} to {high}")
    return number


def _float(value: str, name: str, low: float, high: float) -> float:
    try:
        number = float(str(value).strip())
    except ValueError:
        number = low - 1
    if not low <= number <= high:
        _bad(name, value, f"a number from {low} to {high}")
    return number


def _deny_status(values: list[str]) -> frozenset[int]:
    # A 2xx or 3xx as a "denial" would make an app without authentication pass auth.
    codes = frozenset(_int(value, "launchready_deny_status", 100, 599) for value in _items(values))
    allowed = [code for code in sorted(codes) if not 400 <= code <= 499]
    if allowed:
        _bad("launchready_deny_status", allowed[0], "4xx status codes only (e.g. 401, 403, 404): a 2xx, 3xx or 5xx answer is not a denial")
    if not codes:
        _bad("launchready_deny_status", "(empty)", "at least one 4xx status code, e.g. 401 and 403")
    return codes


def _env_name(value: str, name: str) -> str:
    value = value.strip()
    if not value:
        return ""
    if not value.startswith("env:") or not value[4:].strip():
        _bad(name, "<hidden>", "env:VARNAME, the name of an environment variable holding the secret (never the secret itself)")
    return value[4:].strip()


def _ca_bundle(value: str, rootpath: str) -> str:
    if value and not os.path.isfile(value if os.path.isabs(value) else os.path.join(rootpath, value)):
        _bad("launchready_ca_bundle", value, "the path of a PEM file of CA certificates (relative to the rootdir)")
    return value


def _http_url(value: str) -> str:
    if value and not re.match(r"^http://[^/\s]+/?$", value):
        _bad("launchready_http_url", value, "a plain-http URL of the site, e.g. http://app.example.com")
    return value.rstrip("/")


def _nameserver(value: str) -> tuple[str, int]:
    host, port = value, "53"
    if value.startswith("["):  # [::1]:5353
        host, _, rest = value[1:].partition("]")
        port = rest.lstrip(":") or "53"
    elif value.count(":") == 1:
        host, port = value.split(":")
    return host, _int(port, "launchready_nameservers", 1, 65535)


def _waiver(value: str) -> Waiver:
    pattern, sep, reason = value.partition(": ")
    if not sep or not reason.strip():
        _bad("launchready_waivers", value, "'test-id-pattern: reason', e.g. 'test_cors[*]: public API, no cookies'")
    return Waiver(pattern.strip(), reason.strip())
