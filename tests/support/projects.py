"""pytester projects as users set them up: an app of tests/apps as myapp.py, a pytest.ini naming it, a conftest.py."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from support.logins import INVITE_LOGIN, ORG_ROLE_LOGIN
from support.paths import APPS, load_app

APP_TARGET = "launchready_app = myapp:app"

#: The isolation_fastapi app's public routes, as launchready_public_routes lines.
ISOLATION_PUBLIC = "GET /health\n    POST /auth/signup\n    POST /auth/login\n    POST /auth/accept-invite"


def make_project(pytester: pytest.Pytester, app: str, ini: str = "", conftest: str | None = None, *, spec: bool = False,
                 target: str = APP_TARGET) -> None:
    """``tests/apps/<app>.py`` as the project's myapp.py and a pytest.ini: ``target``, then ``ini``.

    ``ini`` holds the other settings, indented as the caller writes them (it is dedented; a line
    indented further continues the setting above it). ``conftest`` is written when given. ``spec``
    writes the app's ``SPEC`` to spec.json and points launchready_openapi at it, for apps that serve
    no OpenAPI document of their own.
    """
    pytester.makepyfile(myapp=(APPS / f"{app}.py").read_text())
    lines = ["[pytest]", target]
    if spec:
        pytester.path.joinpath("spec.json").write_text(json.dumps(load_app(app).SPEC))
        lines.append("launchready_openapi = spec.json")
    pytester.makeini("\n".join(lines) + "\n" + textwrap.dedent(ini))
    if conftest is not None:
        pytester.makeconftest(conftest)


def frame_project(pytester: pytest.Pytester, app: str = "frame_fastapi", extra_ini: str = "", conftest: str = ORG_ROLE_LOGIN) -> None:
    """A frame app (tests/apps/frame_*.py, a tiny two-tenant items API) as a user project.

    POST /auth/login and GET /health are public; ``extra_ini`` comes right after them, so a line
    indented by four spaces adds a public route.
    """
    make_project(pytester, app, f"""
        launchready_public_routes =
            POST /auth/login
            GET /health
        {extra_ini}
        """, conftest)


def isolation_project(pytester: pytest.Pytester, app: str = "isolation_fastapi", conftest: str = INVITE_LOGIN,
                      public: str = ISOLATION_PUBLIC, extra_ini: str = "") -> None:
    """An isolation app (tests/apps/isolation_*.py) as a user project: its public routes, then ``extra_ini``."""
    make_project(pytester, app, f"launchready_public_routes =\n    {public}\n{extra_ini}\n", conftest)


DEMO_INI = Path(__file__).parents[2] / "pytest_launchready" / "demo" / "pytest.ini"


def demo_project(pytester: pytest.Pytester, app_source: str = "") -> None:
    """The demo (defects on) as a user project: its own pytest.ini and conftest.py, its app as
    ``demoapp:app`` (a module of the project's own: the demo module may be imported already with
    other settings). ``app_source`` runs after the app is made, with ``app`` in scope."""
    pytester.makepyfile(demoapp="from pytest_launchready.demo.app import create_app\n\napp = create_app(secure=False)\n"
                        + app_source)
    ini = DEMO_INI.read_text().replace("launchready_app = pytest_launchready.demo.app:app", "launchready_app = demoapp:app")
    assert "demoapp:app" in ini
    pytester.path.joinpath("pytest.ini").write_text(ini)
    pytester.makeconftest("from pytest_launchready.demo.conftest import *  # noqa: F401,F403\n")
