"""The cors check as users meet it, through real middleware: Starlette's CORSMiddleware and flask-cors.

Every vulnerable configuration fails, naming exactly the hostile origins it lets through: once, as
``test_cors[app-wide]``, when one setting exposes every route the same way (the routes' own tests are
then covered), and per route where a route differs. The secure ones (and a public wildcard without
credentials) come out green.
"""

from __future__ import annotations

import re

import fastapi  # noqa: F401 - imported once here: pytester's in-process runs unload what they import
import flask_cors  # noqa: F401
import httpcore  # noqa: F401 - httpx imports it lazily and caches its exception classes: keep one copy loaded
import pytest

from pytest_launchready.checks import Plan
from pytest_launchready.checks.appwide import APP_WIDE_ID, find_shared
from pytest_launchready.checks.cors.check import CHECK, LOOK_ALIKES_ID
from pytest_launchready.checks.cors.origins import derive, hostile_origins, is_allowed, parse_origin, sample_allowed
from pytest_launchready.routes import Route
from pytest_launchready.config.settings import Settings
from support.projects import make_project
from support.runs import CaseRun, junit_verdicts

FRONTEND = "https://app.example.com"
ARGS = ("--launchready", "--launchready-checks=cors", "-p", "no:cacheprovider")
FASTAPI_ROUTES = ["GET /health", "GET /items", "POST /items", "GET /openapi.json"]
FLASK_ROUTES = ["GET /health", "GET /items", "POST /items"]
COVERED = "COVERED: covered by test_cors[app-wide]"


# --- Hostile origins (unit) -----------------------------------------------------------------------


def test_look_alikes_of_one_allowed_origin_in_a_fixed_order() -> None:
    assert hostile_origins((FRONTEND,)) == [
        "https://evil.test",
        "null",
        "https://app.example.com.evil.test",
        "https://evilapp.example.com",
        "https://evil-example.com",
        "https://appXexample.com",
        "http://app.example.com",
        "https://evil.app.example.com",
        "https://app.example.com%60.evil.test",
        "https://app.example.com_.evil.test",
        "https://app.example.com!.evil.test",
    ]


def test_without_an_allowlist_only_generic_origins() -> None:
    assert hostile_origins(()) == ["https://evil.test", "null"]


def test_nothing_the_allowlist_allows_is_called_hostile() -> None:
    allowed = ("https://*.example.com", "http://app.example.com:8080", "https://example.com")
    origins = hostile_origins(allowed)
    assert "https://evil.example.com" not in origins  # any subdomain is allowed by the wildcard
    assert not [o for o in origins if o != "null" and is_allowed(o, allowed)]
    assert "http://app.example.com.evil.test:8080" in origins  # the port stays
    assert len(origins) == len(set(origins))
    assert hostile_origins(allowed) == origins  # deterministic


def test_parsing_and_sample_origins() -> None:
    assert parse_origin("HTTPS://App.Example.com:443/") == parse_origin("https://app.example.com")
    assert parse_origin("null") is None and parse_origin("app.example.com") is None
    assert parse_origin("https://*.example.com") is not None and parse_origin("https://*.example.com").wildcard  # type: ignore[union-attr]
    assert sample_allowed("https://*.example.com") == "https://app.example.com"
    assert not is_allowed("null", ("null",))
    ip = [h.kind for h in derive(("https://127.0.0.1:8443",))]
    assert "subdomain" not in ip and "suffix" not in ip and "prefix" in ip


def test_cases_one_per_route_and_look_alikes_not_run_without_allowlist() -> None:
    routes = (Route("GET", "/a"), Route("POST", "/a"))
    without = list(CHECK.cases(Plan(Settings(), routes)))
    assert [c.id for c in without] == [APP_WIDE_ID, "GET /a", "POST /a", LOOK_ALIKES_ID]
    assert "set launchready_allowed_origins" in (without[-1].not_run or "") and not without[-1].counts_as_route
    assert not without[0].counts_as_route and without[0].not_run is None
    with_allowlist = list(CHECK.cases(Plan(Settings(allowed_origins=(FRONTEND,)), routes)))
    assert [c.id for c in with_allowlist] == [APP_WIDE_ID, "GET /a", "POST /a"] and not any(c.not_run for c in with_allowlist)
    alone = list(CHECK.cases(Plan(Settings(allowed_origins=(FRONTEND,)), routes[:1])))
    assert "fewer than 2 routes to probe" in (alone[0].not_run or "")


def test_the_shared_fault_is_the_one_most_routes_show_exactly() -> None:
    a, b = ("null: the preflight granted it (200)",), ("https://evil.test (an unrelated origin): the preflight granted it (200)",)
    shared = find_shared({"GET /a": a, "GET /b": a, "GET /c": a + b, "GET /d": b, "GET /e": ()})
    assert shared is not None and shared.signature == a
    assert shared.routes == ("GET /a", "GET /b") and shared.beyond == ("GET /c",)
    assert find_shared({"GET /a": a, "GET /b": b, "GET /c": ()}) is None  # nothing shown by 2 routes
    assert find_shared({"GET /a": (), "GET /b": ()}) is None  # no fault at all
    tie = find_shared({"GET /b": a, "GET /c": a, "GET /a": b, "GET /d": b})
    assert tie is not None and tie.signature == b  # a tie goes to the fault of the first route, the same in every worker


def test_a_malformed_allowed_origin_is_a_usage_error() -> None:
    with pytest.raises(pytest.UsageError, match="launchready_allowed_origins = 'app.example.com'"):
        list(CHECK.cases(Plan(Settings(allowed_origins=("app.example.com",)), (Route("GET", "/"),))))
    with pytest.raises(pytest.UsageError, match="null is never safe"):
        list(CHECK.cases(Plan(Settings(allowed_origins=("null",)), (Route("GET", "/"),))))


# --- Through the plugin ---------------------------------------------------------------------------


def run(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, flaw: str = "", app: str = "cors_fastapi",
        allowed: tuple[str, ...] = (FRONTEND,), *args: str) -> CaseRun:
    monkeypatch.setenv("CORS_FLAW", flaw)
    origins = "".join(f"\n    {o}" for o in allowed)
    make_project(pytester, app, f"launchready_public_routes =\n    GET /health\nlaunchready_allowed_origins ={origins}\n")
    return CaseRun(pytester, *ARGS, *args)


def leaked(message: str) -> set[str]:
    """The hostile origins a failure message lists (one per '  - ' line)."""
    return {m.group(1) for m in re.finditer(r"^ {2}- (?:CRITICAL )?(\S+) \(", message, re.MULTILINE)}


def test_secure_starlette_setup_passes_every_route(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    result = run(pytester, monkeypatch, "", "cors_fastapi", (FRONTEND,), "-v")
    assert result.ids("passed") == sorted([APP_WIDE_ID, *FASTAPI_ROUTES])
    assert result.ids("failed") == [] and result.warnings() == []
    result.stdout.fnmatch_lines(["*test_cors?GET /items? PASSED*", "cors*PASS*4/4 routes*"])
    assert result.ret == 0


def test_public_wildcard_without_credentials_is_not_a_finding(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    # Starlette echoes any origin that sends a cookie here, but without credentials: the browser
    # refuses that read, and the cookie-less answer is '*'. A public API may do this.
    result = run(pytester, monkeypatch, "wildcard-public")
    assert result.ids("passed") == sorted([APP_WIDE_ID, *FASTAPI_ROUTES]) and result.warnings() == []


ALL_HOSTILE = set(hostile_origins((FRONTEND,)))


@pytest.mark.parametrize(
    ("flaw", "exposed", "critical"),
    [
        ("reflect-all", ALL_HOSTILE, True),
        ("regex", {"https://evilapp.example.com", "https://evil-example.com", "https://appXexample.com",
                   "https://evil.app.example.com"}, True),
        ("subdomain", {"https://evil.app.example.com"}, True),
        ("null", {"null"}, True),
        ("http-downgrade", {"http://app.example.com"}, True),
        ("preflight-any", ALL_HOSTILE, False),
    ],
)
def test_one_vulnerable_starlette_setup_is_one_app_wide_failure_naming_what_got_through(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, flaw: str, exposed: set[str], critical: bool
) -> None:
    result = run(pytester, monkeypatch, flaw)
    assert result.ids("failed") == [APP_WIDE_ID]
    assert result.ids("skipped") == sorted(FASTAPI_ROUTES)
    assert all(COVERED in reason for reason in result.reasons().values())
    [message] = result.messages()
    listed = leaked(message.split("What came back")[0])
    assert listed <= exposed and len(listed) == min(len(exposed), 8)
    assert ("CRITICAL" in message) is critical
    assert message.startswith(f"AssertionError: [{'CRITICAL' if critical else 'MEDIUM'}] 4 of 4 routes let hostile origins in "
                              "the same way")
    assert "Routes (4): GET /health, GET /items, GET /openapi.json, POST /items." in message
    assert "Evidence and curl: GET /health (as /health, anonymous)." in message
    assert "Reproduce:" in message and "curl -i -X" in message and "Docs: docs/checks/cors.md" in message
    if flaw == "preflight-any":
        assert "the preflight granted it (204)" in message
    result.stdout.fnmatch_lines(["cors*FAIL*4/4 routes*1 finding (app-wide, 4 routes): test_cors?app-wide?*"])


def test_wildcard_with_credentials_fails(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    result = run(pytester, monkeypatch, "wildcard-credentials")
    assert result.ids("failed") == [APP_WIDE_ID] and result.ids("skipped") == sorted(FASTAPI_ROUTES)
    [message] = result.messages()
    assert "Access-Control-Allow-Origin: * with Access-Control-Allow-Credentials: true" in message
    assert "CRITICAL" not in message


def test_a_route_with_its_own_cors_handling_fails_on_its_own(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    result = run(pytester, monkeypatch, "one-route-differs")
    assert result.ids("failed") == ["GET /health", APP_WIDE_ID]
    assert result.ids("skipped") == ["GET /items", "GET /openapi.json", "POST /items"]
    wide = next(m for m in result.messages() if "same way" in m)
    assert "Routes (3): GET /items, GET /openapi.json, POST /items." in wide
    assert "the simple request echoed it with Access-Control-Allow-Credentials: true" in wide
    health = next(m for m in result.messages() if "] Sent simple requests and preflights to GET /health" in m.splitlines()[0])
    assert "Access-Control-Allow-Origin: * with Access-Control-Allow-Credentials: true" in health
    assert "the preflight for GET granted it (200, with credentials)" in health
    result.stdout.fnmatch_lines(["cors*FAIL*4/4 routes*2 findings (1 app-wide on 3 routes, 1 per route)*"])


def test_without_the_app_wide_test_every_route_is_judged_alone(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    # -k leaves test_cors[app-wide] out: a route must not be skipped as covered by a test that does not run.
    result = run(pytester, monkeypatch, "reflect-all", "cors_fastapi", (FRONTEND,), "-k", "not app-wide")
    assert result.ids("failed") == sorted(FASTAPI_ROUTES) and result.ids("skipped") == []


def test_a_waived_app_wide_test_covers_no_route(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    """A waiver accepts the fault it was written for; were the routes still covered, any later fault every
    route shares (credentials turned on) would hide behind it. So each route is judged on its own."""
    monkeypatch.setenv("CORS_FLAW", "reflect-all")
    make_project(pytester, "cors_fastapi", f"launchready_public_routes =\n    GET /health\nlaunchready_allowed_origins =\n"
                 f"    {FRONTEND}\nlaunchready_waivers =\n    test_cors[app-wide]: accepted for the public API\n")
    result = CaseRun(pytester, *ARGS)
    assert result.ids("failed") == sorted(FASTAPI_ROUTES)
    assert result.ids("skipped") == [APP_WIDE_ID]  # waived: told, and covering nothing


def test_covered_routes_count_as_tested_under_strict(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    result = run(pytester, monkeypatch, "reflect-all", "cors_fastapi", (FRONTEND,), "--launchready-strict")
    assert result.ids("failed") == [APP_WIDE_ID] and result.ids("skipped") == sorted(FASTAPI_ROUTES)


def test_allowed_origin_refused_is_a_warning(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    result = run(pytester, monkeypatch, "refuses-allowed")
    assert result.ids("passed") == sorted([APP_WIDE_ID, *FASTAPI_ROUTES])
    warned = result.warnings()
    assert len(warned) == 4 and all("the allowed origin https://app.example.com is refused" in w for w in warned)
    result.stdout.fnmatch_lines(["cors*WARN*4/4 routes*4 warnings*"])
    strict = run(pytester, monkeypatch, "refuses-allowed", "cors_fastapi", (FRONTEND,), "--launchready-strict")
    assert strict.ids("failed") == sorted(FASTAPI_ROUTES)


def test_arbitrary_headers_reflected_with_credentials_is_a_warning(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    result = run(pytester, monkeypatch, "reflect-headers")
    assert result.ids("passed") == sorted([APP_WIDE_ID, *FASTAPI_ROUTES])
    warned = result.warnings()
    assert len(warned) == 4 and all("x-launchready-arbitrary" in w for w in warned)


def test_without_allowlist_generic_origins_still_catch_reflection(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    secure = run(pytester, monkeypatch, "", "cors_fastapi", (), "-rs")
    assert secure.ids("passed") == sorted([APP_WIDE_ID, *FASTAPI_ROUTES])
    assert secure.ids("skipped") == [LOOK_ALIKES_ID]
    secure.stdout.fnmatch_lines(["*NOT RUN: set launchready_allowed_origins to test look-alike origins*"])
    vulnerable = run(pytester, monkeypatch, "reflect-all", "cors_fastapi", ())
    assert vulnerable.ids("failed") == [APP_WIDE_ID]
    assert [leaked(m.split("What came back")[0]) for m in vulnerable.messages()] == [{"https://evil.test", "null"}]


def test_secure_flask_cors_passes(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    result = run(pytester, monkeypatch, "", "cors_flask")
    assert result.ids("passed") == sorted([APP_WIDE_ID, *FLASK_ROUTES]) and result.warnings() == []


@pytest.mark.parametrize(
    ("flaw", "exposed"),
    [
        ("prefix", {"https://app.example.com.evil.test", "https://app.example.com%60.evil.test",
                    "https://app.example.com_.evil.test", "https://app.example.com!.evil.test"}),
        ("reflect-all", ALL_HOSTILE),
    ],
)
def test_vulnerable_flask_cors_setups_fail(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, flaw: str,
                                           exposed: set[str]) -> None:
    result = run(pytester, monkeypatch, flaw, "cors_flask")
    assert result.ids("failed") == [APP_WIDE_ID] and result.ids("skipped") == sorted(FLASK_ROUTES)
    [message] = result.messages()
    listed = leaked(message.split("What came back")[0])
    assert listed <= exposed and len(listed) == min(len(exposed), 8)
    assert "CRITICAL" in message and "Routes (3): GET /health, GET /items, POST /items." in message


def test_foreign_origin_fixture_parametrizes_qa_tests(pytester: pytest.Pytester) -> None:
    pytester.makeini(f"[pytest]\nlaunchready_allowed_origins =\n    {FRONTEND}\n")
    pytester.makepyfile(test_qa="def test_origin(foreign_origin):\n    assert foreign_origin\n")
    result = pytester.runpytest_inprocess("--collect-only", "-q", "-p", "no:cacheprovider")
    collected = [line for line in result.outlines if line.startswith("test_qa.py::")]
    assert collected == [f"test_qa.py::test_origin[{o}]" for o in hostile_origins((FRONTEND,))]


@pytest.mark.parametrize("flaw", ["subdomain", "one-route-differs"])
def test_xdist_gives_the_same_ids_and_verdicts(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, flaw: str) -> None:
    monkeypatch.setenv("CORS_FLAW", flaw)
    make_project(pytester, "cors_fastapi", f"launchready_allowed_origins =\n    {FRONTEND}\n")
    pytester.runpytest_subprocess(*ARGS, "--junitxml=alone.xml")
    spread = pytester.runpytest_subprocess(*ARGS, "-n", "2", "--dist=load", "-rf", "--junitxml=spread.xml")
    verdicts = junit_verdicts(pytester.path / "spread.xml")
    assert verdicts == junit_verdicts(pytester.path / "alone.xml")
    failing = {"subdomain": {APP_WIDE_ID}, "one-route-differs": {APP_WIDE_ID, "GET /health"}}[flaw]
    assert {case for case, verdict in verdicts.items() if verdict == "failed"} == failing
    assert {case for case, verdict in verdicts.items() if verdict.startswith(COVERED)} == set(FASTAPI_ROUTES) - failing
    spread.stdout.fnmatch_lines(["FAILED launchready::test_cors[[]app-wide[]]*", "cors*FAIL*4/4 routes*"])


# --- Severity: what a credentialed grant exposes depends on what the credentials are --------------

BEARER_LOGIN = '''
import pytest
from pytest_launchready import Credentials

@pytest.fixture(scope="session")
def launchready_login(launchready_client):
    def login(tenant, role):
        return Credentials(headers={"Authorization": "Bearer good"})  # the app's one token: a header, no cookie
    return login
'''


def first_line(message: str) -> str:
    """A failure message's first line, without the exception's name pytest puts before it."""
    return message.splitlines()[0].removeprefix("AssertionError: ")


def test_credentialed_reflection_on_a_bearer_api_is_medium_and_blames_no_cookie(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CORS_FLAW", "reflect-all")
    make_project(pytester, "cors_fastapi", f"launchready_public_routes =\n    GET /health\nlaunchready_allowed_origins =\n    {FRONTEND}\n",
                 BEARER_LOGIN)
    result = CaseRun(pytester, *ARGS, "-rf")
    assert result.ids("failed") == [APP_WIDE_ID]  # still a finding, once for the app
    for message in result.messages():
        assert first_line(message).startswith("[MEDIUM] ")
        assert "CRITICAL" not in message and "visitor's cookies" not in message
        assert "this app's credentials are a header" in message
    result.stdout.fnmatch_lines(["FAILED launchready::test_cors[[]app-wide[]] - AssertionError: [[]MEDIUM[]]*"])


def test_credentialed_reflection_on_a_cookie_session_is_critical(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    from support.logins import COOKIE_ORG_ROLE_LOGIN

    monkeypatch.setenv("AUTH_FLAWS", "cors-reflect")
    make_project(pytester, "auth_cookie", "launchready_public_routes =\n    POST /auth/login\n", COOKIE_ORG_ROLE_LOGIN)
    result = CaseRun(pytester, *ARGS)
    assert APP_WIDE_ID in result.ids("failed") and result.ids("passed") == []
    for message in result.messages():
        assert first_line(message).startswith("[CRITICAL] ")
        assert "a page on that origin can call this API with the visitor's cookies" in message
        assert "  - https://evil.test (" in message


def test_credentialed_reflection_without_a_login_to_tell_stays_critical_and_says_why(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch,
) -> None:
    result = run(pytester, monkeypatch, "reflect-all")
    assert result.ids("failed") == [APP_WIDE_ID]
    for message in result.messages():
        assert first_line(message).startswith("[CRITICAL] ")
        assert "if the app signs users in with cookies" in message and "define launchready_login" in message
