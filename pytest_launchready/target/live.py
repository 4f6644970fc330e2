"""The transport of a live target: it connects to the addresses the guard resolved, retries only
what was provably not delivered, and notices a target that stopped answering.

httpx would resolve the name again at connect time, and a name can answer differently the second
time (DNS rebinding): the guard would have judged one address and the request gone to another. So
the request's URL carries the resolved address while httpx sends it; the Host header (set by httpx
from the original URL) and, for https, the TLS server name and certificate check (httpcore's
``sni_hostname`` extension) keep the name.

Retries: one, on a fresh connection, and only when the request cannot have reached the app (a
connect error) or is a GET/HEAD/OPTIONS after a read error; a write that may have arrived is never
sent twice. After a 5xx the pooled connection is dropped before the next request. An error that
survives that, followed by a failed reachability re-check, means the target stopped answering:
``TargetStoppedError`` from then on, at once, for every client of the target. So does a request that
timed out when the re-check times out too (a server hung by one request, e.g. a catastrophic regex):
that request's timeout stays the check's finding, and later tests do not each wait for their own.
"""

from __future__ import annotations

import ipaddress
import socket

import httpx

from pytest_launchready.target.errors import Liveness
from pytest_launchready.target.guard import HostGuard

#: Methods that change nothing, so a request that may have arrived can be sent again.
REPEATABLE = frozenset({"GET", "HEAD", "OPTIONS"})
#: Errors that say nothing came back; a 5xx or a timeout is an answer (or a finding), not a death.
_LOST = (httpx.NetworkError, httpx.RemoteProtocolError, httpx.ConnectTimeout)


class LiveTransport(httpx.BaseTransport):
    """``inner`` (an ``httpx.HTTPTransport``) sending to the guard's addresses of each host.

    ``family=socket.AF_INET`` keeps to IPv4 addresses (the client binds an IPv4 source address).
    When a host has several addresses, a refused connection moves on to the next one, and the one
    that answered is tried first from then on.
    """

    def __init__(self, inner: httpx.BaseTransport, guard: HostGuard, family: int | None = None,
                 liveness: Liveness | None = None) -> None:
        self.inner = inner
        self.guard = guard
        self.family = family
        self.liveness = liveness
        self._preferred: dict[str, str] = {}
        self._drop_pool = False

    def _addresses(self, host: str) -> list[str]:
        found = self.guard.resolution(host)
        addresses = list(found.addresses)
        if self.family == socket.AF_INET:
            addresses = [a for a in addresses if ":" not in a] or addresses
        preferred = self._preferred.get(found.host)
        if preferred in addresses:
            addresses.remove(preferred)
            addresses.insert(0, preferred)
        if not addresses:
            raise httpx.ConnectError(f"{found.host} does not resolve ({found.error})")
        return addresses

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if self._drop_pool:  # the server may close the connection after a 5xx; do not find out mid-request
            self.inner.close()
            self._drop_pool = False
        try:
            response = self._send_with_retry(request)
        except _LOST as exc:
            stopped = None if self.liveness is None else self.liveness.confirm_down(
                f"{request.method} {request.url.path}: {type(exc).__name__}: {exc}")
            if stopped is not None:
                raise stopped from None
            raise
        except httpx.TimeoutException:
            # The timeout is the check's to judge (a hang is a finding); whether the whole target hangs with it
            # decides whether any later test can still mean something.
            if self.liveness is not None:
                self.liveness.confirm_hung(f"{request.method} {request.url.path} got no answer within the timeout")
            raise
        if self.liveness is not None:
            self.liveness.answered = True
        self._drop_pool = response.status_code >= 500
        return response

    def _send_with_retry(self, request: httpx.Request) -> httpx.Response:
        try:
            return self._send(request)
        except (httpx.ConnectError, httpx.ConnectTimeout):
            pass  # never delivered
        except (httpx.ReadError, httpx.WriteError, httpx.RemoteProtocolError):
            if request.method not in REPEATABLE:
                raise  # the app may have acted on it: never send a write twice
        self.inner.close()  # a fresh connection for the one retry
        return self._send(request)

    def _send(self, request: httpx.Request) -> httpx.Response:
        original = request.url
        host = original.host
        addresses = self._addresses(host)
        if original.scheme == "https" and not _is_ip(host):
            request.extensions["sni_hostname"] = host
        error: httpx.ConnectError | None = None
        for address in addresses:
            request.url = original.copy_with(host=address)
            try:
                response = self.inner.handle_request(request)
            except httpx.ConnectError as exc:
                error = exc  # nothing was sent: the next address may answer
                continue
            finally:
                request.url = original
            self._preferred[self.guard.resolution(host).host] = address
            try:
                response.read()  # here, so that a connection lost mid-body is retried and judged like any other
            except BaseException:
                response.close()
                raise
            return response
        assert error is not None
        raise error

    def close(self) -> None:
        self.inner.close()


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True
