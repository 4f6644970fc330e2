"""The transport of a live target: it connects to the addresses the guard resolved.

httpx would resolve the name again at connect time, and a name can answer differently the second
time (DNS rebinding): the guard would have judged one address and the request gone to another. So
the request's URL carries the resolved address while httpx sends it; the Host header (set by httpx
from the original URL) and, for https, the TLS server name and certificate check (httpcore's
``sni_hostname`` extension) keep the name.
"""

from __future__ import annotations

import ipaddress
import socket

import httpx

from pytest_launchready.target.guard import HostGuard


class LiveTransport(httpx.BaseTransport):
    """``inner`` (an ``httpx.HTTPTransport``) sending to the guard's addresses of each host.

    ``family=socket.AF_INET`` keeps to IPv4 addresses (the client binds an IPv4 source address).
    When a host has several addresses, a refused connection moves on to the next one, and the one
    that answered is tried first from then on.
    """

    def __init__(self, inner: httpx.BaseTransport, guard: HostGuard, family: int | None = None) -> None:
        self.inner = inner
        self.guard = guard
        self.family = family
        self._preferred: dict[str, str] = {}

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
