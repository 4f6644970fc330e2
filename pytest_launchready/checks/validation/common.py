"""Small helpers the validation check's modules share: case variants, the body's media type, unique
text for bodies, and an answer's JSON."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import httpx

from pytest_launchready.checks.validation.payloads import JSON
from pytest_launchready.plugin.state import get_state

if TYPE_CHECKING:
    from pytest_launchready.checks.context import RunContext
    from pytest_launchready.routes import Route

WRITE, READ = "write", "read"


def body_content_type(route: Route) -> str:
    """The declared body media type (JSON when none is declared)."""
    return (route.body_content_type or JSON).split(";")[0].strip().lower()


def unique(ctx: RunContext) -> str:
    """Text that makes a body unique (names, emails) within and across runs."""
    # The run id keeps bodies unique across runs against a live server that keeps its data.
    return f"{get_state(ctx.config).run_id}{ctx.rng.getrandbits(32):08x}"


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def camel_case(name: str) -> str:
    """``org_id`` as ``orgId``."""
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)
