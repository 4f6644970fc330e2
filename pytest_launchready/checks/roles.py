"""roles: a lower role cannot call an operation reserved for a higher role.

Which operations: ``launchready_role_routes`` (``admin: DELETE /admin/users/{user_id}``) and the
OpenAPI extension ``x-launchready-roles`` (the lowest role listed is the minimum). Roles come from
``launchready_roles``, highest first; those above ``launchready_tenant_role`` are global (staff).

Each test makes a throwaway tenant in the tenant role and seeds what the route needs (a user-id
parameter gets a victim user of its own, in the lowest role). The reference is that tenant's user,
or, for an operation reserved for a global role, a staff user of the highest role (who sees every
tenant's data; it seeds what the tenant could not create). Then a new user of every lower role asks
(staff users for global roles, users of the throwaway tenant for the others):

- a denial (``launchready_deny_status`` or 404) passes; a 5xx fails;
- a 2xx read fails when it shows what the higher role sees (the tenant's canary, ids in the higher
  role's answer that are not the caller's own, or the very same answer);
- a 2xx write fails when re-reading as the higher role shows the change or the deletion; a refused
  write is re-read too, and fails when the object is gone or holds the marker sent.

Last, the reference sends the same request itself: if it is refused too, the lower roles' denials
proved nothing and the route is NOT RUN with that reason.
"""

from __future__ import annotations

import hashlib
from typing import Any, Iterable

import httpx
import pytest

from pytest_launchready.checks import Case, Check, Plan
from pytest_launchready.checks.authz import ids_of, missing_reason, required_role, victim_users, whoami
from pytest_launchready.checks.context import RunContext
from pytest_launchready.checks.evidence import fail
from pytest_launchready.checks.finding import CRITICAL, HIGH, MEDIUM
from pytest_launchready.checks.probe import Probe
from pytest_launchready.checks.probing import Views, build, public_read_routes
from pytest_launchready.tenants.seeding import lookup, seed_tenant
from pytest_launchready.tenants.leaks import Victim, find_leak, id_values, owned_values
from pytest_launchready.tenants import Tenant, make_canary
from pytest_launchready.target.responses import json_body

FIX = (
    "Enforce the role on the server for this operation (a dependency or decorator that checks the caller's role, "
    "read fresh from the database, on every request), not only by hiding the button in the UI; answer 403."
)


def cases(plan: Plan) -> Iterable[Case]:
    """One case per role-restricted route; entries of launchready_role_routes matching no route are NOT RUN."""
    settings = plan.settings
    for route in plan.routes:
        role = required_role(route, settings)
        if role is None:
            if route.roles:
                yield Case(id=route.key, route=route, not_run=f"x-launchready-roles {list(route.roles)} names no role of "
                           f"launchready_roles ({', '.join(settings.roles)})")
            continue
        lower = [r for r in settings.roles if settings.role_rank[r] > settings.role_rank[role]]
        if route.public:
            yield Case(id=route.key, route=route, not_run="the route is public and role-restricted at once: fix one setting")
        elif not lower:
            yield Case(id=route.key, route=route, not_run=f"{role} is the lowest role in launchready_roles: no lower role to try")
        else:
            yield Case(id=route.key, route=route, data=(("role", role),))
    keys = {r.key for r in plan.routes}
    for entry in settings.role_routes:
        method, _, path = entry.route_key.partition(" ")
        if not any(k == entry.route_key or (method == "*" and k.endswith(" " + path)) for k in keys):
            yield Case(id=entry.route_key, not_run="no discovered route matches this launchready_role_routes entry",
                       counts_as_route=False)


def run(ctx: RunContext, case: Case) -> None:
    """Ask every lower role to call the route; any success the higher role can see fails."""
    route = case.route
    assert route is not None
    settings = ctx.settings
    minimum = case.get("role")
    staff_only = settings.is_global(minimum)
    lower_roles = [r for r in settings.roles if settings.role_rank[r] > settings.role_rank[minimum]]
    label = "r" + hashlib.sha1(route.key.encode()).hexdigest()[:6]
    owner = ctx.fresh_tenant(label)
    user_seed = ctx.fixture("launchready_seed")
    seed_tenant(owner, ctx.routes, settings, user_seed, needed=[route])
    # A staff operation is proven by staff: the highest global role sees every tenant's data.
    reference = ctx.tenant_role(settings.roles[0]) if staff_only else owner
    highest = reference.role
    overrides = victim_users(ctx, owner, route, by_name=True)
    ids, missing = ids_of(owner, route, overrides)
    sources = [owner]
    if missing and staff_only:  # objects only staff create (a menu item): the staff reference makes them
        seed_tenant(reference, ctx.routes, settings, user_seed, needed=[route])
        theirs, missing = ids_of(reference, route, {**overrides, **{p.name: v for p, v in ids.items()}})
        ids = {**theirs, **ids}
        sources.append(reference)
    if missing:
        who = f"the {owner.role} of a throwaway tenant" + (f" or a {highest} of the staff" if staff_only else "")
        pytest.skip(missing_reason(who, sources[-1], route, missing, ctx))
    marker = make_canary("role")
    probe = build(route, ids, marker)
    reading = route.method == "GET"
    # Every user is made before the reference reads: a new member must not look like the attack's effect.
    callers = []
    for role in lower_roles:
        user = ctx.tenant_role(role, None if settings.is_global(role) else owner)  # staff belong to no tenant
        me, _ = whoami(ctx, user)
        if me is not None and me.status_code == 401:
            pytest.skip(f"the {role} login is not accepted (GET {me.request.url.path} answered 401), so its denials prove "
                        "nothing: check launchready_login for that role")
        callers.append((role, user, me))
    control_json: Any = None
    views, reader = None, highest
    if reading:
        control = _send(ctx, reference.client, probe)
        if not control.is_success:
            pytest.skip(f"the {highest} itself gets {control.status_code} for {probe.text}, so a lower role's denial proves "
                        "nothing: check what seeding gave (or return working ids from launchready_seed)")
        control_json = json_body(control)
    else:
        views, reader = _views(ctx, route, sources, overrides, reference)
    unverified = []
    deny = settings.deny_status | {404}
    for role, user, me in callers:
        response = _send(ctx, user.client, probe)
        where = f"of the staff ({user.name})" if settings.is_global(role) else f"of the tenant ({owner.name})"
        what = f"Sent {probe.text} as {_a(role)} {where}; the operation is reserved for {minimum} and higher."
        if response.status_code >= 500:
            fail(what, f"the route crashed ({response.status_code}) instead of refusing the {role} with 403.", FIX,
                 response=response, redact=ctx.redact, docs=CHECK.docs, severity=MEDIUM)
        denied = response.status_code in deny
        if reading:
            if denied or not response.is_success:
                continue
            own = set(id_values(json_body(me))) if me is not None and me.is_success else set()
            _judge_read(ctx, response, what, owner.canary, control_json, own, probe, role, minimum, highest)
            continue
        assert views is not None
        if not views.views:
            if response.is_success:
                unverified.append(f"{role} -> {response.status_code}")
            continue
        # A denied write is re-read too (a handler that writes, then checks the role), but then only the
        # marker or the object being gone counts: other differences are likelier an audit entry.
        change = views.changed(marker, strong=denied)
        if change is not None:
            view, how, _ = change
            verb = f"was refused ({response.status_code}), yet" if denied else f"was not refused ({response.status_code}) and"
            fail(what, f"the {role} {verb} re-reading GET {view.path} as the {reader} shows the effect: {how}.", FIX,
                 response=response, redact=ctx.redact, mark=marker, docs=CHECK.docs, severity=_severity(ctx, minimum, role))
    if not reading:
        control = _send(ctx, reference.client, probe)
        if not control.is_success:
            pytest.skip(f"the {highest} itself gets {control.status_code} for {probe.text}, so a lower role's denial proves "
                        "nothing: the request the check builds is not one the app accepts (give the body an example in the "
                        "schema, or return working ids from launchready_seed)")
    if unverified:
        ctx.warn(f"{route.key} answered 2xx to lower roles ({', '.join(unverified)}) and no GET route lets the {highest} "
                 "confirm the effect")


def _views(ctx: RunContext, route: Any, sources: list[Tenant], overrides: dict[str, str],
           reference: Tenant) -> tuple[Views, str]:
    """The views a write shows in, primed, and the role that reads them: ``reference``, or for a staff
    operation whose views the staff cannot read, the tenant that owns the objects."""
    marks = [m for tenant in sources for m in (tenant.canary, *owned_values(tenant))] + list(overrides.values())

    def value(param: str, collection: str) -> str | None:
        return overrides.get(param) or next((v for t in sources if (v := lookup(t, param, collection)) is not None), None)

    public = public_read_routes(ctx.routes, ctx.settings.public_read_routes)
    owner = sources[0]
    for reader in [reference] if reference is owner else [reference, owner]:
        views = Views.for_route(ctx.routes, route, value, reader.client, marks, public)
        views.prime()
        if views.views:
            break
    return views, reader.role


def _judge_read(ctx: RunContext, response: httpx.Response, what: str, canary: str, control: Any, own: set[str],
                probe: Probe, role: str, minimum: str, highest: str) -> None:
    sent = probe.sent()
    reference = Victim(f"the {highest}'s answer", canary, {v: k for v, k in id_values(control).items() if v not in own})
    leak = find_leak(response.text, [reference], sent)
    if leak is not None:
        shown = (f"the tenant's canary {leak.mark}" if leak.mark == canary else
                 f"{reference.ids[leak.mark]} {leak.mark}, which the {highest}'s own answer shows and the {role}'s own "
                 "identity does not hold")
        fail(what, f"the {role} was allowed and read what only {minimum} and higher may see: the response carries {shown}.",
             FIX, response=response, redact=ctx.redact, mark=leak.mark, docs=CHECK.docs, severity=_severity(ctx, minimum, role))
    body = json_body(response)
    if control not in (None, [], {}, "") and body == control:
        fail(what, f"the {role} was allowed and got exactly the answer the {highest} gets.", FIX,
             response=response, redact=ctx.redact, docs=CHECK.docs, severity=_severity(ctx, minimum, role))
    if control in (None, [], {}, "") and reference.ids == {}:
        ctx.warn(f"{probe.text} answered {response.status_code} to a {role}; the {highest}'s own answer holds "
                 "nothing to compare with, so no data could be shown to leak")


def _severity(ctx: RunContext, minimum: str, role: str) -> str:
    """HIGH for a role bypass inside a tenant or the staff; CRITICAL when a tenant's user does what only
    the staff may, who act on every tenant: that reaches other tenants' data."""
    settings = ctx.settings
    return CRITICAL if settings.is_global(minimum) and not settings.is_global(role) else HIGH


def _a(role: str) -> str:
    # "user", "unit lead", "eu-admin" start with a vowel letter but not a vowel sound.
    vowel = role[:1].lower() in "aeiou" and not role.lower().startswith(("use", "uni", "eu"))
    return ("an " if vowel else "a ") + role


def _send(ctx: RunContext, client: httpx.Client, probe: Probe) -> httpx.Response:
    try:
        return probe.send(client)
    except httpx.TimeoutException:
        fail(f"Sent {probe.text}: no answer within {ctx.settings.timeout:g} s.",
             "a route must refuse a caller without the role quickly.", FIX, redact=ctx.redact, docs=CHECK.docs,
             severity=MEDIUM)


CHECK = Check(
    name="roles",
    title="A lower role cannot call operations reserved for a higher role (of the same tenant, or of the staff).",
    cases=cases,
    run=run,
    needs_login=True,
    enable_hint="set launchready_role_routes (ROLE: METHOD /path) or x-launchready-roles in the spec",
)
