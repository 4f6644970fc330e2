"""The one table of settings: every ini key and command-line option, and what each one fills.

From it come the ini keys and options that :mod:`pytest_launchready.plugin.options` registers (with
their ``pytest --help`` text), the :class:`~pytest_launchready.config.settings.Settings` that
:func:`~pytest_launchready.config.settings.read_settings` builds, and the check that
docs/configuration.md lists every key. Adding a setting is one row here and one typed field on
``Settings`` (a test keeps the two in step). An option and an ini key that fill the same attribute
are one setting: the option wins when given, and the ini key's parser reads either.

Imported on every pytest start, plugin enabled or not: standard library and pytest only, and the
parsers are named, not imported (they live in :mod:`pytest_launchready.config.values`, loaded when
settings are read).
"""

from __future__ import annotations

import argparse
from typing import Any, Callable, NamedTuple

import pytest

from pytest_launchready.config.check_names import CHECK_MODULES, CHECK_NAMES

PREFIX = "launchready_"


class IniSetting(NamedTuple):
    """One ini key: its pytest type (``string``, ``linelist``, ``bool``), raw default and help, the
    parser that makes the typed value (a function of :mod:`~pytest_launchready.config.values`, with
    ``bounds`` for numbers), and the ``Settings`` attribute it fills (default: the key without its
    ``launchready_`` prefix)."""

    name: str
    type: str
    default: Any
    parser: str
    help: str
    attr: str = ""
    bounds: tuple[float, float] | None = None

    @property
    def field(self) -> str:
        """The ``Settings`` attribute this key fills."""
        return self.attr or self.name.removeprefix(PREFIX)


class CommandLineOption(NamedTuple):
    """One command-line option, what argparse needs to read it, and the ``Settings`` attribute it
    fills. When an ini key fills the same attribute, the option overrides it and the ini key's
    parser reads the option too; ``parser`` is for options no ini key backs."""

    flag: str
    help: str
    field: str
    parser: str = ""
    metavar: str | None = None
    action: str | None = None
    type: Callable[[str], Any] | None = None
    default: Any = None

    @property
    def dest(self) -> str:
        """The name argparse stores the value under (``--launchready-url`` -> ``launchready_url``)."""
        return self.flag.lstrip("-").replace("-", "_")

    def argparse_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for ``parser.addoption``: only those this option sets."""
        given = {"metavar": self.metavar, "action": self.action, "type": self.type}
        return {**{k: val for k, val in given.items() if val is not None}, "default": self.default, "help": self.help}


def _check_list(value: str) -> tuple[str, ...]:
    names = tuple(n.strip() for n in value.split(",") if n.strip())
    unknown = [n for n in names if n not in CHECK_NAMES]
    built = [n for n in CHECK_NAMES if n in CHECK_MODULES]
    if unknown or not names:
        raise argparse.ArgumentTypeError(f"unknown check {', '.join(unknown) or '(none given)'}; valid checks: {', '.join(built)}")
    unbuilt = [n for n in names if n not in CHECK_MODULES]
    if unbuilt:
        raise argparse.ArgumentTypeError(
            f"{', '.join(unbuilt)}: not built in this version, so selecting it would test nothing; built checks: {', '.join(built)}"
        )
    return names


def _non_negative_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if number < 0:
        raise argparse.ArgumentTypeError(f"{value!r} must be 0 or more")
    return number


_BUILT = ", ".join(n for n in CHECK_NAMES if n in CHECK_MODULES)

#: Ini keys in ``pytest --help`` order. A key's parser may read values filled by the rows above it.
INI_SETTINGS: tuple[IniSetting, ...] = (
    IniSetting("launchready", "bool", False, "flag", "Generate the launch checklist tests (same as --launchready).", attr="enabled"),
    IniSetting("launchready_app", "string", "", "app", "ASGI/WSGI app or zero-argument factory, 'package.module:attr', tested in-process."),
    IniSetting("launchready_base_url", "string", "", "base_url", "Base URL of a running server to test (or --launchready-url)."),
    IniSetting("launchready_openapi", "string", "", "text", "OpenAPI/Swagger spec: a file path, or a URL path on the target. Default: introspect the app, or fetch the usual spec paths."),
    IniSetting("launchready_public_routes", "linelist", [], "routes", "Routes public by design, 'METHOD /path' one per line; everything else must fail closed."),
    IniSetting("launchready_exclude_routes", "linelist", [], "routes", "Routes never probed, 'METHOD /path' or '* /path' one per line."),
    IniSetting("launchready_roles", "linelist", ["owner", "admin", "member"], "roles", "Roles, highest first; tenant_a and tenant_b use launchready_tenant_role."),
    IniSetting("launchready_tenant_role", "string", "", "tenant_role", "The role of launchready_roles that tenant_a and tenant_b log in as (default: the first); roles above it are global to the app (staff)."),
    IniSetting("launchready_role_routes", "linelist", [], "role_routes", "'ROLE: METHOD /path': operations only ROLE and higher may call."),
    IniSetting("launchready_shared_routes", "linelist", [], "routes", "Routes whose data is legitimately shared across tenants, 'METHOD /path'."),
    IniSetting("launchready_public_read_routes", "linelist", [], "routes", "Public GET routes anyone may read that the write checks re-read through, 'GET /path' (default: a public GET at the path of a private write)."),
    IniSetting("launchready_deny_status", "linelist", ["401", "403"], "deny_status", "4xx status codes that count as a denial of access (404 also counts for a foreign tenant's object); 2xx/3xx/5xx are refused."),
    IniSetting("launchready_jwt_key", "string", "", "env_name", "env:VARNAME holding the JWT signing secret or private key, for minting expired tokens.", attr="jwt_key_env"),
    IniSetting("launchready_jwt_public_key", "string", "", "text", "env:VARNAME or a file path holding the JWT public key (RS/ES algorithms), for key-confusion tests."),
    IniSetting("launchready_logout_route", "string", "", "route", "'METHOD /path' that logs the caller out, when no launchready_logout fixture is given."),
    IniSetting("launchready_signup_route", "string", "", "route", "'METHOD /path' that signs a new user up (POST /api/users): with launchready_login_route, the built-in login when no launchready_login fixture is defined."),
    IniSetting("launchready_login_route", "string", "", "route", "'METHOD /path' that logs a user in (POST /api/users/login), for the built-in login."),
    IniSetting("launchready_login_fields", "linelist", [], "login_fields", "'field: value' for the built-in login's bodies, $email $username $password $tenant $role filled in (org_name: $tenant)."),
    IniSetting("launchready_privileged_fields", "linelist", [], "items", "Extra body fields that must not be mass-assignable (added to role, is_admin, org_id, ...)."),
    IniSetting("launchready_allowed_origins", "linelist", [], "origins", "Browser origins allowed by CORS, e.g. https://app.example.com."),
    IniSetting("launchready_rate_limited", "linelist", [], "routes", "Routes that must throttle, 'METHOD /path' (default: login-like routes found by discovery)."),
    IniSetting("launchready_rate_limit_burst", "string", "50", "whole", "Requests in a burst that must draw a 429.", bounds=(1, 10_000)),
    IniSetting("launchready_rate_limit_window", "string", "10", "number", "Seconds a burst may take at most.", bounds=(0.1, 600)),
    IniSetting("launchready_tls_min_days", "string", "14", "whole", "Days a TLS certificate must still be valid.", bounds=(0, 3650)),
    IniSetting("launchready_ca_bundle", "string", "", "ca_bundle", "PEM file of CA certificates to trust for an https target (default: the system store)."),
    IniSetting("launchready_http_url", "string", "", "http_url", "Plain-http URL of the same site, for the http->https redirect check (default: the https base URL's host on port 80)."),
    IniSetting("launchready_secret_paths", "linelist", [], "items", "Built bundles, static folders and log files to scan for secrets (default: dist build .next static public, *.log)."),
    IniSetting("launchready_secret_allowlist", "linelist", [], "items", "Secret findings to accept: a fingerprint, or a path glob."),
    IniSetting("launchready_mail_domains", "linelist", [], "mail_domains", "Domains that send mail (SPF, DKIM, DMARC, MX are checked)."),
    IniSetting("launchready_dkim_selectors", "linelist", [], "dkim_selectors", "DKIM selectors to check: 's1 s2' for every mail domain, 'example.com: s1 s2' for one."),
    IniSetting("launchready_nameservers", "linelist", [], "nameservers", "DNS servers to ask, 'host[:port]' (default: the system resolver)."),
    IniSetting("launchready_mail_samples", "linelist", [], "items", "Raw signed messages (.eml) whose DKIM signature and alignment are verified."),
    IniSetting("launchready_strict_mail", "bool", False, "flag", "Mail warnings fail too."),
    IniSetting("launchready_chat_route", "string", "", "route", "'METHOD /path' of the chatbot (POST /chat), for the prompt check when no launchready_chat fixture is defined."),
    IniSetting("launchready_chat_field", "string", "", "text", "Body field the chat message goes in (default: the chat route's only required string field)."),
    IniSetting("launchready_chat_answer", "string", "", "text", "Dotted JSON path of the bot's answer in the chat route's response (default: its first string field that is not an id, one named answer, reply, content, text... first)."),
    IniSetting("launchready_system_prompt_canary", "string", "", "text", "A marker planted in the system prompt of the test configuration (or env:VARNAME holding it): an answer that holds it leaks the prompt."),
    IniSetting("launchready_system_prompt", "string", "", "text", "The whole system prompt, env:VARNAME or a file path, so partial, encoded and paraphrased leaks are caught too."),
    IniSetting("launchready_prompt_budget", "string", "40", "whole", "Most chat calls the prompt check makes (they cost money on a real model).", bounds=(1, 10_000)),
    IniSetting("launchready_health_route", "string", "", "route", "'METHOD /path' of the health route, public by design (default: a discovered GET /health, /healthz, /ready or /status, also under /api)."),
    IniSetting("launchready_audit_fields", "linelist", [], "audit_fields", "'field: name' where the audit log's entries use other names (user: actor_id, org: tenant, time: ts, ip: remote_addr, action: event)."),
    IniSetting("launchready_p95_ms", "string", "500", "number", "p95 latency budget per route under load, in milliseconds; also the health route's budget (monitoring).", bounds=(1, 600_000)),
    IniSetting("launchready_load_users", "string", "25", "whole", "Concurrent users for the load check.", bounds=(1, 10_000)),
    IniSetting("launchready_load", "bool", False, "flag", "Run the load check (--launchready-load): it takes launchready_load_duration seconds and more."),
    IniSetting("launchready_load_duration", "string", "30", "whole", "Seconds the load check holds launchready_load_users at full load, after a ramp.", bounds=(1, 3600)),
    IniSetting("launchready_load_routes", "linelist", [], "load_routes", "'WEIGHT: METHOD /path' lines the load check sends (default: the core flows discovery finds: lists, reads and creates of the main collections, and the chat route)."),
    IniSetting("launchready_max_error_rate", "string", "0.01", "number", "Highest error rate allowed under load (0.01 = 1%).", bounds=(0, 1)),
    IniSetting("launchready_allow_hosts", "linelist", [], "lowercase_items", "Hosts other than loopback that state-changing checks may send to."),
    IniSetting("launchready_timeout", "string", "10", "number", "Seconds every request may take.", bounds=(0.1, 600)),
    IniSetting("launchready_waivers", "linelist", [], "waivers", "'test-id-pattern: reason' for accepted findings (shown as waived, never hidden)."),
)

#: Command-line options in ``pytest --help`` order.
OPTIONS: tuple[CommandLineOption, ...] = (
    CommandLineOption("--launchready", "Generate and run the launch checklist tests.", "enabled", action="store_true"),
    CommandLineOption("--launchready-url", "Base URL of a running server to test (overrides launchready_base_url).", "base_url", metavar="URL"),
    CommandLineOption("--launchready-app", "App to test in-process, 'package.module:attr' (overrides launchready_app).", "app", metavar="MODULE:ATTR"),
    CommandLineOption("--launchready-init", "Inspect the target and write a commented pytest.ini and conftest.py where none exist (printing the ini block otherwise); runs no test.", "init", "flag", action="store_true", default=False),
    CommandLineOption("--launchready-checks", f"Run only these checks: {_BUILT}.", "checks", "checks_or_all", metavar="a,b", type=_check_list),
    CommandLineOption("--launchready-strict", "WARN and NOT RUN fail the run too.", "strict", "flag", action="store_true", default=False),
    CommandLineOption("--launchready-fuzz-seed", "Seed for generated data (default: fixed, 0).", "fuzz_seed", "number_or_zero", metavar="N", type=_non_negative_int),
    CommandLineOption("--launchready-load", "Run the load check (same as launchready_load = true).", "load", action="store_true", default=None),
    CommandLineOption("--launchready-load-workers", "Run the load check's locust with N local worker processes (0: one process).", "load_workers", "number_or_zero", metavar="N", type=_non_negative_int),
    CommandLineOption("--launchready-sarif", "Also write the findings as SARIF 2.1.0 (for GitHub code scanning) to PATH.", "sarif_path", "text_or_empty", metavar="PATH"),
    CommandLineOption("--launchready-report", "Also write the JSON report (scorecard, every test's outcome and finding) to PATH.", "report_path", "text_or_empty", metavar="PATH"),
    CommandLineOption("--launchready-html", "Also write the HTML scorecard (one self-contained page: checklist, findings, load chart) to PATH.", "html_path", "text_or_empty", metavar="PATH"),
)


def raw_value(config: pytest.Config, ini: IniSetting | None, option: CommandLineOption | None) -> Any:
    """The raw value of a setting: its command-line option when given (not absent, not empty), else its ini key."""
    value = config.getoption(option.dest, None) if option else None
    if ini and (value is None or value == ""):
        value = config.getini(ini.name)
    return value
