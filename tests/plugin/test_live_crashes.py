"""A live target whose routes crash (500) gives the findings an in-process run of the same app gives: uvicorn
closing a connection after a 500 costs no finding and adds no false one, and nothing prints an httpx
traceback. A crash on an id no one has is not blamed on another tenant; a request that gets no answer at
all is one line."""

from __future__ import annotations

from typing import Iterator

import httpx
import pytest

from support.logins import ORG_ROLE_LOGIN
from support.paths import load_app
from support.projects import make_project
from support.runs import CaseRun
from support.servers import serve_on_loopback

CHECKS = "--launchready-checks=cors,validation,tenant_isolation"
_ORIGINAL_SEND = httpx.Client.send
PUBLIC = """
    launchready_public_routes =
        POST /auth/login
    """
#: The crashes, the same in both modes: a wrong-typed body, a NUL byte in the path and in the query.
CRASHES = ["launchready::test_validation[GET /notes/{note_id}]", "launchready::test_validation[GET /search]",
           "launchready::test_validation[POST /notes]"]


def _failed(run: CaseRun) -> list[str]:
    return sorted({r.nodeid for r in run.reports if r.failed})


@pytest.fixture
def live_url(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.delenv("CRASH_FLAWS", raising=False)
    with serve_on_loopback(load_app("crash_fastapi").app) as port:
        yield f"http://127.0.0.1:{port}"


def test_live_and_in_process_runs_give_the_same_findings(pytester: pytest.Pytester, live_url: str,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    make_project(pytester, "crash_fastapi", PUBLIC, ORG_ROLE_LOGIN)
    in_process = CaseRun(pytester, "--launchready", CHECKS, "-p", "no:cacheprovider")
    live = CaseRun(pytester, "--launchready", CHECKS, "-p", "no:cacheprovider", f"--launchready-url={live_url}")
    assert _failed(in_process) == CRASHES
    assert _failed(live) == CRASHES  # no CORS preflight lost to a dropped connection, no finding lost either
    for run in (in_process, live):
        assert [r.nodeid for r in run.reports if r.failed and r.when != "call"] == []
        # (uvicorn's own log of each crash, the app's traceback, may show: that is the server's output)
        for word in ("ReadError", "RemoteProtocolError", "httpx/_transports", "httpcore/"):
            assert word not in run.output, word
    assert sorted(in_process.messages()) != [] and _titles(in_process) == _titles(live)


def _titles(run: CaseRun) -> list[str]:
    """Each failure's first line, without what differs between runs (tenant names, ids, the host)."""
    import re

    return sorted(re.sub(r"lr-\w+-\w+-\w+|\d+|http://[^/ ]+", "_", message.splitlines()[0]) for message in run.messages())


@pytest.mark.parametrize(("flaws", "failed"), [
    ("", []),  # GET /notes/0 (a neighbour of A's id, no one's) crashes as GET /notes/987654321 does: a WARN
    ("foreign-crash", ["launchready::test_tenant_isolation[GET /notes/{note_id}]"]),  # only A's id crashes it
    ("scoped-lookup-crash", []),  # A's id crashes as an id no one has does: a WARN, never a cross-tenant finding
])
def test_a_crash_on_no_ones_id_is_not_a_cross_tenant_finding(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch,
                                                              flaws: str, failed: list[str]) -> None:
    monkeypatch.setenv("CRASH_FLAWS", flaws)
    make_project(pytester, "crash_fastapi", PUBLIC, ORG_ROLE_LOGIN)
    run = CaseRun(pytester, "--launchready", "--launchready-checks=tenant_isolation", "-p", "no:cacheprovider",
                  "-k", "notes and note_id")
    assert _failed(run) == failed
    if not failed:
        assert any("a crash that does not depend on whose id it is" in w for w in run.warnings())


def test_a_request_that_gets_no_answer_is_one_line(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CRASH_FLAWS", raising=False)
    make_project(pytester, "crash_fastapi", PUBLIC, ORG_ROLE_LOGIN)
    pytester.makeconftest(ORG_ROLE_LOGIN + '''

import httpx

_send = httpx.Client.send


def _drop_search(self, request, **kwargs):
    if request.url.path == "/search" and request.url.query:
        raise httpx.RemoteProtocolError("Server disconnected without sending a response.", request=request)
    return _send(self, request, **kwargs)


def pytest_configure(config):
    httpx.Client.send = _drop_search


def pytest_unconfigure(config):
    httpx.Client.send = _send  # the inner run shares this process's httpx
''')
    run = CaseRun(pytester, "--launchready", "--launchready-checks=validation", "-p", "no:cacheprovider", "-k", "search")
    assert [r.nodeid for r in run.reports if r.failed] == ["launchready::test_validation[GET /search]"]
    assert run.ids("error") == ["GET /search"]
    run.stdout.fnmatch_lines(["*request failed (not a finding): GET http://testserver/search got no answer: "
                              "RemoteProtocolError: Server disconnected without sending a response.*"])
    assert "Traceback" not in run.output and "def run(" not in run.output
    assert httpx.Client.send is _ORIGINAL_SEND


@pytest.mark.parametrize("check", ["headers", "cors"])
def test_a_route_that_gives_headers_and_cors_no_answer_is_an_error_not_a_finding(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, check: str,
) -> None:
    """Nothing came back, so there is nothing to judge: an error told in one line, never a MEDIUM
    "no answer" finding (the false CORS preflight failure of a dropped keep-alive connection)."""
    monkeypatch.delenv("CRASH_FLAWS", raising=False)
    make_project(pytester, "crash_fastapi", PUBLIC, ORG_ROLE_LOGIN)
    pytester.makeconftest(ORG_ROLE_LOGIN + '''

import httpx

_send = httpx.Client.send


def _drop_search(self, request, **kwargs):
    if request.url.path == "/search":
        raise httpx.RemoteProtocolError("Server disconnected without sending a response.", request=request)
    return _send(self, request, **kwargs)


def pytest_configure(config):
    httpx.Client.send = _drop_search


def pytest_unconfigure(config):
    httpx.Client.send = _send  # the inner run shares this process's httpx
''')
    run = CaseRun(pytester, "--launchready", f"--launchready-checks={check}", "-p", "no:cacheprovider")
    assert "GET /search" in run.ids("error")
    assert "GET /search" not in run.ids("failed")
    run.stdout.fnmatch_lines(["*request failed (not a finding): *GET http*://testserver/search* got no answer*",
                              f"{check}*ERROR (request failed)*"])
    assert httpx.Client.send is _ORIGINAL_SEND
