"""Command-line options and ini keys: registered for every pytest run, so this stays cheap.

The table :data:`INI_SETTINGS` is the single source for ``pytest --help``,
docs/configuration.md and :func:`pytest_launchready.config.settings.read_settings`. It imports nothing
beyond the standard library and pytest.
"""

from __future__ import annotations

import argparse
from typing import Any, NamedTuple

import pytest

from pytest_launchready.config.check_names import CHECK_MODULES, CHECK_NAMES

DOCS_URL = "https://github.com/pytest-launchready/pytest-launchready/blob/main/docs/configuration.md"


class IniSetting(NamedTuple):
    """One ini key: its pytest type (``string``, ``linelist``, ``bool``), default and help."""

    name: str
    type: str
    default: Any
    help: str


INI_SETTINGS: tuple[IniSetting, ...] = (
    IniSetting("launchready", "bool", False, "Generate the launch checklist tests (same as --launchready)."),
    IniSetting("launchready_app", "string", "", "ASGI/WSGI app or zero-argument factory, 'package.module:attr', tested in-process."),
    IniSetting("launchready_base_url", "string", "", "Base URL of a running server to test (or --launchready-url)."),
    IniSetting("launchready_openapi", "string", "", "OpenAPI/Swagger spec: a file path, or a URL path on the target. Default: introspect the app, or fetch the usual spec paths."),
    IniSetting("launchready_public_routes", "linelist", [], "Routes public by design, 'METHOD /path' one per line; everything else must fail closed."),
    IniSetting("launchready_exclude_routes", "linelist", [], "Routes never probed, 'METHOD /path' or '* /path' one per line."),
    IniSetting("launchready_roles", "linelist", ["owner", "admin", "member"], "Roles, highest first; tenant_a and tenant_b use the first."),
    IniSetting("launchready_role_routes", "linelist", [], "'ROLE: METHOD /path': operations only ROLE and higher may call."),
    IniSetting("launchready_shared_routes", "linelist", [], "Routes whose data is legitimately shared across tenants, 'METHOD /path'."),
    IniSetting("launchready_deny_status", "linelist", ["401", "403"], "4xx status codes that count as a denial of access (404 also counts for a foreign tenant's object); 2xx/3xx/5xx are refused."),
    IniSetting("launchready_jwt_key", "string", "", "env:VARNAME holding the JWT signing secret or private key, for minting expired tokens."),
    IniSetting("launchready_jwt_public_key", "string", "", "env:VARNAME or a file path holding the JWT public key (RS/ES algorithms), for key-confusion tests."),
    IniSetting("launchready_logout_route", "string", "", "'METHOD /path' that logs the caller out, when no launchready_logout fixture is given."),
    IniSetting("launchready_privileged_fields", "linelist", [], "Extra body fields that must not be mass-assignable (added to role, is_admin, org_id, ...)."),
    IniSetting("launchready_allowed_origins", "linelist", [], "Browser origins allowed by CORS, e.g. https://app.example.com."),
    IniSetting("launchready_rate_limited", "linelist", [], "Routes that must throttle, 'METHOD /path' (default: login-like routes found by discovery)."),
    IniSetting("launchready_rate_limit_burst", "string", "50", "Requests in a burst that must draw a 429."),
    IniSetting("launchready_rate_limit_window", "string", "10", "Seconds a burst may take at most."),
    IniSetting("launchready_tls_min_days", "string", "14", "Days a TLS certificate must still be valid."),
    IniSetting("launchready_ca_bundle", "string", "", "PEM file of CA certificates to trust for an https target (default: the system store)."),
    IniSetting("launchready_http_url", "string", "", "Plain-http URL of the same site, for the http->https redirect check (default: the https base URL's host on port 80)."),
    IniSetting("launchready_secret_paths", "linelist", [], "Built bundles, static folders and log files to scan for secrets (default: dist build .next static public, *.log)."),
    IniSetting("launchready_secret_allowlist", "linelist", [], "Secret findings to accept: a fingerprint, or a path glob."),
    IniSetting("launchready_mail_domains", "linelist", [], "Domains that send mail (SPF, DKIM, DMARC, MX are checked)."),
    IniSetting("launchready_dkim_selectors", "linelist", [], "DKIM selectors to check for each mail domain."),
    IniSetting("launchready_nameservers", "linelist", [], "DNS servers to ask, 'host[:port]' (default: the system resolver)."),
    IniSetting("launchready_mail_samples", "linelist", [], "Raw signed messages (.eml) whose DKIM signature and alignment are verified."),
    IniSetting("launchready_strict_mail", "bool", False, "Mail warnings fail too."),
    IniSetting("launchready_p95_ms", "string", "500", "p95 latency budget per route under load, in milliseconds."),
    IniSetting("launchready_load_users", "string", "25", "Concurrent users for the load check."),
    IniSetting("launchready_max_error_rate", "string", "0.01", "Highest error rate allowed under load (0.01 = 1%)."),
    IniSetting("launchready_allow_hosts", "linelist", [], "Hosts other than loopback that state-changing checks may send to."),
    IniSetting("launchready_timeout", "string", "10", "Seconds every request may take."),
    IniSetting("launchready_waivers", "linelist", [], "'test-id-pattern: reason' for accepted findings (shown as waived, never hidden)."),
)

def add_options(parser: pytest.Parser) -> None:
    """Register the command-line options and ini keys (cheap: runs for every pytest start)."""
    group = parser.getgroup("launchready", "launch checklist (pytest-launchready)")
    group.addoption("--launchready", action="store_true", default=None, help="Generate and run the launch checklist tests.")
    group.addoption("--launchready-url", metavar="URL", default=None, help="Base URL of a running server to test (overrides launchready_base_url).")
    group.addoption("--launchready-checks", metavar="a,b", type=_check_list, default=None, help=f"Run only these checks: {', '.join(n for n in CHECK_NAMES if n in CHECK_MODULES)}.")
    group.addoption("--launchready-strict", action="store_true", default=False, help="WARN and NOT RUN fail the run too.")
    group.addoption("--launchready-fuzz-seed", metavar="N", type=_non_negative_int, default=None, help="Seed for generated data (default: fixed, 0).")
    group.addoption("--launchready-report", metavar="PATH", default=None, help="Also write the launch scorecard as JSON to PATH.")
    for setting in INI_SETTINGS:
        parser.addini(setting.name, setting.help, type=setting.type, default=setting.default)  # type: ignore[arg-type]


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


def is_enabled(config: pytest.Config) -> bool:
    """True when ``--launchready`` or ini ``launchready = true`` asks for the generated tests."""
    option = config.getoption("launchready", None)
    return bool(option if option is not None else config.getini("launchready"))
