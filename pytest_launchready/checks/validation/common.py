"""Small helpers the validation check's modules share: case variants and unique text for bodies."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pytest_launchready.checks.context import RunContext

WRITE, READ = "write", "read"


def unique(ctx: RunContext) -> str:
    """Text that makes a body unique (names, emails) within and across runs."""
    # The run id keeps bodies unique across runs against a live server that keeps its data.
    return f"{ctx.run_id}{ctx.rng.getrandbits(32):08x}"
