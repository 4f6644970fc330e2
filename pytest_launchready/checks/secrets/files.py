"""Which files to scan: the tracked tree, built bundles and static folders, log files.

The tree is what ``git ls-files`` lists in the repository holding the pytest root (the whole
repository, so a monorepo's frontend is covered too); outside git it is a walk of the root that skips
``.git``, virtualenvs, ``node_modules`` and caches. Paths are reported relative to where they were
found, with forward slashes, as users write them in globs.
"""

from __future__ import annotations

import glob
import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

#: Built bundles and static folders scanned when ``launchready_secret_paths`` is empty, if they exist.
DEFAULT_SECRET_PATHS: tuple[str, ...] = ("dist", "build", ".next", "static", "public")
#: Folders of the tree whose files count as logs (besides ``*.log`` files under the secret paths).
LOG_FOLDERS: tuple[str, ...] = ("logs", "log")
#: Folders never walked: VCS data, dependencies, caches and tool state.
SKIP_DIRS = frozenset(
    {".git", ".hg", ".svn", "node_modules", "__pycache__", ".venv", "venv", ".tox", ".nox", ".mypy_cache",
     ".pytest_cache", ".ruff_cache", ".hypothesis", ".cache", ".eggs", "site-packages", "bower_components"}
)
#: Build caches inside bundle folders: big, never served.
_BUNDLE_CACHES = frozenset({"cache", ".cache"})
_GIT_TIMEOUT = 60


def git_toplevel(path: str | Path) -> Path | None:
    """The root of the git work tree holding ``path``; None outside git or without git installed."""
    try:
        result = subprocess.run(
            ["git", "-C", str(path), "rev-parse", "--show-toplevel"],
            capture_output=True, text=True, timeout=_GIT_TIMEOUT, check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    top = result.stdout.strip()
    return Path(top) if result.returncode == 0 and top else None


def tracked_files(top: Path) -> list[str]:
    """Paths (relative to ``top``) of the files git tracks, as ``git ls-files`` lists them."""
    result = subprocess.run(
        ["git", "-C", str(top), "ls-files", "-z", "--cached"],
        capture_output=True, timeout=_GIT_TIMEOUT, check=True,
    )
    return [name.decode("utf-8", errors="surrogateescape") for name in result.stdout.split(b"\0") if name]


def walk_files(root: Path, skip_dirs: Iterable[str] = SKIP_DIRS) -> Iterator[str]:
    """Paths (relative to ``root``) of the regular files below it, skipping virtualenvs and caches."""
    skip = frozenset(skip_dirs)
    for directory, dirs, files in os.walk(root):
        dirs[:] = sorted(
            d for d in dirs
            if d not in skip and not os.path.islink(os.path.join(directory, d))
            and not os.path.exists(os.path.join(directory, d, "pyvenv.cfg"))
        )
        relative = os.path.relpath(directory, root)
        for name in sorted(files):
            full = os.path.join(directory, name)
            if not os.path.islink(full):
                yield name if relative == "." else f"{relative}/{name}".replace(os.sep, "/")


@dataclass
class TreeFiles:
    """The files of the tree case: ``root`` and the relative ``paths``; ``how`` says how they were listed."""

    root: Path
    paths: list[str]
    how: str


def tree_files(rootpath: str | Path) -> TreeFiles:
    """The tracked files of the repository holding ``rootpath``, or the walked tree outside git."""
    top = git_toplevel(rootpath)
    if top is not None:
        try:
            return TreeFiles(top, tracked_files(top), f"git ls-files in {top}")
        except (OSError, subprocess.SubprocessError):
            pass
    root = Path(rootpath)
    return TreeFiles(root, list(walk_files(root)), f"every file under {root} (not a git repository)")


@dataclass
class SecretPaths:
    """What the bundles and logs cases scan, resolved against the pytest root.

    ``bundles`` and ``logs`` map an absolute file path to how it is shown; ``looked_for`` lists the
    entries tried and ``missing`` the configured entries that matched nothing.
    """

    bundles: dict[str, str] = field(default_factory=dict)
    logs: dict[str, str] = field(default_factory=dict)
    looked_for: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    configured: bool = False


def secret_paths(rootpath: str | Path, configured: Iterable[str] = ()) -> SecretPaths:
    """Resolve ``launchready_secret_paths`` (or the defaults that exist) into bundle files and log files.

    Entries are files, folders or glob patterns, relative to the pytest root. ``*.log`` files (and
    rotated ``*.log.1``) count as logs; every other file as a bundle. The tree's ``logs/`` and ``log/``
    folders are always log sources.
    """
    root = Path(rootpath)
    entries = tuple(configured)
    result = SecretPaths(looked_for=entries or DEFAULT_SECRET_PATHS, configured=bool(entries))
    missing = []
    for entry in result.looked_for:
        matched = _resolve(root, entry)
        if not matched and entries:
            missing.append(entry)
        for path in matched:
            for file in _files_under(path):
                shown = _shown(root, file)
                if _is_log(file.name):
                    result.logs[str(file)] = shown
                else:
                    result.bundles[str(file)] = shown
    for folder in LOG_FOLDERS:
        for file in _files_under(root / folder):
            result.logs.setdefault(str(file), _shown(root, file))
    result.missing = tuple(missing)
    return result


def existing_secret_paths(rootpath: str | Path, configured: Iterable[str] = ()) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """``(looked_for, existing)``: the entries tried (the setting, or the defaults) and those that exist.

    Cheap enough for collection: it tests existence, it does not walk the folders.
    """
    looked_for = tuple(configured) or DEFAULT_SECRET_PATHS
    root = Path(rootpath)
    return looked_for, tuple(entry for entry in looked_for if _resolve(root, entry))


def _resolve(root: Path, entry: str) -> list[Path]:
    pattern = entry if os.path.isabs(entry) else str(root / entry)
    if glob.has_magic(entry):
        return [Path(p) for p in sorted(glob.glob(pattern, recursive=True))]
    return [Path(pattern)] if os.path.exists(pattern) else []


def _files_under(path: Path) -> Iterator[Path]:
    if path.is_file():
        yield path
    elif path.is_dir():
        for relative in walk_files(path, SKIP_DIRS | _BUNDLE_CACHES):
            yield path / relative


def _is_log(name: str) -> bool:
    return name.endswith(".log") or ".log." in name


def _shown(root: Path, file: Path) -> str:
    try:
        return file.relative_to(root).as_posix()
    except ValueError:
        return file.as_posix()
