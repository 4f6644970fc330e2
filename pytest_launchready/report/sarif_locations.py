"""Where in the repository a SARIF result points: code scanning shows no alert without a file.

Paths are relative to the source root, the git work tree holding the rootdir (else the rootdir),
as GitHub wants them. A secrets finding names its own files and lines. A finding about a route points
at the module of an in-process app, on the line that names the route's path when one does (a
decorator such as ``@app.get("/items/{item_id}")``), else at the ini file that names the target.
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple


class Anchor(NamedTuple):
    """A file (relative to the source root) and the text it holds, for finding a route's line."""

    path: str
    text: str
    line: int = 1

    def line_of(self, route: str) -> int:
        """The first line that names ``route``'s path as a string literal, else the anchor's own line."""
        path = route.split(" ", 1)[-1] if route.startswith(("GET ", "POST ", "PUT ", "PATCH ", "DELETE ", "HEAD ", "OPTIONS ")) else ""
        if path:
            # Frameworks write parameters as {id}, <id>, <int:id> or :id: compare the literal parts.
            parts = [re.escape(p) for p in re.split(r"\{[^}]*\}", path)]
            literal = re.compile(r"""["']""" + r"(?:\{[^}]*\}|<[^>]*>|:\w+)".join(parts) + r"""/?["']""")
            for number, line in enumerate(self.text.splitlines(), 1):
                if literal.search(line):
                    return number
        return self.line


def source_root(rootpath: str | Path) -> Path:
    """The git work tree holding ``rootpath``, else ``rootpath`` itself."""
    root = Path(rootpath).resolve()
    try:
        done = subprocess.run(["git", "-C", str(root), "rev-parse", "--show-toplevel"], capture_output=True, text=True,
                              timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return root
    top = done.stdout.strip()
    return Path(top).resolve() if done.returncode == 0 and top else root


def relative(file: str | Path, srcroot: Path) -> str | None:
    """``file`` relative to ``srcroot`` with forward slashes, or None when it lies outside."""
    full = Path(file).resolve()
    try:
        return full.relative_to(srcroot).as_posix()
    except ValueError:
        return None


def route_anchor(app: str, inipath: str | Path | None, srcroot: Path) -> Anchor | None:
    """Where route findings point: the in-process app's module, else the ini file (on the line that
    names the target), else nowhere."""
    module = app.split(":", 1)[0].strip()
    if module:
        file = _module_file(module)
        shown = relative(file, srcroot) if file else None
        if file and shown:
            text = _read(file)
            attr = app.split(":", 1)[1].strip() if ":" in app else "app"
            line = next((n for n, row in enumerate(text.splitlines(), 1) if re.match(rf"{re.escape(attr)}\s*[:=]", row)), 1)
            return Anchor(shown, text, line)
    if inipath:
        shown = relative(inipath, srcroot)
        if shown:
            text = _read(inipath)
            line = next((n for n, row in enumerate(text.splitlines(), 1)
                         if re.match(r"\s*launchready_(app|base_url)\s*=", row)), 1)
            return Anchor(shown, "", line)
    return None


def _module_file(module: str) -> str | None:
    loaded = sys.modules.get(module)
    file = getattr(loaded, "__file__", None)
    if file:
        return str(file)
    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        return None
    return spec.origin if spec is not None and spec.origin and os.path.isfile(spec.origin) else None


def _read(file: str | Path) -> str:
    try:
        return Path(file).read_text(errors="replace")
    except OSError:
        return ""
