"""The headers check: response headers and cookies in-process, and TLS against a real https server on
127.0.0.1 with trustme certificates (valid, expired, expiring soon, wrong host, legacy protocols)."""

from __future__ import annotations

import json
from typing import Iterator

import cryptography.x509  # noqa: F401 - imported once here: pytester's in-process runs unload what they import
import fastapi  # noqa: F401
import httpcore  # noqa: F401 - httpx imports it lazily and caches its exception classes: keep one copy loaded
import httpx
import pytest
import trustme

import pytest_launchready.target.tls  # noqa: F401
from pytest_launchready.checks import Plan
from pytest_launchready.checks.appwide import APP_WIDE_ID
from pytest_launchready.checks.headers.check import CHECK
from pytest_launchready.checks.headers.cookies import cookie_kind, judge_cookie, parse_set_cookie
from pytest_launchready.checks.headers.redirect import judge_redirect
from pytest_launchready.checks.headers.rules import frame_protected, hsts_max_age, judge_headers, referrer_policy
from pytest_launchready.routes import Route
from pytest_launchready.config.settings import Settings
from support.projects import make_project
from support.runs import CaseRun, junit_verdicts
from support.tls_server import OPENAPI, SECURE_HEADERS, Site, free_port, issue

ARGS = ("--launchready", "--launchready-checks=headers", "-p", "no:cacheprovider", "-rs")
GET_ROUTES = ["GET /csrf", "GET /health", "GET /legacy", "GET /openapi.json"]
TLS_IDS = ["https redirect", "tls certificate", "tls version"]
SESSION_VALUE = "s3ss10n-8c1f0e2d7a9b4c6e8f0a1b2c3d4e5f60"
COVERED = "COVERED: covered by test_headers[app-wide]"


# --- Judging (unit) -------------------------------------------------------------------------------


def test_hsts_max_age() -> None:
    assert hsts_max_age("max-age=31536000; includeSubDomains") == 31536000
    assert hsts_max_age('includeSubDomains; max-age="600"') == 600
    assert hsts_max_age("includeSubDomains") is None and hsts_max_age("max-age=soon") is None


def test_frame_protection() -> None:
    assert frame_protected(httpx.Headers({"X-Frame-Options": "DENY"}))
    assert frame_protected(httpx.Headers({"X-Frame-Options": "sameorigin"}))
    assert not frame_protected(httpx.Headers({"X-Frame-Options": "ALLOW-FROM https://a.test"}))
    assert frame_protected(httpx.Headers({"Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'"}))
    assert frame_protected(httpx.Headers({"Content-Security-Policy": "frame-ancestors 'self' https://partner.test"}))
    assert not frame_protected(httpx.Headers({"Content-Security-Policy": "frame-ancestors *"}))
    assert not frame_protected(httpx.Headers({"Content-Security-Policy-Report-Only": "frame-ancestors 'none'"}))


def test_referrer_policy_takes_the_last_known_token() -> None:
    assert referrer_policy(httpx.Headers()) is None
    assert referrer_policy(httpx.Headers({"Referrer-Policy": "no-referrer, unsafe-url"})) == "unsafe-url"
    assert referrer_policy(httpx.Headers({"Referrer-Policy": "strict-origin-when-cross-origin, bogus"})) == "strict-origin-when-cross-origin"
    assert referrer_policy(httpx.Headers({"Referrer-Policy": "bogus"})) == ""


def test_hsts_fails_only_on_https() -> None:
    headers = {k: v for k, v in SECURE_HEADERS.items() if k != "Strict-Transport-Security"}
    on_http = judge_headers(httpx.Headers(headers), https=False)
    on_https = judge_headers(httpx.Headers(headers), https=True)
    assert not on_http.failures and len(on_http.warnings) == 1
    assert len(on_https.failures) == 1 and not on_https.warnings
    assert not judge_headers(httpx.Headers(SECURE_HEADERS), https=True).failures


@pytest.mark.parametrize(
    ("header", "kind"),
    [
        ("sessionid=abc; HttpOnly", "session"),
        ("PHPSESSID=abc", "session"),
        ("connect.sid=abc", "session"),
        ("__Secure-next-auth.session-token=abc", "session"),
        ("access_token=abc", "session"),
        ("remember_token=abc", "session"),
        ("prefs=eyJhbGciOiJIUzI1NiJ9.e30.sig", "session"),
        ("blob=8c1f0e2d7a9b4c6e8f0a1b2c3d4e5f60abcd", "session"),
        ("csrftoken=abc", "csrf"),
        ("XSRF-TOKEN=abc", "csrf"),
        ("theme=dark", "other"),
        ("accessibility_mode=high", "other"),
        ("_ga=GA1.1.123456789.1700000000", "other"),
    ],
)
def test_cookie_kinds(header: str, kind: str) -> None:
    cookie = parse_set_cookie(header)
    assert cookie is not None and cookie_kind(cookie) == kind


def test_cookie_rules() -> None:
    def problems(header: str, https: bool = True) -> tuple[int, int]:
        cookie = parse_set_cookie(header)
        assert cookie is not None
        verdict = judge_cookie(cookie, https)
        return len(verdict.failures), len(verdict.warnings)

    assert problems("session=x; HttpOnly; Secure; SameSite=Lax") == (0, 0)
    assert problems("session=x; Secure; SameSite=Strict") == (1, 0)  # no HttpOnly
    assert problems("session=x; HttpOnly; Secure") == (1, 0)  # no SameSite
    assert problems("session=x; HttpOnly; SameSite=Lax") == (1, 0)  # no Secure on https...
    assert problems("session=x; HttpOnly; SameSite=Lax", https=False) == (0, 1)  # ...a WARN on http
    assert problems("session=x; HttpOnly; Secure; SameSite=None") == (0, 1)  # an embedded widget may need it
    assert problems("session=x; HttpOnly; SameSite=None", https=False) == (1, 1)
    assert problems("csrftoken=x; Secure; SameSite=Lax") == (0, 0)  # readable by JS by design
    assert problems("__Host-id=x; Path=/") == (1, 0)
    assert problems("theme=dark") == (0, 0)
    assert parse_set_cookie("session=; Max-Age=0").deleted  # type: ignore[union-attr]
    assert parse_set_cookie("session=x; Expires=Thu, 01 Jan 1970 00:00:00 GMT").deleted  # type: ignore[union-attr]
    assert not parse_set_cookie("session=x; Max-Age=60").deleted  # type: ignore[union-attr]


def _answer(status: int, location: str | None = None) -> httpx.Response:
    headers = {"Location": location} if location else {}
    return httpx.Response(status, headers=headers, request=httpx.Request("GET", "http://site.test/"))


def test_redirect_rules() -> None:
    assert judge_redirect(_answer(301, "https://site.test/")) == (None, None)
    assert judge_redirect(_answer(308, "https://site.test:8443/x")) == (None, None)
    assert judge_redirect(_answer(200))[0] is not None
    assert judge_redirect(_answer(302, "/login"))[0] is not None  # relative: still http
    assert judge_redirect(_answer(301, "http://site.test/"))[0] is not None
    failure, warning = judge_redirect(_answer(301, "https://www.site.test/"))
    assert failure is None and warning is not None


def test_cases_and_not_run_reasons() -> None:
    routes = (Route("GET", "/a"), Route("POST", "/a"), Route("GET", "/b"))
    in_process = list(CHECK.cases(Plan(Settings(app="x:app"), routes)))
    assert [c.id for c in in_process] == [APP_WIDE_ID, "GET /a", "GET /b", "cookies", *TLS_IDS]
    assert all((c.not_run or "").startswith("target is not https") for c in in_process[4:])
    assert in_process[0].not_run is None and not in_process[0].counts_as_route
    own_port = list(CHECK.cases(Plan(Settings(base_url="https://127.0.0.1:8443"), routes)))
    assert "set launchready_http_url" in (own_port[4].not_run or "") and not own_port[5].not_run
    default_port = list(CHECK.cases(Plan(Settings(base_url="https://app.example.com"), routes)))
    assert not any(c.not_run for c in default_port)
    no_get = list(CHECK.cases(Plan(Settings(app="x:app"), (Route("POST", "/a"),))))
    assert [c.id for c in no_get][:2] == [APP_WIDE_ID, "GET /"]
    assert "fewer than 2 GET routes to probe" in (no_get[0].not_run or "")


# --- In-process, through the plugin ---------------------------------------------------------------


def in_process(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, flaw: str = "", *args: str) -> CaseRun:
    monkeypatch.setenv("HEADERS_FLAW", flaw)
    make_project(pytester, "headers_fastapi", "launchready_public_routes =\n    GET /health\n"
                 "    GET /legacy\n    GET /csrf\n    POST /auth/login\n")
    return CaseRun(pytester, *ARGS, *args)


def test_secure_app_passes_and_tls_is_not_run_in_process(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    run = in_process(pytester, monkeypatch)
    assert run.ids("passed") == [*GET_ROUTES, APP_WIDE_ID, "cookies"]
    assert run.ids("failed") == [] and run.warnings() == []
    assert run.ids("skipped") == TLS_IDS
    assert all("NOT RUN: target is not https" in run.reasons()[i] for i in TLS_IDS)
    assert run.result.ret == 0


@pytest.mark.parametrize(
    ("flaw", "failing", "said"),
    [
        ("no-nosniff", [APP_WIDE_ID], "X-Content-Type-Options: nosniff is missing"),
        ("no-frame", [APP_WIDE_ID], "no frame protection"),
        ("unsafe-referrer", [APP_WIDE_ID], "Referrer-Policy: unsafe-url"),
        ("legacy-route", ["GET /legacy"], "Referrer-Policy is missing"),
        ("cookie-not-httponly", ["cookies"], "session cookie session (Path=/; Secure; SameSite=Lax) lacks HttpOnly"),
        ("cookie-no-samesite", ["cookies"], "has no SameSite"),
    ],
)
def test_each_missing_protection_fails_exactly_its_ids(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch,
                                                       flaw: str, failing: list[str], said: str) -> None:
    run = in_process(pytester, monkeypatch, flaw)
    covered = GET_ROUTES if failing == [APP_WIDE_ID] else []
    assert run.ids("failed") == sorted(failing)
    assert run.ids("passed") == sorted(set(GET_ROUTES + [APP_WIDE_ID, "cookies"]) - set(failing) - set(covered))
    assert run.ids("skipped") == sorted(covered + TLS_IDS)
    assert all(COVERED in run.reasons()[route] for route in covered)
    assert said in run.message_text() and "Docs: docs/checks/headers.md" in run.message_text()
    assert SESSION_VALUE not in run.output  # the cookie's value is never printed


def test_one_missing_header_middleware_is_one_app_wide_failure(pytester: pytest.Pytester,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    run = in_process(pytester, monkeypatch, "no-nosniff,no-frame,no-hsts")
    assert run.ids("failed") == [APP_WIDE_ID]
    [message] = run.messages()
    # The covered routes' warnings are told once, in the failure, as a failing route's are in its own.
    assert run.warnings() == [] and "Also (warnings):\n  - (on 4 routes) Strict-Transport-Security is missing" in message
    assert message.startswith("AssertionError: [LOW] 4 of 4 GET routes miss the same security headers")
    assert "X-Content-Type-Options: nosniff is missing" in message and "no frame protection" in message
    assert f"Routes (4): {', '.join(GET_ROUTES)}." in message
    assert "Evidence and curl: GET /csrf (as /csrf, anonymous)." in message and "curl -i -X GET" in message
    run.stdout.fnmatch_lines(["headers*FAIL*4/4 routes*1 finding (app-wide, 4 routes): test_headers?app-wide?*"])


def test_a_route_missing_more_than_the_app_fails_on_its_own_for_the_rest(pytester: pytest.Pytester,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    # Every response lacks nosniff; GET /legacy bypasses the middleware and lacks the others too.
    run = in_process(pytester, monkeypatch, "no-nosniff,legacy-route")
    assert run.ids("failed") == ["GET /legacy", APP_WIDE_ID]
    assert run.ids("skipped") == sorted(["GET /csrf", "GET /health", "GET /openapi.json", *TLS_IDS])
    wide = next(m for m in run.messages() if "miss the same security headers" in m)
    assert "Routes (3): GET /csrf, GET /health, GET /openapi.json." in wide
    assert "Also shown, with more faults of their own (each fails its own test for the rest): GET /legacy." in wide
    legacy = next(m for m in run.messages() if "for GET /legacy" in m)
    assert "besides what test_headers[app-wide] reports for the app" in legacy
    assert "no frame protection" in legacy and "Referrer-Policy is missing" in legacy
    assert "nosniff" not in legacy.split("What came back")[0]


def test_a_route_missing_a_header_alone_fails_on_its_own(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    run = in_process(pytester, monkeypatch, "legacy-route")
    assert run.ids("failed") == ["GET /legacy"] and APP_WIDE_ID in run.ids("passed")


def test_xdist_gives_the_same_ids_and_verdicts(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HEADERS_FLAW", "no-nosniff,legacy-route")
    make_project(pytester, "headers_fastapi", "launchready_public_routes =\n    GET /health\n    GET /legacy\n"
                 "    GET /csrf\n    POST /auth/login\n")
    pytester.runpytest_subprocess(*ARGS, "--junitxml=alone.xml")
    spread = pytester.runpytest_subprocess(*ARGS, "-n", "2", "--dist=load", "--junitxml=spread.xml")
    verdicts = junit_verdicts(pytester.path / "spread.xml")
    assert verdicts == junit_verdicts(pytester.path / "alone.xml")
    assert {case for case, verdict in verdicts.items() if verdict == "failed"} == {APP_WIDE_ID, "GET /legacy"}
    assert {case for case, verdict in verdicts.items() if verdict.startswith(COVERED)} == {
        "GET /csrf", "GET /health", "GET /openapi.json"}
    spread.stdout.fnmatch_lines(["headers*FAIL*4/4 routes*2 findings (1 app-wide on 3 routes, 1 per route)*"])


@pytest.mark.parametrize(
    ("flaw", "warned", "said"),
    [
        ("no-hsts", 4, "Strict-Transport-Security is missing"),
        ("short-hsts", 4, "has max-age 86400"),
        ("cookie-not-secure", 1, "lacks Secure"),
        ("csp-frame-ancestors", 0, ""),
    ],
)
def test_weaknesses_on_a_plain_http_target_are_warnings(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch,
                                                        flaw: str, warned: int, said: str) -> None:
    run = in_process(pytester, monkeypatch, flaw)
    assert run.ids("failed") == [] and run.ids("passed") == [*GET_ROUTES, APP_WIDE_ID, "cookies"]
    assert len(run.warnings()) == warned and all(said in w for w in run.warnings())


def test_no_cookie_at_all_is_not_run(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    run = in_process(pytester, monkeypatch, "no-cookies")
    assert run.ids("skipped") == ["cookies", *TLS_IDS]
    assert "no cookie set by the 5 public GET and login routes" in run.reasons()["cookies"]


# --- A real https server on 127.0.0.1 --------------------------------------------------------------


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def project(pytester: pytest.Pytester, ca: trustme.CA) -> Iterator[pytest.Pytester]:
    ca.cert_pem.write_to_path(str(pytester.path / "ca.pem"))
    (pytester.path / "openapi.json").write_text(json.dumps(OPENAPI))
    yield pytester


def live(pytester: pytest.Pytester, site: Site, *args: str, http_url: str | None = None, extra: str = "") -> CaseRun:
    pytester.makeini(f"[pytest]\nlaunchready_base_url = {site.https_url}\nlaunchready_openapi = openapi.json\n"
                     f"launchready_ca_bundle = ca.pem\nlaunchready_http_url = {http_url or site.http_url}\n{extra}")
    return CaseRun(pytester, *ARGS, *args)


def test_a_sound_https_site_passes_every_tls_test(project: pytest.Pytester, ca: trustme.CA) -> None:
    with Site(issue(ca)) as site:
        run = live(project, site)
    assert run.ids("passed") == ["GET /health", *TLS_IDS]
    assert run.ids("skipped") == [APP_WIDE_ID, "cookies"] and run.warnings() == []
    assert "fewer than 2 GET routes to probe" in run.reasons()[APP_WIDE_ID]


@pytest.mark.parametrize(
    ("cert", "said"),
    [
        ({"expired": True}, "certificate has expired"),
        ({"days": 5}, "it expires in 5.0 days"),
        ({"host": "localhost"}, "mismatch"),
    ],
    ids=["expired", "expiring soon", "wrong host"],
)
def test_bad_certificates_fail_the_certificate_test(project: pytest.Pytester, ca: trustme.CA, cert: dict[str, object],
                                                    said: str) -> None:
    with Site(issue(ca, **cert)) as site:  # type: ignore[arg-type]
        run = live(project, site, "-k", "tls or redirect")
    assert run.ids("failed") == ["tls certificate"]
    assert run.ids("passed") == ["https redirect", "tls version"]
    assert said in run.message_text()


def test_an_untrusted_ca_fails_the_certificate_test(project: pytest.Pytester) -> None:
    stranger = trustme.CA()
    with Site(issue(stranger)) as site:
        run = live(project, site, "-k", "tls")
    assert run.ids("failed") == ["tls certificate"]
    assert "does not verify against the CAs in launchready_ca_bundle" in run.message_text()


def test_tls_min_days_is_honoured(project: pytest.Pytester, ca: trustme.CA) -> None:
    with Site(issue(ca, days=20)) as site:
        default = live(project, site, "-k", "certificate")
        stricter = live(project, site, "-k", "certificate", extra="launchready_tls_min_days = 30")
    assert default.ids("passed") == ["tls certificate"]
    assert stricter.ids("failed") == ["tls certificate"]


@pytest.mark.parametrize(("legacy", "said"), [({"legacy_tls": True}, "it accepts TLSv1.1"),
                                              ({"legacy_only": True}, "it only accepts TLSv1.1")])
def test_legacy_protocols_fail_the_version_test(project: pytest.Pytester, ca: trustme.CA, legacy: dict[str, bool],
                                                said: str) -> None:
    with Site(issue(ca), **legacy) as site:
        run = live(project, site, "-k", "version")
    assert run.ids("failed") == ["tls version"]
    assert said in run.message_text()


@pytest.mark.parametrize(("http", "said"), [("serve", "it answered 200 instead of redirecting"),
                                            ("to-http", "its first redirect goes to http://127.0.0.1:9/")])
def test_http_that_does_not_go_to_https_fails_the_redirect_test(project: pytest.Pytester, ca: trustme.CA, http: str,
                                                                said: str) -> None:
    with Site(issue(ca), http=http) as site:
        run = live(project, site, "-k", "redirect")
    assert run.ids("failed") == ["https redirect"]
    assert said in run.message_text()


def test_nothing_on_http_is_a_warning(project: pytest.Pytester, ca: trustme.CA) -> None:
    with Site(issue(ca)) as site:
        run = live(project, site, "-k", "redirect", http_url=f"http://127.0.0.1:{free_port()}")
    assert run.ids("passed") == ["https redirect"]
    assert len(run.warnings()) == 1 and "nothing answered" in run.warnings()[0]


def test_missing_hsts_fails_on_an_https_target(project: pytest.Pytester, ca: trustme.CA) -> None:
    headers = {k: v for k, v in SECURE_HEADERS.items() if k != "Strict-Transport-Security"}
    with Site(issue(ca), headers=headers) as site:
        run = live(project, site, "-k", "GET")
    assert run.ids("failed") == ["GET /health"]
    assert "Strict-Transport-Security is missing" in run.message_text()


def test_collect_only_pins_the_ids(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HEADERS_FLAW", "")
    make_project(pytester, "headers_fastapi")
    result = pytester.runpytest_inprocess(*ARGS, "--collect-only", "-q")
    collected = [line for line in result.outlines if line.startswith("launchready::")]
    assert collected == [f"launchready::test_headers[{i}]" for i in [APP_WIDE_ID, *GET_ROUTES, "cookies", *TLS_IDS]]
