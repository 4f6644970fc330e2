"""Small helpers the validation check's modules share: case variants, the body's media type and
unique text for bodies."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pytest_launchready.checks.validation.payloads import JSON

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
    return f"{ctx.run_id}{ctx.rng.getrandbits(32):08x}"
