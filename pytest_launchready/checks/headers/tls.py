"""The ``tls certificate`` and ``tls version`` cases, judged on the facts :mod:`pytest_launchready.target.tls`
gathers from real handshakes with the https target."""

from __future__ import annotations

import ssl

import httpx

from pytest_launchready.checks import Case
from pytest_launchready.checks.context import RunContext
from pytest_launchready.checks.evidence import fail
from pytest_launchready.checks.finding import HIGH, MEDIUM
from pytest_launchready.checks.headers.observe import DOCS


def _host_port(ctx: RunContext) -> tuple[str, int]:
    url = httpx.URL(ctx.settings.base_url)
    return url.host, url.port or 443


def _handshake_failed(ctx: RunContext, host: str, port: int, exc: Exception) -> None:
    fail(f"Could not complete a TLS handshake with {host}:{port} ({type(exc).__name__}: {exc}).",
         "browsers cannot connect either.", "Serve TLS on this port with a certificate for the host.",
         redact=ctx.redact, docs=DOCS, severity=HIGH)


def run_certificate(ctx: RunContext, case: Case) -> None:
    """The certificate must verify (chain, host name) and stay valid beyond ``launchready_tls_min_days``."""
    from pytest_launchready.target.tls import fetch_certificate, trust_context, verification_error

    host, port = _host_port(ctx)
    timeout = ctx.settings.timeout
    try:
        certificate = fetch_certificate(host, port, timeout)
        error = verification_error(host, port, timeout, trust_context(ctx.settings.ca_bundle, ctx.settings.rootpath))
    except (OSError, ssl.SSLError) as exc:
        _handshake_failed(ctx, host, port, exc)
    problems = []
    if error:
        trust = f"the CAs in launchready_ca_bundle ({ctx.settings.ca_bundle})" if ctx.settings.ca_bundle else "the system trust store"
        problems.append(f"it does not verify against {trust}: {error}")
    days = certificate.days_left()
    minimum = ctx.settings.tls_min_days
    if 0 <= days <= minimum:
        problems.append(f"it expires in {days:.1f} days ({certificate.not_after:%Y-%m-%d %H:%M} UTC), within "
                        f"launchready_tls_min_days = {minimum}")
    elif days < 0 and not error:
        problems.append(f"it expired {-days:.1f} days ago")
    if problems:
        fail(f"TLS handshake with {host}:{port}: the certificate ({certificate.describe()}) fails:\n"
             + "\n".join(f"  - {p}" for p in problems),
             "browsers refuse a certificate that is expired, for another host or from an unknown CA, and one about to "
             "expire takes the site down the day it does.",
             "Automate renewal (ACME/certbot, or your cloud's managed certificates) with an alert 30 days before expiry; "
             f"serve a certificate whose names cover {host}, with its full chain. A private CA? Point "
             "launchready_ca_bundle at it.", redact=ctx.redact, docs=DOCS,
             # Not verifying or expired: browsers refuse it now; about to expire: an outage to come.
             severity=HIGH if error or days < 0 else MEDIUM)


def run_version(ctx: RunContext, case: Case) -> None:
    """The negotiated protocol must be TLS 1.2 or newer, and legacy versions must be refused."""
    from pytest_launchready.target.tls import MINIMUM_VERSION, accepts_legacy, negotiated_version, older_than_minimum

    host, port = _host_port(ctx)
    timeout = ctx.settings.timeout
    version: str | None
    try:
        version = negotiated_version(host, port, timeout)
    except ssl.SSLError:
        version = None  # nothing this client offers by default: maybe legacy only
    except OSError as exc:
        _handshake_failed(ctx, host, port, exc)
    legacy = accepts_legacy(host, port, timeout)
    problems = []
    if version is not None and older_than_minimum(version):
        problems.append(f"it negotiated {version} when offered up to TLS 1.3")
    if legacy and version is None:
        problems.append(f"it only accepts {legacy}: a client offering TLS 1.2 and 1.3 cannot connect at all")
    elif legacy:
        problems.append(f"it accepts {legacy} when a client offers nothing newer")
    if version is None and not legacy:
        _handshake_failed(ctx, host, port, ssl.SSLError("no TLS version this client offers was accepted"))
    if problems:
        fail(f"TLS handshakes with {host}:{port}:\n" + "\n".join(f"  - {p}" for p in problems),
             f"TLS 1.0 and 1.1 are deprecated (RFC 8996) and broken; a server must require {MINIMUM_VERSION} or newer.",
             "Set the minimum protocol to TLS 1.2 at your load balancer or proxy (nginx: ssl_protocols TLSv1.2 TLSv1.3; "
             "AWS: an ELBSecurityPolicy-TLS13-1-2 policy).", redact=ctx.redact, docs=DOCS, severity=MEDIUM)
