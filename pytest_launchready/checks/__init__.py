"""The check registry: a check is one module exposing ``CHECK = Check(...)``.

A check has two plain functions:

- ``cases(plan) -> Iterable[Case]`` runs at collection time, offline: it turns the route table and the
  settings into the generated tests (one :class:`Case` per route, or per source, domain, ...). A case
  the check knows it cannot test carries ``not_run`` and becomes a skipped item with that reason.
- ``run(ctx, case) -> None`` runs the test: it raises ``AssertionError`` (via
  :func:`pytest_launchready.checks.evidence.fail`) for a finding, calls ``pytest.skip(reason)`` when this case
  could not be tested after all, and ``ctx.warn(message)`` for a weakness that fails only with
  ``--launchready-strict``.

A check with several kinds of case says which in ``Case.variant`` and dispatches on it, e.g.
``{"read": run_read, "write": run_write}[case.variant](ctx, case.route)``.

Register a new check by adding its module to :data:`pytest_launchready.config.check_names.CHECK_MODULES`.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Iterable

from pytest_launchready.config.check_names import CHECK_MODULES

if TYPE_CHECKING:
    import pytest

    from pytest_launchready.checks.context import RunContext
    from pytest_launchready.routes import Route
    from pytest_launchready.config.settings import Settings


@dataclass(frozen=True)
class Case:
    """One generated test.

    ``id`` is what appears between the brackets of the test id (``GET /conversations/{id}``), so it
    must be deterministic, unique within the check, and free of secrets. ``route`` is the route under
    test when there is one. ``variant`` and ``data`` carry small frozen facts the check wants back at
    run time (``data`` is a tuple of ``(key, value)`` string pairs). ``not_run`` makes it a skipped
    item with that reason. ``by_design`` makes it a skipped item that is listed but is neither a gap
    in coverage nor a failure under ``--launchready-strict`` (a public route for auth, a route shared
    across tenants by design). ``counts_as_route`` says whether it counts in the ``tested/total routes``
    coverage of the scorecard.
    """

    id: str
    route: Route | None = None
    variant: str = ""
    data: tuple[tuple[str, str], ...] = ()
    not_run: str | None = None
    counts_as_route: bool = True
    by_design: str | None = None

    def get(self, key: str, default: str = "") -> str:
        """The value stored under ``key`` in :attr:`data`."""
        return dict(self.data).get(key, default)


@dataclass(frozen=True)
class Plan:
    """What a check sees at collection time: the settings and the sorted routes.

    ``routes`` is empty and ``has_target`` False when no app or URL is configured (only checks with
    ``needs_target=False`` are selected then).
    """

    settings: Settings
    routes: tuple[Route, ...]
    has_target: bool = True

    @property
    def private_routes(self) -> tuple[Route, ...]:
        """Routes that must fail closed."""
        return tuple(r for r in self.routes if not r.public)


@dataclass(frozen=True)
class Check:
    """A check: its name (as in DESIGN.md), one-line title, and its two functions.

    ``needs_login``: the check uses ``launchready_login`` (selecting it without that fixture is a usage
    error). ``needs_target``: the check sends requests to the app (False for checks that read files or
    DNS only; they then run without ``launchready_app``). ``configure``: called once in
    ``pytest_configure`` when the check is selected (e.g. to start capturing logs). ``collected``: called
    once in ``pytest_collection_finish`` of each process that collected tests (the one process, or each
    xdist worker), with the session (its final ``items``) and the settings, e.g. to start work ahead of
    the check's tests. ``enable_hint``: what a user sets to make a check that produced no cases run,
    shown in the scorecard's NOT RUN row (``set launchready_mail_domains``).
    """

    name: str
    title: str
    cases: Callable[[Plan], Iterable[Case]]
    run: Callable[[RunContext, Case], None]
    needs_login: bool = False
    needs_target: bool = True
    enable_hint: str = ""
    configure: Callable[[pytest.Config], None] | None = None
    collected: Callable[[pytest.Session, Settings], None] | None = None

    @property
    def docs(self) -> str:
        """The docs page that explains the check and its fix path."""
        return f"docs/checks/{self.name}.md"


def load_check(name: str) -> Check | None:
    """The registered :class:`Check` called ``name``, or None when it is not built yet."""
    module_name = CHECK_MODULES.get(name)
    if module_name is None:
        return None
    check = importlib.import_module(module_name).CHECK
    assert isinstance(check, Check) and check.name == name, f"{module_name}.CHECK must be Check(name={name!r})"
    return check
