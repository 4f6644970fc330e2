"""The safety guard judges the addresses a host resolves to, once per run, and clients connect to them.

Names other than loopback are resolved by a stand-in resolver, or inside a network namespace of
their own (only ``lo`` in it, a hosts file bind-mounted over /etc/hosts): no query leaves the machine.
"""

from __future__ import annotations

import shutil
import socket
import ssl
import subprocess
import sys
from typing import Callable, Iterator, Sequence

import httpx
import pytest

from pytest_launchready.target import GuardedTransport, HostGuard, Target, UnsafeRequestError
from support.servers import serve_on_loopback

NAMES = {
    "localhost": ["127.0.0.1"],
    "dual.localhost": ["::1", "127.0.0.1"],
    "api.example.com": ["93.184.215.14"],
    "api.localhost": ["203.0.113.7"],
    "half.localhost": ["127.0.0.1", "203.0.113.7"],
    "staging.example.com": ["198.51.100.4"],
}


def stand_in(names: dict[str, list[str]] = NAMES) -> Callable[[str], Sequence[str]]:
    """A resolver that knows only ``names``; any other name does not resolve."""
    def resolve(host: str) -> Sequence[str]:
        if host not in names:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return names[host]
    return resolve


class _Recorder(httpx.BaseTransport):
    def __init__(self) -> None:
        self.sent: list[str] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(f"{request.method} {request.url.host}")
        return httpx.Response(204)


@pytest.mark.parametrize(
    ("method", "url", "allowed"),
    [
        ("POST", "http://203.0.113.7/x", False),
        ("DELETE", "https://api.example.com/x", False),
        ("PUT", "http://api.localhost:8000/x", False),  # a *.localhost name that a hosts entry maps elsewhere
        ("PATCH", "http://half.localhost/x", False),  # one address elsewhere is enough to refuse
        ("POST", "http://ghost.localhost/x", False),  # does not resolve
        ("POST", "https://staging.example.com/x", True),
        ("POST", "https://STAGING.example.com./x", True),
        ("POST", "http://127.0.0.2:8000/x", True),
        ("POST", "http://[::1]:8000/x", True),
        ("POST", "http://localhost/x", True),
        ("POST", "http://dual.localhost/x", True),
        ("GET", "https://api.example.com/x", True),
        ("GET", "http://ghost.localhost/x", True),
    ],
)
def test_mutations_go_only_where_every_address_is_loopback_or_allowed(method: str, url: str, allowed: bool) -> None:
    inner = _Recorder()
    guard = HostGuard(("staging.example.com",), resolve=stand_in())
    client = httpx.Client(transport=GuardedTransport(inner, guard))
    if allowed:
        assert client.request(method, url).status_code == 204
        assert len(inner.sent) == 1
    else:
        with pytest.raises(UnsafeRequestError, match="add it to launchready_allow_hosts") as refused:
            client.request(method, url)
        assert inner.sent == []
        assert "loopback" in str(refused.value)


def test_refusals_say_what_the_name_resolved_to() -> None:
    guard = HostGuard((), resolve=stand_in())
    assert "api.localhost resolves to 203.0.113.7, not loopback" in str(guard.refusal("api.localhost", "a POST"))
    assert "ghost.localhost does not resolve" in str(guard.refusal("ghost.localhost", "a POST"))
    assert guard.refusal("localhost", "a POST") is None
    assert HostGuard((), in_process=True, resolve=stand_in()).refusal("testserver", "a POST") is None


def test_each_host_is_resolved_once_per_run() -> None:
    """A name that first resolves to loopback and later elsewhere (DNS rebinding) keeps its first answer."""
    answers = iter([["127.0.0.1"], ["203.0.113.7"]])
    calls: list[str] = []

    def rebinding(host: str) -> Sequence[str]:
        calls.append(host)
        return next(answers)

    inner = _Recorder()
    client = httpx.Client(transport=GuardedTransport(inner, HostGuard((), resolve=rebinding)))
    for _ in range(3):
        assert client.post("http://rebind.localhost/x").status_code == 204
    assert calls == ["rebind.localhost"]


async def _echo_host(scope, receive, send):  # type: ignore[no-untyped-def]
    if scope["type"] != "http":
        return
    host = dict(scope["headers"]).get(b"host", b"")
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": host})


@pytest.fixture
def echo_port() -> Iterator[int]:
    """A real uvicorn on 127.0.0.1 answering every request with the Host header it received."""
    with serve_on_loopback(_echo_host, lifespan="off") as port:
        yield port


def test_live_clients_connect_to_the_resolved_address_and_keep_the_host_header(echo_port: int) -> None:
    guard = HostGuard((), resolve=stand_in({"app.localhost": ["127.0.0.1"]}))
    target = Target.for_url(f"http://app.localhost:{echo_port}", timeout=5, guard=guard)
    response = target.client().post("/write")
    assert response.text == f"app.localhost:{echo_port}"
    assert response.request.url.host == "app.localhost"  # evidence and curl lines keep the name
    target.close()


def test_https_keeps_the_name_for_sni_and_the_certificate() -> None:
    trustme = pytest.importorskip("trustme")
    from support.tls_server import Site, issue

    ca = trustme.CA()
    with Site(issue(ca, host="shop.localhost")) as site, ca.cert_pem.tempfile() as ca_file:
        port = site.https.port
        guard = HostGuard((), resolve=stand_in({"shop.localhost": ["127.0.0.1"]}))
        target = Target.for_url(f"https://shop.localhost:{port}", timeout=5, verify=ssl.create_default_context(cafile=ca_file),
                                guard=guard)
        assert target.client().get("/").json() == {"ok": True}
        target.close()


# --- Real name resolution, in a network namespace of its own -------------------------------------

HOSTS = "127.0.0.1 localhost\n203.0.113.7 api.localhost\n203.0.113.7 staging.localhost\n"
PORT = 8123

INNER_CONFTEST = f'''
import threading, time
import uvicorn

SEEN = []


async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    if scope["path"] == "/openapi.json":
        body = OPENAPI
    else:
        SEEN.append((scope["method"], scope["server"][0]))
        body = b"{{}}"
    await send({{"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]}})
    await send({{"type": "http.response.body", "body": body}})


OPENAPI = b"""{{"openapi": "3.0.3", "info": {{"title": "t", "version": "1"}}, "paths": {{"/write": {{"post": {{
    "security": [], "requestBody": {{"content": {{"application/json": {{"schema": {{"type": "object",
    "properties": {{"name": {{"type": "string"}}}}}}}}}}}}, "responses": {{"200": {{"description": "ok"}}}}}}}}}}}}"""

server = uvicorn.Server(uvicorn.Config(app, host="0.0.0.0", port={PORT}, log_level="warning", lifespan="off"))
threading.Thread(target=server.run, daemon=True).start()
deadline = time.monotonic() + 10
while not server.started and time.monotonic() < deadline:
    time.sleep(0.02)
'''

INNER_TESTS = f'''
import pytest
from conftest import SEEN
from pytest_launchready.target import Target, UnsafeRequestError


def test_mapped_name_is_refused(launchready_client):
    with pytest.raises(UnsafeRequestError, match="api.localhost resolves to 203.0.113.7, not loopback"):
        launchready_client.post("/write", json={{}})
    assert ("POST", "203.0.113.7") not in SEEN


def test_unresolvable_name_is_refused():
    target = Target.for_url("http://ghost.localhost:{PORT}", timeout=2)
    with pytest.raises(UnsafeRequestError, match="ghost.localhost does not resolve"):
        target.client().post("/write", json={{}})


def test_loopback_name_is_allowed():
    target = Target.for_url("http://localhost:{PORT}", timeout=2)
    assert target.client().post("/write", json={{}}).status_code == 200
    assert ("POST", "127.0.0.1") in SEEN


def test_allow_listed_host_is_allowed():
    target = Target.for_url("http://staging.localhost:{PORT}", timeout=2, allow_hosts=("staging.localhost",))
    assert target.client().post("/write", json={{}}).status_code == 200
    assert ("POST", "203.0.113.7") in SEEN
'''


def _netns_works() -> str | None:
    """Why a network namespace cannot be made here, or None when it can."""
    if sys.platform != "linux" or not shutil.which("unshare") or not shutil.which("ip"):
        return "needs Linux with unshare and ip"
    probe = subprocess.run(["unshare", "--net", "--mount", "sh", "-c", "ip link set lo up && ip addr add 203.0.113.7/32 dev lo"],
                           capture_output=True, text=True, timeout=30)
    if probe.returncode != 0:
        return f"unshare --net --mount is not permitted here ({probe.stderr.strip() or probe.returncode})"
    return None


def test_real_resolution_in_a_network_namespace(pytester: pytest.Pytester) -> None:
    """A hosts entry maps api.localhost to 203.0.113.7 (served on lo of the namespace): the POST is
    refused, and rate_limits and validation ask the same guard; localhost and an allow-listed host pass."""
    why_not = _netns_works()
    if why_not:
        pytest.skip(why_not)
    hosts = pytester.makefile("", hosts=HOSTS)
    pytester.makeconftest(INNER_CONFTEST)
    pytester.makepyfile(test_inner=INNER_TESTS)
    pytester.makeini(
        f"[pytest]\nlaunchready_base_url = http://api.localhost:{PORT}\nlaunchready_public_routes = POST /write\n"
        "launchready_rate_limited = POST /write\n"
    )
    inner = (f"{sys.executable} -m pytest -p no:cacheprovider -rs -v --launchready "
             "--launchready-checks=rate_limits,validation")
    script = f"ip link set lo up && ip addr add 203.0.113.7/32 dev lo && mount --bind {hosts} /etc/hosts && exec {inner}"
    result = pytester.run("unshare", "--net", "--mount", "sh", "-c", script, timeout=120)
    result.stdout.fnmatch_lines([
        "test_inner.py::test_mapped_name_is_refused PASSED*",
        "test_inner.py::test_unresolvable_name_is_refused PASSED*",
        "test_inner.py::test_loopback_name_is_allowed PASSED*",
        "test_inner.py::test_allow_listed_host_is_allowed PASSED*",
        "launchready::test_validation?POST /write? SKIPPED*",
        "launchready::test_rate_limits?POST /write? SKIPPED*",
    ])
    result.stdout.fnmatch_lines([
        "SKIPPED * refusing to send invalid bodies to api.localhost: api.localhost resolves to 203.0.113.7, not loopback*",
        "SKIPPED * refusing to send a burst of * requests to api.localhost: api.localhost resolves to 203.0.113.7, not loopback*",
    ])
    assert result.ret == 0
