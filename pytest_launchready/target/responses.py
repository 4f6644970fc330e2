"""Reading the app's answers: the one way every part parses a response body as JSON."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import httpx


def json_body(response: httpx.Response | None) -> Any:
    """The response's JSON body, or None when there is no response or its body is not JSON."""
    if response is None:
        return None
    try:
        return response.json()
    except ValueError:  # json.JSONDecodeError and UnicodeDecodeError both are
        return None
