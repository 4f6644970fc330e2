"""The safety guard: state-changing requests go only to loopback, the in-process app, or
``launchready_allow_hosts``.

It judges addresses, not names: a hosts entry or a DNS record can point ``api.localhost`` anywhere.
Each host is resolved once per run (all its addresses), a mutation is allowed only when every
address is loopback, and live clients connect to exactly those addresses (``live``), so a name that
resolves elsewhere later (DNS rebinding) changes nothing.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
from dataclasses import dataclass
from typing import Callable, Iterable, Sequence

import httpx

from pytest_launchready.routes import MUTATING_METHODS
from pytest_launchready.target.errors import Liveness, TargetStoppedError

LOOPBACK = "loopback (127.0.0.0/8, ::1)"


class UnsafeRequestError(httpx.TransportError):
    """A state-changing request to a host that is not loopback nor allowed."""


@dataclass(frozen=True)
class Resolution:
    """What a host resolved to: its addresses in resolver order, or why it did not resolve."""

    host: str
    addresses: tuple[str, ...]
    error: str = ""

    @property
    def all_loopback(self) -> bool:
        """True when the host resolved and every address is loopback."""
        return bool(self.addresses) and all(is_loopback_address(a) for a in self.addresses)


def is_loopback_address(address: str) -> bool:
    """True for an address in 127.0.0.0/8 or ::1 (an IPv4-mapped one included); False for anything else."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped.is_loopback
    return ip.is_loopback


def normalize_host(host: str) -> str:
    """``[::1]`` -> ``::1``, ``API.Example.com.`` -> ``api.example.com``."""
    return host.strip("[]").rstrip(".").lower()


def system_resolve(host: str) -> Sequence[str]:
    """Every address ``socket.getaddrinfo`` gives for ``host`` (TCP), in its order, without repeats."""
    infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


class HostGuard:
    """The one safety guard every client, check and engine asks before changing state.

    ``resolve`` maps a host name to its addresses (``socket.getaddrinfo`` by default; tests pass a
    stand-in). In-process targets are always allowed: nothing leaves the process.
    """

    def __init__(self, allow_hosts: Iterable[str] = (), in_process: bool = False,
                 resolve: Callable[[str], Sequence[str]] | None = None) -> None:
        self.allow_hosts = frozenset(normalize_host(h) for h in allow_hosts)
        self.in_process = in_process
        self._resolve = resolve or system_resolve
        self._cache: dict[str, Resolution] = {}
        self._lock = threading.Lock()

    def resolution(self, host: str) -> Resolution:
        """The addresses of ``host``, resolved on first use and kept for the rest of the run."""
        host = normalize_host(host)
        cached = self._cache.get(host)
        if cached is not None:
            return cached
        with self._lock:  # one lookup per host, even when clients on several threads ask at once
            cached = self._cache.get(host)
            if cached is None:
                cached = self._cache[host] = self._lookup(host)
        return cached

    def _lookup(self, host: str) -> Resolution:
        try:
            return Resolution(host, (str(ipaddress.ip_address(host)),))
        except ValueError:
            pass
        try:
            addresses = tuple(self._resolve(host))
        except (OSError, UnicodeError) as exc:
            return Resolution(host, (), str(exc.args[-1] if isinstance(exc, socket.gaierror) and exc.args else exc))
        return Resolution(host, addresses, "" if addresses else "no address")

    def all_loopback(self, host: str) -> bool:
        """True when every address of ``host`` is loopback."""
        return self.resolution(host).all_loopback

    def why_not(self, host: str) -> str | None:
        """Why a state-changing request to ``host`` is refused, or None when it is allowed."""
        if self.in_process or normalize_host(host) in self.allow_hosts:
            return None
        found = self.resolution(host)
        if found.all_loopback:
            return None
        if not found.addresses:
            return f"{found.host} does not resolve ({found.error}), so it cannot be shown to be loopback"
        some = any(is_loopback_address(a) for a in found.addresses)
        return f"{found.host} resolves to {', '.join(found.addresses)}, not {'all ' if some else ''}loopback"

    def refusal(self, host: str, what: str) -> str | None:
        """The message refusing to send ``what`` ("a POST", "a burst of 50 requests") to ``host``, or None."""
        why = self.why_not(host)
        if why is None:
            return None
        shown = normalize_host(host)
        return (f"refusing to send {what} to {shown}: {why}, and state-changing requests go only to {LOOPBACK} by "
                f"default. If {shown} is a test environment you own, add it to launchready_allow_hosts.")


class GuardedTransport(httpx.BaseTransport):
    """Refuses state-changing requests the guard does not allow, and every request once the target
    is known to have stopped answering; passes everything else on."""

    def __init__(self, inner: httpx.BaseTransport, guard: HostGuard, liveness: Liveness | None = None) -> None:
        self.inner = inner
        self.guard = guard
        self.liveness = liveness

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        down = None if self.liveness is None else self.liveness.down
        if down is not None:
            raise TargetStoppedError(down.message)
        if request.method in MUTATING_METHODS and not self.guard.in_process:
            refused = self.guard.refusal(request.url.host, f"a {request.method}")
            if refused is not None:
                raise UnsafeRequestError(refused, request=request)
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()
