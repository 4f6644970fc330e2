"""The target layer: the in-process ASGI bridge, WSGI apps (Flask, Django) in-process, and live uvicorn (the
safety guard: test_host_guard.py)."""

from __future__ import annotations

import asyncio
import time
from typing import Iterator

import httpx
import pytest

from pytest_launchready.target import Target
from support.logins import ORG_ROLE_LOGIN
from support.paths import load_app
from support.projects import frame_project
from support.servers import serve_on_loopback

create_app = load_app("frame_fastapi").create_app
AUTH_ONLY = "--launchready-checks=auth"


async def slow_app(scope, receive, send):  # type: ignore[no-untyped-def]
    if scope["type"] != "http":
        raise RuntimeError("no lifespan here")
    await asyncio.sleep(5)


@pytest.fixture
def live_url() -> Iterator[str]:
    """The frame app served by a real uvicorn on 127.0.0.1 (an ephemeral port)."""
    with serve_on_loopback(create_app(set())) as port:
        yield f"http://127.0.0.1:{port}"


def test_asgi_lifespan_runs_and_app_errors_become_500() -> None:
    target = Target.for_app(create_app(set()), timeout=5)
    client = target.client()
    assert client.get("/health").json() == {"ok": True, "lifespan_ran": True}
    token = client.post("/auth/login", json={"org": "o", "role": "owner"}).json()["access_token"]
    assert client.get("/crash", headers={"Authorization": f"Bearer {token}"}).status_code == 500
    target.close()


def test_asgi_requests_are_time_limited() -> None:
    target = Target.for_app(slow_app, timeout=0.3)
    started = time.monotonic()
    with pytest.raises(httpx.ReadTimeout):
        target.client().get("/")
    assert time.monotonic() - started < 3
    target.close()


def test_clients_keep_no_cookies() -> None:
    from starlette.applications import Starlette
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    def set_cookie(request: object) -> JSONResponse:
        response = JSONResponse({})
        response.set_cookie("session", "s3cr3t-session")
        return response

    target = Target.for_app(Starlette(routes=[Route("/set", set_cookie), Route("/echo", set_cookie)]), timeout=5)
    client = target.client()
    assert "session=" in client.get("/set").headers["set-cookie"]
    assert not client.cookies
    assert "cookie" not in client.get("/echo").request.headers
    target.close()


def test_live_server_mode(live_url: str) -> None:
    target = Target.for_url(live_url, timeout=5)
    assert target.client().get("/health").json()["ok"] is True
    target.close()


def test_live_mode_end_to_end(pytester: pytest.Pytester, live_url: str, run_launchready) -> None:
    pytester.makeini("[pytest]\nlaunchready_public_routes =\n    POST /auth/login\n    GET /health\n")
    pytester.makeconftest(ORG_ROLE_LOGIN)
    result, outcomes = run_launchready("--launchready", f"--launchready-url={live_url}", "--launchready-checks=auth")
    assert outcomes.ids("passed") == [
        "launchready::test_auth[GET /crash]",
        "launchready::test_auth[GET /items/{item_id}]",
        "launchready::test_auth[GET /items]",
    ]
    assert outcomes.ids("failed") == []


def test_wsgi_flask_app_in_process(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, run_launchready) -> None:
    monkeypatch.setenv("FRAME_FLAWS", "open-items")
    frame_project(pytester, app="frame_flask")
    result, outcomes = run_launchready("--launchready", AUTH_ONLY)
    assert outcomes.ids("failed") == ["launchready::test_auth[GET /items]"]
    assert outcomes.ids("passed") == ["launchready::test_auth[GET /items/{item_id}]"]
    assert result.ret == 1


def test_django_wsgi_app_in_process(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    # A subprocess: Django's settings can be configured once per process.
    monkeypatch.setenv("FRAME_FLAWS", "open-items")
    frame_project(pytester, app="frame_django")
    result = pytester.runpytest_subprocess("--launchready", AUTH_ONLY, "-p", "no:cacheprovider", "-rA")
    result.stdout.fnmatch_lines(["FAILED launchready::test_auth[[]GET /items[]]*", "routes: 4 (2 public) from django introspection*"])
    result.assert_outcomes(passed=1, failed=1, skipped=2)
    assert "PASSED launchready::test_auth[GET /items/{item_id}]" in result.stdout.str()
