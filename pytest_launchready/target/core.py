"""The Target: builds cookieless, guarded httpx clients for the app under test, in-process or live."""

from __future__ import annotations

import http.cookiejar
import socket
from typing import Any, Callable

import httpx

from pytest_launchready.target.errors import Liveness, TargetDown, TargetError
from pytest_launchready.target.guard import GuardedTransport, HostGuard
from pytest_launchready.target.inprocess import DaemonPool, _AsgiBridge, _AsgiTransport, _WsgiTransport
from pytest_launchready.target.live import LiveTransport
from pytest_launchready.target.loading import is_asgi

IN_PROCESS_BASE_URL = "http://testserver"
DEFAULT_CLIENT_ADDRESS = "127.0.0.1"
MAX_OBSERVED = 20


class _NoCookies(http.cookiejar.DefaultCookiePolicy):
    def set_ok(self, cookie: http.cookiejar.Cookie, request: Any) -> bool:
        return False


def _cookieless() -> http.cookiejar.CookieJar:
    # The jar itself, not httpx.Cookies: httpx.Client copies a Cookies object into a plain jar,
    # dropping the refusing policy, and the client would then keep every Set-Cookie.
    return http.cookiejar.CookieJar(policy=_NoCookies())


class Target:
    """The system under test: builds httpx clients for it.

    ``Target.for_app(app, ...)`` or ``Target.for_url(base_url, ...)``. ``client(auth=..., client_address=...)``
    returns a new ``httpx.Client`` bound to the target; ``client_address`` sets the ASGI/WSGI client
    address in-process, or the local source address (another 127.0.0.x) on loopback.
    """

    def __init__(self, base_url: str, timeout: float, allow_hosts: tuple[str, ...], make_transport: Callable[[str], httpx.BaseTransport],
                 in_process: bool, closer: Callable[[], None] = lambda: None, guard: HostGuard | None = None,
                 liveness: Liveness | None = None) -> None:
        self.base_url = base_url
        #: The in-process app itself (None for a live target): the load check serves it on 127.0.0.1.
        self.app: Any = None
        self.timeout = timeout
        self.allow_hosts = allow_hosts
        self.in_process = in_process
        #: The one safety guard: every client of this target, and every check, asks it.
        self.guard = guard or HostGuard(allow_hosts, in_process)
        self.liveness = liveness or Liveness()
        self._make_transport = make_transport
        self._closer = closer
        self._clients: list[httpx.Client] = []
        #: Responses that set cookies, on any client (the user's launchready_login included), at most
        #: ``MAX_OBSERVED``: the session cookie a successful login sets is judged by the headers check.
        self.cookie_responses: list[httpx.Response] = []

    @classmethod
    def for_app(cls, app: Any, timeout: float, allow_hosts: tuple[str, ...] = ()) -> Target:
        """An in-process target: ASGI on an event-loop thread, WSGI on daemon worker threads."""
        if is_asgi(app):
            liveness = Liveness()
            bridge = _AsgiBridge(app, timeout, liveness)
            target = cls(IN_PROCESS_BASE_URL, timeout, allow_hosts, lambda address: _AsgiTransport(bridge, address), True,
                         bridge.close, liveness=liveness)
        else:
            pool = DaemonPool("launchready-wsgi")
            target = cls(IN_PROCESS_BASE_URL, timeout, allow_hosts, lambda address: _WsgiTransport(app, address, timeout, pool),
                         True, pool.close)
        target.app = app
        return target

    @classmethod
    def for_url(cls, base_url: str, timeout: float, allow_hosts: tuple[str, ...] = (), verify: Any = True,
                guard: HostGuard | None = None) -> Target:
        """A live target at ``base_url``; its clients connect to the addresses ``guard`` resolved."""
        guard = guard or HostGuard(allow_hosts)
        host = httpx.URL(base_url).host
        if verify is True:
            # One context for every client: httpx would load the CA bundle again for each transport (~0.1 s each).
            verify = httpx.create_ssl_context()

        def answers() -> bool:
            """A reachability re-check on a connection of its own: any HTTP status is an answer."""
            with httpx.Client(transport=LiveTransport(httpx.HTTPTransport(verify=verify), guard), timeout=timeout) as probe:
                try:
                    probe.get(base_url.rstrip("/") + "/")
                except httpx.TransportError:
                    return False
            return True

        liveness = Liveness(answers)

        def transport(address: str) -> httpx.BaseTransport:
            local = address if address != DEFAULT_CLIENT_ADDRESS and guard.all_loopback(host) else None
            return LiveTransport(httpx.HTTPTransport(local_address=local, verify=verify), guard,
                                 family=socket.AF_INET if local else None, liveness=liveness)
        return cls(base_url, timeout, allow_hosts, transport, False, guard=guard, liveness=liveness)

    @property
    def is_https(self) -> bool:
        """True when the live target is served over https."""
        return self.base_url.startswith("https://")

    def client(self, auth: httpx.Auth | None = None, client_address: str = DEFAULT_CLIENT_ADDRESS, **kwargs: Any) -> httpx.Client:
        """A new synchronous client bound to the target; closed with the target."""
        transport = GuardedTransport(self._make_transport(client_address), self.guard, self.liveness)
        hooks = kwargs.pop("event_hooks", {})
        hooks = {**hooks, "response": [*hooks.get("response", []), self._observe_cookies]}
        client = httpx.Client(base_url=self.base_url, transport=transport, auth=auth, timeout=self.timeout,
                              cookies=_cookieless(), follow_redirects=False, event_hooks=hooks, **kwargs)
        self._clients.append(client)
        return client

    @property
    def down(self) -> TargetDown | None:
        """When and how the target stopped answering mid-run, or None while it answers."""
        return self.liveness.down

    def refusal(self, what: str) -> str | None:
        """Why the guard refuses to send ``what`` ("invalid bodies") to this target, or None."""
        return self.guard.refusal(httpx.URL(self.base_url).host, what)

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
