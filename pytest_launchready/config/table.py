"""The one table of settings: every ini key and command-line option, and what each one fills.

From it come the ini keys and options that :mod:`pytest_launchready.plugin.options` registers (with
their ``pytest --help`` text), the :class:`~pytest_launchready.config.settings.Settings` that
:func:`~pytest_launchready.config.settings.read_settings` builds, and the check that
docs/configuration.md lists every key. Adding a setting is one row here and one typed field on
``Settings`` (a test keeps the two in step).

Imported on every pytest start, plugin enabled or not: standard library and pytest only.
"""

from __future__ import annotations

from typing import Any, Callable, NamedTuple

import pytest

from pytest_launchready.config import values as v
from pytest_launchready.config.check_names import CHECK_MODULES, CHECK_NAMES
from pytest_launchready.config.values import Parser, Reading

PREFIX = "launchready_"


class IniSetting(NamedTuple):
    """One ini key: its pytest type (``string``, ``linelist``, ``bool``), raw default and help, the
    parser that makes the typed value, and the ``Settings`` attribute it fills (default: the key
    without its ``launchready_`` prefix)."""

    name: str
    type: str
    default: Any
    parse: Parser
    help: str
    attr: str = ""

    @property
    def field(self) -> str:
        """The ``Settings`` attribute this key fills."""
        return self.attr or self.name.removeprefix(PREFIX)


class CommandLineOption(NamedTuple):
    """One command-line option, what argparse needs to read it, and the ``Settings`` attribute it
    fills. When an ini key fills the same attribute, the option overrides it and the ini key's
    parser reads the option too; ``parse`` is for options no ini key backs."""

    flag: str
    help: str
    field: str
    parse: Parser | None = None
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


_BUILT = ", ".join(n for n in CHECK_NAMES if n in CHECK_MODULES)

#: Ini keys in ``pytest --help`` order. A key's parser may read values filled by the rows above it.
INI_SETTINGS: tuple[IniSetting, ...] = (
    IniSetting("launchready", "bool", False, v.flag, "Generate the launch checklist tests (same as --launchready).", attr="enabled"),
    IniSetting("launchready_app", "string", "", v.app, "ASGI/WSGI app or zero-argument factory, 'package.module:attr', tested in-process."),
    IniSetting("launchready_base_url", "string", "", v.base_url, "Base URL of a running server to test (or --launchready-url)."),
    IniSetting("launchready_openapi", "string", "", v.text, "OpenAPI/Swagger spec: a file path, or a URL path on the target. Default: introspect the app, or fetch the usual spec paths."),
    IniSetting("launchready_public_routes", "linelist", [], v.routes, "Routes public by design, 'METHOD /path' one per line; everything else must fail closed."),
    IniSetting("launchready_exclude_routes", "linelist", [], v.routes, "Routes never probed, 'METHOD /path' or '* /path' one per line."),
    IniSetting("launchready_roles", "linelist", ["owner", "admin", "member"], v.roles, "Roles, highest first; tenant_a and tenant_b use the first."),
    IniSetting("launchready_role_routes", "linelist", [], v.role_routes, "'ROLE: METHOD /path': operations only ROLE and higher may call."),
    IniSetting("launchready_shared_routes", "linelist", [], v.routes, "Routes whose data is legitimately shared across tenants, 'METHOD /path'."),
    IniSetting("launchready_deny_status", "linelist", ["401", "403"], v.deny_status, "4xx status codes that count as a denial of access (404 also counts for a foreign tenant's object); 2xx/3xx/5xx are refused."),
    IniSetting("launchready_jwt_key", "string", "", v.env_name, "env:VARNAME holding the JWT signing secret or private key, for minting expired tokens.", attr="jwt_key_env"),
    IniSetting("launchready_jwt_public_key", "string", "", v.text, "env:VARNAME or a file path holding the JWT public key (RS/ES algorithms), for key-confusion tests."),
    IniSetting("launchready_logout_route", "string", "", v.route, "'METHOD /path' that logs the caller out, when no launchready_logout fixture is given."),
    IniSetting("launchready_privileged_fields", "linelist", [], v.items, "Extra body fields that must not be mass-assignable (added to role, is_admin, org_id, ...)."),
    IniSetting("launchready_allowed_origins", "linelist", [], v.origins, "Browser origins allowed by CORS, e.g. https://app.example.com."),
    IniSetting("launchready_rate_limited", "linelist", [], v.routes, "Routes that must throttle, 'METHOD /path' (default: login-like routes found by discovery)."),
    IniSetting("launchready_rate_limit_burst", "string", "50", v.whole(1, 10_000), "Requests in a burst that must draw a 429."),
    IniSetting("launchready_rate_limit_window", "string", "10", v.number(0.1, 600), "Seconds a burst may take at most."),
    IniSetting("launchready_tls_min_days", "string", "14", v.whole(0, 3650), "Days a TLS certificate must still be valid."),
    IniSetting("launchready_ca_bundle", "string", "", v.ca_bundle, "PEM file of CA certificates to trust for an https target (default: the system store)."),
    IniSetting("launchready_http_url", "string", "", v.http_url, "Plain-http URL of the same site, for the http->https redirect check (default: the https base URL's host on port 80)."),
    IniSetting("launchready_secret_paths", "linelist", [], v.items, "Built bundles, static folders and log files to scan for secrets (default: dist build .next static public, *.log)."),
    IniSetting("launchready_secret_allowlist", "linelist", [], v.items, "Secret findings to accept: a fingerprint, or a path glob."),
    IniSetting("launchready_mail_domains", "linelist", [], v.mail_domains, "Domains that send mail (SPF, DKIM, DMARC, MX are checked)."),
    IniSetting("launchready_dkim_selectors", "linelist", [], v.items, "DKIM selectors to check for each mail domain."),
    IniSetting("launchready_nameservers", "linelist", [], v.nameservers, "DNS servers to ask, 'host[:port]' (default: the system resolver)."),
    IniSetting("launchready_mail_samples", "linelist", [], v.items, "Raw signed messages (.eml) whose DKIM signature and alignment are verified."),
    IniSetting("launchready_strict_mail", "bool", False, v.flag, "Mail warnings fail too."),
    IniSetting("launchready_p95_ms", "string", "500", v.number(1, 600_000), "p95 latency budget per route under load, in milliseconds."),
    IniSetting("launchready_load_users", "string", "25", v.whole(1, 10_000), "Concurrent users for the load check."),
    IniSetting("launchready_max_error_rate", "string", "0.01", v.number(0, 1), "Highest error rate allowed under load (0.01 = 1%)."),
    IniSetting("launchready_allow_hosts", "linelist", [], v.lowercase_items, "Hosts other than loopback that state-changing checks may send to."),
    IniSetting("launchready_timeout", "string", "10", v.number(0.1, 600), "Seconds every request may take."),
    IniSetting("launchready_waivers", "linelist", [], v.waivers, "'test-id-pattern: reason' for accepted findings (shown as waived, never hidden)."),
)

#: Command-line options in ``pytest --help`` order.
OPTIONS: tuple[CommandLineOption, ...] = (
    CommandLineOption("--launchready", "Generate and run the launch checklist tests.", "enabled", action="store_true"),
    CommandLineOption("--launchready-url", "Base URL of a running server to test (overrides launchready_base_url).", "base_url", metavar="URL"),
    CommandLineOption("--launchready-checks", f"Run only these checks: {_BUILT}.", "checks", v.checks_or_all, metavar="a,b", type=v.check_list),
    CommandLineOption("--launchready-strict", "WARN and NOT RUN fail the run too.", "strict", v.flag, action="store_true", default=False),
    CommandLineOption("--launchready-fuzz-seed", "Seed for generated data (default: fixed, 0).", "fuzz_seed", v.number_or_zero, metavar="N", type=v.non_negative_int),
    CommandLineOption("--launchready-report", "Also write the launch scorecard as JSON to PATH.", "report_path", v.text_or_empty, metavar="PATH"),
)


class Source(NamedTuple):
    """Where one ``Settings`` attribute comes from: an ini key, a command-line option, or both."""

    field: str
    ini: IniSetting | None
    option: CommandLineOption | None

    @property
    def key(self) -> str:
        """The name a bad value is reported under: the ini key, else the option."""
        return self.ini.name if self.ini else self.option.flag if self.option else self.field

    @property
    def parse(self) -> Parser:
        """The ini key's parser, which reads an overriding option too; else the option's."""
        parser = self.ini.parse if self.ini else self.option.parse if self.option else None
        assert parser is not None, f"no parser for Settings.{self.field}"
        return parser

    def raw(self, config: pytest.Config) -> Any:
        """The raw value: the command-line option when given (not absent, not empty), else the ini key."""
        value = config.getoption(self.option.dest, None) if self.option else None
        if self.ini and (value is None or value == ""):
            value = config.getini(self.ini.name)
        return value

    def raw_default(self) -> Any:
        """The raw value when nothing is set."""
        return self.ini.default if self.ini else self.option.default if self.option else None


def _sources() -> dict[str, Source]:
    options = {option.field: option for option in OPTIONS}
    sources = {s.field: Source(s.field, s, options.get(s.field)) for s in INI_SETTINGS}
    sources.update((field, Source(field, None, option)) for field, option in options.items() if field not in sources)
    return sources


#: ``Settings`` attribute -> its source, in reading order (ini keys in table order, then the options alone).
SOURCES: dict[str, Source] = _sources()

