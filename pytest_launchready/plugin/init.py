"""``pytest --launchready-init``: inspect the target, write what does not exist, print the rest.

Runs from ``pytest_cmdline_main`` instead of a test session: discovery reads the routes, one anonymous
GET of each route without path parameters shows which answer without credentials (nothing else is
sent: nobody is signed up), :mod:`~pytest_launchready.plugin.init_proposal` renders the ini block
and ``conftest.py``, and this module writes each only to a path that does not exist. An existing
pytest config is never touched: the block is printed for the user to paste.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

import httpx
import pytest

from pytest_launchready.plugin.init_proposal import Proposal, conftest_text, ini_block, propose
from pytest_launchready.plugin.planning import routes_for
from pytest_launchready.plugin.state import get_state, load_target_app
from pytest_launchready.routes import Route


def run_init(config: pytest.Config, out: TextIO | None = None) -> int:
    """Inspect the configured target, write ``pytest.ini`` and ``conftest.py`` where absent, print the
    rest; returns the exit status (0). Raises ``pytest.UsageError`` when there is no target."""
    out = out or sys.stdout
    settings = get_state(config).settings
    if settings.base_url:
        target = ("launchready_base_url", settings.base_url)
    elif settings.app:
        target = ("launchready_app", settings.app)
    else:
        raise pytest.UsageError(
            "--launchready-init needs a target to inspect: --launchready-app=package.module:app (an app tested "
            "in-process) or --launchready-url=http://127.0.0.1:8000 (a running server), or the ini keys "
            "launchready_app / launchready_base_url")
    routes = routes_for(config)
    state = get_state(config)
    discovery = state.discovery
    own = discovery.framework_own if discovery else ()
    open_gets = _answering_anonymously(config, [r for r in routes if not r.public and r.key not in set(own)])
    proposal = propose(routes, target, discovery.source if discovery else "", own, open_gets)
    root = Path(config.rootpath)
    block = ini_block(proposal)
    existing = _existing_config(config, root)
    written: list[Path] = []
    if existing is None and _write_new(root / "pytest.ini", block):
        written.append(root / "pytest.ini")
    conftest = conftest_text(proposal)
    conftest_written = _write_new(root / "conftest.py", conftest)
    if conftest_written:
        written.append(root / "conftest.py")
    _report(out, proposal, written, existing, block, None if conftest_written else conftest, root)
    return 0


#: At most this many anonymous GETs: init must stay quick on a large API.
_MAX_PROBES = 40


def _answering_anonymously(config: pytest.Config, routes: list[Route]) -> frozenset[str]:
    """The keys of the parameterless GET routes that answer 2xx without credentials.

    Such a route is either public by design or a hole; only the user can tell, so the proposal lists it
    as unsure. A target that cannot be reached is left to the run (the spec was read already)."""
    from pytest_launchready.target import Target, TargetError
    from pytest_launchready.target.tls import client_verify

    gets = [r for r in routes if r.method == "GET" and "{" not in r.path][:_MAX_PROBES]
    if not gets:
        return frozenset()
    settings = get_state(config).settings
    try:
        app = load_target_app(config)
        target = (Target.for_app(app, settings.timeout, settings.allow_hosts) if app is not None else
                  Target.for_url(settings.base_url, settings.timeout, settings.allow_hosts,
                                 verify=client_verify(settings.ca_bundle, settings.rootpath)))
    except TargetError:
        return frozenset()
    open_keys: set[str] = set()
    try:
        client = target.client()
        for route in gets:
            try:
                if client.get(route.path).is_success:
                    open_keys.add(route.key)
            except httpx.HTTPError:
                continue
    finally:
        target.close()
    return frozenset(open_keys)


def _existing_config(config: pytest.Config, root: Path) -> Path | None:
    """The pytest config file in use or in the rootdir, or None when writing pytest.ini is safe."""
    inipath = config.inipath
    if inipath is not None and not (inipath.name == "pyproject.toml" and "[tool.pytest" not in inipath.read_text()):
        return Path(inipath)
    for name in ("pytest.ini", ".pytest.ini", "tox.ini", "setup.cfg"):
        path = root / name
        if path.exists() and (name.endswith("pytest.ini") or "pytest]" in path.read_text()):
            return path
    return None


def _write_new(path: Path, text: str) -> bool:
    """Write ``text`` to ``path`` only if nothing is there (never overwrite); True when written."""
    try:
        with path.open("x", encoding="utf-8") as handle:
            handle.write(text)
    except FileExistsError:
        return False
    return True


def _report(out: TextIO, proposal: Proposal, written: list[Path], existing: Path | None, block: str,
            conftest_unwritten: str | None, root: Path) -> None:
    for path in written:
        out.write(f"launchready-init: wrote {path.relative_to(root)}\n")
    if existing is not None:
        out.write(f"launchready-init: {existing.name} exists and was left untouched: paste this block into it\n\n")
        out.write(block + "\n")
    if conftest_unwritten is not None:
        out.write("launchready-init: conftest.py exists and was left untouched; what it would hold:\n\n")
        out.write(conftest_unwritten + "\n")
    out.write(f"launchready-init: {len(proposal.public)} public route(s) to confirm, {len(proposal.unsure)} unsure (commented out)\n")
    if proposal.builtin_login:
        assert proposal.signup is not None and proposal.login is not None
        out.write(f"launchready-init: login by {proposal.signup.key} then {proposal.login.key}\n")
    else:
        out.write("launchready-init: no sign-up and login pair found: fill in launchready_login in conftest.py\n")
    if proposal.roles:
        out.write(f"launchready-init: roles {', '.join(proposal.roles)}"
                  + ("" if proposal.roles_ordered else " (as found: order them highest first)") + "\n")
    if proposal.tenant_role:
        out.write(f"launchready-init: tenants log in as {proposal.tenant_role} (guessed: confirm launchready_tenant_role)\n")
    out.write("launchready-init: fill in launchready_allowed_origins, confirm the rest, then run pytest --launchready\n")
