"""validation: invalid payloads are rejected cleanly, privileged fields are not mass-assignable, and
no response discloses internals or sensitive fields.

Two kinds of generated test, one per route:

- ``test_validation[POST /conversations]`` for each write route (POST, PUT, PATCH) with a body schema:
  a valid body first (the baseline), then privileged fields (mass assignment, verified by re-reading),
  then schema violations generated with hypothesis (see :mod:`pytest_launchready.checks.validation.payloads`).
- ``test_validation[GET /documents]`` for each read route: one read, scanned for sensitive fields,
  password hashes, private keys and debug output (see :mod:`pytest_launchready.checks.disclosure`).

Private routes are called as a throwaway tenant's user (``launchready_login``), with path ids that
tenant's seeding created; public routes anonymously. All of it from a client address of its own, so
that its failed logins never throttle the rest of the run. Exact pass criteria: docs/checks/validation.md.
"""

from __future__ import annotations

import hashlib
import re
import time
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Iterable

import httpx
import pytest

from pytest_launchready.checks import disclosure
from pytest_launchready.routes import vocabulary
from pytest_launchready.checks.validation import payloads
from pytest_launchready.checks import Case, Check, Plan
from pytest_launchready.target.client_addresses import VALIDATION_ADDRESS, client_at
from pytest_launchready.checks.evidence import fail
from pytest_launchready.checks.validation.payloads import FORM, JSON
from pytest_launchready.checks.validation.probe import DECLARED, NONE, REQUIRED, Probe
from pytest_launchready.checks.validation.schema import accepted_types, flatten, is_object_schema
from pytest_launchready.tenants.bodies import dummy_path_values, example
from pytest_launchready.plugin.state import get_state

if TYPE_CHECKING:
    from pytest_launchready.checks.context import RunContext
    from pytest_launchready.routes import Route
    from pytest_launchready.tenants import Tenant

WRITE, READ = "write", "read"
WRITE_METHODS = ("POST", "PUT", "PATCH")
#: Privileged fields tried on every write route that does not declare them (plus launchready_privileged_fields).
DEFAULT_PRIVILEGED = (
    "role", "roles", "is_admin", "admin", "is_superuser", "is_staff", "is_owner", "permissions", "scopes",
    "org_id", "organization_id", "tenant_id", "account_id", "owner_id", "user_id", "plan", "credits",
    "email_verified", "is_verified",
)  # fmt: skip
#: Wall-clock budget of one test; the loop stops there (every request also has launchready_timeout).
ITEM_SECONDS = 60.0
#: Query parameters of a read that get a NUL byte, one request each.
MAX_ODD_QUERY = 4
NEEDS_LOGIN = "needs launchready_login: private routes are called as a throwaway tenant's user"

FIX_CRASH = (
    "Validate the body against its schema before any handler code runs (a pydantic model / serializer / JSON-schema "
    "validator), turn parse and validation errors into 400/422, and let no exception reach the client as a 500."
)
FIX_ENFORCE = (
    "Enforce the declared schema on this route: declare the body as a model (FastAPI/pydantic, DRF serializer, marshmallow) "
    "instead of reading raw JSON, so required fields and types are checked before the handler runs."
)
FIX_DISCLOSE = (
    "Answer errors with a generic message and an error id; log the details server-side. Turn debug mode off in production "
    "(FastAPI/Starlette debug=False, Flask/Werkzeug debugger off, Django DEBUG = False) and never put exception text or SQL in a response."
)
FIX_MASS = (
    "Build the object from an explicit allow-list of fields (a separate input model per operation, pydantic extra='forbid' or "
    "'ignore'); set role, org, owner and flags only server-side from the caller's identity."
)
FIX_EXPOSE = (
    "Serialise responses through an explicit output model that lists the fields that may leave the server (FastAPI "
    "response_model, DRF serializer fields); never return ORM/user records whole."
)


def cases(plan: Plan) -> Iterable[Case]:
    """Write routes with a body schema (payloads, mass assignment) and read routes (exposure)."""
    for route in plan.routes:
        if route.method in WRITE_METHODS:
            if not route.body_schema:
                if not route.documented:
                    yield Case(id=route.key, route=route, variant=WRITE,
                               not_run="no request body schema known (the route is not in the OpenAPI spec): nothing to generate payloads from")
                continue  # the route takes no body
            content_type = _content_type(route)
            if not payloads.is_json(content_type) and content_type != FORM:
                yield Case(id=route.key, route=route, variant=WRITE,
                           not_run=f"the body is {content_type}: only JSON and form bodies are generated")
                continue
            yield Case(id=route.key, route=route, variant=WRITE)
        elif route.method == "GET":
            yield Case(id=route.key, route=route, variant=READ)


def run(ctx: RunContext, case: Case) -> None:
    """Dispatch to the write test or the read test."""
    assert case.route is not None
    if case.variant == READ:
        _run_read(ctx, case.route)
    else:
        _run_write(ctx, case.route)


# --- who calls ---------------------------------------------------------------------------------


@dataclass
class _Caller:
    client: httpx.Client
    tenant: Tenant | None
    who: str


def _caller(ctx: RunContext, route: Route, label: str) -> _Caller:
    if route.public:
        return _Caller(client_at(ctx.target, VALIDATION_ADDRESS), None, f"an anonymous client ({VALIDATION_ADDRESS})")
    if not get_state(ctx.config).login_defined:
        pytest.skip(NEEDS_LOGIN)
    if label == READ and _ends_session(ctx, route):
        label = route.key  # a GET that logs out or revokes would cut the shared read tenant off
    tenant = _read_tenant(ctx) if label == READ else ctx.fresh_tenant(f"v{hashlib.sha1(label.encode()).hexdigest()[:6]}")
    if label != READ and _needs_ids(route):
        _seed(ctx, tenant, [route])
    client = client_at(ctx.target, VALIDATION_ADDRESS, auth=tenant.credentials)
    return _Caller(client, tenant, f"throwaway tenant {tenant.name} ({tenant.role})")


_READ_TENANT = pytest.StashKey["Tenant"]()
_ENDS_SESSION = re.compile(r"^(log-?out|log_out|sign-?out|sign_out|revoke|logoff)$")


def _ends_session(ctx: RunContext, route: Route) -> bool:
    return route.key == ctx.settings.logout_route or bool(_ENDS_SESSION.match(vocabulary.last_segment(route.path)))


def _read_tenant(ctx: RunContext) -> Tenant:
    """One throwaway tenant per session for all reads, with one object per create route."""
    tenant = ctx.config.stash.get(_READ_TENANT, None)
    if tenant is None:
        tenant = ctx.fresh_tenant("vread")
        _seed(ctx, tenant, None)
        ctx.config.stash[_READ_TENANT] = tenant
    return tenant


def _needs_ids(route: Route) -> bool:
    """True when the route needs ids in its path, or required ones in its query or body: the tenant must
    own objects first."""
    from pytest_launchready.tenants.seeding import is_id_name

    required = set(flatten(route.body_schema or {}).get("required") or ())
    return bool(route.path_params or any(p.required and is_id_name(p.name) for p in route.params_in("query"))
                or any(is_id_name(name) for name in required))


def _seed(ctx: RunContext, tenant: Tenant, needed: list[Route] | None) -> None:
    from pytest_launchready.tenants.seeding import seed_tenant

    seed_tenant(tenant, ctx.routes, ctx.settings, ctx.fixture("launchready_seed"), needed=needed)


def _address(ctx: RunContext, route: Route, caller: _Caller) -> tuple[str, dict[str, Any]]:
    """The path with the caller's ids (dummies for public routes) and the required query parameters."""
    if caller.tenant is None:
        values = dummy_path_values(route)
    else:
        from pytest_launchready.tenants.seeding import resolve_ids

        values, missing = resolve_ids(caller.tenant, route)
        if missing:
            notes = "; ".join(getattr(caller.tenant, "seed_notes", [])[:3])
            pytest.skip(f"no id for {', '.join('{' + m + '}' for m in missing)} in the throwaway tenant's seeded objects"
                        + (f" ({notes})" if notes else "") + ": define launchready_seed to provide one")
    query: dict[str, Any] = {}
    for param in route.params_in("query"):
        if param.required:
            known = caller.tenant.ids.get(param.name) if caller.tenant is not None else None
            query[param.name] = known or example(param.schema, name=param.name)
    return route.format_path(values), query


# --- one write test ----------------------------------------------------------------------------


@dataclass
class _Finding:
    what: str
    why: str
    fix: str
    response: httpx.Response | None = None
    mark: str | None = None


@dataclass
class _Session:
    """Sends probes to one route and judges each answer; collects findings and warnings."""

    ctx: RunContext
    route: Route
    caller: _Caller
    path: str
    query: dict[str, Any]
    deadline: float
    findings: list[_Finding] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    content_type: str = JSON
    sent: int = 0
    throttled: bool = False

    def send(self, probe: Probe) -> httpx.Response | None:
        """Send ``probe``; record a finding for a timeout, a crash or a disclosure. None on timeout."""
        headers = {"content-type": probe.content_type} if probe.content_type else {}
        self.sent += 1
        try:
            response = self.caller.client.request(self.route.method, self.path, params=self.query or None,
                                                  content=probe.content, headers=headers)
        except httpx.TimeoutException:
            self.findings.append(_Finding(
                f"{probe.label}: no answer within {self.ctx.settings.timeout:g} s",
                "an invalid body must be rejected quickly; a hang is a denial of service one request away.", FIX_CRASH))
            return None
        found = disclosure.scan(response.content, response.status_code, response.headers.get("content-type", ""),
                                read=False, sent=probe.text)
        secret = [f for f in found if _is_secret(f)]
        self.ctx.redact.add(*(f.evidence for f in secret))
        crashed = response.status_code >= 500
        if found:
            shown = ", ".join(f.describe() for f in found)
            self.findings.append(_Finding(
                f"{probe.label}: answered {response.status_code}, disclosing {shown}",
                "responses must not reveal stack traces, file paths, SQL or credentials: they map the server for an attacker"
                + ("; and a 5xx means the body reached code that crashed on it." if crashed else "."),
                FIX_EXPOSE if secret else FIX_DISCLOSE, response, None if secret else found[0].evidence))
        elif crashed:
            self.findings.append(_Finding(
                f"{probe.label}: answered {response.status_code}",
                "an invalid body must get a 4xx naming the problem; a 5xx means it reached code that crashed on it.",
                FIX_CRASH, response))
        return response

    def judge(self, probe: Probe, response: httpx.Response) -> None:
        """A 2xx to a violation: a finding when a required field has no usable value, else a warning."""
        if not 200 <= response.status_code < 300:
            return
        if probe.violation == REQUIRED:
            self.findings.append(_Finding(
                f"{probe.label}: accepted with {response.status_code}",
                "the body has no usable value for a required field, so the route's schema is not enforced.",
                FIX_ENFORCE, response))
        elif probe.violation == DECLARED:
            self.warnings.append(f"{probe.label} was accepted with {response.status_code} (the schema declares otherwise)")

    def expired(self) -> bool:
        return time.monotonic() > self.deadline


def _run_write(ctx: RunContext, route: Route) -> None:
    target = ctx.target
    refused = target.refusal("invalid bodies")
    if refused is not None:
        pytest.skip(refused)
    schema = route.body_schema or {}
    content_type = _content_type(route)
    caller = _caller(ctx, route, route.key)
    path, query = _address(ctx, route, caller)
    session = _Session(ctx, route, caller, path, query, time.monotonic() + ITEM_SECONDS, content_type=content_type)
    known = caller.tenant.ids if caller.tenant is not None else {}
    base = payloads.valid_body(schema, _unique(ctx), known)
    baseline = session.send(Probe("a valid body", "valid", payloads.encode(base, content_type), content_type, NONE))
    if baseline is not None and not session.findings:
        _gate(route, caller, baseline)
    if baseline is not None and baseline.is_success and not session.findings:
        _mass_assignment(session, schema, content_type, base, baseline)
    probes = payloads.all_probes(schema, base, route.body_required, seed=f"{ctx.settings.fuzz_seed}:{route.key}",
                                 content_type=content_type)
    required_total = sum(p.violation == REQUIRED for p in probes)
    required_sent = 0
    for probe in probes:
        if session.expired():
            break
        response = session.send(probe)
        if response is None:
            continue
        if response.status_code == 429:
            session.throttled = True
            break
        required_sent += probe.violation == REQUIRED
        session.judge(probe, response)
    _report(session, probes, required_sent, required_total)


def _gate(route: Route, caller: _Caller, baseline: httpx.Response) -> None:
    """Skip when a valid body cannot reach the route at all: every probe would test nothing."""
    status = baseline.status_code
    if status == 429:
        pytest.skip(f"{route.key} answered 429 to the first request: rate-limited before any payload was tried")
    if status in (405, 415):
        pytest.skip(f"{route.key} answered {status} to a valid body: the method or the declared content type is not "
                    "served there, so no payload would reach validation")
    if not route.public and status in (401, 403):
        pytest.skip(f"{route.key} denied a valid body from {caller.who} with {status}: the fuzz would only test the "
                    "denial (give the first role of launchready_roles access, or test it with its own tenant)")
    if route.path_params and status == 404:
        pytest.skip(f"{route.key} answered 404 to a valid body at {baseline.request.url.path}: the seeded ids were not found")


def _report(session: _Session, probes: list[Probe], required_sent: int, required_total: int) -> None:
    route, ctx = session.route, session.ctx
    if session.findings:
        first = session.findings[0]
        listing = "\n".join(f"  - {f.what}" for f in session.findings[:12])
        more = f"\n  ... and {len(session.findings) - 12} more" if len(session.findings) > 12 else ""
        notes = "".join(f"\n  (warning) {w}" for w in session.warnings[:5])
        fixes = list(dict.fromkeys(f.fix for f in session.findings))
        fail(
            f"Sent {session.sent} requests to {route.method} {session.path} as {session.caller.who} "
            f"(a valid body, privileged fields, then invalid bodies generated from the schema); "
            f"{len(session.findings)} finding(s):\n{listing}{more}{notes}\n\nThe first finding in full:",
            first.why, " ".join(fixes), response=first.response, redact=ctx.redact,
            headers=("content-type",), mark=first.mark, docs=CHECK.docs,
        )
    if required_sent < required_total:
        cause = "the route answered 429 (rate-limited)" if session.throttled else f"the {ITEM_SECONDS:g} s budget ran out"
        pytest.skip(f"only {required_sent} of {required_total} must-reject payloads were sent before {cause}: cannot tell")
    for warning in session.warnings[:5]:
        ctx.warn(f"{route.key}: {warning}")


# --- mass assignment ---------------------------------------------------------------------------


Reader = Callable[[httpx.Response, Any], Any]
#: Privileged fields that move an object to another owner: once taken, the caller may no longer read it.
OWNERSHIP = frozenset({"orgid", "organizationid", "tenantid", "accountid", "ownerid", "userid"})


def _mass_assignment(session: _Session, schema: dict[str, Any], content_type: str, base: Any, baseline: httpx.Response) -> None:
    """Send privileged fields the schema does not declare; re-read the object to see whether they stuck.

    Privilege flags (role, is_admin, plan...) and ownership ids (org_id, owner_id...) go in two
    requests: an ownership id that takes effect can move the object out of the caller's reach, which
    is itself the proof, and must not hide whether the flags stuck.
    """
    ctx, route = session.ctx, session.route
    flat = flatten(schema)
    if not payloads.is_json(content_type) or not is_object_schema(flat) or not isinstance(base, dict):
        return
    fields = privileged_fields(flat, ctx.settings.privileged_fields)
    reader, how = _reader(session)
    before = _safe_read(reader, baseline, base)
    before_echo = _json(baseline)
    fabricate = _fabricator(ctx)
    for ownership in (False, True):
        values: dict[str, Any] = {}
        for name in fields:
            if (disclosure.normalise(name) in OWNERSHIP) is ownership:
                value = payloads.privileged_value(name, _find(before if before is not None else before_echo, name),
                                                  ctx.settings.roles, fabricate)
                if value is not None:
                    values[name] = value
        if values:
            _try_privileged(session, schema, values, reader, how, before, before_echo)


def _try_privileged(session: _Session, schema: dict[str, Any], values: dict[str, Any], reader: Reader | None, how: str,
                    before: Any, before_echo: Any) -> None:
    ctx = session.ctx
    known = session.caller.tenant.ids if session.caller.tenant is not None else {}
    body = {**payloads.valid_body(schema, _unique(ctx), known), **values}
    label = f"privileged field(s) {', '.join(f'{n}={v!r}' for n, v in values.items())}"
    response = session.send(Probe(label, "mass assignment", payloads.encode(body), session.content_type, NONE))
    if response is None or not response.is_success:
        return  # a 4xx rejects the fields: a pass; a 5xx is already a finding
    after = _safe_read(reader, response, body)
    if after is not None:
        taken = [n for n, v in values.items() if _matches(_find(after, n), v) and not _matches(_find(before, n), v)]
        if taken:
            shown = ", ".join(f"{n}={values[n]!r}" for n in taken)
            session.findings.append(_Finding(
                f"{label}: accepted with {response.status_code}, and re-reading the object ({how}) shows {shown}",
                "a client chose its own privileges or ownership: the write copied fields it should have ignored.",
                FIX_MASS, response))
        return
    if reader is not None and before is not None and any(disclosure.normalise(n) in OWNERSHIP for n in values):
        session.findings.append(_Finding(
            f"{label}: accepted with {response.status_code}, and the object can no longer be read back ({how}), "
            "while the same write without these fields could",
            "the ownership fields took effect: the object was moved to an owner or org the client chose.",
            FIX_MASS, response))
        return
    echoed = [n for n, v in values.items() if _matches(_find(_json(response), n), v) and not _matches(_find(before_echo, n), v)]
    if echoed:
        session.warnings.append(
            f"privileged field(s) {', '.join(echoed)} were accepted and echoed in the {response.status_code} answer, and "
            "the object could not be re-read to verify whether they were stored"
        )


def privileged_fields(schema: dict[str, Any], extra: Iterable[str]) -> list[str]:
    """The privileged fields to try: the defaults and ``extra``, minus those the schema declares
    (a declared field is a legitimate input, e.g. ``role`` in an invite). camelCase schemas get camelCase names."""
    properties = [str(p) for p in (schema.get("properties") or {})]
    declared = {disclosure.normalise(p) for p in properties}
    camel = any(re.search(r"[a-z][A-Z]", p) for p in properties) and not any("_" in p for p in properties)
    names = [_camel(n) if camel else n for n in DEFAULT_PRIVILEGED] + list(extra)
    return [n for n in dict.fromkeys(names) if disclosure.normalise(n) not in declared]


def _reader(session: _Session) -> tuple[Reader | None, str]:
    """How to re-read what a write stored, and a description of it for messages."""
    route, caller, ctx = session.route, session.caller, session.ctx
    routes = ctx.routes
    gets = {r.path: r for r in routes if r.method == "GET"}
    me = vocabulary.me_route(routes)
    client = caller.client
    if caller.tenant is not None:
        if route.method in ("PUT", "PATCH") and route.path in gets:
            return (lambda response, body: _get(client, session.path)), f"GET {session.path}"
        if vocabulary.is_me_path(route.path) and me is not None:
            return (lambda response, body: _get(client, me.path)), f"GET {me.path}"
        values = dict(zip(route.path_params, _path_values(route, session.path)))
        if route.method == "POST":
            item = next((r for r in routes if r.method == "GET" and r.path.startswith(route.path.rstrip("/") + "/{")
                         and r.path.count("/") == route.path.rstrip("/").count("/") + 1), None)
            if item is not None:
                param = item.path_params[-1]

                def read_item(response: httpx.Response, body: Any) -> Any:
                    created = _created_id(response, param)
                    return None if created is None else _get(client, item.format_path({**values, param: created}))

                return read_item, f"GET {item.path}"
            if route.path in gets:
                listing = route.format_path(values)
                return (lambda response, body: _in_list(_get(client, listing), _created_id(response, "id"))), f"GET {route.path}"
        if route.method in ("PUT", "PATCH") and route.path_params and route.path.endswith("}"):
            collection = route.path.rsplit("/", 1)[0]
            if collection in gets:
                listing = route.format_path(values).rsplit("/", 1)[0]
                own_id = values.get(route.path_params[-1])
                return (lambda response, body: _in_list(_get(client, listing), own_id)), f"GET {collection}"
    elif route.method == "POST" and me is not None:
        login = _login_reader(session, me)
        if login is not None:
            return login, f"logging in as the new user and GET {me.path}"
    return None, ""


def _in_list(data: Any, wanted: str | None) -> Any:
    """The element of a list answer (or of the first list in an envelope) whose id is ``wanted``."""
    if wanted is None:
        return None
    if isinstance(data, dict):
        data = next((v for v in data.values() if isinstance(v, list)), None)
    if not isinstance(data, list):
        return None
    return next((item for item in data if isinstance(item, dict) and str(item.get("id")) == str(wanted)), None)


def _login_reader(session: _Session, me: Route) -> Reader | None:
    """For a public create of a user (sign-up): log in with the body's credentials, then read ``me``."""
    ctx, route = session.ctx, session.route
    schema = route.body_schema or {}
    user_field, password = vocabulary.username_field(schema), vocabulary.password_field(schema)
    if user_field is None or password is None:
        return None
    logins = [r for r in ctx.routes if vocabulary.is_login_like(r) and r.public and r.body_schema
              and vocabulary.password_field(r.body_schema) and vocabulary.username_field(r.body_schema)]
    if not logins:
        return None
    login = logins[0]
    login_schema = login.body_schema or {}

    def read(response: httpx.Response, body: Any) -> Any:
        if not isinstance(body, dict):
            return None
        credentials = {**payloads.valid_body(login_schema, _unique(ctx)),
                       vocabulary.username_field(login_schema): body.get(user_field),
                       vocabulary.password_field(login_schema): body.get(password)}
        try:
            answer = session.caller.client.post(login.path, json=credentials)
        except httpx.HTTPError:
            return None
        if not answer.is_success:
            return None
        from pytest_launchready.tenants import Credentials

        token = vocabulary.token_from(_json(answer))
        cookies = dict(answer.cookies)
        if not token and not cookies:
            return None
        auth = Credentials(headers={"Authorization": f"Bearer {token}"}) if token else Credentials(cookies=cookies)
        ctx.redact.add(*auth.secret_values())
        return _get(client_at(ctx.target, VALIDATION_ADDRESS, auth=auth), me.path)

    return read


def _get(client: httpx.Client, path: str) -> Any:
    try:
        response = client.get(path)
    except httpx.HTTPError:
        return None
    return _json(response) if response.is_success else None


def _safe_read(reader: Reader | None, response: httpx.Response, body: Any) -> Any:
    if reader is None:
        return None
    from pytest_launchready.tenants.seeding import unwrap

    found = unwrap(reader(response, body))
    return found if isinstance(found, dict) else None


def _created_id(response: httpx.Response, param: str) -> str | None:
    from pytest_launchready.tenants.seeding import unwrap

    obj = unwrap(_json(response))
    if isinstance(obj, dict):
        for key in ("id", param, _camel(param), "uuid"):
            value = obj.get(key)
            if isinstance(value, (str, int)) and not isinstance(value, bool) and str(value):
                return str(value)
    location = response.headers.get("location")
    return httpx.URL(location).path.rstrip("/").rsplit("/", 1)[-1] or None if location else None


def _path_values(route: Route, path: str) -> list[str]:
    pattern = re.escape(route.path)
    for name in route.path_params:
        pattern = pattern.replace(re.escape("{" + name + "}"), "([^/]+)")
    match = re.fullmatch(pattern, path)
    return list(match.groups()) if match else []


def _find(obj: Any, name: str) -> Any:
    """The value of field ``name`` (any case or separators) in ``obj`` or one level down."""
    if not isinstance(obj, dict):
        return None
    wanted = disclosure.normalise(name)
    for key, value in obj.items():
        if disclosure.normalise(str(key)) == wanted:
            return value
    for value in obj.values():
        if isinstance(value, dict):
            for key, inner in value.items():
                if disclosure.normalise(str(key)) == wanted:
                    return inner
    return None


def _matches(found: Any, sent: Any) -> bool:
    if found is None:
        return False
    if isinstance(sent, list):
        have = {str(v).lower() for v in found} if isinstance(found, list) else {str(found).lower()}
        return all(str(v).lower() in have for v in sent)
    if isinstance(sent, bool):
        return found is sent or str(found).lower() == str(sent).lower()
    return str(found).lower() == str(sent).lower()


def _fabricator(ctx: RunContext) -> Callable[[Any], Any]:
    def fabricate(baseline: Any) -> Any:
        if isinstance(baseline, int) and not isinstance(baseline, bool):
            return baseline + 7_919_000
        if isinstance(baseline, str) and re.fullmatch(r"[0-9a-fA-F-]{36}", baseline):
            return str(uuid.UUID(int=ctx.rng.getrandbits(128), version=4))
        if isinstance(baseline, str) and baseline.isdigit():
            return str(int(baseline) + 7_919_000)
        return f"lr-foreign-{ctx.rng.getrandbits(32):08x}"

    return fabricate


# --- one read test -----------------------------------------------------------------------------


def _run_read(ctx: RunContext, route: Route) -> None:
    caller = _caller(ctx, route, READ)
    path, query = _address(ctx, route, caller)
    try:
        response = caller.client.get(path, params=query or None)
    except httpx.TimeoutException:
        pytest.skip(f"GET {path} did not answer within {ctx.settings.timeout:g} s: nothing to scan")
    content_type = response.headers.get("content-type", "")
    found = disclosure.scan(response.content, response.status_code, content_type, read=True)
    if found:
        secret = any(_is_secret(f) for f in found)
        ctx.redact.add(*(f.evidence for f in found if _is_secret(f)))
        listing = "\n".join(f"  - {f.describe()}" for f in found[:12])
        fail(
            f"Read GET {path} as {caller.who}; the {response.status_code} answer discloses:\n{listing}",
            "a response must carry only what the client may see: no password hashes, secrets or keys, no stack traces, "
            "file paths or SQL." if secret else "responses must not reveal stack traces, file paths or SQL.",
            FIX_EXPOSE if secret else FIX_DISCLOSE, response=response, redact=ctx.redact,
            headers=("content-type",), mark=None if secret else found[0].evidence, docs=CHECK.docs,
        )
    odd = _odd_reads(ctx, route, caller, path, query)
    if odd:
        first = odd[0]
        fail(f"Read GET {path} as {caller.who}, then with a NUL byte in its text parameters; "
             f"{len(odd)} finding(s):\n" + "\n".join(f"  - {f.what}" for f in odd) + "\n\nThe first finding in full:",
             first.why, " ".join(dict.fromkeys(f.fix for f in odd)), response=first.response, redact=ctx.redact,
             headers=("content-type",), mark=first.mark, docs=CHECK.docs)
    if not response.is_success:
        pytest.skip(f"GET {path} answered {response.status_code} to {caller.who}: nothing to scan")
    data = _json(response)
    if not response.content.strip() or data in ({}, [], None) and "json" in content_type:
        pytest.skip(f"GET {path} answered an empty body to {caller.who}: nothing to scan (seed objects with launchready_seed)")


def _odd_reads(ctx: RunContext, route: Route, caller: _Caller, path: str, query: dict[str, Any]) -> list[_Finding]:
    """GET with a NUL byte in each free-text query parameter, then in the last path parameter: a 4xx
    or a 2xx passes; a 5xx, a hang or debug output is a finding (the body fuzz never reaches these)."""
    variants: list[tuple[str, str, dict[str, Any]]] = []
    for param in route.params_in("query"):
        if _free_text(param.schema) and len(variants) < MAX_ODD_QUERY:
            variants.append((f"a NUL byte in the query parameter {param.name!r}", path,
                             {**query, param.name: payloads.NUL_TEXT}))
    if route.path_params and _free_text(next(
            (p.schema for p in route.params_in("path") if p.name == route.path_params[-1]), {})):
        head, _, _ = path.rpartition("/")
        if route.path.endswith("}"):
            variants.append((f"a NUL byte in the path parameter {{{route.path_params[-1]}}}", f"{head}/lr%00nul", query))
    findings = []
    for label, url, params in variants:
        try:
            response = caller.client.get(url, params=params or None)
        except httpx.TimeoutException:
            findings.append(_Finding(f"{label}: no answer within {ctx.settings.timeout:g} s",
                                     "an odd character must be rejected quickly; a hang is a denial of service.", FIX_CRASH))
            continue
        leaks = disclosure.scan(response.content, response.status_code, response.headers.get("content-type", ""),
                                read=False, sent=str(response.request.url))
        if leaks:
            secret = [f for f in leaks if _is_secret(f)]
            ctx.redact.add(*(f.evidence for f in secret))
            findings.append(_Finding(f"{label}: answered {response.status_code}, disclosing "
                                     + ", ".join(f.describe() for f in leaks),
                                     "responses must not reveal stack traces, debug pages, file paths or SQL.",
                                     FIX_EXPOSE if secret else FIX_DISCLOSE, response, None if secret else leaks[0].evidence))
        elif response.status_code >= 500:
            findings.append(_Finding(f"{label}: answered {response.status_code}",
                                     "a NUL byte in a parameter must get a 4xx (or be handled); a 5xx means it reached "
                                     "code that crashed on it, typically a database driver.", FIX_CRASH, response))
    return findings


def _free_text(schema: dict[str, Any]) -> bool:
    """A parameter that takes any text: a string without enum, format or pattern (or no schema at all)."""
    flat = flatten(schema)
    types = accepted_types(flat)
    return (types is None or "string" in types) and not (flat.get("enum") or flat.get("format") or flat.get("pattern"))


# --- small helpers -----------------------------------------------------------------------------


def _is_secret(found: disclosure.Disclosure) -> bool:
    return any(word in found.kind for word in ("hash", "field", "key"))


def _content_type(route: Route) -> str:
    """The declared body media type (JSON when none is declared)."""
    return (route.body_content_type or JSON).split(";")[0].strip().lower()


def _unique(ctx: RunContext) -> str:
    # The run id keeps bodies unique across runs against a live server that keeps its data.
    return f"{get_state(ctx.config).run_id}{ctx.rng.getrandbits(32):08x}"


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


CHECK = Check(
    name="validation",
    title="Invalid payloads get a clean 4xx, privileged fields are not mass-assignable, responses disclose nothing sensitive.",
    cases=cases,
    run=run,
)
