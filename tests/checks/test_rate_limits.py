"""The rate_limits check as users meet it: bursts, 429s, Retry-After, per-client and per-user limits."""

from __future__ import annotations

from typing import Any, Iterator

# Imported once here, rather than again in every in-process run below (pytester restores sys.modules).
import fastapi  # noqa: F401
import pytest

import pytest_launchready.checks.rate_limits  # noqa: F401
import pytest_launchready.target  # noqa: F401
from pytest_launchready.routes.vocabulary import is_login_like
from pytest_launchready.target.client_addresses import burst_address, can_bind
from pytest_launchready.routes import Route
from support.logins import SIGNUP_LOGIN
from support.paths import load_app
from support.projects import APP_TARGET, make_project
from support.runs import outcomes
from support.servers import serve_on_loopback

create_app = load_app("ratelimit_fastapi").create_app
RUN = ("--launchready", "--launchready-checks=rate_limits", "-p", "no:cacheprovider")


def project(pytester: pytest.Pytester, extra_ini: str = "launchready_rate_limited = POST /chat", conftest: str = SIGNUP_LOGIN,
            target: str = APP_TARGET) -> None:
    make_project(pytester, "ratelimit_fastapi", f"""
        launchready_public_routes =
            POST /auth/signup
            POST /auth/login
        launchready_rate_limit_burst = 20
        {extra_ini}
        """, conftest, target=target)


LOGIN = "launchready::test_rate_limits[POST /auth/login]"
CHAT = "launchready::test_rate_limits[POST /chat]"


def test_ids_are_configured_and_login_like_routes(pytester: pytest.Pytester) -> None:
    project(pytester)
    result = pytester.runpytest_inprocess(*RUN, "--collect-only", "-q")
    assert sorted(line for line in result.stdout.lines if line.startswith("launchready::")) == [LOGIN, CHAT]


def test_limited_app_passes(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RATELIMIT_FLAWS", raising=False)
    project(pytester)
    result = pytester.runpytest_inprocess(*RUN, "--launchready-strict")
    # The login burst runs first: had it come from the address the user's logins use, the throwaway
    # tenant made afterwards for the chat burst could not have logged in.
    assert outcomes(result) == {"failed": [], "passed": [LOGIN, CHAT], "skipped": []}
    result.stdout.fnmatch_lines(["rate_limits*PASS*2/2 routes*"])


def test_unthrottled_login_fails(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RATELIMIT_FLAWS", "no-login-limit")
    project(pytester)
    result = pytester.runpytest_inprocess(*RUN)
    assert outcomes(result)["failed"] == [LOGIN]
    result.stdout.fnmatch_lines([
        "*Sent 20 wrong-password attempts to POST /auth/login as an anonymous client (127.0.4.1)*none was answered 429 (20x 401)*",
    ])
    assert "pw-long-enough" not in result.stdout.str()


def test_an_account_lockout_stops_the_guessing_and_warns(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    """No 429, but after 5 wrong passwords every login answers 423 Locked: the guessing stops, so the
    route passes, and the warning says what a lockout does not do."""
    monkeypatch.setenv("RATELIMIT_FLAWS", "no-login-limit,lockout")
    project(pytester)
    result = pytester.runpytest_inprocess(*RUN, "-k", "login")
    assert outcomes(result) == {"failed": [], "passed": [LOGIN], "skipped": []}
    result.stdout.fnmatch_lines(["*POST /auth/login locked the account after 5 wrong attempts (423) instead of throttling*"])


def test_an_admin_route_that_refuses_the_user_is_not_burst(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    """A password-reset-token route under /admin/ answers 403 to a plain user: a burst would count denials,
    not guesses, so it is NOT RUN naming launchready_role_routes (on Mealie, 50 x 403 read as no throttle)."""
    monkeypatch.setenv("RATELIMIT_FLAWS", "admin-reset-route")
    project(pytester)
    result = pytester.runpytest_inprocess(*RUN, "-k", "admin", "-rs")
    admin = "launchready::test_rate_limits[POST /admin/users/password-reset-token]"
    assert outcomes(result) == {"failed": [], "passed": [], "skipped": [admin]}
    result.stdout.fnmatch_lines(["*denied * with 403: the burst would only test the denial*launchready_role_routes*"])


@pytest.mark.parametrize(("flaws", "expected"), [("", "passed"), ("no-login-limit", "failed")])
def test_a_slow_login_gets_the_time_its_whole_burst_needs(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch,
                                                          flaws: str, expected: str) -> None:
    """At 0.1 s a login, 20 attempts need 2 s: a 1 s window alone would cut the burst at about 10 and
    say NOT RUN; the budget follows the route's own latency instead, so the limit is judged."""
    monkeypatch.setenv("RATELIMIT_FLAWS", flaws)
    monkeypatch.setenv("RATELIMIT_LOGIN_DELAY", "0.1")
    project(pytester, extra_ini="launchready_rate_limit_window = 1")
    result = pytester.runpytest_inprocess(*RUN, "-k", "login")
    assert outcomes(result)[expected] == [LOGIN]


def test_a_slow_login_is_burst_at_the_rate_the_criterion_asks_for(pytester: pytest.Pytester,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """12 logins per second are allowed, each takes 0.1 s: one at a time the burst never goes faster than
    10 per second, and would read as unthrottled. The criterion is 20 in 1 s: the burst keeps enough
    requests in flight to reach that rate, and the limit answers 429."""
    monkeypatch.setenv("RATELIMIT_FLAWS", "")
    monkeypatch.setenv("RATELIMIT_LOGIN_DELAY", "0.1")
    monkeypatch.setenv("RATELIMIT_LIMIT", "12")
    monkeypatch.setenv("RATELIMIT_WINDOW", "1")
    project(pytester, extra_ini="launchready_rate_limit_window = 1")
    result = pytester.runpytest_inprocess(*RUN, "-k", "login")
    assert outcomes(result)["passed"] == [LOGIN], result.stdout.str()


def test_a_route_reserved_for_staff_is_not_burst_as_a_tenant_user(pytester: pytest.Pytester,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """A staff-only route denies every tenant user: a burst of 50 denials proves nothing about a limit
    (seen on a real app: 50 x 403 to a superuser-only password-recovery route read as unthrottled)."""
    monkeypatch.setenv("RATELIMIT_FLAWS", "no-chat-limit")
    project(pytester, extra_ini="""launchready_rate_limited = POST /chat
        launchready_roles =
            staff
            member
        launchready_tenant_role = member
        launchready_role_routes =
            staff: POST /chat""")
    result = pytester.runpytest_inprocess(*RUN, "-rs", "-k", "chat")
    assert outcomes(result)["skipped"] == [CHAT]
    result.stdout.fnmatch_lines(["*POST /chat is reserved for staff, above launchready_tenant_role (member)*"])


def test_unthrottled_private_route_fails_per_user(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RATELIMIT_FLAWS", "no-chat-limit")
    project(pytester)
    result = pytester.runpytest_inprocess(*RUN)
    assert outcomes(result)["failed"] == [CHAT]
    result.stdout.fnmatch_lines(["*Sent 20 requests to POST /chat as throwaway tenant *(owner) from 127.0.4.2*(20x 200)*"])
    assert "Bearer tok" not in result.stdout.str()


def test_missing_retry_after_warns_and_fails_only_when_strict(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RATELIMIT_FLAWS", "no-retry-after")
    project(pytester, extra_ini="")
    result = pytester.runpytest_inprocess(*RUN)
    assert outcomes(result) == {"failed": [], "passed": [LOGIN], "skipped": []}
    result.stdout.fnmatch_lines(["*POST /auth/login answered 429 after 11 requests but sent no Retry-After header*",
                                 "rate_limits*WARN*"])
    strict = pytester.runpytest_inprocess(*RUN, "--launchready-strict")
    assert outcomes(strict)["failed"] == [LOGIN]


def test_nothing_to_burst_is_not_run(pytester: pytest.Pytester) -> None:
    project(pytester, extra_ini="launchready_exclude_routes = POST /auth/login")
    result = pytester.runpytest_inprocess(*RUN, "-rs")  # rate_limits alone: nothing would run, so the run is refused
    result.stderr.fnmatch_lines(["*can test nothing with the current settings (rate_limits: *set launchready_rate_limited*"])
    assert result.ret == pytest.ExitCode.USAGE_ERROR


def test_a_listed_route_that_does_not_exist_is_not_run(pytester: pytest.Pytester) -> None:
    project(pytester, extra_ini="launchready_rate_limited = POST /nope")
    result = pytester.runpytest_inprocess(*RUN, "--collect-only", "-q")
    assert "launchready::test_rate_limits[POST /nope]" in result.stdout.lines


def test_private_routes_without_login_are_not_run(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RATELIMIT_FLAWS", raising=False)
    project(pytester, conftest="")
    result = pytester.runpytest_inprocess(*RUN, "-rs")
    got = outcomes(result)
    assert got["passed"] == [LOGIN] and got["skipped"] == [CHAT]  # the anonymous burst needs no login


@pytest.fixture
def live_app(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, Any]]:
    """The secure rate-limited app served by uvicorn on 127.0.0.1 (an ephemeral port), and the app."""
    app = create_app()
    with serve_on_loopback(app) as port:
        yield f"http://127.0.0.1:{port}", app


def test_live_bursts_come_from_their_own_source_address(pytester: pytest.Pytester, live_app: tuple[str, Any]) -> None:
    url, app = live_app
    if not can_bind("127.0.4.1"):
        pytest.skip("this machine cannot send from 127.0.4.1 (only 127.0.0.1 is configured on loopback)")
    project(pytester, target=f"launchready_base_url = {url}")
    result = pytester.runpytest_inprocess(*RUN)
    assert outcomes(result) == {"failed": [], "passed": [LOGIN, CHAT], "skipped": []}
    burst = [a for a in app.state.login_addresses if a == "127.0.4.1"]
    # Ten allowed, the eleventh answered 429; then one claiming another X-Forwarded-For client, throttled too.
    assert len(burst) == 12
    assert set(app.state.login_addresses) == {"127.0.0.1", "127.0.4.1"}


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/auth/login", True), ("/api/v1/sign-in", True), ("/oauth/token", True), ("/auth", True),
        ("/password/reset", True), ("/forgot-password", True), ("/users/{user_id}/password", True), ("/otp/verify", True),
        ("/auth/logout", False), ("/auth/signup", False), ("/auth/refresh", False), ("/chat/sessions", False),
        ("/tokens", False), ("/documents", False),
    ],
)
def test_login_like_routes(path: str, expected: bool) -> None:
    assert is_login_like(Route("POST", path)) is expected
    assert is_login_like(Route("GET", path)) is False


def test_burst_addresses_are_distinct_loopback_addresses() -> None:
    addresses = [burst_address(i) for i in range(600)]
    assert len(set(addresses)) == 600
    assert all(a.startswith("127.") and not a.endswith(".0") and not a.endswith(".255") for a in addresses)


SIGNUP_APP = '''
from fastapi import FastAPI, HTTPException
from pydantic import BaseModel

app = FastAPI()
emails: set[str] = set()


class Signup(BaseModel):
    email: str
    password: str


@app.post("/auth/signup", status_code=201, openapi_extra={"security": []})
def signup(body: Signup) -> dict[str, str]:
    if body.email in emails:
        raise HTTPException(422, "email already registered")  # the burst repeats one body: taken after the first
    emails.add(body.email)
    return {"email": body.email}


@app.post("/reports", openapi_extra={"security": []})
def report(body: Signup) -> dict[str, str]:
    raise HTTPException(400, "reports are closed")
'''


@pytest.mark.parametrize(("route", "reason"), [
    ("POST /auth/signup", "19 of the 20 requests to POST /auth/signup as an anonymous client (*) were refused as malformed "
                          "(1x 201, 19x 422), so only 1 reached the route's work*"),
    ("POST /reports", "POST /reports answered 400 to the burst's first body (*reports are closed*): the requests would not "
                      "reach the route's work*"),
])
def test_a_verdict_rests_on_well_formed_requests_only(pytester: pytest.Pytester, route: str, reason: str) -> None:
    pytester.makepyfile(myapp=SIGNUP_APP)
    pytester.makeini(f"[pytest]\n{APP_TARGET}\nlaunchready_rate_limit_burst = 20\nlaunchready_rate_limited = {route}\n")
    result = pytester.runpytest_inprocess(*RUN, "-rs")
    assert outcomes(result) == {"failed": [], "passed": [], "skipped": [f"launchready::test_rate_limits[{route}]"]}
    result.stdout.fnmatch_lines([f"SKIPPED*{reason}"])
