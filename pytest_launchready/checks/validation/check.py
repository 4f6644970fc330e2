"""validation: invalid payloads are rejected cleanly, privileged fields are not mass-assignable, and
no response discloses internals or sensitive fields.

Two kinds of generated test, one per route:

- ``test_validation[POST /conversations]`` for each write route (POST, PUT, PATCH) with a body schema:
  a valid body first (the baseline), then privileged fields (mass assignment, verified by re-reading),
  then schema violations generated with hypothesis (see :mod:`pytest_launchready.checks.validation.payloads`).
  A 5xx, a hang, a disclosure, a 2xx to a body without a usable required field, or a privileged field
  that sticks fails it (:mod:`~pytest_launchready.checks.validation.write`).
- ``test_validation[GET /documents]`` for each read route: one read, scanned for sensitive fields,
  password hashes, private keys and debug output (see :mod:`pytest_launchready.checks.disclosure`),
  then NUL bytes in its text parameters (:mod:`~pytest_launchready.checks.validation.read`).

Private routes are called as a throwaway tenant's user (``launchready_login``), with path ids that
tenant's seeding created; public routes anonymously. All of it from a client address of its own, so
that its failed logins never throttle the rest of the run. Exact pass criteria: docs/checks/validation.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

from pytest_launchready.checks import Case, Check, Plan
from pytest_launchready.checks.validation.common import READ, WRITE
from pytest_launchready.checks.validation.payloads import FORM
from pytest_launchready.checks.validation.read import run_read
from pytest_launchready.checks.validation.write import run_write
from pytest_launchready.tenants.bodies import body_content_type
from pytest_launchready.tenants import bodies

if TYPE_CHECKING:
    from pytest_launchready.checks.context import RunContext

WRITE_METHODS = ("POST", "PUT", "PATCH")


def cases(plan: Plan) -> Iterable[Case]:
    """Write routes with a body schema (payloads, mass assignment) and read routes (exposure)."""
    for route in plan.routes:
        if route.method in WRITE_METHODS:
            if not route.body_schema:
                if not route.documented:
                    yield Case(id=route.key, route=route, variant=WRITE,
                               not_run="no request body schema known (the route is not in the OpenAPI spec): nothing to generate payloads from")
                continue  # the route takes no body
            content_type = body_content_type(route)
            if not bodies.is_json(content_type) and content_type != FORM:
                yield Case(id=route.key, route=route, variant=WRITE,
                           not_run=f"the body is {content_type}: only JSON and form bodies are generated")
                continue
            yield Case(id=route.key, route=route, variant=WRITE)
        elif route.method == "GET":
            yield Case(id=route.key, route=route, variant=READ)


def run(ctx: RunContext, case: Case) -> None:
    """Dispatch on the kind of case: the write test or the read test."""
    assert case.route is not None
    {READ: run_read, WRITE: run_write}[case.variant](ctx, case.route, CHECK.docs)


CHECK = Check(
    name="validation",
    title="Invalid payloads get a clean 4xx, privileged fields are not mass-assignable, responses disclose nothing sensitive.",
    cases=cases,
    run=run,
)
