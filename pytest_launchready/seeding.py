"""Create-then-use ordering and id harvesting: plants a tenant's canary and records the ids it owns.

Interim: only ids from the user's ``launchready_seed`` are recorded; automatic seeding is built with
the tenant_isolation check.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

if TYPE_CHECKING:
    from pytest_launchready.routes import Route
    from pytest_launchready.settings import Settings
    from pytest_launchready.tenants import Tenant


def seed_tenant(tenant: Tenant, routes: tuple[Route, ...], settings: Settings, user_seed: Callable[[Tenant], Any] | None) -> None:
    """Fill ``tenant.ids`` (path-parameter name -> id the tenant owns)."""
    if user_seed is not None:
        tenant.ids.update({str(k): str(v) for k, v in (user_seed(tenant) or {}).items()})
