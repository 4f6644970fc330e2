"""``python -m pytest_launchready init [--app module:attr | --url URL]``: the same as ``pytest --launchready-init``."""

from __future__ import annotations

import argparse
import sys

import pytest


def main(argv: list[str] | None = None) -> int:
    """Run ``pytest --launchready-init`` with the target given; returns pytest's exit status."""
    parser = argparse.ArgumentParser(prog="python -m pytest_launchready")
    commands = parser.add_subparsers(dest="command", required=True)
    init = commands.add_parser("init", help="inspect the target and write a commented pytest.ini and conftest.py")
    init.add_argument("--app", help="the app, 'package.module:attr', tested in-process")
    init.add_argument("--url", help="the base URL of a running server")
    args, rest = parser.parse_known_args(argv)
    # No .pytest_cache: init writes nothing but the files it reports.
    pytest_args = ["--launchready-init", "-p", "no:cacheprovider", *rest]
    if args.app:
        pytest_args.append(f"--launchready-app={args.app}")
    if args.url:
        pytest_args.append(f"--launchready-url={args.url}")
    return int(pytest.main(pytest_args))


if __name__ == "__main__":
    sys.exit(main())
