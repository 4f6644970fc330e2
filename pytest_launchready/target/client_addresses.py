"""Client addresses of their own for checks that may trip the target's per-IP limits.

A burst of failed logins from 127.0.0.1 could make the app throttle the user's own
``launchready_login`` and every check after it. The validation fuzz and each rate-limit burst
therefore come from another loopback address: in-process that is the ASGI/WSGI client address; on a
live loopback target it is the local source address (Linux routes all of 127.0.0.0/8 to loopback;
where the system cannot bind it, as macOS by default, the default address is used instead).
"""

from __future__ import annotations

import socket
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import httpx

    from pytest_launchready.target import Target

VALIDATION_ADDRESS = "127.0.3.1"


def burst_address(index: int) -> str:
    """A distinct address per rate-limit case: ``127.0.4.1``, ``127.0.4.2``, ..."""
    return f"127.0.{4 + index // 250}.{1 + index % 250}"


def can_bind(address: str) -> bool:
    """True when this machine can send from ``address`` (no packet is sent to find out)."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            probe.bind((address, 0))
    except OSError:
        return False
    return True


def client_at(target: Target, address: str, auth: httpx.Auth | None = None) -> httpx.Client:
    """A client of ``target`` sending from ``address`` when possible, else from the default address."""
    if target.in_process or can_bind(address):
        return target.client(auth=auth, client_address=address)
    return target.client(auth=auth)
