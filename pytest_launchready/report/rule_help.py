"""The help text of each check's SARIF rules, taken from its docs page (docs/checks/<check>.md).

A page says what the check proves (its title and first paragraph), why it matters (a section
whose heading starts with "Why") and how to fix a failure (a section whose heading names the fix).
The docs folder is not installed with the package, so the three parts live in ``rule_help.json``
beside this module; ``python -m pytest_launchready.report.rule_help docs/checks`` rewrites it, and a
test fails when it no longer matches the pages.
"""

from __future__ import annotations

import json
import re
import sys
from importlib import resources
from pathlib import Path
from typing import NamedTuple

HELP_FILE = "rule_help.json"
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*$")


class RuleHelp(NamedTuple):
    """What a check proves, why it matters and the fix path, as Markdown."""

    title: str
    what: str
    why: str
    fix: str


def from_page(text: str) -> RuleHelp:
    """The parts of one docs page: the H1's title, the first paragraph after it, the first section
    whose heading starts with "Why" and the first whose heading names the fix ("" when missing)."""
    title = ""
    intro: list[str] = []
    sections: list[tuple[str, list[str]]] = []
    current: list[str] | None = None
    for line in text.splitlines():
        heading = _HEADING.match(line)
        if heading and len(heading.group(1)) == 1 and not title:
            title = heading.group(2)
            continue
        if heading and len(heading.group(1)) == 2:
            current = []
            sections.append((heading.group(2), current))
            continue
        (intro if current is None else current).append(line)

    def section(test: str) -> str:
        return next(("\n".join(body).strip() for name, body in sections if re.search(test, name, re.I)), "")

    paragraphs = "\n".join(intro).strip().split("\n\n")
    return RuleHelp(title=title.split(":", 1)[-1].strip() or title, what=paragraphs[0].strip(),
                    why=section(r"^why\b"), fix=section(r"\bfix"))


def from_docs(folder: Path) -> dict[str, RuleHelp]:
    """Each check's help, from the pages of ``folder`` (docs/checks; its index.md lists them), by check name."""
    return {page.stem: from_page(page.read_text()) for page in sorted(folder.glob("*.md")) if page.stem != "index"}


def as_json(helps: dict[str, RuleHelp]) -> str:
    """The text of ``rule_help.json`` for ``helps``."""
    return json.dumps({name: h._asdict() for name, h in sorted(helps.items())}, indent=2) + "\n"


def load() -> dict[str, RuleHelp]:
    """The help shipped with the package, by check name."""
    text = resources.files("pytest_launchready.report").joinpath(HELP_FILE).read_text()
    return {name: RuleHelp(**fields) for name, fields in json.loads(text).items()}


def main(argv: list[str]) -> int:
    """``python -m pytest_launchready.report.rule_help DOCS_CHECKS_FOLDER``: rewrite rule_help.json."""
    if len(argv) != 1 or not Path(argv[0]).is_dir():
        print("usage: python -m pytest_launchready.report.rule_help docs/checks", file=sys.stderr)
        return 2
    Path(__file__).with_name(HELP_FILE).write_text(as_json(from_docs(Path(argv[0]))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
