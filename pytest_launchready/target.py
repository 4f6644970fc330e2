"""The app under test, in-process or live, as synchronous httpx clients behind the safety guard.

- ASGI apps run on one anyio portal (a background event loop thread) with lifespan startup and
  shutdown, app exceptions turned into 500 responses and a time limit per request: httpx's own
  ASGITransport is async-only, raises app exceptions and ignores timeouts.
- WSGI apps go through httpx's WSGITransport, with the same 500 and time-limit behaviour.
- Live targets use a plain httpx transport.

Every client keeps no cookies (credentials add their own on each request) and refuses requests that
change state unless they go to loopback, the in-process app, or ``launchready_allow_hosts``.
"""

from __future__ import annotations

import concurrent.futures
import http.cookiejar
import importlib
import inspect
import ipaddress
import sys
import threading
from contextlib import ExitStack
from typing import Any, Callable

import anyio
import anyio.from_thread
import httpx

from pytest_launchready.routes import MUTATING_METHODS

IN_PROCESS_BASE_URL = "http://testserver"
DEFAULT_CLIENT_ADDRESS = "127.0.0.1"
MAX_OBSERVED = 20


class TargetError(Exception):
    """The target cannot be loaded or reached; the message says what to change."""


class UnsafeRequestError(httpx.TransportError):
    """A state-changing request to a host that is not loopback nor allowed."""


def load_app(spec: str, rootpath: str) -> Any:
    """Import ``package.module:attr``; call it when it is a zero-argument factory."""
    module_name, _, attr = spec.partition(":")
    if rootpath not in sys.path:
        sys.path.insert(0, rootpath)
    try:
        module = importlib.import_module(module_name)
    except Exception as exc:
        missing = isinstance(exc, ModuleNotFoundError) and f"{module_name}.".startswith(f"{exc.name}.")
        fix = ("Check the module path (it is imported from the rootdir and sys.path)." if missing
               else "Fix that error: the app must import on its own, with the environment pytest runs in.")
        raise TargetError(
            f"launchready_app = {spec!r}: importing {module_name!r} failed: {type(exc).__name__}: {exc}"
            f"{'' if missing else _where(exc, rootpath)}. {fix}"
        ) from exc
    obj: Any = module
    for part in attr.split("."):
        if not hasattr(obj, part):
            raise TargetError(f"launchready_app = {spec!r}: {module_name!r} has no attribute {attr!r}.")
        obj = getattr(obj, part)
    if _is_factory(obj):
        obj = obj()
    if not callable(obj):
        raise TargetError(f"launchready_app = {spec!r} is not an ASGI/WSGI app nor a zero-argument factory.")
    return obj


def _where(exc: BaseException, rootpath: str) -> str:
    """`` (at app/settings.py:12, in load)``: the innermost frame in the user's code, else the innermost one."""
    import os
    import traceback

    frames = [f for f in traceback.extract_tb(exc.__traceback__) if not f.filename.startswith("<frozen ")]
    root = os.path.abspath(rootpath) + os.sep
    frame = next((f for f in reversed(frames) if os.path.abspath(f.filename).startswith(root)), frames[-1] if frames else None)
    if frame is None:
        return ""
    path = os.path.abspath(frame.filename)
    shown = path[len(root):] if path.startswith(root) else path
    return f" (at {shown}:{frame.lineno}, in {frame.name})"


def _is_factory(obj: Any) -> bool:
    if not inspect.isfunction(obj):
        return False
    params = [p for p in inspect.signature(obj).parameters.values() if p.default is inspect.Parameter.empty]
    return not params


def is_asgi(app: Any) -> bool:
    """ASGI apps are coroutine functions of (scope, receive, send), or objects whose __call__ is one."""
    if inspect.iscoroutinefunction(app):
        return True
    call = getattr(app, "__call__", None)
    return inspect.iscoroutinefunction(call)


def is_loopback(host: str) -> bool:
    """True for localhost, 127.0.0.0/8 and ::1."""
    host = host.strip("[]").lower()
    if host in ("localhost", "localhost.") or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class _NoCookies(http.cookiejar.DefaultCookiePolicy):
    def set_ok(self, cookie: http.cookiejar.Cookie, request: Any) -> bool:
        return False


def _cookieless() -> http.cookiejar.CookieJar:
    # The jar itself, not httpx.Cookies: httpx.Client copies a Cookies object into a plain jar,
    # dropping the refusing policy, and the client would then keep every Set-Cookie.
    return http.cookiejar.CookieJar(policy=_NoCookies())


class GuardedTransport(httpx.BaseTransport):
    """Refuses state-changing requests to hosts that are not loopback or allowed."""

    def __init__(self, inner: httpx.BaseTransport, allow_hosts: tuple[str, ...], in_process: bool) -> None:
        self.inner = inner
        self.allow_hosts = allow_hosts
        self.in_process = in_process

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        host = request.url.host
        if request.method in MUTATING_METHODS and not self.in_process and not is_loopback(host) and host not in self.allow_hosts:
            raise UnsafeRequestError(
                f"refused {request.method} to {host}: state-changing checks only go to loopback by default. "
                f"If {host} is a test environment you own, add it to launchready_allow_hosts.",
                request=request,
            )
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


class _AsgiBridge:
    """One event loop thread (anyio portal) running an ASGI app's lifespan and requests."""

    def __init__(self, app: Any, timeout: float) -> None:
        self.app = app
        self.timeout = timeout
        self._stack = ExitStack()
        self.portal = self._stack.enter_context(anyio.from_thread.start_blocking_portal())
        self._lifespan_done: concurrent.futures.Future[Any] | None = None
        self._shutdown = threading.Event()
        self._start_lifespan()

    def _start_lifespan(self) -> None:
        send_stream, receive_stream = anyio.create_memory_object_stream[dict[str, Any]](10)
        startup: concurrent.futures.Future[str] = concurrent.futures.Future()
        self._to_app = send_stream
        self._startup = startup

        async def receive() -> dict[str, Any]:
            return await receive_stream.receive()

        async def send(message: dict[str, Any]) -> None:
            kind = message.get("type", "")
            if kind in ("lifespan.startup.complete", "lifespan.startup.failed") and not startup.done():
                startup.set_result(kind + (f": {message.get('message', '')}" if kind.endswith("failed") else ""))

        async def run() -> None:
            scope = {"type": "lifespan", "asgi": {"version": "3.0", "spec_version": "2.0"}, "state": {}}
            try:
                await self.app(scope, receive, send)
            except BaseException:  # noqa: BLE001 - apps without lifespan support raise; that is allowed
                pass
            if not startup.done():
                startup.set_result("unsupported")

        self._lifespan_done = self.portal.start_task_soon(run)
        self.portal.call(send_stream.send, {"type": "lifespan.startup"})
        try:
            outcome = startup.result(timeout=self.timeout)
        except concurrent.futures.TimeoutError:
            raise TargetError(f"the app's lifespan startup took longer than {self.timeout:g} s (launchready_timeout)") from None
        if outcome.startswith("lifespan.startup.failed"):
            raise TargetError(f"the app's lifespan startup failed: {outcome.split(': ', 1)[-1]}")
        self.lifespan_supported = outcome != "unsupported"

    def handle(self, request: httpx.Request, client_address: str) -> httpx.Response:
        body = request.read()
        transport = httpx.ASGITransport(app=self.app, raise_app_exceptions=False, client=(client_address, 50000))

        async def call() -> httpx.Response:
            async_request = httpx.Request(request.method, request.url, headers=request.headers, content=body)
            response = await transport.handle_async_request(async_request)
            content = await response.aread()
            return httpx.Response(response.status_code, headers=response.headers, content=content, request=request)

        future = self.portal.start_task_soon(call)
        try:
            return future.result(timeout=self.timeout)
        except concurrent.futures.TimeoutError:
            future.cancel()
            raise httpx.ReadTimeout(f"no response within {self.timeout:g} s (launchready_timeout)", request=request) from None

    def close(self) -> None:
        if self.lifespan_supported and self._lifespan_done is not None:
            try:
                self.portal.call(self._to_app.send, {"type": "lifespan.shutdown"})
                self._lifespan_done.result(timeout=self.timeout)
            except Exception:  # noqa: BLE001 - shutdown is best effort at session end
                pass
        self._stack.close()


class _AsgiTransport(httpx.BaseTransport):
    def __init__(self, bridge: _AsgiBridge, client_address: str) -> None:
        self.bridge = bridge
        self.client_address = client_address

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return self.bridge.handle(request, self.client_address)


class _WsgiTransport(httpx.BaseTransport):
    """httpx's WSGITransport with a time limit and app exceptions as 500 responses."""

    def __init__(self, app: Any, client_address: str, timeout: float, pool: concurrent.futures.ThreadPoolExecutor) -> None:
        self.inner = httpx.WSGITransport(app=app, raise_app_exceptions=False, remote_addr=client_address)
        self.timeout = timeout
        self.pool = pool

    def _call(self, request: httpx.Request) -> httpx.Response:
        try:
            response = self.inner.handle_request(request)
            response.read()
            return response
        except Exception as exc:  # noqa: BLE001 - an app crash is a 500, as a real server would answer
            return httpx.Response(500, text=f"Internal Server Error ({type(exc).__name__})", request=request)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.read()
        future = self.pool.submit(self._call, request)
        try:
            return future.result(timeout=self.timeout)
        except concurrent.futures.TimeoutError:
            raise httpx.ReadTimeout(f"no response within {self.timeout:g} s (launchready_timeout)", request=request) from None


class Target:
    """The system under test: builds httpx clients for it.

    ``Target.in_process(app, ...)`` or ``Target.live(base_url, ...)``. ``client(auth=..., client_address=...)``
    returns a new ``httpx.Client`` bound to the target; ``client_address`` sets the ASGI/WSGI client
    address in-process, or the local source address (another 127.0.0.x) on loopback.
    """

    def __init__(self, base_url: str, timeout: float, allow_hosts: tuple[str, ...], make_transport: Callable[[str], httpx.BaseTransport],
                 in_process: bool, closer: Callable[[], None] = lambda: None) -> None:
        self.base_url = base_url
        self.timeout = timeout
        self.allow_hosts = allow_hosts
        self.in_process = in_process
        self._make_transport = make_transport
        self._closer = closer
        self._clients: list[httpx.Client] = []
        #: Responses that set cookies, on any client (the user's launchready_login included), at most
        #: ``MAX_OBSERVED``: the session cookie a successful login sets is judged by the headers check.
        self.cookie_responses: list[httpx.Response] = []

    @classmethod
    def for_app(cls, app: Any, timeout: float, allow_hosts: tuple[str, ...] = ()) -> Target:
        """An in-process target: ASGI through an anyio portal, WSGI through a thread pool."""
        if is_asgi(app):
            bridge = _AsgiBridge(app, timeout)
            return cls(IN_PROCESS_BASE_URL, timeout, allow_hosts, lambda address: _AsgiTransport(bridge, address), True, bridge.close)
        pool = concurrent.futures.ThreadPoolExecutor(max_workers=4, thread_name_prefix="launchready-wsgi")
        return cls(IN_PROCESS_BASE_URL, timeout, allow_hosts, lambda address: _WsgiTransport(app, address, timeout, pool), True,
                   lambda: pool.shutdown(wait=False, cancel_futures=True))

    @classmethod
    def for_url(cls, base_url: str, timeout: float, allow_hosts: tuple[str, ...] = (), verify: Any = True) -> Target:
        """A live target at ``base_url``."""
        def transport(address: str) -> httpx.BaseTransport:
            local = address if is_loopback(httpx.URL(base_url).host) and address != DEFAULT_CLIENT_ADDRESS else None
            return httpx.HTTPTransport(local_address=local, verify=verify)
        return cls(base_url, timeout, allow_hosts, transport, False)

    @property
    def is_https(self) -> bool:
        """True when the live target is served over https."""
        return self.base_url.startswith("https://")

    def client(self, auth: httpx.Auth | None = None, client_address: str = DEFAULT_CLIENT_ADDRESS, **kwargs: Any) -> httpx.Client:
        """A new synchronous client bound to the target; closed with the target."""
        transport = GuardedTransport(self._make_transport(client_address), self.allow_hosts, self.in_process)
        hooks = kwargs.pop("event_hooks", {})
        hooks = {**hooks, "response": [*hooks.get("response", []), self._observe_cookies]}
        client = httpx.Client(base_url=self.base_url, transport=transport, auth=auth, timeout=self.timeout,
                              cookies=_cookieless(), follow_redirects=False, event_hooks=hooks, **kwargs)
        self._clients.append(client)
        return client

    def _observe_cookies(self, response: httpx.Response) -> None:
        if "set-cookie" in response.headers and len(self.cookie_responses) < MAX_OBSERVED:
            self.cookie_responses.append(response)

    def close(self) -> None:
        """Close every client and stop the in-process app (lifespan shutdown)."""
        for client in self._clients:
            client.close()
        self._closer()


def check_reachable(target: Target) -> None:
    """Fail closed when a live target does not answer at all (any HTTP status is an answer)."""
    client = target.client()
    try:
        client.get("/")
    except httpx.TransportError as exc:
        raise TargetError(
            f"target {target.base_url} is unreachable ({type(exc).__name__}: {exc}): start the server, or fix "
            "launchready_base_url / --launchready-url (and launchready_ca_bundle if it uses a private CA)."
        ) from None
