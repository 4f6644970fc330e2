"""The fixtures: those users override in conftest.py, and those the plugin provides.

Registered for every pytest run with the plugin installed, so module-level imports stay cheap:
httpx and the rest load inside the fixtures.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Iterator

import pytest

from pytest_launchready._sentinel import NOT_PROVIDED

if TYPE_CHECKING:
    import httpx

    from pytest_launchready.plugin.state import SessionState

    from pytest_launchready.checks import Case
    from pytest_launchready.redact import Redactor
    from pytest_launchready.routes import Route
    from pytest_launchready.config.settings import Settings
    from pytest_launchready.target import Target
    from pytest_launchready.tenants import Credentials, Tenant

LOGIN_HELP = """\
Define a `launchready_login` fixture in your rootdir conftest.py. It returns a callable
(tenant: str, role: str) -> Credentials that creates a fresh tenant (org) and user in that role and logs
in (later calls for the same tenant add a user in that role to it). For example:

    @pytest.fixture(scope="session")
    def launchready_login(launchready_client):
        def login(tenant, role):
            ...  # sign up / invite, then log in through launchready_client
            return Credentials(headers={"Authorization": f"Bearer {token}"})
        return login

Or, for a conventional sign-up and login, set launchready_signup_route and launchready_login_route
(the built-in login). See docs/quickstart.md. Or run only checks that need no login: --launchready-checks=cors,headers,..."""


def get_state(config: pytest.Config) -> SessionState:
    """The session state (imported on first use: registering fixtures must stay cheap)."""
    from pytest_launchready.plugin.state import get_state as state_of

    return state_of(config)


# --- Fixtures users override -------------------------------------------------------------------


@pytest.fixture(scope="session")
def launchready_login(request: pytest.FixtureRequest) -> Callable[[str, str], Credentials]:
    """Required for authorization checks: ``(tenant, role) -> Credentials`` (override in conftest.py);
    the built-in one when ``launchready_signup_route`` and ``launchready_login_route`` are set."""
    state = get_state(request.config)
    if not state.settings.builtin_login:
        pytest.fail(f"launchready_login is not defined.\n{LOGIN_HELP}", pytrace=False)
    from pytest_launchready.plugin.planning import routes_for
    from pytest_launchready.tenants.builtin_login import BuiltinLogin

    from pytest_launchready.tenants.invites import InviteFlow

    def optional(name: str) -> Any:
        try:
            value = request.getfixturevalue(name)
        except pytest.FixtureLookupError:  # the invite fixtures have no stubs: only users define them
            return None
        return None if value is NOT_PROVIDED else value

    routes, client = routes_for(request.config), request.getfixturevalue("launchready_client")
    invites = InviteFlow(routes, client, state.redactor, invite=optional("launchready_invite"),
                         accept=optional("launchready_accept_invite"))
    return BuiltinLogin(state.settings, routes, client, state.redactor, invites)


@pytest.fixture(scope="session")
def launchready_seed() -> Any:
    """Optional: ``(tenant: Tenant) -> dict[path-parameter name, id that tenant owns]``."""
    return NOT_PROVIDED


@pytest.fixture(scope="session")
def launchready_mint_token() -> Any:
    """Optional: ``(claims: dict) -> str`` issues a token with the given claims (e.g. an expired one)."""
    return NOT_PROVIDED


@pytest.fixture(scope="session")
def launchready_logout() -> Any:
    """Optional: ``(credentials) -> None`` logs that identity out (for the revocation test)."""
    return NOT_PROVIDED


@pytest.fixture(scope="session")
def launchready_change_password() -> Any:
    """Optional: ``(credentials) -> Credentials | None`` changes that user's password; returns new credentials if issued."""
    return NOT_PROVIDED


@pytest.fixture(scope="session")
def launchready_delete_user() -> Any:
    """Optional: ``(credentials) -> None`` deletes the user behind those credentials (for the deletion test)."""
    return NOT_PROVIDED


@pytest.fixture(scope="session")
def launchready_set_role(request: pytest.FixtureRequest) -> Any:
    """Optional: ``(tenant, credentials, role) -> None`` changes a user's role (role-change test); built in
    with the built-in login when the app has a role-change route (``PATCH /admin/users/{user_id} {role}``)."""
    if not get_state(request.config).settings.builtin_login:
        return NOT_PROVIDED
    from pytest_launchready.plugin.planning import routes_for
    from pytest_launchready.routes.vocabulary import role_change_route
    from pytest_launchready.tenants.builtin_login import BuiltinLogin
    from pytest_launchready.tenants.builtin_roles import BuiltinSetRole

    login, routes = request.getfixturevalue("launchready_login"), routes_for(request.config)
    route = role_change_route(routes)
    if not isinstance(login, BuiltinLogin) or route is None:
        return NOT_PROVIDED
    return BuiltinSetRole(login, route, routes)


@pytest.fixture(scope="session")
def launchready_cleanup() -> Any:
    """Optional: ``(tenant) -> None`` removes a tenant after the run on live targets."""
    return NOT_PROVIDED


@pytest.fixture(scope="session")
def launchready_webhooks() -> Any:
    """Optional: a list of :class:`~pytest_launchready.Webhook` records, the receivers and how to sign for them (webhooks check)."""
    return NOT_PROVIDED


@pytest.fixture(scope="session")
def launchready_chat() -> Any:
    """Optional: ``(tenant, message) -> str`` talks to the product's chatbot (prompt check)."""
    return NOT_PROVIDED


@pytest.fixture(scope="session")
def launchready_knowledge() -> Any:
    """Optional: ``(tenant, text) -> None`` plants text in a tenant's knowledge (prompt check, cross-tenant)."""
    return NOT_PROVIDED


@pytest.fixture(scope="session")
def launchready_invite() -> Any:
    """Optional: ``(tenant, role) -> str`` an invite (token or link) into that tenant (sessions check)."""
    return NOT_PROVIDED


@pytest.fixture(scope="session")
def launchready_accept_invite() -> Any:
    """Optional: ``(token) -> httpx.Response`` accepts an invite (sessions check)."""
    return NOT_PROVIDED


@pytest.fixture(scope="session")
def launchready_mint_invite() -> Any:
    """Optional: ``(tenant, role, expires_at) -> str`` an invite that expires at that time (sessions check)."""
    return NOT_PROVIDED


@pytest.fixture(scope="session")
def launchready_audit_log() -> Any:
    """Optional: ``(tenant) -> list[dict]`` reads the audit log (audit check)."""
    return NOT_PROVIDED


@pytest.fixture(scope="session")
def launchready_backup() -> Any:
    """Optional: ``() -> backup`` takes a backup and returns its handle (backups check)."""
    return NOT_PROVIDED


@pytest.fixture(scope="session")
def launchready_restore_backup() -> Any:
    """Optional: ``(backup) -> None`` restores a backup ``launchready_backup`` took (backups check)."""
    return NOT_PROVIDED


# --- Fixtures the plugin provides --------------------------------------------------------------


@pytest.fixture(scope="session")
def launchready_settings(pytestconfig: pytest.Config) -> Settings:
    """The validated launchready settings (ini keys and command-line options)."""
    return get_state(pytestconfig).settings


@pytest.fixture(scope="session")
def launchready_redactor(pytestconfig: pytest.Config) -> Redactor:
    """Masks every token, cookie and secret the run has handled."""
    return get_state(pytestconfig).redactor


@pytest.fixture(scope="session")
def launchready_target(pytestconfig: pytest.Config) -> Iterator[Target]:
    """The app under test, in-process (``launchready_app``) or live (``launchready_base_url``)."""
    from pytest_launchready.target import Target, TargetError, check_reachable

    settings = get_state(pytestconfig).settings
    if not (settings.app or settings.base_url):
        pytest.fail("no target: set launchready_app (in-process) or launchready_base_url / --launchready-url", pytrace=False)
    try:
        from pytest_launchready.plugin.state import load_target_app

        app = load_target_app(pytestconfig)
        if app is not None:
            target = Target.for_app(app, settings.timeout, settings.allow_hosts)
        else:
            from pytest_launchready.target.tls import client_verify

            verify = client_verify(settings.ca_bundle, settings.rootpath)  # launchready_ca_bundle, else the system store
            target = Target.for_url(settings.base_url, settings.timeout, settings.allow_hosts, verify=verify)
            check_reachable(target)
    except TargetError as exc:
        pytest.fail(str(exc), pytrace=False)
    get_state(pytestconfig).target = target
    yield target
    target.close()


@pytest.fixture(scope="session")
def launchready_client(launchready_target: Target) -> httpx.Client:
    """A plain synchronous ``httpx.Client`` bound to the target, without credentials or cookies."""
    return launchready_target.client()


@pytest.fixture(scope="session")
def anonymous(launchready_target: Target) -> httpx.Client:
    """A client that sends no credentials at all (for QA's own tests)."""
    return launchready_target.client()


@pytest.fixture(scope="session")
def launchready_routes(pytestconfig: pytest.Config) -> tuple[Route, ...]:
    """The discovered routes, sorted, after exclusions and the ``pytest_launchready_routes`` hook."""
    from pytest_launchready.plugin.planning import routes_for

    return routes_for(pytestconfig)


@pytest.fixture
def launchready_case(request: pytest.FixtureRequest) -> Case:
    """The case a generated test runs (its parameter)."""
    target = get_state(request.config).target
    if target is not None and target.down is not None:
        from pytest_launchready.checks import load_check
        from pytest_launchready.target import TargetStoppedError

        check = load_check(getattr(request.node, "originalname", "").removeprefix("test_"))
        if check is None or check.needs_target:
            raise TargetStoppedError(target.down.message)  # at set-up, before the check sends anything
    return request.param  # type: ignore[no-any-return]


@pytest.fixture(scope="session")
def tenant_role(
    pytestconfig: pytest.Config, launchready_login: Callable[[str, str], Credentials], launchready_target: Target,
    launchready_cleanup: Any,
) -> Iterator[Callable[..., Tenant]]:
    """Factory ``(role, tenant=None, label=None) -> Tenant``: a new user in ``role``, in ``tenant``'s org
    when given, else in a fresh tenant of its own; a role above ``launchready_tenant_role`` is global: a
    staff user from ``launchready_login("<run>-staff", role)``."""
    from pytest_launchready.tenants.factory import TenantFactory

    state = get_state(pytestconfig)
    factory = TenantFactory(state.settings, state.redactor, state.run_id, state.worker, launchready_login, launchready_target)
    yield factory
    if launchready_cleanup and not launchready_target.in_process:
        factory.cleanup(launchready_cleanup)


@pytest.fixture(scope="session")
def tenant_a(tenant_role: Any, launchready_seed: Any, launchready_routes: tuple[Route, ...]) -> Tenant:
    """Tenant A (``launchready_tenant_role``): its own client, a canary planted in its data, its ids seeded."""
    return tenant_role.seeded("a", launchready_seed, launchready_routes)


@pytest.fixture(scope="session")
def tenant_b(tenant_role: Any, tenant_a: Tenant, launchready_seed: Any, launchready_routes: tuple[Route, ...]) -> Tenant:
    """Tenant B (``launchready_tenant_role``), distinct from A (the factory refuses one identity for two tenants): the other
    side of every isolation test."""
    return tenant_role.seeded("b", launchready_seed, launchready_routes)  # type: ignore[no-any-return]


@pytest.fixture
def foreign_origin(request: pytest.FixtureRequest) -> str:
    """A hostile browser origin derived from ``launchready_allowed_origins`` (parametrized)."""
    return request.param  # type: ignore[no-any-return]


@pytest.fixture
def mail_domain(request: pytest.FixtureRequest, launchready_settings: Settings) -> Any:
    """The parsed SPF, DKIM, DMARC and MX results of one ``launchready_mail_domains`` domain (parametrized)."""
    from pytest_launchready.checks.mail import inspect_domain

    return inspect_domain(request.param, launchready_settings)


@pytest.fixture(scope="session")
def expired_token(tenant_a: Tenant, launchready_settings: Settings, launchready_mint_token: Any) -> str:
    """Tenant A's token with ``exp`` in the past (through launchready_mint_token or launchready_jwt_key)."""
    from pytest_launchready.checks.tokens.mint import expired_token as make_expired

    token = make_expired(tenant_a.credentials, launchready_settings, launchready_mint_token or None)
    if token is None:
        pytest.skip("no way to mint an expired token: define launchready_mint_token or set launchready_jwt_key")
    return token


@pytest.fixture(scope="session")
def tampered_tokens(tenant_a: Tenant, launchready_settings: Settings) -> dict[str, str]:
    """Forged variants of tenant A's JWT by name: alg none, stripped or altered signature, changed payload..."""
    from pytest_launchready.checks.tokens.forge import tampered_tokens as make_tampered

    return make_tampered(tenant_a.credentials, launchready_settings)
