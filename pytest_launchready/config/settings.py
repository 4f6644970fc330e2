"""Every ini key and command-line option, read and validated once into one typed object.

What can be set, its default and how it is parsed are rows of :mod:`pytest_launchready.config.table`
(cheap, loaded at every start); this module is only imported when the plugin is enabled or a fixture
needs the settings. Precedence is command-line option > ini. Secrets are never written in ini:
settings such as ``launchready_jwt_key`` name an environment variable (``env:APP_JWT_SECRET``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, Callable, NamedTuple

import pytest

from pytest_launchready.config import values
from pytest_launchready.config.table import INI_SETTINGS, OPTIONS, CommandLineOption, IniSetting, raw_value
from pytest_launchready.config.values import DkimSelector, Parser, Reading, RoleRoute, Waiver
from pytest_launchready.redact import Secret

__all__ = ["SOURCES", "Settings", "Source", "read_settings"]


class Source(NamedTuple):
    """Where one ``Settings`` attribute comes from: an ini key, a command-line option, or both."""

    field: str
    ini: IniSetting | None
    option: CommandLineOption | None

    @property
    def key(self) -> str:
        """The name a bad value is reported under: the ini key, else the option."""
        return self.ini.name if self.ini else self.option.flag if self.option else self.field

    def raw(self, config: pytest.Config) -> Any:
        """The raw value in ``config``: the option when given, else the ini key."""
        return raw_value(config, self.ini, self.option)

    def raw_default(self) -> Any:
        """The raw value when nothing is set."""
        return self.ini.default if self.ini else self.option.default if self.option else None

    def parser(self) -> Parser:
        """The ini key's parser, which reads an overriding option too; else the option's."""
        name, bounds = (self.ini.parser, self.ini.bounds) if self.ini else (self.option.parser if self.option else "", None)
        found = getattr(values, name)
        parser: Parser = found(*bounds) if bounds else found  # a number's bounds differ per key: one parser each
        return parser


def _sources() -> dict[str, Source]:
    options = {option.field: option for option in OPTIONS}
    sources = {s.field: Source(s.field, s, options.get(s.field)) for s in INI_SETTINGS}
    sources.update((name, Source(name, None, option)) for name, option in options.items() if name not in sources)
    return sources


#: ``Settings`` attribute -> its source, in reading order (ini keys in table order, then the options alone).
SOURCES: dict[str, Source] = _sources()
_PARSERS: dict[str, Parser] = {name: source.parser() for name, source in SOURCES.items()}


def _typed(raw: Callable[[Source], Any], rootpath: str) -> dict[str, Any]:
    """Each source's raw value parsed, in table order (a parser may read the values before it)."""
    typed: dict[str, Any] = {}
    for field_name, source in SOURCES.items():
        typed[field_name] = _PARSERS[field_name](raw(source), Reading(source.key, rootpath, typed))
    return typed


#: The typed value of every setting when nothing is set: the table's defaults, parsed.
_DEFAULT = _typed(Source.raw_default, ".")


@dataclass(frozen=True)
class Settings:
    """Everything the plugin reads from ini and the command line, validated.

    One field per row of the settings table; every default comes from the table.
    """

    enabled: bool = _DEFAULT["enabled"]
    app: str = _DEFAULT["app"]
    base_url: str = _DEFAULT["base_url"]
    openapi: str = _DEFAULT["openapi"]
    public_routes: tuple[str, ...] = _DEFAULT["public_routes"]
    exclude_routes: tuple[str, ...] = _DEFAULT["exclude_routes"]
    roles: tuple[str, ...] = _DEFAULT["roles"]
    #: The role tenants A and B log in as; empty in ini means the first of ``roles`` (filled in below).
    tenant_role: str = _DEFAULT["tenant_role"]
    role_routes: tuple[RoleRoute, ...] = _DEFAULT["role_routes"]
    shared_routes: tuple[str, ...] = _DEFAULT["shared_routes"]
    public_read_routes: tuple[str, ...] = _DEFAULT["public_read_routes"]
    deny_status: frozenset[int] = _DEFAULT["deny_status"]
    jwt_key_env: str = _DEFAULT["jwt_key_env"]
    jwt_public_key: str = _DEFAULT["jwt_public_key"]
    logout_route: str = _DEFAULT["logout_route"]
    signup_route: str = _DEFAULT["signup_route"]
    login_route: str = _DEFAULT["login_route"]
    login_fields: tuple[tuple[str, str], ...] = _DEFAULT["login_fields"]
    privileged_fields: tuple[str, ...] = _DEFAULT["privileged_fields"]
    allowed_origins: tuple[str, ...] = _DEFAULT["allowed_origins"]
    rate_limited: tuple[str, ...] = _DEFAULT["rate_limited"]
    rate_limit_burst: int = _DEFAULT["rate_limit_burst"]
    rate_limit_window: float = _DEFAULT["rate_limit_window"]
    tls_min_days: int = _DEFAULT["tls_min_days"]
    ca_bundle: str = _DEFAULT["ca_bundle"]
    http_url: str = _DEFAULT["http_url"]
    secret_paths: tuple[str, ...] = _DEFAULT["secret_paths"]
    secret_allowlist: tuple[str, ...] = _DEFAULT["secret_allowlist"]
    mail_domains: tuple[str, ...] = _DEFAULT["mail_domains"]
    dkim_selectors: tuple[DkimSelector, ...] = _DEFAULT["dkim_selectors"]
    nameservers: tuple[tuple[str, int], ...] = _DEFAULT["nameservers"]
    mail_samples: tuple[str, ...] = _DEFAULT["mail_samples"]
    strict_mail: bool = _DEFAULT["strict_mail"]
    chat_route: str = _DEFAULT["chat_route"]
    chat_field: str = _DEFAULT["chat_field"]
    chat_answer: str = _DEFAULT["chat_answer"]
    system_prompt_canary: str = _DEFAULT["system_prompt_canary"]
    system_prompt: str = _DEFAULT["system_prompt"]
    prompt_budget: int = _DEFAULT["prompt_budget"]
    health_route: str = _DEFAULT["health_route"]
    audit_fields: tuple[tuple[str, str], ...] = _DEFAULT["audit_fields"]
    p95_ms: float = _DEFAULT["p95_ms"]
    load_users: int = _DEFAULT["load_users"]
    load: bool = _DEFAULT["load"]
    load_duration: int = _DEFAULT["load_duration"]
    load_routes: tuple[tuple[int, str], ...] = _DEFAULT["load_routes"]
    max_error_rate: float = _DEFAULT["max_error_rate"]
    allow_hosts: tuple[str, ...] = _DEFAULT["allow_hosts"]
    timeout: float = _DEFAULT["timeout"]
    waivers: tuple[Waiver, ...] = _DEFAULT["waivers"]
    #: ``--launchready-init``: write the starting files instead of running tests.
    init: bool = _DEFAULT["init"]
    checks: tuple[str, ...] = _DEFAULT["checks"]
    strict: bool = _DEFAULT["strict"]
    fuzz_seed: int = _DEFAULT["fuzz_seed"]
    #: ``--launchready-load-workers``: locust worker processes (0: locust runs in one process).
    load_workers: int = _DEFAULT["load_workers"]
    #: ``--launchready-sarif``: where the SARIF log goes ("" for none).
    sarif_path: str = _DEFAULT["sarif_path"]
    report_path: str = _DEFAULT["report_path"]
    #: ``--launchready-html``: where the HTML scorecard goes ("" for none).
    html_path: str = _DEFAULT["html_path"]
    #: Not a setting: where relative paths in settings start.
    rootpath: str = field(default=".", compare=False)

    def __post_init__(self) -> None:
        if not self.tenant_role:  # unset: the first role, also for a Settings made in code with other roles
            object.__setattr__(self, "tenant_role", self.roles[0])

    @property
    def jwt_key(self) -> Secret | None:
        """The JWT signing key from the environment variable named in ``launchready_jwt_key``."""
        value = os.environ.get(self.jwt_key_env) if self.jwt_key_env else None
        return Secret(value) if value else None

    @property
    def role_rank(self) -> dict[str, int]:
        """Role name -> rank, 0 for the highest."""
        return {role: rank for rank, role in enumerate(self.roles)}

    @property
    def global_roles(self) -> tuple[str, ...]:
        """The roles above ``tenant_role``, highest first: staff of the app, in no tenant."""
        return self.roles[: self.roles.index(self.tenant_role)]

    @property
    def builtin_login(self) -> bool:
        """Whether the built-in login applies (both routes set) when no ``launchready_login`` fixture is defined."""
        return bool(self.signup_route and self.login_route)

    def dkim_selectors_for(self, domain: str) -> tuple[str, ...]:
        """The DKIM selectors to check for ``domain``: the bare ones and its own, in the order listed."""
        domain = domain.rstrip(".").lower()
        return tuple(dict.fromkeys(e.selector for e in self.dkim_selectors if e.domain in ("", domain)))

    def is_global(self, role: str) -> bool:
        """Whether ``role`` ranks above the tenant role (a user of it belongs to no tenant)."""
        return role in self.global_roles


def read_settings(config: pytest.Config) -> Settings:
    """Read and validate every setting; raise ``pytest.UsageError`` naming the bad one."""
    rootpath = str(config.rootpath)
    return Settings(**_typed(lambda source: source.raw(config), rootpath), rootpath=rootpath)
