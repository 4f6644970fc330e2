"""Headless Chromium (Debian's ``chromium``) for the tests that must see a page as a browser renders it.

:func:`require_chromium` skips when the browser is missing, or fails when ``LAUNCHREADY_REQUIRE_BROWSER=1``
(CI sets it, so a broken install cannot pass as a skip). Each call runs one bounded subprocess with a
profile of its own (two xdist workers must not share one) and no network beyond loopback use.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

_TIMEOUT = 90  # seconds: a cold start on a loaded 2-core box takes a few
_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
          "--disable-extensions", "--disable-background-networking", "--hide-scrollbars")


def require_chromium() -> str:
    """The chromium executable; skip without one, fail instead when LAUNCHREADY_REQUIRE_BROWSER=1."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    message = "no chromium on PATH: apt-get install -y chromium (Debian's package) to run the browser tests"
    if os.environ.get("LAUNCHREADY_REQUIRE_BROWSER") == "1":
        pytest.fail(message + " (LAUNCHREADY_REQUIRE_BROWSER=1 forbids skipping)", pytrace=False)
    pytest.skip(message)


def _run(browser: str, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    profile.mkdir(parents=True, exist_ok=True)
    return subprocess.run([browser, *_FLAGS, f"--user-data-dir={profile}", *args], capture_output=True, text=True,
                          timeout=_TIMEOUT, check=False, env={**os.environ, "HOME": str(profile)})


def dump_dom(browser: str, page: Path, profile: Path) -> str:
    """The DOM chromium built from ``page``, serialized after load."""
    done = _run(browser, profile, "--dump-dom", page.resolve().as_uri())
    assert done.returncode == 0 and "<html" in done.stdout, f"chromium --dump-dom failed: {done.stderr[-2000:]}"
    return done.stdout


def screenshot(browser: str, page: Path, out: Path, profile: Path, size: str = "1200,2000") -> Path:
    """A PNG of ``page`` at ``size`` (width,height) in ``out``."""
    done = _run(browser, profile, f"--window-size={size}", f"--screenshot={out}", page.resolve().as_uri())
    assert done.returncode == 0 and out.exists() and out.stat().st_size > 10_000, f"no screenshot: {done.stderr[-2000:]}"
    return out


class Element:
    """One element of a parsed page: tag, attributes and its whole text (descendants included)."""

    def __init__(self, tag: str, attrs: dict[str, str], parent: Element | None) -> None:
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list[Element] = []
        self.text = ""

    @property
    def classes(self) -> set[str]:
        """The element's CSS classes."""
        return set(self.attrs.get("class", "").split())

    def find(self, tag: str = "", cls: str = "", **attrs: str) -> list[Element]:
        """Descendants matching the tag, a class and attribute values (``data_check`` for ``data-check``)."""
        found = []
        for child in self.children:
            wanted = {k.replace("_", "-"): v for k, v in attrs.items()}
            if ((not tag or child.tag == tag) and (not cls or cls in child.classes)
                    and all(child.attrs.get(k) == v for k, v in wanted.items())):
                found.append(child)
            found += child.find(tag, cls, **attrs)
        return found


_VOID = {"meta", "link", "br", "img", "input", "hr", "source", "col", "area", "base", "wbr"}


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = self.current = Element("#document", {}, None)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs}, self.current)
        self.current.children.append(element)
        if tag not in _VOID:
            self.current = element

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.current.children.append(Element(tag, {k: v or "" for k, v in attrs}, self.current))

    def handle_endtag(self, tag: str) -> None:
        node: Element | None = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data: str) -> None:
        node: Element | None = self.current
        while node is not None:
            node.text += data
            node = node.parent


def parse(html: str) -> Element:
    """The page as a tree of :class:`Element` (stdlib parser: enough for the pages these tests make)."""
    builder = _Builder()
    builder.feed(html)
    builder.close()
    return builder.root
