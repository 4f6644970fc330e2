"""tenant_isolation: tenant B, with its own valid credentials, can neither read nor change nor delete
tenant A's objects, and B's lists and searches never show A's data.

Three kinds of test, one per route:

- **read** (GET with object ids in the path, query or body): tenant A's own request must succeed
  (else the route is NOT RUN: the ids prove nothing); then B sends it with A's ids, with one A id at
  a time among B's own for nested routes, and with id variants (:mod:`pytest_launchready.checks.idfuzz`,
  neighbours of integer ids included). A denial passes; a 5xx fails; a 2xx fails only when the body
  holds A's canary, an id only A has, or exactly A's object. Reads share the session's seeded A/B.
- **write** (POST/PUT/PATCH/DELETE with object ids): a throwaway pair of tenants is made and seeded
  for the test, so one finding cannot hide another. The victim's views of the object are read before;
  after each 2xx of the attacker they are read again, and the test fails only when they show the
  change (the attacker's canary, a deletion, other content). Last, the victim itself sends the same
  request: if even it is refused, the attacker's denial proved nothing (NOT RUN). A body field that
  names the caller (``username``, ``email``, ``owner``; ``user_id`` is an id) is swapped like an id:
  B's own request with A's value in it (:mod:`.probes`); a write whose body only names the caller
  (``PUT /profile {"username", "bio"}``) is tested so too.
- **list** (GET without object ids): search parameters get A's canary; A's own answer must show A's
  data (else NOT RUN), and B's answer must not.

Routes in ``launchready_shared_routes``, public routes, routes reserved for a role above
``launchready_tenant_role`` (staff, who see every tenant; roles tests them) and routes that take no
object id are listed as BY DESIGN.
"""

from __future__ import annotations

import hashlib
from typing import Any, Callable, Iterable, NoReturn

import httpx
import pytest

from pytest_launchready.checks import Case, Check, Plan
from pytest_launchready.checks.authz import ids_of, missing_reason, required_role, victim_users, whoami
from pytest_launchready.checks.context import RunContext
from pytest_launchready.checks.evidence import fail
from pytest_launchready.checks.finding import CRITICAL, MEDIUM
from pytest_launchready.checks.idfuzz import Position
from pytest_launchready.checks.probe import Probe
from pytest_launchready.checks.probing import (Views, build, differing, is_search_param, positions,
                                              public_read_routes, swappable_caller_fields)
from pytest_launchready.checks.tenant_isolation.probes import CALLER, attack_probes, caller_probes, nobody_ids, with_identity
from pytest_launchready.checks.tenant_isolation.takeover import FIX_PASSWORD, PasswordProof, with_fresh_password
from pytest_launchready.checks.tenant_isolation.victims import bystanders, readable_by_anyone
from pytest_launchready.tenants.seeding import lookup, seed_tenant
from pytest_launchready.tenants.leaks import Leak, find_leak, owned_values, victim
from pytest_launchready.tenants import Tenant
from pytest_launchready.target.responses import json_body

READ, WRITE, LIST = "read", "write", "list"
_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")

FIX_READ = (
    "Scope every lookup by the caller's tenant: load the object with both its id and the caller's org "
    "(WHERE id = :id AND org_id = :caller_org), for nested routes check that the child belongs to the parent and "
    "the parent to the caller, and answer 404 for anything else. Normalise ids once (type, case, encoding) before "
    "both the check and the lookup, so that they can never disagree."
)
FIX_WRITE = (
    "Load the object scoped by the caller's org before changing or deleting it (the same query the read uses), and "
    "answer 404 when it is not the caller's; never update or delete by id alone."
)
FIX_CALLER = (
    "Take who is asking from the session or token only: ignore (or refuse with 403 when it differs) any username, "
    "email or owner the request body names, and load the object by the authenticated user."
)
FIX_LIST = (
    "Filter every list, search and export query by the caller's org (a default scope in the data layer, or row-level "
    "security), including full-text and vector search indexes."
)


def cases(plan: Plan) -> Iterable[Case]:
    """One case per route: read, write or list; the rest BY DESIGN with the reason."""
    shared = set(plan.settings.shared_routes)
    for route in plan.routes:
        if route.key in shared or f"* {route.path}" in shared:
            yield Case(id=route.key, route=route, counts_as_route=False, by_design="shared by design (launchready_shared_routes)")
        elif route.public:
            yield Case(id=route.key, route=route, counts_as_route=False, by_design="public by design (launchready_public_routes or security: [])")
        elif plan.settings.is_global(role := required_role(route, plan.settings) or ""):
            # Staff see every tenant by design; whether a customer may call the route at all is roles' test.
            yield Case(id=route.key, route=route, counts_as_route=False,
                       by_design=f"reserved for {role}, a role global to the app: roles tests it")
        elif route.method not in _METHODS:
            yield Case(id=route.key, route=route, counts_as_route=False, by_design="neither reads nor changes an object")
        elif positions(route):
            yield Case(id=route.key, route=route, variant=READ if route.method == "GET" else WRITE)
        elif route.method == "GET":
            yield Case(id=route.key, route=route, variant=LIST)
        elif swappable_caller_fields(route, plan.settings):
            yield Case(id=route.key, route=route, variant=WRITE)  # its body names the caller: swapped like an id
        else:
            yield Case(id=route.key, route=route, counts_as_route=False, by_design="takes no object id")


def run(ctx: RunContext, case: Case) -> None:
    """Run the read, write or list test of ``case.route``."""
    assert case.route is not None
    {READ: _read, WRITE: _write, LIST: _list}[case.variant](ctx, case.route)


# --- reads -----------------------------------------------------------------------------------------


def _read(ctx: RunContext, route: Any) -> None:
    a, b = ctx.tenant_a, ctx.tenant_b
    theirs, missing = ids_of(a, route)
    if missing:
        pytest.skip(missing_reason("tenant A", a, route, missing, ctx))
    if not theirs:
        return _list(ctx, route)  # only optional id filters, none of which A has: test it as a list
    mine, _ = ids_of(b, route)
    control_probe = build(route, theirs, a.canary)
    control = _send(ctx, a.client, control_probe, route)
    if not control.is_success:
        pytest.skip(f"tenant A's own request {control_probe.text} answered {control.status_code}, so B's denial would prove "
                    "nothing: check what seeding gave (or return working ids from launchready_seed)")
    b_json = None
    own_request = _own_request(ctx, route, mine, theirs, b)
    own = own_request() if own_request is not None else None
    if own is not None:
        if own.status_code == 401:
            pytest.skip("tenant B's own request answered 401: B's credentials are not accepted, so its denials prove nothing")
        b_json = json_body(own) if own.is_success else None
    a_json = json_body(control)
    victims = [victim("tenant A", a, b)] + bystanders(ctx, exclude={a.canary, b.canary})
    statuses = []
    twins: dict[int, Any] = {}
    nobody = _once(_sender(ctx, b, build(route, nobody_ids(theirs), b.canary), route))
    for probe, says in attack_probes(route, theirs, mine, b.canary, ctx, neighbours=True, twins=twins):
        response = _send(ctx, b.client, probe, route, says)
        statuses.append(response.status_code)
        what = f"Sent {probe.text} as tenant B ({b.name}), {says}."
        twin = twins.get(id(probe))
        resend = own_request if twin is None else _sender(ctx, b, with_identity(twin, route, b, ctx.settings), route)
        if _no_crash(ctx, response, what, route, resend, nobody):
            continue
        if not response.is_success:
            continue
        leak = find_leak(response.text, victims, probe.sent())
        if leak is not None:
            _leak_fail(ctx, response, what, leak, "read")
        body = json_body(response)
        if a_json not in (None, [], {}, "") and b_json is not None and a_json != b_json and body == a_json:
            fail(what, "the response is tenant A's object, exactly as tenant A sees it (and not what tenant B gets for its "
                 "own id): tenant B read tenant A's data.", FIX_READ, response=response, redact=ctx.redact, docs=CHECK.docs,
                 severity=CRITICAL)
    _alive_or_skip(ctx, b, "tenant B", statuses)


# --- writes ----------------------------------------------------------------------------------------


def _write(ctx: RunContext, route: Any) -> None:
    label = "i" + hashlib.sha1(route.key.encode()).hexdigest()[:6]
    owner = ctx.fresh_tenant(f"{label}-a")
    attacker = ctx.fresh_tenant(f"{label}-b")
    user_seed = ctx.fixture("launchready_seed")
    seed_tenant(owner, ctx.routes, ctx.settings, user_seed, needed=[route])
    seed_tenant(attacker, ctx.routes, ctx.settings, user_seed, needed=[route])
    overrides = victim_users(ctx, owner, route)
    theirs, missing = ids_of(owner, route, overrides)
    if missing:
        pytest.skip(missing_reason("the victim tenant", owner, route, missing, ctx))
    mine, _ = ids_of(attacker, route)
    twins: dict[int, Any] = {}
    probes = attack_probes(route, theirs, mine, attacker.canary, ctx, neighbours=False, twins=twins) if theirs else []
    probes += caller_probes(route, owner, attacker, mine, ctx.settings)
    if not probes:
        if not theirs and swappable_caller_fields(route, ctx.settings):
            fields = swappable_caller_fields(route, ctx.settings)
            kinds = sorted({f.kind for f in fields})
            pytest.skip(f"the body names the caller ({', '.join(f.name for f in fields)}), but tenant A's "
                        f"{' and '.join(kinds)} is unknown: no who-am-I route told it. Return it from launchready_login, "
                        f"e.g. Credentials(identity={{'{kinds[0]}': ...}}, ...)")
        pytest.skip(f"the victim tenant has no id for {', '.join(str(p) for p in positions(route))}: {_notes(owner, ctx)}")
    marks = [owner.canary, *owned_values(owner), *overrides.values()]
    foreign = list(owned_values(attacker))  # its ids and identity, 6 characters and up: never a bare "2"
    views = Views.for_route(ctx.routes, route, lambda p, c: overrides.get(p) or lookup(owner, p, c), owner.client, marks,
                            public_read_routes(ctx.routes, ctx.settings.public_read_routes), foreign)
    views.prime()
    current = views.current()
    victims = [victim("tenant A", owner, attacker)] + bystanders(ctx, exclude={owner.canary, attacker.canary})
    unverified: list[str] = []
    statuses = []
    deny = ctx.settings.deny_status | {404}
    own = _own_request(ctx, route, mine, theirs, attacker)
    public_seen: dict[str, str] = {}
    proof = PasswordProof(ctx, owner)
    nobody = _once(_sender(ctx, attacker, build(route, nobody_ids(theirs), attacker.canary), route))
    for probe, says in probes:
        probe.body = differing(probe.body, current, route.body_schema)  # a write must change what it targets
        probe.body = with_fresh_password(ctx, route, probe.body)
        response = _send(ctx, attacker.client, probe, route, says)
        statuses.append(response.status_code)
        what = (f"Sent {probe.text} as tenant B ({attacker.name}), {says} (tenants A and B are a throwaway pair made for "
                "this test).")
        if probe.label == CALLER and response.status_code >= 500 and not (views.views and views.changed(attacker.canary)):
            # A's email in B's profile can trip a unique constraint on a secure app: a crash, not a cross-tenant write.
            ctx.warn(f"{route.key} answered {response.status_code} to tenant B's request {says}, and tenant A's object "
                     "shows no change: a crash on a value another user holds (see the validation check)")
            continue
        twin = twins.get(id(probe))  # the same variant of B's own id (a .json suffix crashing on any id)
        resend = own if twin is None else _sender(ctx, attacker, with_identity(twin, route, attacker, ctx.settings), route)
        if _no_crash(ctx, response, what, route, resend, nobody):
            continue
        denied = response.status_code in deny
        # Anything may have acted: a 409 or 422 sent after the write, and a denial too (UPDATE ... WHERE id,
        # then an org-scoped read for the answer finds nothing: 404). After a denial only the attacker's
        # canary or the object gone counts, so an audit entry of the refused attempt is never taken for a write.
        change = views.changed(attacker.canary, strong=denied) if views.views else None
        if change is not None:
            view, how, _ = change
            verb = ("was denied" if denied else "succeeded" if response.is_success else "was not denied")
            fail(what, f"the request {verb} ({response.status_code}){', yet' if denied else ' and'} re-reading GET {view.path} as tenant A shows the "
                 f"write: {how}. Tenant B changed or deleted tenant A's object.",
                 FIX_CALLER if probe.label == CALLER else FIX_WRITE, response=response,
                 redact=ctx.redact, mark=attacker.canary, docs=CHECK.docs, severity=CRITICAL)
        if denied or not response.is_success:
            continue
        if (named := proof.taken(route, probe)) is not None:
            fail(what, f"the request succeeded ({response.status_code}) and tenant A's user ({named}) then logged in with "
                 "the password it set: tenant B changed tenant A's password and can take over the account.", FIX_PASSWORD,
                 response=response, redact=ctx.redact, docs=CHECK.docs, severity=CRITICAL)
        leak = find_leak(response.text, victims, probe.sent())
        if leak is not None and not readable_by_anyone(ctx, route, owner, overrides, leak.mark, public_seen):
            _leak_fail(ctx, response, what, leak, "write")
        if not views.views:
            unverified.append(f"{probe.text} ({says}) -> {response.status_code}")
    control_probe = with_identity(build(route, theirs, owner.canary), route, owner, ctx.settings)
    control = _send(ctx, owner.client, control_probe, route)
    if not control.is_success:
        pytest.skip(f"tenant A itself gets {control.status_code} for {control_probe.text}, so tenant B's denial proves "
                    "nothing: the request the check builds is not one the app accepts (give the body an example in the "
                    "schema, or return working ids from launchready_seed)")
    _alive_or_skip(ctx, attacker, "tenant B", statuses)
    proof.warn(route)
    if unverified:
        ctx.warn(f"{route.key}: tenant B got 2xx on tenant A's ids and no GET route shows tenant A the object to confirm a "
                 f"change: {'; '.join(unverified[:3])}")


# --- lists -----------------------------------------------------------------------------------------


def _list(ctx: RunContext, route: Any) -> None:
    a, b = ctx.tenant_a, ctx.tenant_b
    required = [p for p in route.params_in("query") if p.required]
    search = [p for p in route.params_in("query") if is_search_param(p.name)]
    base = build(route, {}, a.canary)
    base.params = [(k, a.canary if is_search_param(k) else v) for k, v in base.params]
    probes = [base]
    optional_search = [p for p in search if not p.required]
    if optional_search:
        probes.append(Probe("GET", route.path, base.params + [(p.name, a.canary) for p in optional_search]))
    victims = [victim("tenant A", a, b)] + bystanders(ctx, exclude={a.canary, b.canary})
    tested = []
    for probe in probes:
        control = _send(ctx, a.client, probe, route)
        if not control.is_success or find_leak(control.text, victims[:1]) is None:
            continue
        tested.append(probe)
        response = _send(ctx, b.client, probe, route)
        what = f"Sent {probe.text} as tenant B ({b.name})" + (" (searching for tenant A's canary)." if probe.params and
                                                              any(v == a.canary for _, v in probe.params) else ".")
        _no_crash(ctx, response, what, route)
        if response.status_code == 401:
            _alive_or_skip(ctx, b, "tenant B", [401])
        if response.is_success:
            leak = find_leak(response.text, victims, probe.sent())
            if leak is not None:
                _leak_fail(ctx, response, what, leak, "list")
    if not tested:
        hint = f" (required query parameters: {', '.join(p.name for p in required)})" if required else ""
        pytest.skip("tenant A's own answer shows none of tenant A's seeded data, so a leak could not be recognised"
                    f"{hint}: seed objects this route lists (launchready_seed), or list it in launchready_shared_routes")


# --- shared helpers --------------------------------------------------------------------------------


def _send(ctx: RunContext, client: httpx.Client, probe: Probe, route: Any, says: str = "") -> httpx.Response:
    try:
        return probe.send(client)
    except httpx.TimeoutException:
        fail(f"Sent {probe.text}{', ' + says if says else ''}: no answer within {ctx.settings.timeout:g} s.",
             "a route must answer a request for another tenant's object with a quick denial.", FIX_READ,
             redact=ctx.redact, docs=CHECK.docs, severity=MEDIUM)


def _no_crash(ctx: RunContext, response: httpx.Response, what: str, route: Any,
              own: Callable[[], httpx.Response | None] | None = None,
              nobody: Callable[[], httpx.Response] | None = None) -> bool:
    """Fail on a 5xx caused by another tenant's id; True when the answer was a crash to step over.

    ``own`` sends the same request with the attacker's own ids (or, for a neighbour of the victim's
    id, an id no one has), ``nobody`` with ids no one has: when one crashes too, the crash is not
    about whose id it was (a title that collides, a NUL byte, an unknown id): a warning, and the
    validation check's business, never an isolation finding.
    """
    if response.status_code < 500:
        return False
    twin = own() if own is not None else None
    if (twin is None or twin.status_code < 500) and nobody is not None:
        twin = nobody()  # an unknown id crashing too: the crash is about the id not existing, not whose it is
    if twin is not None and twin.status_code >= 500:
        ctx.warn(f"{route.key} answered {response.status_code} to tenant B, and {twin.status_code} to the same request "
                 f"without tenant A's id ({twin.request.method} {twin.request.url.path}, tenant B's own or no one's): a crash "
                 "that does not depend on whose id it is (see the validation check)")
        return True
    fail(what, f"the route crashed ({response.status_code}) on another tenant's id instead of denying it with 404 or "
         f"{'/'.join(map(str, sorted(ctx.settings.deny_status)))}: an error path is where isolation checks get skipped.",
         FIX_READ, response=response, redact=ctx.redact, docs=CHECK.docs, severity=MEDIUM)


def _sender(ctx: RunContext, attacker: Tenant, probe: Any, route: Any) -> Callable[[], httpx.Response]:
    """Sends ``probe`` as ``attacker`` when called (the same variant of the attacker's own id)."""
    return lambda: _send(ctx, attacker.client, probe, route)


def _once(send: Callable[[], httpx.Response]) -> Callable[[], httpx.Response]:
    """``send``, sending at the first call only and answering that response after."""
    sent: list[httpx.Response] = []
    return lambda: sent[0] if sent else (sent.append(send()) or sent[0])


def _own_request(ctx: RunContext, route: Any, mine: dict[Position, str], theirs: dict[Position, str],
                 attacker: Tenant) -> Callable[[], httpx.Response] | None:
    """Sends, once however often it is called, the request with the attacker's own id in every
    position; None when the attacker has none for some position."""
    if not all(p in mine for p in theirs):
        return None
    probe = with_identity(build(route, {p: mine[p] for p in theirs}, attacker.canary), route, attacker, ctx.settings)
    return _once(_sender(ctx, attacker, probe, route))


def _leak_fail(ctx: RunContext, response: httpx.Response, what: str, leak: Leak, kind: str) -> NoReturn:
    why = {
        "read": "tenant B read tenant A's data",
        "write": "tenant B's write on tenant A's id answered with tenant A's data",
        "list": "tenant B's list shows another tenant's rows",
    }[kind]
    fix = {"read": FIX_READ, "write": FIX_WRITE, "list": FIX_LIST}[kind]
    fail(what, f"{why}: the response carries {leak.what}, which only that tenant's objects hold.", fix,
         response=response, redact=ctx.redact, mark=leak.mark, docs=CHECK.docs, severity=CRITICAL)


def _alive_or_skip(ctx: RunContext, tenant: Tenant, label: str, statuses: list[int]) -> None:
    """Every answer was 401: make sure the attacker's own credentials work, else its denials prove nothing."""
    if not statuses or any(s != 401 for s in statuses):
        return
    response, _ = whoami(ctx, tenant)
    if response is None or response.status_code == 401:
        pytest.skip(f"every request of {label} answered 401 and nothing shows its credentials are accepted, so its "
                    "denials prove nothing: check launchready_login")


def _notes(tenant: Tenant, ctx: RunContext) -> str:
    return ctx.redact("; ".join(tenant.seed_notes[:3])) if tenant.seed_notes else "no create route found for it"


CHECK = Check(
    name="tenant_isolation",
    title="Tenant B can neither read, change nor delete tenant A's objects, nor see them in lists.",
    cases=cases,
    run=run,
    needs_login=True,
)
