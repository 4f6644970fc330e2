"""Recall and precision of the scanner (our rules and Kingfisher's together) on our labelled corpus.

The corpus (tests/data/secrets_corpus/, see tests/support/secrets_corpus.py) is expanded into a
temp dir with its seeded keys; ``heldback/`` was written after the rules were tuned and never tuned
on. Measured when written: heldback recall 0.97, precision 1.00 (our rules alone: recall 0.86).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_launchready.checks.secrets import scanner
from support.secrets_corpus import PARTS, Score, build, scan_corpus, score


def corpus_score(tmp_path: Path, parts: tuple[str, ...]) -> Score:
    labels = build(tmp_path, parts)
    return score(scan_corpus(tmp_path), labels)


def explain(result: Score) -> str:
    missed = ", ".join(f"{m.path}:{m.line} {m.family}" for m in result.missed)
    alarms = ", ".join(f"{path}@{offset} {rule}" for path, offset, rule in result.false_alarms)
    return f"recall {result.recall:.3f} precision {result.precision:.3f}; missed: {missed}; false alarms: {alarms}"


def test_the_corpus_covers_every_format_with_positives_and_negatives(tmp_path: Path) -> None:
    labels = build(tmp_path, PARTS)
    assert len(labels) >= 250
    suffixes = {Path(label.path).suffix or Path(label.path).name for label in labels}
    assert {".env", ".json", ".yaml", ".yml", ".py", ".ts", ".js", ".log", ".pem", ".key"} <= suffixes
    assert {"heldback/chunk.min.js", "dev/bundle.min.js", "seen/vendor.min.js"} <= {label.path for label in labels}
    text = "".join(p.read_text() for p in (tmp_path / "heldback").rglob("*") if p.is_file())
    assert "${" in text and "REPLACE_ME" in text and "pk_live_" in text  # negatives are there too


@pytest.mark.parametrize("parts", [("heldback",), PARTS], ids=["heldback", "all"])
def test_recall_and_precision_at_least_095(tmp_path: Path, parts: tuple[str, ...]) -> None:
    result = corpus_score(tmp_path, parts)
    assert result.recall >= 0.95 and result.precision >= 0.95, explain(result)


def test_kingfisher_adds_the_provider_families_our_rules_lack(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    union = corpus_score(tmp_path / "union", ("heldback",))
    monkeypatch.setattr(scanner, "provider_engine", lambda: None)
    ours = corpus_score(tmp_path / "ours", ("heldback",))
    assert ours.recall < 0.9 < union.recall, (explain(ours), explain(union))
    assert {m.family for m in ours.missed} >= {"gitlab", "npm", "digitalocean", "shopify"}
    assert ours.precision >= 0.95
