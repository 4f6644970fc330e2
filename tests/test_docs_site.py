"""docs/ builds as a site (mkdocs.yml, mkdocs-material) with ``mkdocs build --strict``: a broken link or
anchor, or a page left out of the nav, fails the suite."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from pytest_launchready.config.check_names import CHECK_MODULES

ROOT = Path(__file__).parent.parent
DOCS = ROOT / "docs"


def nav_pages(entries: list[Any]) -> list[str]:
    """Every page path the nav lists, in order (entries are a path, or ``title: path``, or ``title: [...]``)."""
    pages: list[str] = []
    for entry in entries:
        values = list(entry.values()) if isinstance(entry, dict) else [entry]
        for value in values:
            pages += nav_pages(value) if isinstance(value, list) else [str(value)]
    return pages


def config() -> dict[str, Any]:
    """mkdocs.yml, parsed."""
    return yaml.safe_load((ROOT / "mkdocs.yml").read_text())


def test_every_page_under_docs_is_in_the_nav_once() -> None:
    pages = nav_pages(config()["nav"])
    on_disk = sorted(str(path.relative_to(DOCS)) for path in DOCS.rglob("*.md"))
    assert sorted(pages) == on_disk and len(set(pages)) == len(pages)


def test_every_built_check_has_its_page_under_checks_in_scorecard_order() -> None:
    from pytest_launchready.config.check_names import CHECK_NAMES

    checks = [page.removeprefix("checks/").removesuffix(".md") for page in nav_pages(config()["nav"])
              if page.startswith("checks/") and page != "checks/index.md"]
    assert checks == [name for name in CHECK_NAMES if name in CHECK_MODULES]
    listing = (DOCS / "checks" / "index.md").read_text()
    assert all(f"]({name}.md)" in listing for name in checks)


def test_the_site_builds_with_strict_link_and_anchor_checks(tmp_path: Path) -> None:
    pytest.importorskip("mkdocs")
    pytest.importorskip("material")
    # Not --quiet: it silences the warnings that --strict counts, and a broken link would pass.
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file",
                           str(ROOT / "mkdocs.yml"), "--site-dir", str(tmp_path / "site")],
                          capture_output=True, text=True, timeout=300, check=False,
                          env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert done.returncode == 0, done.stdout + done.stderr
    assert (tmp_path / "site" / "checks" / "tenant_isolation" / "index.html").exists()
    assert (tmp_path / "site" / "report.schema.json").exists()  # report.md links the schema itself
