"""What a check sees at run time: settings, routes, the target, tenants and optional user fixtures.

Everything is fetched lazily through pytest fixtures, so a check that never touches a tenant never
logs anyone in, and a check that reads only files never needs a target.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, Any, Callable, TypeVar

import pytest

from pytest_launchready._sentinel import NOT_PROVIDED
from pytest_launchready.redact import Redactor

if TYPE_CHECKING:
    import httpx

    from pytest_launchready.checks import Case
    from pytest_launchready.checks.progress import Progress
    from pytest_launchready.routes import Route
    from pytest_launchready.config.settings import Settings
    from pytest_launchready.target import Target
    from pytest_launchready.tenants import Tenant

T = TypeVar("T")


class LaunchreadyWarning(UserWarning):
    """A weakness a check found that fails only with ``--launchready-strict``."""


class RunContext:
    """The prepared context a check's ``run(ctx, case)`` receives: a check's only door to the run.

    The plugin makes it (see :mod:`pytest_launchready.plugin.runner`) and fills in what only the
    wiring knows: the run id, whether the user defined ``launchready_login``, and a per-process store
    for what a check's cases share. A check reads those here and never reaches into the plugin.
    """

    def __init__(self, request: pytest.FixtureRequest, case: Case, check_name: str, *, run_id: str,
                 login_defined: bool, shared: dict[tuple[str, str], Any], worker: str = "main") -> None:
        self.request = request
        self.case = case
        self.check_name = check_name
        self.config: pytest.Config = request.config
        self.settings: Settings = request.getfixturevalue("launchready_settings")
        self.redact: Redactor = request.getfixturevalue("launchready_redactor")
        #: A short id unique to this run (and worker): a prefix for the names and values a check makes.
        self.run_id = run_id
        #: The xdist worker (``gw0``), or ``main``: with ``run_id``, what the run's tenant names start with.
        self.worker = worker
        #: Whether the user's conftest defines ``launchready_login`` (else checks use no tenants).
        self.login_defined = login_defined
        #: Weaknesses found so far (see :meth:`warn`); the plugin puts them on the test's report.
        self.warnings: list[str] = []
        #: What the test measured, one line (see :meth:`measured`); the plugin puts it on the test's report.
        self.figures = ""
        self._shared = shared
        #: Seeded per case from ``--launchready-fuzz-seed``: the same run gives the same data.
        self.rng = random.Random(f"{self.settings.fuzz_seed}:{check_name}:{case.id}")

    def name(self, label: str) -> str:
        """A name for something a check makes outside the tenants (an account signed up by a check), with
        the run's tenant prefix, so it can be found and removed with them: ``lr-<run>-<worker>-<label>``."""
        from pytest_launchready.tenants import tenant_name

        return tenant_name(self.run_id, self.worker, label)

    def shared(self, key: str, make: Callable[[], T]) -> T:
        """The value under ``key`` that this check's cases share in this process, made on first use.

        For what is costly and the same for every case (a stand-in tenant, a baseline answer);
        never for state a case changes.
        """
        slot = (self.check_name, key)
        if slot not in self._shared:
            self._shared[slot] = make()
        return self._shared[slot]  # type: ignore[no-any-return]

    def reports(self, case_id: str) -> bool:
        """Whether this check's test ``case_id`` runs in this session and can fail it: not deselected by
        ``-k``, ``-m`` or ``--lf``, and not waived (a waiver accepts the fault it saw, never a later one on
        the routes that test would cover).

        Every xdist worker collects and deselects the same items, so each gives the same answer.
        """
        name = f"test_{self.check_name}[{case_id}]"

        def decide() -> bool:
            if any(waiver.matches(name) for waiver in self.settings.waivers):
                return False
            return any(item.name == name for item in self.request.session.items)
        return self.shared(f"reports {case_id}", decide)

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
        """Tenant A: the tenant role, with its canary planted and its objects seeded."""
        return self.request.getfixturevalue("tenant_a")  # type: ignore[no-any-return]

    @property
    def tenant_b(self) -> Tenant:
        """Tenant B: a second tenant in the tenant role, the attacker in isolation checks."""
        return self.request.getfixturevalue("tenant_b")  # type: ignore[no-any-return]

    def tenant_role(self, role: str, tenant: Tenant | None = None) -> Tenant:
        """A new user in ``role``; in ``tenant``'s org when given, else in a fresh throwaway tenant. A role
        above ``launchready_tenant_role`` gives a staff user, in no tenant (``login("<run>-staff", role)``),
        and is a ``pytest.UsageError`` with a tenant."""
        factory = self.request.getfixturevalue("tenant_role")
        return factory(role, tenant)  # type: ignore[no-any-return]

    def fresh_tenant(self, label: str) -> Tenant:
        """A throwaway tenant in the tenant role, for tests that change state (never A's or B's data)."""
        factory = self.request.getfixturevalue("tenant_role")
        return factory(self.settings.tenant_role, None, label)  # type: ignore[no-any-return]

    def fixture(self, name: str) -> Any | None:
        """An optional user fixture (``launchready_mint_token``, ``launchready_logout``...), or None."""
        try:
            value = self.request.getfixturevalue(name)
        except pytest.FixtureLookupError:
            return None
        return None if value is NOT_PROVIDED else value

    def measured(self, line: str) -> None:
        """Record what this test measured (p95, requests/s...): shown in the scorecard and the JSON report, pass or fail."""
        self.figures = self.redact(line)

    def progress(self, total: int, unit: str) -> Progress:
        """A progress line for work that takes seconds, labelled with this test's id (see
        :mod:`pytest_launchready.checks.progress`): ``update(done)`` while it goes, ``finish(done)`` at the end."""
        from pytest_launchready.checks.progress import Progress, terminal_line

        return Progress(terminal_line(self.config), f"test_{self.check_name}[{self.case.id}]", total, unit)

    def warn(self, message: str) -> None:
        """Record a weakness: shown as WARN in the scorecard; fails the test with --launchready-strict."""
        message = self.redact(message)
        self.warnings.append(message)
        if self.settings.strict:
            raise AssertionError(f"WARN (failing because of --launchready-strict): {message}")
        self.request.node.warn(LaunchreadyWarning(message))
