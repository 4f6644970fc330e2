"""The one request type checks send: a :class:`Probe` is a method, a path, query and body.

Every check that builds requests before sending them (authorization probes with swapped ids, token
forgeries against a baseline route, the anonymous requests of the secrets scan) builds Probes, so a
request is described, sent and told in a finding the same way everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import httpx

    from pytest_launchready.routes import Route


@dataclass
class Probe:
    """One request: what it is, why it is sent, and the route it was made for (when there is one).

    ``body`` is a JSON value, form fields when ``form`` is set, or raw ``bytes`` sent as they are
    (declared JSON): a malformed body must reach the app unparsed.
    """

    method: str
    path: str
    params: list[tuple[str, str]] = field(default_factory=list)
    body: Any = None
    form: bool = False
    label: str = ""
    route: Route | None = None

    def send(self, client: httpx.Client, **kwargs: Any) -> httpx.Response:
        """Send it with ``client``; ``kwargs`` (``auth=``...) go to ``client.request``."""
        if self.params:
            kwargs["params"] = self.params
        if isinstance(self.body, bytes):
            kwargs["content"] = self.body
            kwargs["headers"] = {"content-type": "application/json", **(kwargs.get("headers") or {})}
        elif self.body is not None:
            kwargs["data" if self.form else "json"] = self.body
        return client.request(self.method, self.path, **kwargs)

    @property
    def text(self) -> str:
        """``PATCH /conversations/c1?x=1`` (body not shown)."""
        query = "&".join(f"{k}={v}" for k, v in self.params)
        return f"{self.method} {self.path}" + (f"?{query}" if query else "")

    @property
    def route_key(self) -> str:
        """The route's key (``GET /notes/{note_id}``), or the request line when made without a route."""
        return self.route.key if self.route is not None else self.text

    def describe(self) -> str:
        """``GET /notes/{note_id} (sent as /notes/8f2c)``, or the route key when nothing was filled in."""
        if self.route is None:
            return self.text
        return self.route.key if self.path == self.route.path else f"{self.route.key} (sent as {self.path})"

    def sent(self) -> set[str]:
        """Every value the request carried (an echo of these reveals nothing)."""
        from pytest_launchready.tenants.leaks import sent_values

        query = "?" + "&".join(f"{k}={v}" for k, v in self.params) if self.params else ""
        return sent_values(self.method, self.path + query, self.body)
