"""tokens: expired, forged and revoked tokens are refused; role and identity changes take effect at once.

Every forgery starts from tenant A's real token and goes to one private GET route that A's real token
opens (the baseline, confirmed with a 2xx first), so a refusal is about the token and nothing else.
A forged token that gets a 2xx fails; a 5xx fails too (the app did not fail closed); a status in
``launchready_deny_status`` passes; any other status passes with a WARN. State-changing cases
(logout, demotion, rename, password change, deletion) work on fresh users, never on tenant A's
token, which the other cases still need. See docs/checks/tokens.md.

The cases live in :mod:`.forgeries` (A's token expired, forged or weakly keyed), :mod:`.revocation`
(logout, demotion) and :mod:`.identity_changes` (rename, password change, deletion); the requests
they send in :mod:`.probes`, the judging of forged tokens' answers in :mod:`.verdict`, the messages
in :mod:`.advice`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Iterable

from pytest_launchready.checks import Case, Check, Plan
from pytest_launchready.checks.tokens.forgeries import (
    run_alg_none,
    run_altered,
    run_expired,
    run_key_confusion,
    run_payload_changed,
    run_stripped,
    run_weak_secret,
)
from pytest_launchready.checks.tokens.identity_changes import (
    rename_not_run,
    run_after_deletion,
    run_after_password_change,
    run_after_rename,
)
from pytest_launchready.checks.tokens.probes import privileged_routes
from pytest_launchready.routes.vocabulary import ends_session, me_route, rename_route, sign_up_route
from pytest_launchready.checks.tokens.revocation import run_revoked, run_role_change

if TYPE_CHECKING:
    from pytest_launchready.checks.context import RunContext

CASE_IDS = (
    "expired",
    "alg none",
    "signature stripped",
    "signature altered",
    "payload changed",
    "key confusion",
    "weak secret",
    "revoked after logout",
    "role change",
    "after rename",
    "after password change",
    "after user deletion",
)


def cases(plan: Plan) -> Iterable[Case]:
    """The twelve cases, each NOT RUN at collection when a setting it needs is known to be absent."""
    settings = plan.settings
    gets = [r for r in plan.private_routes if r.method == "GET" and not ends_session(r, settings.logout_route)]
    no_get = ("no private GET route to send tokens to: the forged tokens need a route tenant A's real token opens "
              "(check launchready_public_routes and launchready_exclude_routes)")
    for case_id in CASE_IDS:
        reason = None
        if case_id == "key confusion" and not settings.jwt_public_key:
            reason = ("applies only to RS/PS/ES-signed JWTs: if yours are, set launchready_jwt_public_key (env:VAR or a "
                      "file path) to their public key; HMAC-signed, opaque or cookie tokens cannot be confused this way")
        elif case_id == "role change":
            if len(settings.roles) < 2:
                reason = "only one role in launchready_roles: there is nothing to demote to"
            elif not privileged_routes(settings, plan.routes):
                reason = ("no route only a higher role may call: set launchready_role_routes ('admin: GET /admin/users') "
                          "or x-launchready-roles in your OpenAPI spec")
        elif case_id == "after rename":
            reason = rename_not_run(me_route(plan.private_routes), rename_route(plan.routes), sign_up_route(plan.routes))
        elif case_id in ("revoked after logout", "after password change", "after user deletion") and not any(
                not r.path_params for r in gets):
            reason = "no private GET route without path parameters: a fresh user owns no ids to fill them with"
        elif case_id != "weak secret" and not gets:
            reason = no_get
        yield Case(id=case_id, variant=case_id, not_run=reason, counts_as_route=False)


_RUNNERS: dict[str, Callable[[RunContext], None]] = {
    "expired": run_expired,
    "alg none": run_alg_none,
    "signature stripped": run_stripped,
    "signature altered": run_altered,
    "payload changed": run_payload_changed,
    "key confusion": run_key_confusion,
    "weak secret": run_weak_secret,
    "revoked after logout": run_revoked,
    "role change": run_role_change,
    "after rename": run_after_rename,
    "after password change": run_after_password_change,
    "after user deletion": run_after_deletion,
}


def run(ctx: RunContext, case: Case) -> None:
    """Run one of the twelve cases."""
    _RUNNERS[case.variant](ctx)


CHECK = Check(
    name="tokens",
    title="Expired, forged and revoked tokens are refused; role and identity changes take effect at once.",
    cases=cases,
    run=run,
    needs_login=True,
)
