"""The package keeps the shape docs/architecture.md describes: one-way imports, small modules."""

from __future__ import annotations

import ast
from pathlib import Path

from pytest_launchready.config.check_names import CHECK_MODULES

PACKAGE = Path(__file__).parents[2] / "pytest_launchready"
#: The parts in data-flow order; a part may import only itself and the parts before it.
ORDER = {"config": 0, "target": 1, "routes": 1, "tenants": 2, "checks": 3, "report": 4, "plugin": 5}
#: What each check's module or folder is called under checks/ (auth, tokens, ...).
CHECKS = {module.split(".")[2] for module in CHECK_MODULES.values()}


def _imports() -> list[tuple[Path, str]]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if "demo" in path.relative_to(PACKAGE).parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("pytest_launchready."):
                found.append((path.relative_to(PACKAGE), node.module))
            elif isinstance(node, ast.Import):
                found += [(path.relative_to(PACKAGE), a.name) for a in node.names if a.name.startswith("pytest_launchready.")]
    return found


def test_every_import_points_back_along_the_data_flow() -> None:
    backwards = [f"{path} imports {module}" for path, module in _imports()
                 if len(path.parts) > 1 and path.parts[0] in ORDER and module.split(".")[1] in ORDER
                 and ORDER[module.split(".")[1]] > ORDER[path.parts[0]]]
    assert backwards == []


def test_the_report_reads_reports_never_checks() -> None:
    assert [f"{path} imports {module}" for path, module in _imports()
            if path.parts[0] == "report" and module.startswith("pytest_launchready.checks")] == []


def test_no_check_imports_another_check() -> None:
    crossing = []
    for path, module in _imports():
        names = module.split(".")
        if path.parts[0] == "checks" and len(path.parts) > 1 and len(names) > 2 and names[1] == "checks":
            mine, theirs = path.parts[1].removesuffix(".py"), names[2]
            if theirs in CHECKS and theirs != mine:
                crossing.append(f"{path} imports {module}")
    assert crossing == []


def test_no_module_outside_the_demo_is_over_400_lines() -> None:
    modules = [p for p in PACKAGE.rglob("*.py") if "demo" not in p.relative_to(PACKAGE).parts]
    assert len(modules) > 50  # the walk found the package
    long = {str(p.relative_to(PACKAGE)): n for p in modules if (n := len(p.read_text().splitlines())) > 400}
    assert long == {}
