"""``Webhook``: one inbound webhook receiver of the app and how its deliveries are signed."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Union

from pytest_launchready.redact import Secret

__all__ = ["SCHEMES", "Signer", "Webhook"]

#: The signing schemes the plugin knows by name.
SCHEMES = ("standard", "stripe", "slack", "github")

#: A scheme of the user's own: ``sign(body, timestamp, secret) -> headers`` for one delivery.
Signer = Callable[[bytes, int, str], "dict[str, str]"]


@dataclass(frozen=True)
class Webhook:
    """A receiver (``route="POST /webhooks/billing"``), its signing ``secret`` and ``scheme``.

    ``scheme`` is ``"standard"`` (Standard Webhooks), ``"stripe"``, ``"slack"``, ``"github"``, or a
    :data:`Signer`. ``header`` names the signature header when the app moved it. ``body`` is a valid
    payload (a dict, or ``(tenant) -> dict``); None builds one from the route's schema. ``tolerance``
    is how old (or how far in the future), in seconds, a timestamp may be. The secret never prints.
    """

    route: str
    secret: str = field(repr=False)
    scheme: Union[str, Signer] = "standard"
    header: str | None = None
    body: Union[dict[str, Any], Callable[[Any], dict[str, Any]], None] = None
    tolerance: int = 300

    def __post_init__(self) -> None:
        if isinstance(self.scheme, str) and self.scheme not in SCHEMES:
            raise ValueError(f"Webhook scheme {self.scheme!r} is not one of {', '.join(SCHEMES)} (or a callable sign(body, timestamp, secret))")
        if not self.secret:
            raise ValueError(f"Webhook {self.route!r} has an empty secret (an env var not set?)")
        if isinstance(self.tolerance, bool) or not isinstance(self.tolerance, int) or self.tolerance <= 0:
            raise ValueError(f"Webhook tolerance must be a positive number of seconds, not {self.tolerance!r}")
        object.__setattr__(self, "secret", Secret(self.secret))  # its repr never shows the value

    def __repr__(self) -> str:
        scheme = self.scheme if isinstance(self.scheme, str) else getattr(self.scheme, "__name__", "callable")
        return f"Webhook(route={self.route!r}, secret=<redacted>, scheme={scheme!r})"
