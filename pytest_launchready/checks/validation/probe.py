"""What one request of the validation check is: a :class:`Probe`, and how bad its violation is.

- :data:`REQUIRED`: the body has no usable value for a required field. The route must reject it.
- :data:`DECLARED`: it breaks another declared constraint. It should be rejected.
- :data:`NONE`: no violation at all. It must merely not crash the server.

The full story of each level is in :mod:`pytest_launchready.checks.validation.payloads`.
"""

from __future__ import annotations

from dataclasses import dataclass

REQUIRED = "required"
DECLARED = "declared"
NONE = "none"
_VIOLATION_ORDER = (REQUIRED, DECLARED, NONE)


@dataclass(frozen=True)
class Probe:
    """One request body to send: ``content`` with ``content_type`` (None: no Content-Type header)."""

    label: str
    kind: str
    content: bytes
    content_type: str | None
    violation: str
    field: str = ""

    @property
    def text(self) -> str:
        """The body as text, to tell echoes of it from leaks."""
        return self.content.decode("utf-8", errors="replace")
