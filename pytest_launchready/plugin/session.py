"""The plugin object registered with ``--launchready``: it generates the tests and builds the scorecard.

Its hooks run in pipeline order: fail closed before workers start (xdist controller), collect the
planned cases as ``launchready::test_<check>[<case id>]`` items labelled for the scorecard, check
``launchready_login`` is reachable, apply waivers and ``--launchready-strict`` to each report,
fold every report into the scorecard, and print it after pytest's own summary.
"""

from __future__ import annotations

import datetime as dt
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generator

import pytest

from pytest_launchready.config.check_names import CHECK_NAMES
from pytest_launchready.report.protocol import (
    BY_DESIGN_PREFIX,
    CHECK_PROPERTY,
    COVERED_PREFIX,
    KIND_PROPERTY,
    NOT_RUN_PREFIX,
    ROUTE_PROPERTY,
    STRICT_PROPERTY,
    TOTAL_PROPERTY,
    WAIVED_PREFIX,
    WAIVED_PROPERTY,
    prop_value,
)

if TYPE_CHECKING:
    from pytest_launchready.checks import Case


class LaunchreadyModule(pytest.Module):
    """The generated tests' collector: node id ``launchready``, its module object made in memory."""

    module_obj: Any = None

    def _getobj(self) -> Any:
        return self.module_obj

    def istestfunction(self, obj: object, name: str) -> bool:
        # The user's python_functions setting must not hide the generated tests.
        return name.startswith("test_") and callable(obj)


class LaunchreadySession:
    """Registered only with ``--launchready``: generates the tests and builds the scorecard."""

    def __init__(self, config: pytest.Config) -> None:
        from pytest_launchready.report.scorecard import Scorecard
        from pytest_launchready.plugin.state import get_state

        self.config = config
        self.state = get_state(config)  # reads and validates every setting now: bad ini fails at start
        self.cases: dict[str, list[Case]] = {}
        self.scorecard = Scorecard()
        from pytest_launchready.report.json_report import TestLog

        self.test_log = TestLog()
        self.check_seconds: dict[str, float] = {}  # seconds per check scope, for the next run's xdist dealing
        self.started_at = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")
        from pytest_launchready.plugin.planning import selected_checks

        for check in selected_checks(config):
            if check.configure is not None:
                check.configure(config)

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionstart(self, session: pytest.Session) -> None:
        """On the xdist controller (which collects nothing), fail closed before any worker starts.

        Workers would each raise the same usage error at collection, which xdist reports as crashed
        workers; here the user sees the one clear message, exit code 4.
        """
        if hasattr(self.config, "workerinput") or self.config.pluginmanager.getplugin("dsession") is None:
            return
        from pytest_launchready.plugin.planning import plan_cases

        checks, _ = plan_cases(self.config)
        needing = [c.name for c in checks if c.needs_login]
        visible, unreachable = _login_definitions(self.config)
        if needing and not visible:
            raise _missing_login(needing, unreachable)

    @pytest.hookimpl(tryfirst=True, optionalhook=True)
    def pytest_xdist_make_scheduler(self, config: pytest.Config, log: Any) -> Any:
        """Under ``-n`` with no ``--dist`` written, one unit of work per check: see :mod:`pytest_launchready.plugin.scheduling`."""
        from pytest_launchready.plugin.scheduling import dist_chosen, make_scheduler

        if config.getvalue("dist") != "load" or dist_chosen(config):
            return None

        return make_scheduler(config, log)

    @pytest.hookimpl(tryfirst=True)
    def pytest_collection_modifyitems(self, session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
        from pytest_launchready.plugin.generated import make_module
        from pytest_launchready.plugin.planning import plan_cases

        checks, self.cases = plan_cases(config)
        collector = LaunchreadyModule.from_parent(session, path=Path(config.rootpath) / "launchready", nodeid="launchready")
        collector.module_obj = make_module(checks)
        generated = list(session.genitems(collector))
        for item in generated:
            self._label(item)
        from pytest_launchready.checks.context import LaunchreadyWarning

        for waiver in self.state.settings.waivers:
            if not any(waiver.matches(item.name) for item in generated):
                warnings.warn(LaunchreadyWarning(
                    f"launchready_waivers: {waiver.pattern!r} matches no generated test: check the id "
                    "(e.g. test_auth[GET /items], * and ? are wildcards) or remove the waiver"), stacklevel=1)
        items.extend(_run_order(generated))

    def pytest_generate_tests(self, metafunc: pytest.Metafunc) -> None:
        name = metafunc.function.__name__.removeprefix("test_")
        if metafunc.module is None or getattr(metafunc.module, "__name__", "") != "launchready" or name not in self.cases:
            return
        params = [pytest.param(case, id=case.id, marks=_skip_marks(case)) for case in self.cases[name]]
        metafunc.parametrize("launchready_case", params, indirect=True)

    def _label(self, item: pytest.Item) -> None:
        """Attach what the scorecard needs to the item: it travels on every report, so it survives xdist."""
        from pytest_launchready.checks import Case

        name = item.originalname.removeprefix("test_") if isinstance(item, pytest.Function) else ""
        case = item.callspec.params.get("launchready_case") if isinstance(item, pytest.Function) and hasattr(item, "callspec") else None
        if not name or not isinstance(case, Case):
            return
        total = len({c.route.key for c in self.cases[name] if c.route is not None and c.counts_as_route})
        item.user_properties.append((CHECK_PROPERTY, name))
        item.user_properties.append((ROUTE_PROPERTY, case.route.key if case.route is not None and case.counts_as_route else ""))
        item.user_properties.append((TOTAL_PROPERTY, str(total)))
        item.user_properties.append((KIND_PROPERTY, case.variant))

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        generated = [item for item in session.items if prop_value(item.user_properties, CHECK_PROPERTY) is not None]
        from pytest_launchready.plugin.planning import selected_checks

        present = {prop_value(item.user_properties, CHECK_PROPERTY) for item in generated}
        needing = [c.name for c in selected_checks(self.config) if c.needs_login and c.name in present]
        visible, unreachable = _login_definitions(self.config)
        self.state.login_defined = bool(generated) and visible
        if needing and not self.state.login_defined:
            raise _missing_login(needing, unreachable)
        for check in selected_checks(self.config):
            if check.collected is not None and check.name in present:
                check.collected(session, self.state.settings)

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, Any]:
        report = yield
        if prop_value(item.user_properties, CHECK_PROPERTY) is None:
            return report
        settings = self.state.settings
        test_id = item.name
        if report.failed and report.when == "call":
            for waiver in settings.waivers:
                if waiver.matches(test_id):
                    report.outcome = "skipped"
                    report.wasxfail = f"{WAIVED_PREFIX}: {waiver.reason}"
                    report.user_properties = [*report.user_properties, (WAIVED_PROPERTY, waiver.reason)]
                    break
        if (settings.strict and report.skipped and not hasattr(report, "wasxfail")
                and not any(prefix in str(report.longrepr) for prefix in (BY_DESIGN_PREFIX, COVERED_PREFIX))):
            reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
            report.outcome = "failed"
            report.longrepr = f"{reason.removeprefix('Skipped: ')} (failing because of --launchready-strict)"
            # A NOT RUN case skipped at setup fails there, which pytest shows as an error; the
            # scorecard must still read it as a FAIL of the check, not a crash.
            report.user_properties = [*report.user_properties, (STRICT_PROPERTY, "1")]
        return report

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        check = prop_value(report.user_properties, CHECK_PROPERTY)
        if check is not None:
            self.scorecard.record(check, report)
            self.test_log.record(check, report)
            scope = f"launchready:{check}"
            self.check_seconds[scope] = self.check_seconds.get(scope, 0.0) + report.duration

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        """Keep how long each check took, so the next ``-n`` run deals the longest first."""
        if not hasattr(session.config, "workerinput") and not session.config.option.collectonly:
            from pytest_launchready.plugin.scheduling import remember_seconds

            remember_seconds(session.config, self.check_seconds)

    @pytest.hookimpl(wrapper=True, tryfirst=True)
    def pytest_terminal_summary(self, terminalreporter: Any, exitstatus: int, config: pytest.Config) -> Generator[None, None, None]:
        # Outermost wrapper: the scorecard comes after pytest's own short summary, just before the totals.
        yield
        if hasattr(config, "workerinput") or config.option.collectonly:
            return
        if exitstatus in (pytest.ExitCode.USAGE_ERROR, pytest.ExitCode.INTERNAL_ERROR, pytest.ExitCode.INTERRUPTED):
            return  # nothing ran as planned: a scorecard of NOT RUN rows would only mislead
        rows = self.scorecard.rows(self.state.settings.checks)
        from pytest_launchready.report.scorecard import render

        from pytest_launchready.plugin.planning import describe_routes

        terminalreporter.section("launch scorecard", sep="=", bold=True)
        routes_line = describe_routes(config)
        if routes_line:
            terminalreporter.write_line(routes_line)
        for line, markup in render(rows):
            terminalreporter.write_line(line, **markup)
        settings = self.state.settings
        if settings.report_path or settings.html_path or settings.sarif_path:
            from pytest_launchready.report import json_report

            data = json_report.build(rows, self.test_log, target=self._target(), started_at=self.started_at,
                                     exit_status=exitstatus, findings=self.scorecard.findings)
            if settings.report_path:
                path = Path(settings.rootpath) / settings.report_path
                json_report.write(path, data)
                terminalreporter.write_line(f"scorecard written to {path}")
            if settings.sarif_path:
                path = Path(settings.rootpath) / settings.sarif_path
                _write_sarif(path, data, settings, self.config)
                terminalreporter.write_line(f"SARIF written to {path}")
            if settings.html_path:
                from pytest_launchready.report import html_report

                path = Path(settings.rootpath) / settings.html_path
                html_report.write(path, html_report.render(data, redact=self.state.redactor, p95_budget_ms=settings.p95_ms))
                terminalreporter.write_line(f"HTML scorecard written to {path}")

    @pytest.hookimpl(optionalhook=True)
    def pytest_html_results_summary(self, prefix: list[str], summary: list[str], postfix: list[str], session: pytest.Session) -> None:
        """With pytest-html installed and ``--html`` given: the launch scorecard at the top of its report."""
        if hasattr(self.config, "workerinput"):
            return
        from dataclasses import asdict

        from pytest_launchready.report.html_report import summary_fragment

        rows = [asdict(row) for row in self.scorecard.rows(self.state.settings.checks)]
        prefix.append(summary_fragment(rows, redact=self.state.redactor))

    def _target(self) -> dict[str, str]:
        """What the run tested and how it was reached: the report header's and the JSON report's facts."""
        settings = self.state.settings
        if settings.base_url:
            source = "--launchready-url" if self.config.getoption("launchready_url") else "ini launchready_base_url"
            return {"kind": "live", "name": settings.base_url, "reached_by": source}
        if settings.app:
            return {"kind": "in-process", "name": f"in-process app {settings.app}", "reached_by": "ini launchready_app"}
        return {"kind": "none", "name": "none", "reached_by": "no launchready_app or launchready_base_url"}

    def pytest_report_header(self, config: pytest.Config) -> list[str]:
        settings = self.state.settings
        facts = self._target()
        if facts["kind"] == "live":
            target = f"{settings.base_url} (live, from {facts['reached_by']})"
        elif facts["kind"] == "in-process":
            target = f"{settings.app} (in-process, from {facts['reached_by']})"
        else:
            target = "none"
        checks = "all" if settings.checks == CHECK_NAMES else f"{', '.join(settings.checks)} (--launchready-checks)"
        # The xdist controller planned at session start (it collects nothing); a run without xdist
        # plans at collection, so its counts follow the "collected" line instead.
        planned = self.state.plan[1] if self.state.plan is not None else None
        return [f"launchready: target {target}; checks {checks}", *(_generated_line(planned) if planned else [])]

    def pytest_report_collectionfinish(self, config: pytest.Config) -> list[str]:
        """How many tests each check generated, under the "collected" line (not with -q)."""
        if config.option.verbose < 0 or hasattr(config, "workerinput") or not self.cases:
            return []
        return _generated_line(self.cases)


def _generated_line(planned: dict[str, list[Case]]) -> list[str]:
    counts = ", ".join(f"{name} {len(cases)}" for name, cases in planned.items())
    return [f"launchready: {sum(map(len, planned.values()))} generated tests: {counts}"]


def _write_sarif(path: Path, data: dict[str, Any], settings: Any, config: pytest.Config) -> None:
    from pytest_launchready.report import rule_help, sarif
    from pytest_launchready.report.sarif_locations import route_anchor, source_root

    srcroot = source_root(settings.rootpath)
    anchor = route_anchor("" if settings.base_url else settings.app, config.inipath, srcroot)
    sarif.write(path, sarif.build(data, rule_help.load(), srcroot, anchor))


def _skip_marks(case: Case) -> list[pytest.MarkDecorator]:
    if case.by_design:
        return [pytest.mark.skip(reason=BY_DESIGN_PREFIX + case.by_design)]
    if case.not_run:
        return [pytest.mark.skip(reason=NOT_RUN_PREFIX + case.not_run)]
    return []


def _run_order(items: list[pytest.Item]) -> list[pytest.Item]:
    """Bursts (rate_limits) and the secrets scan of captured logs run last, so nothing after them is
    throttled and the log scan sees the whole run."""
    def rank(item: pytest.Item) -> int:
        check = prop_value(item.user_properties, CHECK_PROPERTY)
        return {"rate_limits": 1, "secrets": 2}.get(check, 0)

    return sorted(items, key=rank)


def _login_definitions(config: pytest.Config) -> tuple[bool, list[str]]:
    """Whether a plugin or conftest.py the generated tests can see defines ``launchready_login``,
    and the conftest.py files that define it out of their reach. The built-in login (both of its
    routes set) counts as defined: a user fixture, when there is one, overrides it.

    The generated tests hang off the session (node id ``launchready``), so they see fixtures of
    plugins and of conftest.py files in the rootdir or above it, not of those in subfolders. The one
    answer for the xdist controller (before any collection) and for every worker after collection.
    """
    from pytest_launchready.plugin import fixtures

    from pytest_launchready.plugin.state import get_state

    rootpath = Path(config.rootpath).resolve()
    visible, unreachable = get_state(config).settings.builtin_login, []
    for plugin in config.pluginmanager.get_plugins():
        if getattr(plugin, "launchready_login", fixtures.launchready_login) is fixtures.launchready_login:
            continue
        file = getattr(plugin, "__file__", None)
        folder = Path(file).resolve().parent if file and Path(file).name == "conftest.py" else None
        if folder is None or folder == rootpath or rootpath not in folder.parents:
            visible = True
        else:
            unreachable.append(str(folder.relative_to(rootpath) / "conftest.py"))
    return visible, sorted(unreachable)


def _missing_login(needing: list[str], unreachable: list[str]) -> pytest.UsageError:
    from pytest_launchready.plugin.fixtures import LOGIN_HELP

    where = ""
    if unreachable:
        where = (f" {', '.join(unreachable)} defines it, but the generated tests only see fixtures of the rootdir "
                 "conftest.py (and plugins): move it there.")
    return pytest.UsageError(f"the checks {', '.join(needing)} need tenants, and launchready_login is not defined.{where}\n{LOGIN_HELP}")
