"""``pytest --launchready-init`` inspects the target and writes a commented pytest.ini and conftest.py
where none exist (printing the block otherwise, never touching a file), and what it writes runs green
on the secure twins once the allowed origins are filled in."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pytest_launchready.config.table import INI_SETTINGS
from pytest_launchready.routes import Route
from support.paths import APPS, load_app
from support.servers import serve_on_loopback

DEMO = "pytest_launchready.demo.app:app"
DEMO_DIR = Path(__file__).parents[2] / "pytest_launchready" / "demo"
DEMO_ORIGIN = "https://app.demo-chatbot.example"
BUILTIN_LOGIN = any(s.name == "launchready_signup_route" for s in INI_SETTINGS)
needs_builtin_login = pytest.mark.skipif(
    not BUILTIN_LOGIN, reason="the files name launchready_signup_route/launchready_login_route: runs once the built-in login's settings exist")


@pytest.fixture(autouse=True)
def _demo_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEMO_JWT_SECRET", "k" * 40)


def init(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    """``pytest --launchready-init`` in the project, asserting it ran no test and exited 0."""
    result = pytester.runpytest("--launchready-init", "-p", "no:cacheprovider", *args)
    assert result.ret == 0, result.stdout.str()
    assert "passed" not in result.stdout.str() and "collected" not in result.stdout.str()
    return result


def app_project(pytester: pytest.Pytester, app: str) -> None:
    pytester.makepyfile(myapp=(APPS / f"{app}.py").read_text())


def ini_lines(pytester: pytest.Pytester) -> list[str]:
    """pytest.ini's setting lines, comments left out."""
    return [line for line in (pytester.path / "pytest.ini").read_text().splitlines() if not line.strip().startswith("#")]


def fill_origins(pytester: pytest.Pytester, origin: str) -> None:
    ini = pytester.path / "pytest.ini"
    text = ini.read_text()
    assert "\nlaunchready_allowed_origins =\n" in text
    ini.write_text(text.replace("\nlaunchready_allowed_origins =\n", f"\nlaunchready_allowed_origins = {origin}\n"))


def secure_demo(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    """The demo with every defect off as ``secureapp:app``: the demo module may already be imported in
    this process with its defects on, so LAUNCHREADY_DEMO_SECURE alone would not reach it."""
    monkeypatch.setenv("LAUNCHREADY_DEMO_SECURE", "1")
    pytester.makepyfile(secureapp="from pytest_launchready.demo.app import create_app\napp = create_app(secure=True)\n")


def assert_green(result: pytest.RunResult) -> None:
    outcomes = result.parseoutcomes()
    assert result.ret == 0, result.stdout.str()
    assert outcomes.get("passed", 0) > 0 and not outcomes.get("failed") and not outcomes.get("errors"), outcomes


def test_the_demo_gets_its_public_routes_login_and_roles(pytester: pytest.Pytester) -> None:
    result = init(pytester, f"--launchready-app={DEMO}")
    result.stdout.fnmatch_lines(["launchready-init: wrote pytest.ini", "launchready-init: wrote conftest.py",
                                 "launchready-init: login by POST /auth/signup then POST /auth/login",
                                 "launchready-init: roles owner, admin, member"])
    lines = ini_lines(pytester)
    assert lines[:2] == ["[pytest]", f"launchready_app = {DEMO}"]
    public = lines[lines.index("launchready_public_routes =") + 1:][:4]
    assert sorted(p.strip() for p in public) == ["GET /health", "POST /auth/accept-invite", "POST /auth/login", "POST /auth/signup"]
    assert "launchready_signup_route = POST /auth/signup" in lines
    assert "launchready_login_route = POST /auth/login" in lines
    assert "launchready_logout_route = POST /auth/logout" in lines
    roles = lines.index("launchready_roles =")
    assert lines[roles + 1:roles + 4] == ["    owner", "    admin", "    member"]
    assert "launchready_allowed_origins =" in lines
    text = (pytester.path / "pytest.ini").read_text()
    assert "# confirm: believed public because the spec declares no security requirement" in text
    assert "# Sign-up body fields seen: email, org_name, password" in text
    assert "GET /docs" not in text  # the framework's own pages are public without being listed
    assert "def launchready_login" not in (pytester.path / "conftest.py").read_text()


def test_a_realworld_app_gets_its_wrapped_sign_up_and_login(pytester: pytest.Pytester) -> None:
    app_project(pytester, "realworld_shapes")
    init(pytester, "--launchready-app=myapp:app")
    lines = ini_lines(pytester)
    assert "launchready_app = myapp:app" in lines
    public = lines[lines.index("launchready_public_routes =") + 1:][:3]
    assert [p.strip() for p in public] == ["GET /api/notes/{note_id}", "POST /api/users", "POST /api/users/login"]
    assert "launchready_signup_route = POST /api/users" in lines
    assert "launchready_login_route = POST /api/users/login" in lines
    assert "launchready_roles = user" in lines  # no role enum: every user alike, not the default owner/admin/member
    assert "# Sign-up body fields seen: email, password, username (wrapped in 'user')" in (pytester.path / "pytest.ini").read_text()


def test_staff_roles_without_sign_up_get_the_login_skeleton(pytester: pytest.Pytester) -> None:
    app_project(pytester, "restaurant_staff")
    result = init(pytester, "--launchready-app=myapp:app")
    result.stdout.fnmatch_lines(["*no sign-up and login pair found: fill in launchready_login in conftest.py",
                                 "*roles chef, employee, customer (as found: order them highest first)"])
    text = (pytester.path / "pytest.ini").read_text()
    lines = ini_lines(pytester)
    assert "launchready_signup_route" not in text
    roles = lines.index("launchready_roles =")
    assert lines[roles + 1:roles + 4] == ["    chef", "    employee", "    customer"]
    assert "ORDER THEM highest first" in text
    # The health route is public by design (the monitoring check calls it anonymously): proposed as public, not unsure.
    assert ("    # confirm: believed public because it is the health route, public by design (monitors call it without "
            "credentials)\n    GET /health\n") in text
    conftest = (pytester.path / "conftest.py").read_text()
    assert "# def launchready_login(launchready_client):" in conftest and "TODO" in conftest
    # The skeleton imports, and until it is filled in the run stops with one usage error naming the fixture.
    run = pytester.runpytest("--launchready", "--launchready-checks=tenant_isolation", "-p", "no:cacheprovider")
    assert run.ret == pytest.ExitCode.USAGE_ERROR
    run.stderr.fnmatch_lines(["*launchready_login is not defined*"])


@pytest.mark.parametrize("name, text", [
    ("pytest.ini", "[pytest]\naddopts = -q\n"),
    ("tox.ini", "[tox]\n\n[pytest]\naddopts = -q\n"),
    ("setup.cfg", "[tool:pytest]\naddopts = -q\n"),
    ("pyproject.toml", "[tool.pytest.ini_options]\naddopts = '-q'\n"),
], ids=["pytest.ini", "tox.ini", "setup.cfg", "pyproject.toml"])
def test_an_existing_config_and_conftest_are_never_touched(pytester: pytest.Pytester, name: str, text: str) -> None:
    config = pytester.path / name
    config.write_bytes(text.encode())
    conftest = pytester.path / "conftest.py"
    conftest.write_bytes(b"# the user's own conftest\n")
    result = init(pytester, f"--launchready-app={DEMO}")
    assert config.read_bytes() == text.encode()
    assert conftest.read_bytes() == b"# the user's own conftest\n"
    # No file written beside them (Python's own bytecode cache of the conftest aside, where it writes one).
    assert sorted(p.name for p in pytester.path.iterdir() if p.name != "__pycache__") == sorted([name, "conftest.py"])
    result.stdout.fnmatch_lines([f"launchready-init: {name} exists and was left untouched: paste this block into it",
                                 "", "[pytest]", f"launchready_app = {DEMO}", "*launchready_signup_route = POST /auth/signup",
                                 "launchready-init: conftest.py exists and was left untouched; what it would hold:"])
    assert "wrote" not in result.stdout.str()


def test_a_pyproject_without_pytest_settings_gets_a_pytest_ini_beside_it(pytester: pytest.Pytester) -> None:
    pyproject = pytester.path / "pyproject.toml"
    pyproject.write_bytes(b"[project]\nname = 'myproduct'\n")
    init(pytester, f"--launchready-app={DEMO}").stdout.fnmatch_lines(["launchready-init: wrote pytest.ini"])
    assert pyproject.read_bytes() == b"[project]\nname = 'myproduct'\n"
    assert "launchready_signup_route = POST /auth/signup" in ini_lines(pytester)


def test_without_a_target_it_is_a_usage_error_naming_the_options(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--launchready-init", "-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--launchready-init needs a target*--launchready-app=*--launchready-url=*"])
    assert not (pytester.path / "pytest.ini").exists()


def test_a_running_server_is_read_with_gets_only_and_open_gets_are_proposed_as_unsure(pytester: pytest.Pytester) -> None:
    seen: list[str] = []
    app = load_app("realworld_shapes").app

    async def recording(scope, receive, send):  # type: ignore[no-untyped-def]
        if scope["type"] == "http":
            seen.append(f"{scope['method']} {scope['path']}")
            if scope["path"] == "/api/articles/":  # this server lists articles to anyone
                await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]})
                await send({"type": "http.response.body", "body": b'{"articles": []}'})
                return
        await app(scope, receive, send)

    with serve_on_loopback(recording) as port:
        init(pytester, f"--launchready-url=http://127.0.0.1:{port}")
    lines = ini_lines(pytester)
    assert f"launchready_base_url = http://127.0.0.1:{port}" in lines
    assert "launchready_login_route = POST /api/users/login" in lines
    assert seen and all(request.startswith("GET ") for request in seen), seen  # it signs nobody up
    text = (pytester.path / "pytest.ini").read_text()
    assert "GET /api/articles/" in seen and "GET /api/user" in seen
    assert ("    # unsure, uncomment if public: it answered an anonymous GET with 2xx: public by design, or a hole the "
            "auth check will report\n    # GET /api/articles/\n") in text
    assert "# GET /api/user\n" not in text  # it answered 401


def test_python_m_pytest_launchready_init(pytester: pytest.Pytester) -> None:
    app_project(pytester, "realworld_shapes")
    run = subprocess.run([sys.executable, "-m", "pytest_launchready", "init", "--app", "myapp:app"], cwd=pytester.path,
                         capture_output=True, text=True, timeout=120, env={**os.environ, "PYTHONPATH": str(pytester.path)})
    assert run.returncode == 0, run.stdout + run.stderr
    assert "launchready-init: wrote pytest.ini" in run.stdout
    assert "launchready_login_route = POST /api/users/login" in (pytester.path / "pytest.ini").read_text()


def test_the_demo_block_runs_green_on_the_secure_demo(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    """With the demo's own conftest.py kept (init leaves it alone), the generated ini block alone
    (public routes, roles) plus the allowed origin gives no FAIL and no ERROR."""
    (pytester.path / "conftest.py").write_text((DEMO_DIR / "conftest.py").read_text())
    secure_demo(pytester, monkeypatch)
    init(pytester, "--launchready-app=secureapp:app")
    fill_origins(pytester, DEMO_ORIGIN)
    assert_green(pytester.runpytest("--launchready", "--launchready-checks=auth,tenant_isolation,roles,cors", "-p", "no:cacheprovider"))


@needs_builtin_login
@pytest.mark.parametrize("app, origin", [("demo", DEMO_ORIGIN), ("realworld_shapes", "https://app.example.com")])
def test_the_written_files_run_green_on_the_secure_twin(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch,
                                                        app: str, origin: str) -> None:
    if app == "demo":
        secure_demo(pytester, monkeypatch)
        init(pytester, "--launchready-app=secureapp:app")
    else:
        app_project(pytester, app)
        init(pytester, "--launchready-app=myapp:app")
    fill_origins(pytester, origin)
    assert_green(pytester.runpytest("--launchready", "--launchready-checks=auth,tenant_isolation,roles,cors", "-p", "no:cacheprovider"))


def test_roles_come_from_enums_and_x_launchready_roles_highest_first() -> None:
    from pytest_launchready.plugin.init_proposal import propose
    from pytest_launchready.routes import Route

    member_body = '{"properties": {"members": {"items": {"properties": {"user_role": {"enum": ["viewer", "member"]}}}}}}'
    routes = [Route("PATCH", "/members/{id}", body_schema_json=member_body),
              Route("DELETE", "/org", roles=("owner",)), Route("POST", "/invites", roles=("admin",))]
    proposal = propose(routes, ("launchready_app", "myapp:app"))
    assert proposal.roles == ("owner", "admin", "member", "viewer") and proposal.roles_ordered
    unknown = propose([Route("POST", "/staff", body_schema_json='{"properties": {"role": {"enum": ["chef", "waiter"]}}}')],
                      ("launchready_app", "myapp:app"))
    assert unknown.roles == ("chef", "waiter") and not unknown.roles_ordered


def _fields(*names: str, **extra: object) -> str:
    return json.dumps({"properties": {**{n: {"type": "string"} for n in names}, **extra}})


@pytest.mark.parametrize("signup_fields, roles_route, expected", [
    (("email", "password", "org_name"), Route("PATCH", "/users/{id}", body_schema_json=_fields(role={"enum": ["member", "owner"]})), ("owner", "org")),
    (("email", "password"), Route("PATCH", "/users/{id}", body_schema_json=_fields(role={"enum": ["admin", "user", "viewer"], "default": "user"})),
     ("user", "defaults to")),
    (("email", "password"), Route("PATCH", "/users/{id}", body_schema_json=_fields(role={"enum": ["admin", "user", "viewer"]})), ("viewer", "lowest")),
    (("email", "password"), Route("GET", "/users/me", response_schema_json=_fields(is_superuser={"type": "boolean"})), ("user", "is_superuser")),
], ids=["org sign-up: its creator holds the top role", "own-tenant users: the schema's default role",
        "own-tenant users: the lowest role", "a boolean staff flag"])
def test_the_tenant_role_is_guessed_from_what_the_sign_up_makes(signup_fields: tuple[str, ...], roles_route: Route,
                                                               expected: tuple[str, str]) -> None:
    """Signing the first role up on a staff app makes A and B 'admins' that are plain users, and every
    staff-only route reads as a tenant's own: the guess follows what a sign-up really creates."""
    from pytest_launchready.plugin.init_proposal import ini_block, propose

    routes = [Route("POST", "/auth/signup", public=True, body_schema_json=_fields(*signup_fields)),
              Route("POST", "/auth/login", public=True, body_schema_json=_fields("email", "password")), roles_route]
    proposal = propose(routes, ("launchready_app", "myapp:app"))
    role, why = expected
    assert proposal.tenant_role == role and why in proposal.tenant_role_why
    assert f"\nlaunchready_tenant_role = {role}\n" in ini_block(proposal)


def test_without_a_sign_up_the_tenant_role_is_left_to_the_user() -> None:
    from pytest_launchready.plugin.init_proposal import ini_block, propose

    proposal = propose([Route("PATCH", "/users/{id}", body_schema_json=_fields(role={"enum": ["admin", "member"]}))],
                       ("launchready_app", "myapp:app"))
    assert proposal.tenant_role is None and "\n# launchready_tenant_role = admin\n" in ini_block(proposal)


def test_reads_below_an_open_collection_are_proposed_as_unsure_too() -> None:
    """RealWorld lists and reads articles to anyone: the item and its comments sit below the open list,
    while the feed beside them, probed and refused, stays private."""
    from pytest_launchready.plugin.init_proposal import propose

    routes = [Route("GET", "/api/articles"), Route("GET", "/api/articles/feed"), Route("GET", "/api/articles/{slug}"),
              Route("GET", "/api/articles/{slug}/comments"), Route("DELETE", "/api/articles/{slug}"), Route("GET", "/api/user"),
              Route("GET", "/api/user/{id}")]
    unsure = dict(propose(routes, ("launchready_app", "myapp:app"), open_gets={"GET /api/articles"}).unsure)
    assert sorted(unsure) == ["GET /api/articles", "GET /api/articles/{slug}", "GET /api/articles/{slug}/comments"]
    assert "below GET /api/articles" in unsure["GET /api/articles/{slug}/comments"]


def test_secured_look_alikes_are_never_proposed_as_the_sign_up_or_login() -> None:
    """Mealie's shape: an admin's POST /api/users creates users and POST /api/users/api-tokens makes an
    API token, both secured in the spec; the sign-up and login a stranger calls are the public
    POST /api/users/register and POST /api/auth/token."""
    from pytest_launchready.plugin.init_proposal import propose

    account = _fields("username", "email", "password")
    # FastAPI writes no security for the open routes: neither public nor secured in the spec.
    routes = [Route("POST", "/api/users", body_schema_json=account, secured=True),
              Route("POST", "/api/users/register", body_schema_json=account),
              Route("POST", "/api/users/api-tokens", body_schema_json=_fields("name"), secured=True),
              Route("POST", "/api/auth/token", body_schema_json=_fields("username", "password")),
              Route("GET", "/api/users/self", secured=True), Route("GET", "/api/auth/oauth"),
              Route("GET", "/api/auth/oauth/callback"), Route("GET", "/api/groups/{slug}/ssot")]
    proposal = propose(routes, ("launchready_base_url", "http://127.0.0.1:9000"))
    assert proposal.signup is not None and proposal.signup.key == "POST /api/users/register"
    assert proposal.login is not None and proposal.login.key == "POST /api/auth/token"
    # The OIDC redirect and callback are reached before any session: proposed for the user to confirm.
    unsure = dict(proposal.unsure)
    assert [k for k in unsure if "sign-in flow" in unsure[k]] == ["GET /api/auth/oauth", "GET /api/auth/oauth/callback"]
    # Without a security requirement anywhere (RealWorld's spec), the users collection is still the sign-up.
    realworld = propose([Route("POST", "/api/users", body_schema_json=account),
                         Route("POST", "/api/users/login", body_schema_json=account)],
                        ("launchready_app", "myapp:app"))
    assert realworld.signup is not None and realworld.signup.key == "POST /api/users"
