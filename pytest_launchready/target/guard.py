"""The safety guard: state-changing requests go only to loopback, the in-process app, or
``launchready_allow_hosts``."""

from __future__ import annotations

import ipaddress

import httpx

from pytest_launchready.routes import MUTATING_METHODS


class UnsafeRequestError(httpx.TransportError):
    """A state-changing request to a host that is not loopback nor allowed."""


def is_loopback(host: str) -> bool:
    """True for localhost, 127.0.0.0/8 and ::1."""
    host = host.strip("[]").lower()
    if host in ("localhost", "localhost.") or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


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
