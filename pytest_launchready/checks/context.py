"""What a check sees at run time: settings, routes, the target, tenants and optional user fixtures.

Everything is fetched lazily through pytest fixtures, so a check that never touches a tenant never
logs anyone in, and a check that reads only files never needs a target.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, Any

import pytest

from pytest_launchready._sentinel import NOT_PROVIDED
from pytest_launchready.redact import Redactor

if TYPE_CHECKING:
    import httpx

    from pytest_launchready.checks import Case
    from pytest_launchready.routes import Route
    from pytest_launchready.config.settings import Settings
    from pytest_launchready.target import Target
    from pytest_launchready.tenants import Tenant

#: user_properties key under which a check's warnings travel to the controller (xdist-safe).
WARN_PROPERTY = "launchready_warn"


class LaunchreadyWarning(UserWarning):
    """A weakness a check found that fails only with ``--launchready-strict``."""


class RunContext:
    """The prepared context a check's ``run(ctx, case)`` receives."""

    def __init__(self, request: pytest.FixtureRequest, case: Case, check_name: str) -> None:
        self.request = request
        self.case = case
        self.check_name = check_name
        self.config: pytest.Config = request.config
        self.settings: Settings = request.getfixturevalue("launchready_settings")
        self.redact: Redactor = request.getfixturevalue("launchready_redactor")
        #: Seeded per case from ``--launchready-fuzz-seed``: the same run gives the same data.
        self.rng = random.Random(f"{self.settings.fuzz_seed}:{check_name}:{case.id}")

    @property
    def routes(self) -> tuple[Route, ...]:
        """All discovered routes, sorted (after ``launchready_exclude_routes`` and the user hook)."""
        return self.request.getfixturevalue("launchready_routes")  # type: ignore[no-any-return]

    @property
    def target(self) -> Target:
        """The app under test: makes httpx clients, in-process or live, behind the safety guard."""
        return self.request.getfixturevalue("launchready_target")  # type: ignore[no-any-return]

    @property
    def client(self) -> httpx.Client:
        """The anonymous client (no credentials, keeps no cookies)."""
        return self.request.getfixturevalue("launchready_client")  # type: ignore[no-any-return]

    @property
    def tenant_a(self) -> Tenant:
        """Tenant A: the first role, with its canary planted and its objects seeded."""
        return self.request.getfixturevalue("tenant_a")  # type: ignore[no-any-return]

    @property
    def tenant_b(self) -> Tenant:
        """Tenant B: a second tenant in the first role, the attacker in isolation checks."""
        return self.request.getfixturevalue("tenant_b")  # type: ignore[no-any-return]

    def tenant_role(self, role: str, tenant: Tenant | None = None) -> Tenant:
        """A new user in ``role``; in ``tenant``'s org when given, else in a fresh throwaway tenant."""
        factory = self.request.getfixturevalue("tenant_role")
        return factory(role, tenant)  # type: ignore[no-any-return]

    def fresh_tenant(self, label: str) -> Tenant:
        """A throwaway tenant in the first role, for tests that change state (never A's or B's data)."""
        factory = self.request.getfixturevalue("tenant_role")
        return factory(self.settings.roles[0], None, label)  # type: ignore[no-any-return]

    def fixture(self, name: str) -> Any | None:
        """An optional user fixture (``launchready_mint_token``, ``launchready_logout``...), or None."""
        try:
            value = self.request.getfixturevalue(name)
        except pytest.FixtureLookupError:
            return None
        return None if value is NOT_PROVIDED else value

    def warn(self, message: str) -> None:
        """Record a weakness: shown as WARN in the scorecard; fails the test with --launchready-strict."""
        message = self.redact(message)
        self.request.node.user_properties.append((WARN_PROPERTY, message))
        if self.settings.strict:
            raise AssertionError(f"WARN (failing because of --launchready-strict): {message}")
        self.request.node.warn(LaunchreadyWarning(message))
