"""A live target that dies mid-run: one line per test, every later test an error, none passes; and
the retry rules underneath (retry only what cannot have been delivered, never a write twice)."""

from __future__ import annotations

import re
import socket
import threading
import time
import xml.etree.ElementTree as ET
from typing import Iterator

import httpx
import pytest
from fastapi import FastAPI, Header, HTTPException

from pytest_launchready.target import Target, TargetStoppedError
from support.runs import Outcomes
from support.servers import LoopbackServer

STOPPED = re.compile(r"the target stopped answering at \d\d:\d\d:\d\d: every later test is an error")


#: Set at teardown: until then, a request to /hang blocks the live app's event loop (the whole server).
UNBLOCK = threading.Event()


def _app() -> FastAPI:
    app = FastAPI()

    @app.get("/hang", include_in_schema=False)
    async def hang() -> None:
        UNBLOCK.wait(60)  # a blocking call inside async def: nothing else is served meanwhile
    for name in "abcde":
        def route(authorization: str = Header(default="")) -> list[str]:
            if authorization != "Bearer right":
                raise HTTPException(status_code=401)
            return []
        app.get(f"/{name}")(route)
    return app


def _stop(server: LoopbackServer) -> None:
    server.stop(10)
    assert not server.thread.is_alive(), "uvicorn did not stop"


class StopBefore:
    """An inner-run plugin: stops the server just before the test ``name`` runs."""

    def __init__(self, server: LoopbackServer, name: str) -> None:
        self.server = server
        self.name = name

    def pytest_runtest_call(self, item: pytest.Item) -> None:
        if item.name == self.name:
            _stop(self.server)


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    """The five-route app on a real uvicorn, stoppable mid-run."""
    live = LoopbackServer(_app())
    yield live
    if live.thread.is_alive():
        _stop(live)


def test_a_target_that_dies_mid_run_makes_every_later_test_a_one_line_error(
    pytester: pytest.Pytester, server: LoopbackServer,
) -> None:
    pytester.makeini("[pytest]\nlaunchready_timeout = 5\n")
    outcomes = Outcomes()
    result = pytester.runpytest_inprocess(
        "--launchready", f"--launchready-url={server.url}", "--launchready-checks=auth", "-p", "no:cacheprovider",
        "--junitxml=report.xml", plugins=[outcomes, StopBefore(server, "test_auth[GET /c]")],
    )
    out = result.stdout.str()
    assert outcomes.ids("passed") == ["launchready::test_auth[GET /a]", "launchready::test_auth[GET /b]"]
    died = ["launchready::test_auth[GET /c]", "launchready::test_auth[GET /d]", "launchready::test_auth[GET /e]"]
    assert outcomes.ids("error") == died
    assert outcomes.ids("failed") == []
    lines = result.stdout.lines
    for nodeid in died:
        header = next(i for i, line in enumerate(lines) if re.search(rf"_ ERROR at setup of {re.escape(nodeid.split('::')[1])} _", line))
        assert STOPPED.match(lines[header + 1]), lines[header + 1]  # the whole report of that test: one line
        assert lines[header + 2].startswith(("_", "-", "=")), lines[header + 2]
        assert any(line.startswith(f"ERROR {nodeid} - the target stopped answering at") for line in lines)
    report_lines = [line for line in lines if STOPPED.match(line)]  # the summary's ERROR lines vary with terminal width
    assert len(report_lines) == len(died)
    assert "Traceback" not in out and "httpcore" not in out
    assert re.search(r"^auth\s+ERROR \(target down\)\s", out, re.MULTILINE), out  # an error, not an auth finding
    verdicts = {case.get("name"): [c for c in case if c.tag in ("failure", "error", "skipped")]
                for case in ET.parse(pytester.path / "report.xml").getroot().iter("testcase")}
    for name in ("test_auth[GET /c]", "test_auth[GET /d]", "test_auth[GET /e]"):
        assert [c.tag for c in verdicts[name]] == ["error"], name  # JUnit XML agrees with the terminal
        assert STOPPED.search(verdicts[name][0].get("message", ""))
    assert verdicts["test_auth[GET /a]"] == [] and verdicts["test_auth[GET /b]"] == []


class HangBefore:
    """An inner-run plugin: hangs the whole server (a request to /hang) just before the test ``name``."""

    def __init__(self, server: LoopbackServer, name: str, release_after: float | None = None) -> None:
        self.server = server
        self.name = name
        self.release_after = release_after

    def pytest_runtest_call(self, item: pytest.Item) -> None:
        if item.name == self.name:
            threading.Thread(target=httpx.get, args=(f"{self.server.url}/hang",), kwargs={"timeout": 60}, daemon=True).start()
            if self.release_after is not None:
                threading.Timer(self.release_after, UNBLOCK.set).start()
            time.sleep(0.3)


def test_a_target_hung_by_one_request_makes_every_later_test_a_one_line_error(
    pytester: pytest.Pytester, server: LoopbackServer,
) -> None:
    """A server that accepts connections but answers nothing (one request blocks it): the test that met
    the hang reports it, and the later ones are errors at once instead of each waiting out its timeout."""
    pytester.makeini("[pytest]\nlaunchready_timeout = 2\n")
    outcomes = Outcomes()
    UNBLOCK.clear()
    try:
        result = pytester.runpytest_inprocess(
            "--launchready", f"--launchready-url={server.url}", "--launchready-checks=auth", "-p", "no:cacheprovider",
            plugins=[outcomes, HangBefore(server, "test_auth[GET /c]")],
        )
    finally:
        UNBLOCK.set()
    assert outcomes.ids("passed") == ["launchready::test_auth[GET /a]", "launchready::test_auth[GET /b]"]
    assert "launchready::test_auth[GET /c]" in outcomes.ids("failed") + outcomes.ids("error")
    later = ["launchready::test_auth[GET /d]", "launchready::test_auth[GET /e]"]
    assert [nodeid for nodeid in later if nodeid in outcomes.ids("error")] == later
    assert len([line for line in result.stdout.lines if STOPPED.match(line)]) >= len(later)
    assert "got no answer within the timeout, and 3 fresh requests to / in a row got none either" in result.stdout.str()


def test_a_target_that_recovers_from_a_stuck_request_keeps_its_later_tests(
    pytester: pytest.Pytester, server: LoopbackServer,
) -> None:
    """A server that frees itself a few seconds later (gunicorn kills a stuck worker): the request that
    met the hang fails, and the later tests still run and pass, since a re-check answered in the grace."""
    pytester.makeini("[pytest]\nlaunchready_timeout = 2\n")
    outcomes = Outcomes()
    UNBLOCK.clear()
    try:
        # The request times out at about 2.3 s, the first re-check at 4.3 s; the server is free at 5.5 s.
        pytester.runpytest_inprocess(
            "--launchready", f"--launchready-url={server.url}", "--launchready-checks=auth", "-p", "no:cacheprovider",
            plugins=[outcomes, HangBefore(server, "test_auth[GET /c]", release_after=5.5)],
        )
    finally:
        UNBLOCK.set()
    assert outcomes.ids("error") == []
    assert {"launchready::test_auth[GET /d]", "launchready::test_auth[GET /e]"} <= set(outcomes.ids("passed"))


# --- The retry rules, against a raw socket server that misbehaves on purpose ---------------------


class _Scripted:
    """A loopback HTTP server that treats each new connection by the next word of its script:
    ``answer`` (200, then closes) or ``drop`` (reads the request, then closes without a word)."""

    def __init__(self, script: list[str]) -> None:
        self.script = list(script)
        self.seen: list[str] = []
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.sock.settimeout(10)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        for action in self.script:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(5)
                data = b""
                while not _complete(data):
                    chunk = conn.recv(65536)
                    if not chunk:
                        break
                    data += chunk
                self.seen.append(data.split(b" ", 2)[0].decode() + " " + data.split(b" ", 2)[1].decode())
                if action == "answer":
                    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
        self.sock.close()  # the script is over: nothing answers any more


def _complete(data: bytes) -> bool:
    """The whole request has arrived (closing with unread bytes would reset the connection)."""
    head, sep, body = data.partition(b"\r\n\r\n")
    length = re.search(rb"(?im)^content-length:\s*(\d+)", head)
    return bool(sep) and len(body) >= (int(length.group(1)) if length else 0)


def test_a_read_after_a_lost_answer_is_retried_once_on_a_fresh_connection() -> None:
    site = _Scripted(["answer", "drop", "answer"])
    client = Target.for_url(site.url, timeout=5).client()
    assert client.get("/").status_code == 200
    assert client.get("/items").text == "ok"
    assert site.seen == ["GET /", "GET /items", "GET /items"]


def test_a_write_that_may_have_arrived_is_never_sent_twice() -> None:
    site = _Scripted(["answer", "drop", "answer"])
    client = Target.for_url(site.url, timeout=5).client()
    assert client.get("/").status_code == 200
    with pytest.raises(httpx.RemoteProtocolError):
        client.post("/items", json={})
    assert site.seen == ["GET /", "POST /items", "GET /"]  # the third is the reachability re-check


def test_a_target_that_stops_answering_is_down_for_every_client_at_once() -> None:
    site = _Scripted(["answer"])
    target = Target.for_url(site.url, timeout=5)
    assert target.client().get("/").status_code == 200
    site.thread.join(5)
    with pytest.raises(TargetStoppedError, match=STOPPED.pattern):
        target.client().get("/items")
    assert target.down is not None and "GET /items: ConnectError" in target.down.cause
    started = time.monotonic()
    with pytest.raises(TargetStoppedError):
        target.client().post("/items")
    assert time.monotonic() - started < 0.5  # no request is even attempted
