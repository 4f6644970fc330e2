"""Makes tenants through the user's ``launchready_login``: names, canaries, clients, redaction."""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Any, Callable

import pytest

from pytest_launchready.errors import SetupError
from pytest_launchready.target.errors import TargetStoppedError
from pytest_launchready.tenants import Credentials, Tenant, make_canary, tenant_name

if TYPE_CHECKING:
    from pytest_launchready.config.settings import Settings
    from pytest_launchready.redact import Redactor
    from pytest_launchready.routes import Route
    from pytest_launchready.target import Target


class TenantFactory:
    """``factory(role, tenant=None, label=None) -> Tenant``; also makes the seeded tenants A and B.

    Tenants (A, B and every throwaway one) log in as ``launchready_tenant_role``. A role above it is
    global to the app: its users come from ``login("<run>-staff", role)``, one staff name per run and
    worker, and never stand for a tenant: asking for one in a tenant is a ``pytest.UsageError``.
    Tenant names carry ``run_id`` and ``worker``, so runs and xdist workers never share a tenant; every
    credential a login returns is added to ``redactor`` before anything can print it.
    """

    def __init__(self, settings: Settings, redactor: Redactor, run_id: str, worker: str,
                 login: Callable[[str, str], Credentials], target: Target) -> None:
        self.settings = settings
        self.redactor = redactor
        self.run_id = run_id
        self.worker = worker
        self.login = login
        self.target = target
        self.created: list[Tenant] = []
        self._numbers = itertools.count(1)
        #: credentials -> the (tenant, role) they were first issued for: every pair is compared.
        self._issued: dict[Credentials, tuple[str, str]] = {}
        self._staff_canary: str | None = None

    def __call__(self, role: str, tenant: Tenant | None = None, label: str | None = None) -> Tenant:
        if self.settings.is_global(role):
            if tenant is not None and tenant.name != self.staff_name:
                raise pytest.UsageError(
                    f"tenant_role({role!r}, <tenant {tenant.name}>): {role} is above launchready_tenant_role "
                    f"({self.settings.tenant_role}), a role global to the app, so no tenant has a {role}. Ask for "
                    f"tenant_role({role!r}) without a tenant for a staff user; if tenants do have {role}s, set "
                    f"launchready_tenant_role to {role} or a role above it."
                )
            return self.staff(role)
        if tenant is not None:
            return self._make(tenant.name, role, canary=tenant.canary)
        name = tenant_name(self.run_id, self.worker, label or f"t{next(self._numbers)}")
        return self._make(name, role)

    @property
    def staff_name(self) -> str:
        """The tenant name global roles log in with: ``lr-<run>-<worker>-staff``."""
        return tenant_name(self.run_id, self.worker, "staff")

    def staff(self, role: str) -> Tenant:
        """A new user in ``role``, a role above the tenant role: ``login("<run>-staff", role)``."""
        if self._staff_canary is None:
            self._staff_canary = make_canary(self.staff_name)
        return self._make(self.staff_name, role, canary=self._staff_canary)

    def seeded(self, label: str, user_seed: Any, routes: tuple[Route, ...]) -> Tenant:
        """A new tenant in the tenant role with its canary planted and ids harvested (tenant A, B)."""
        from pytest_launchready.tenants.seeding import seed_tenant

        tenant = self._make(tenant_name(self.run_id, self.worker, label), self.settings.tenant_role)
        seed_tenant(tenant, routes, self.settings, user_seed or None)
        return tenant

    def _make(self, name: str, role: str, canary: str | None = None) -> Tenant:
        redact = self.redactor
        try:
            credentials = self.login(name, role)
        except TargetStoppedError:
            raise  # not the login's fault: the one-line "target stopped" error
        except Exception as exc:  # noqa: BLE001 - any failure of user code is reported, redacted
            raise SetupError(f"launchready_login({name!r}, {role!r}) raised {type(exc).__name__}: {redact(str(exc))}"
                             f"{self._tenant_role_hint(role)}") from None
        if not isinstance(credentials, Credentials):
            raise SetupError(
                f"launchready_login({name!r}, {role!r}) returned {type(credentials).__name__}, not Credentials: "
                "return pytest_launchready.Credentials(headers=..., cookies=...)."
            )
        redact.add(*credentials.secret_values())
        self._check_distinct(credentials, name, role)
        tenant = Tenant(name=name, role=role, credentials=credentials, client=self.target.client(auth=credentials),
                        canary=canary or make_canary(name), ids=dict(credentials.identity))
        self.created.append(tenant)
        return tenant

    def _tenant_role_hint(self, role: str) -> str:
        """When a tenant's login as the first role fails, the first role may be staff: say which setting fixes it."""
        roles = self.settings.roles
        if len(roles) < 2 or role != roles[0] or role != self.settings.tenant_role:
            return ""
        return (f". Tenants log in as launchready_tenant_role, by default the first of launchready_roles ({role}): if {role} "
                f"is a role global to the app (staff, a superuser), set launchready_tenant_role to the role a tenant's "
                f"users have (one of {', '.join(roles[1:])})")

    def _check_distinct(self, credentials: Credentials, name: str, role: str) -> None:
        """Fail closed when two tenants, or two roles of one tenant, got one identity: every check
        comparing them would compare an identity with itself (false leaks, false passes)."""
        first = self._issued.setdefault(credentials, (name, role))
        if first == (name, role):
            return
        raise SetupError(
            f"launchready_login returned the same credentials for {first[0]!r} ({first[1]}) and {name!r} ({role}): "
            "every test comparing them would compare one identity with itself. The first login(tenant, role) call for a "
            "new tenant name must create a new tenant (org) and user, and each later call a new user in that role "
            "(check a cache or a fixed e-mail address in your launchready_login)."
        )

    def cleanup(self, remove: Callable[[Tenant], None]) -> None:
        """Call the user's ``launchready_cleanup`` once per tenant made (live targets). The staff name is
        no tenant: cleanup code that removes a tenant's org must never be handed the app's staff."""
        seen = {self.staff_name}
        for tenant in self.created:
            if tenant.name not in seen:
                seen.add(tenant.name)
                remove(tenant)
