"""The mail check on a labelled corpus (support.mailcorpus): every defect found at its grade, no false
alarm, every good signed sample verified, and every rule of the launch policy hit by some row."""

from __future__ import annotations

import ast
import sys
from pathlib import Path
from typing import Any

import checkdmarc.dmarc  # noqa: F401
import checkdmarc.spf  # noqa: F401
import pytest

import pytest_launchready.checks.mail.check  # noqa: F401
import pytest_launchready.checks.mail.domain  # noqa: F401
import pytest_launchready.checks.mail.samples  # noqa: F401
from pytest_launchready.checks.mail import policy
from support.mailcorpus import Corpus, shared_corpus
from support.mailtally import grade_corpus

# pytester's in-process runs unload modules first imported inside them, and checkdmarc cannot be
# imported twice in one process: the mail stack is imported here (as in test_mail_plugin).

ARGS = ("--launchready", "--launchready-checks=mail", "-p", "no:cacheprovider", "-rA")
#: Rules no corpus row can reach, and where they are pinned instead.
UNREACHABLE = {"lookup_failed": "a DNS query without an answer: test_mail_dns's silent-server tests"}


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return shared_corpus()


def test_the_corpus_is_big_enough_and_labelled(corpus: Corpus) -> None:
    defective = [d for d in corpus.domains if d.expected]
    assert len(defective) >= 24 and len(corpus.domains) - len(defective) >= 8
    assert sum(s.grade != "pass" for s in corpus.samples) >= 10 and sum(s.grade == "pass" for s in corpus.samples) >= 5
    assert {grade for d in defective for _, grade in d.expected} == {"fail", "warn"}
    assert len({d.name for d in corpus.domains}) == len(corpus.domains)


def test_every_defect_at_its_grade_no_false_alarm_every_good_sample_verified(corpus: Corpus) -> None:
    tally = grade_corpus(corpus)
    assert (tally.misgraded, tally.missed, tally.false_alarms, tally.signature_mismatches) == ([], [], [], [])
    assert tally.defects == corpus.defects == len(tally.found) >= 45
    assert tally.good_signatures == tally.good_verified >= 7


def _rule_sites() -> dict[int, str]:
    """Line of each ``fail(...)``/``warn(...)`` call in policy.py -> the function it is in."""
    tree = ast.parse(Path(policy.__file__).read_text())
    sites = {}
    for function in (n for n in tree.body if isinstance(n, ast.FunctionDef)):
        for node in ast.walk(function):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("fail", "warn"):
                sites[node.lineno] = function.name
    return sites


def test_every_rule_of_the_policy_is_hit_by_the_corpus(corpus: Corpus, monkeypatch: pytest.MonkeyPatch) -> None:
    hit: set[int] = set()
    for name in ("fail", "warn"):
        real = getattr(policy, name)

        def record(*args: Any, _real: Any = real) -> Any:
            hit.add(sys._getframe(1).f_lineno)
            return _real(*args)

        monkeypatch.setattr(policy, name, record)
    grade_corpus(corpus)
    sites = _rule_sites()
    assert len(sites) >= 35  # the walk found the rules
    unhit = sorted(f"policy.py:{line} in {function}()" for line, function in sites.items()
                   if line not in hit and function not in UNREACHABLE)
    assert unhit == []


def test_the_plugin_gives_the_same_grades(pytester: pytest.Pytester, corpus: Corpus) -> None:
    lines = ["[pytest]", "launchready_mail_domains ="] + [f"    {d.name}" for d in corpus.domains]
    lines += ["launchready_dkim_selectors ="] + [f"    {d.name}: {' '.join(d.selectors)}" for d in corpus.domains]
    lines += [f"launchready_nameservers = {corpus.server.setting}"]
    pytester.makeini("\n".join(lines))
    aspects = [(d, a) for d in corpus.domains for a in ("SPF", *(f"DKIM {s}" for s in d.selectors), "DMARC", "MX")]
    failing = sorted(f"{d.name} {a}" for d, a in aspects if d.grade(a) == "fail")
    warning = sorted(f"{d.name} {a}" for d, a in aspects if d.grade(a) == "warn")
    relaxed = _outcomes(pytester.runpytest_inprocess(*ARGS))
    assert relaxed["FAILED"] == failing and len(relaxed["PASSED"]) == len(aspects) - len(failing)
    strict = _outcomes(pytester.runpytest_inprocess(*ARGS, "--launchready-strict"))
    assert strict["FAILED"] == sorted(failing + warning)


def _outcomes(result: pytest.RunResult) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {"FAILED": [], "PASSED": []}
    for line in result.outlines:
        for outcome in found:
            prefix = f"{outcome} launchready::test_mail["
            if line.startswith(prefix):
                found[outcome].append(line[len(prefix):].split("]")[0])
    return {k: sorted(v) for k, v in found.items()}
