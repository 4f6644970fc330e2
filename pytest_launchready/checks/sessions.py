"""sessions: an invite is single-use, bound to its tenant, and dies when it expires.

Invites come from :mod:`pytest_launchready.tenants.invites` (the user's fixtures, else discovered
routes). Every case works on fresh tenants and invites made for it (never tenant A's or B's data), and
each verdict is an observation, not a status alone:

- ``invite accepted twice``: a fresh invite is accepted once (must work: the control), then again
  with another password. Refused (4xx) passes. A 2xx fails when it is proven to have taken effect: its
  answer holds credentials that open the who-am-I route, or the invitee now logs in with the second
  password; an unproven 2xx (an idempotent "already accepted") is a WARN.
- ``invite into another tenant``: tenant A invites a new email; tenant B's user, signed in, accepts
  that invite. B's who-am-I answer is read before and after: its org and role fields must not change,
  and credentials in the accept's answer must not be B's user in another org.
- ``expired invite``: ``launchready_mint_invite(tenant, role, expires_at)`` makes one invite expiring
  tomorrow (the control: it must be accepted) and one that expired yesterday: it must be refused.

Logout revocation is the tokens check's (``test_tokens[revoked after logout]``). See docs/checks/sessions.md.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any, Callable, Iterable

import pytest

from pytest_launchready.checks import Case, Check, Plan
from pytest_launchready.checks.evidence import fail
from pytest_launchready.checks.finding import HIGH, MEDIUM
from pytest_launchready.checks.signin import credentials_in, logs_in
from pytest_launchready.errors import SetupError
from pytest_launchready.routes import vocabulary
from pytest_launchready.tenants.invites import ENABLE, Accepted, InviteFlow

if TYPE_CHECKING:
    from pytest_launchready.checks.context import RunContext
    from pytest_launchready.tenants import Tenant

DOCS = "docs/checks/sessions.md"
CASE_IDS = ("invite accepted twice", "invite into another tenant", "expired invite")
FIX = {
    "twice": "mark an invite used in the same transaction that accepts it (delete it or set used_at), and refuse a used "
             "one with 409 or 410; never let a second accept create a user or reset the invitee's password.",
    "tenant": "bind an invite to its invitee: accept it only for a new account with the invite's email, never into "
              "the signed-in user's account, and never change a signed-in user's org or role from an invite.",
    "expired": "store an expiry with each invite (days, not weeks) and refuse an expired one with 410.",
}
#: Who-am-I fields that say which org and role a user has (normalised names).
_ORG_WORDS = ("org", "tenant", "team", "workspace", "company", "account")
_ROLE_WORDS = ("role", "roles", "isadmin", "permissions")


def cases(plan: Plan) -> Iterable[Case]:
    """The three cases; whether invites exist is known only at run time (fixtures), so they never NOT RUN here."""
    for case_id in CASE_IDS:
        yield Case(id=case_id, variant=case_id, counts_as_route=False)


def run(ctx: RunContext, case: Case) -> None:
    """Run one case on an invite flow made for it."""
    if not ctx.login_defined:
        pytest.skip("the sessions cases need users of fresh tenants: define launchready_login (or set "
                    "launchready_signup_route and launchready_login_route)")
    flow = InviteFlow(ctx.routes, ctx.client, ctx.redact, invite=ctx.fixture("launchready_invite"),
                      accept=ctx.fixture("launchready_accept_invite"), mint=ctx.fixture("launchready_mint_invite"))
    if not flow.available:
        pytest.skip(f"no invites: {ENABLE}")
    _RUNNERS[case.variant](ctx, flow)


def invitee_role(ctx: RunContext) -> str:
    """The role invites are made in: the lowest role, the one a leaked invite is most often for."""
    return ctx.settings.roles[-1]


def _accepted_first(ctx: RunContext, flow: InviteFlow, accepted: Accepted, what: str) -> None:
    """The control: a fresh invite must be accepted, else nothing is proven about refusing the next one."""
    response = accepted.response
    if response.is_success:
        return
    text = (f"{what} was refused ({flow.how} answered {response.status_code} "
            f"{ctx.redact(response.text[:200])}), so a refusal later would prove nothing")
    if flow.accept_fixture is not None or flow.invite_fixture is not None:
        raise SetupError(f"{text}: check your invite fixtures")
    pytest.skip(f"{text}: {ENABLE}")


def run_twice(ctx: RunContext, flow: InviteFlow) -> None:
    """Accept a fresh invite twice; the second accept must be refused."""
    tenant = ctx.fresh_tenant("inv-twice")
    invite = flow.make(tenant, invitee_role(ctx))
    _accepted_first(ctx, flow, flow.accept(invite), "accepting a fresh invite")
    again = flow.accept(invite)
    response = again.response
    if response.status_code < 300 and response.status_code >= 200:
        proof = _proof_of_effect(ctx, again)
        if proof is None:
            ctx.warn(f"a used invite accepted again through {flow.how} answered {response.status_code}; nothing showed it "
                     "took effect, but a used invite should be refused (409 or 410)")
            return
        fail(f"An invite of a fresh tenant was accepted, then the same invite accepted again ({flow.how}): the second "
             f"accept answered {response.status_code} and {proof}.",
             "an invite must work once: a leaked or forwarded invite link lets anyone join the org, or take over the "
             "account it made by choosing a new password.",
             FIX["twice"], response=response, redact=ctx.redact, headers=("content-type",), docs=DOCS, severity=HIGH)
    if response.status_code >= 500:
        fail(f"A used invite accepted again ({flow.how}) answered {response.status_code}.",
             "a used invite must be refused cleanly; a 5xx is not failing closed.", FIX["twice"],
             response=response, redact=ctx.redact, headers=("content-type",), docs=DOCS, severity=MEDIUM)


def _proof_of_effect(ctx: RunContext, accepted: Accepted) -> str | None:
    """How a 2xx accept is shown to have taken effect, or None: its answer's credentials open the who-am-I
    route, or the invitee logs in with the password this accept chose."""
    me = vocabulary.me_route(r for r in ctx.routes if not r.public)
    credentials = credentials_in(accepted.response, ctx)
    if me is not None and credentials is not None and ctx.client.get(me.path, auth=credentials).is_success:
        return f"its answer holds credentials that open {me.key}"
    if accepted.password and accepted.email and logs_in(ctx, accepted.password, email=accepted.email):
        return "the invitee then logged in with the password this second accept chose"
    return None


def run_other_tenant(ctx: RunContext, flow: InviteFlow) -> None:
    """Tenant B's user, signed in, accepts tenant A's invite; B's user must stay in B's org in its role."""
    if not flow.accepts_with_session:
        pytest.skip("launchready_accept_invite takes no credentials and no accept route was discovered: define it as "
                    "(token, credentials=None) -> httpx.Response, accepting as that signed-in user when given")
    me = vocabulary.me_route(r for r in ctx.routes if not r.public)
    if me is None:
        pytest.skip("no who-am-I route (GET /me) to re-read tenant B's user after it accepts tenant A's invite")
    tenant_a, tenant_b = ctx.fresh_tenant("inv-a"), ctx.fresh_tenant("inv-b")
    before = _me(ctx, me.path, tenant_b)
    watched = _watched(before)
    if before is None or not watched:
        pytest.skip(f"{me.key} shows no org or role field for tenant B's user: nothing could show it moved")
    invite = flow.make(tenant_a, invitee_role(ctx))
    accepted = flow.accept(invite, credentials=tenant_b.credentials)
    after = _me(ctx, me.path, tenant_b)
    if after is None:
        pytest.skip(f"after accepting tenant A's invite, tenant B's credentials no longer read {me.key}: its org and role "
                    "could not be re-read")
    changed = [f"{name}: {before.get(name)!r} -> {after.get(name)!r}" for name in watched if before.get(name) != after.get(name)]
    moved = _moved_session(ctx, me.path, accepted, before, watched)
    if changed or moved:
        fail(f"Tenant B's user, signed in, accepted an invite of tenant A ({flow.how}, answered "
             f"{accepted.response.status_code}); then " + (f"{me.key} as B showed {'; '.join(changed)}" if changed else moved) + ".",
             "an invite names a new member of one org: accepted by another tenant's signed-in user it must not move that "
             "user, change its role, or hand it a session in the inviting org.",
             FIX["tenant"], response=accepted.response, redact=ctx.redact, headers=("content-type",), docs=DOCS,
             severity=HIGH)


def _me(ctx: RunContext, path: str, tenant: Tenant) -> dict[str, Any] | None:
    response = ctx.client.get(path, auth=tenant.credentials)
    try:
        data = response.json() if response.is_success else None
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _watched(me: dict[str, Any] | None) -> list[str]:
    """The who-am-I fields that name the user's org or role."""
    def telling(name: str) -> bool:
        norm = vocabulary.normalise(name)
        return any(norm.startswith(w) for w in _ORG_WORDS) or norm in _ROLE_WORDS
    return sorted(k for k in (me or {}) if telling(str(k)))


def _moved_session(ctx: RunContext, path: str, accepted: Accepted, before: dict[str, Any], watched: list[str]) -> str:
    """Why the accept's own credentials show B's user in another org or role, or ''."""
    credentials = credentials_in(accepted.response, ctx)
    if credentials is None:
        return ""
    response = ctx.client.get(path, auth=credentials)
    try:
        seen = response.json() if response.is_success else None
    except ValueError:
        return ""
    if not isinstance(seen, dict) or "id" not in before or seen.get("id") != before.get("id"):
        return ""
    changed = [f"{name}: {before.get(name)!r} -> {seen.get(name)!r}" for name in watched if before.get(name) != seen.get(name)]
    return f"the session its answer holds is B's own user with {'; '.join(changed)}" if changed else ""


def run_expired(ctx: RunContext, flow: InviteFlow) -> None:
    """An invite minted already expired must be refused (after a control minted for tomorrow is accepted)."""
    if flow.mint_fixture is None:
        pytest.skip("define launchready_mint_invite(tenant, role, expires_at) -> token to make an expired invite")
    tenant = ctx.fresh_tenant("inv-expired")
    now = datetime.now(timezone.utc)
    role = invitee_role(ctx)
    control = flow.mint(tenant, role, now + timedelta(days=1))
    assert control is not None
    _accepted_first(ctx, flow, flow.accept(control), "accepting an invite minted to expire tomorrow")
    expired = flow.mint(tenant, role, now - timedelta(days=1))
    assert expired is not None
    response = flow.accept(expired).response
    if response.is_success or response.status_code >= 500:
        fail(f"An invite launchready_mint_invite made to expire a day ago was accepted through {flow.how}: answered "
             f"{response.status_code} (one minted for tomorrow was accepted too).",
             "an expired invite must be refused: old invite links sit in mailboxes and forwarded threads for years."
             if response.is_success else "an expired invite must be refused cleanly; a 5xx is not failing closed.",
             FIX["expired"], response=response, redact=ctx.redact, headers=("content-type",), docs=DOCS,
             severity=HIGH if response.is_success else MEDIUM)


_RUNNERS: dict[str, Callable[[RunContext, InviteFlow], None]] = {
    "invite accepted twice": run_twice,
    "invite into another tenant": run_other_tenant,
    "expired invite": run_expired,
}

CHECK = Check(
    name="sessions",
    title="Invites are single-use, bound to their tenant, and refused once expired.",
    cases=cases,
    run=run,
    enable_hint="define launchready_invite and launchready_accept_invite (or expose invite and accept routes)",
)
