"""Hooks users may implement in conftest.py (registered through ``pytest_addhooks``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from pytest_launchready.routes import Route


@pytest.hookspec(firstresult=True)
def pytest_launchready_routes(config: pytest.Config, routes: list[Route]) -> list[Route] | None:
    """Filter or edit the discovered routes at collection time.

    Called once per session (and once per xdist worker, which must return the same list) with the
    sorted routes after ``launchready_exclude_routes``. Return a new list (edited ``Route`` objects are
    made with ``dataclasses.replace``), or None to keep the routes as they are. Returning an empty
    list is an error: nothing would be tested.
    """
