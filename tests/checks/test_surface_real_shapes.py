"""The API-surface checks (cors, headers, validation, rate_limits) against two apps in styles
the other tests do not use: a secure one must come out green, and each realistic flaw must fail
exactly its own test ids (or WARN where the docs say so)."""

from __future__ import annotations

import re
from typing import Any, Callable

import pytest

from support.logins import SIGNUP_LOGIN
from support.projects import make_project
from support.runs import generated_ids

import fastapi  # noqa: F401 - imported once here rather than again in every in-process run below
import flask  # noqa: F401 - likewise
import flask_cors  # noqa: F401 - likewise

CHECKS = "cors,headers,validation,rate_limits"

FASTAPI_ROUTES = [
    "DELETE /api-keys/{key_id}", "GET /api-keys", "POST /api-keys", "POST /auth/login", "POST /auth/signup",
    "GET /bots", "POST /bots", "DELETE /bots/{bot_id}", "GET /bots/{bot_id}", "POST /bots/{bot_id}/faq",
    "GET /bots/{bot_id}/faq.csv", "GET /docs", "GET /docs/oauth2-redirect", "GET /health", "GET /me", "PATCH /me",
    "GET /openapi.json", "GET /redoc", "GET /search",
]  # fmt: skip
FLASK_ROUTES = [
    "POST /auth/login", "POST /auth/signup", "GET /health", "GET /leads", "POST /leads", "GET /leads/{lead_id}",
    "PATCH /leads/{lead_id}", "GET /me", "GET /widget/session",
]  # fmt: skip
TLS = ["https redirect", "tls certificate", "tls version"]


def fastapi_project(pytester: pytest.Pytester) -> None:
    make_project(pytester, "review_surface_fastapi", """
        launchready_public_routes =
            POST /auth/signup
            POST /auth/login
            GET /health
        launchready_allowed_origins =
            https://app.chatbot.example
            https://admin.chatbot.example
        """, SIGNUP_LOGIN)


def flask_project(pytester: pytest.Pytester) -> None:
    make_project(pytester, "review_surface_flask", "launchready_allowed_origins = https://app.chatbot.example\n", SIGNUP_LOGIN,
                 spec=True)


PROJECTS = {"fastapi": fastapi_project, "flask": flask_project}
Run = Callable[..., Any]


def launch(run_launchready: Run, pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, app: str, flaws: str,
           checks: str = CHECKS, *args: str) -> tuple[pytest.RunResult, Any]:
    monkeypatch.setenv("REVIEW_FLAWS", flaws)
    PROJECTS[app](pytester)
    return run_launchready("--launchready", f"--launchready-checks={checks}", "-rfEs", *args)  # type: ignore[no-any-return]


@pytest.mark.parametrize("app", ["fastapi", "flask"])
def test_secure_app_is_all_green(run_launchready: Run, pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch,
                                 app: str) -> None:
    result, outcomes = launch(run_launchready, pytester, monkeypatch, app, "")
    routes = FASTAPI_ROUTES if app == "fastapi" else FLASK_ROUTES
    assert outcomes.ids("failed") == [] and outcomes.ids("error") == []
    # Only TLS (the target is not https) is NOT RUN; the FastAPI app sets no cookie (bearer tokens).
    not_run = TLS + ([] if app == "flask" else ["cookies"])
    assert outcomes.ids("skipped") == generated_ids("headers", *not_run)
    cors = generated_ids("cors", *routes)
    assert set(cors) <= set(outcomes.ids("passed"))
    if app == "flask":
        assert "launchready::test_headers[cookies]" in outcomes.ids("passed")  # the visitor session cookie was judged
    assert outcomes.ids("passed") == sorted(outcomes.ids("passed"))
    assert "WARN" not in result.stdout.str()
    assert result.ret == 0


@pytest.mark.parametrize(
    ("app", "flaw", "checks", "failing", "message"),
    [
        ("fastapi", "nul-query", "validation", generated_ids("validation", "GET /search"),
         "a NUL byte in the query parameter 'q': answered 500"),
        ("fastapi", "debug", "validation", generated_ids("validation", "POST /bots"),
         "quotes and SQL/HTML metacharacters in 'name': answered 500, disclosing Python traceback in body"),
        ("fastapi", "mass-admin", "validation", generated_ids("validation", "PATCH /me"), "(GET /me) shows is_admin=True"),
        ("fastapi", "key-in-list", "validation", generated_ids("validation", "GET /api-keys"), "sensitive field 'api_key'"),
        ("fastapi", "cors-null", "cors", generated_ids("cors", "app-wide"), "null (the null origin of sandboxed iframes"),
        ("fastapi", "xff-limit", "rate_limits", generated_ids("rate_limits", "POST /auth/login"),
         "Then 12 more, each with another first X-Forwarded-For address (the last: 203.0.113.12, 198.51.100.10, "
         "198.51.100.10, 198.51.100.10, 198.51.100.10): none was answered 429 (the last: 401)"),
        ("flask", "cors-regex", "cors", generated_ids("cors", "app-wide"), "https://app.chatbot.example.evil.test"),
        ("flask", "debugger", "validation", generated_ids("validation", "GET /leads"),
         "a NUL byte in the query parameter 'q': answered 500, disclosing Python traceback in body"),
        ("flask", "cookie-flags", "headers", generated_ids("headers", "cookies"), "session cookie session (Secure; Path=/; SameSite=None) lacks HttpOnly"),
        ("flask", "xff-limit", "rate_limits", generated_ids("rate_limits", "POST /auth/login"), "none was answered 429 (the last: 401)"),
    ],
)
def test_each_flaw_fails_its_own_ids(run_launchready: Run, pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch,
                                     app: str, flaw: str, checks: str, failing: list[str], message: str) -> None:
    result, outcomes = launch(run_launchready, pytester, monkeypatch, app, flaw, checks)
    assert outcomes.ids("failed") == failing
    assert outcomes.ids("error") == []
    assert message in result.stdout.str()
    assert not re.search(r"sk_live_[0-9a-f]{40}", result.stdout.str())  # a listed API key is never printed


def test_missing_retry_after_is_a_warning(run_launchready: Run, pytester: pytest.Pytester,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    result, outcomes = launch(run_launchready, pytester, monkeypatch, "flask", "no-retry-after", "rate_limits")
    assert outcomes.ids("passed") == generated_ids("rate_limits", "POST /auth/login") and outcomes.ids("failed") == []
    result.stdout.fnmatch_lines(["*answered 429 after 6 requests but sent no Retry-After header*", "rate_limits*WARN*"])
