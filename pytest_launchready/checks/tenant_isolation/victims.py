"""Whose data the tenant_isolation tests look for besides tenant A's, and what is no one's secret: the
other tenants the session made, and what a public GET shows anyone anyway."""

from __future__ import annotations

from typing import Any

import httpx

from pytest_launchready.checks.context import RunContext
from pytest_launchready.checks.probing import MAX_VIEWS
from pytest_launchready.tenants import Tenant
from pytest_launchready.tenants.leaks import Victim
from pytest_launchready.tenants.seeding import collection_of, lookup


def readable_by_anyone(ctx: RunContext, route: Any, owner: Tenant, overrides: dict[str, str], mark: str,
                       seen: dict[str, str]) -> bool:
    """Whether ``mark`` (the victim's data a write answered with) is what anyone may read anyway: a
    public GET of the same object shows it to an anonymous client (liking a public article answers
    with the article). ``seen`` caches the anonymous answers by path for this test."""
    names = set(route.path_params)
    for candidate in ctx.routes:
        if candidate.method != "GET" or not candidate.public or not names & set(candidate.path_params):
            continue
        values = {p: overrides.get(p) or lookup(owner, p, collection_of(candidate.path, p)) for p in candidate.path_params}
        if any(v is None for v in values.values()):
            continue
        path = candidate.format_path({k: str(v) for k, v in values.items()})
        if path not in seen and len(seen) < MAX_VIEWS:
            try:
                seen[path] = ctx.client.get(path).text
            except httpx.HTTPError:
                seen[path] = ""
        if mark in seen.get(path, ""):
            return True
    return False


def bystanders(ctx: RunContext, exclude: set[str]) -> list[Victim]:
    """Every other tenant this session made (throwaway ones included): their canaries must not show either.
    Staff users are no tenant: what they wrote (a menu) may be everyone's to see."""
    factory = ctx.request.getfixturevalue("tenant_role")
    found: dict[str, Victim] = {}
    for tenant in getattr(factory, "created", ()):
        if tenant.canary not in exclude and tenant.canary not in found and not ctx.settings.is_global(tenant.role):
            found[tenant.canary] = Victim(f"another tenant's ({tenant.name})", tenant.canary)
    return list(found.values())
