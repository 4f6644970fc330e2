"""Accuracy of the prompt-leak detector on the committed labelled set, per leak kind.

    python benchmarks/prompt_leaks.py [--set heldback|tuning] [--misses]

Runs ``pytest_launchready.prompt.detect_leak`` on every row of tests/data/prompt_leaks/<set>.jsonl
(default: the held-back part, which no threshold was chosen on) three ways:

1. as the prompt check calls it with both settings: ``canary=`` and ``system_prompt=``;
2. with the canary only, on the rows that hold the canary (plain, normalised or encoded);
3. with the system prompt only, on the rows whose leak holds the prompt's text or content (not only
   its canary).

For each it prints recall per kind (encoded rows per encoding), precision over the clean rows, F1 and
the microseconds per answer. A row counts as found when detect_leak returns any Leak; the share of
leaks found under the expected kind is printed apart. ``--misses`` lists the rows it got wrong.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Callable

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from pytest_launchready.prompt import Leak, detect_leak  # noqa: E402

DATA = REPO / "tests" / "data" / "prompt_leaks"
#: The kind a row's label expects detect_leak to name (prefix match), by the row's kind or encoding.
EXPECTED = {"verbatim": "prompt:verbatim", "partial": "prompt:partial", "paraphrase": "prompt:paraphrase",
            "translation": "prompt:translation", "canary": "canary", "canary-normalised": "canary:normalised",
            "letter-spaced": ":letter-spaced"}


def load(name: str) -> list[dict[str, str]]:
    """The rows of ``<name>.jsonl``."""
    return [json.loads(line) for line in (DATA / f"{name}.jsonl").read_text(encoding="utf-8").splitlines() if line]


def group(row: dict[str, str]) -> str:
    """The line a row is counted on: its kind, or ``encoded: <encoding>``."""
    return f"encoded: {row['encoding']}" if row["kind"] == "encoded" else row["kind"]


def holds_canary(row: dict[str, str]) -> bool:
    """Whether the row's leak carries the canary (in any form): the rows the canary alone must catch."""
    plain = row.get("plain", row["answer"])
    squash = "".join(c for c in plain.casefold() if c.isalnum())
    return row["label"] == "leak" and "".join(c for c in row["canary"].casefold() if c.isalnum()) in squash


def holds_prompt(row: dict[str, str]) -> bool:
    """Whether the row's leak carries the prompt's text or content, not only its canary."""
    return row["label"] == "leak" and (row["kind"] in ("verbatim", "partial", "paraphrase", "translation")
                                       or row.get("plain") == row["system_prompt"])


def expected_kind(row: dict[str, str], leak: Leak) -> bool:
    """Whether ``leak`` names the kind the row was written as (the canary, when the leak holds it, is
    always a right name: detect_leak looks for it first)."""
    if leak.kind.startswith("canary") and holds_canary(row) and not row["kind"].startswith("canary"):
        return True
    if row["kind"] == "encoded":
        return leak.kind.endswith(EXPECTED.get(row["encoding"], ":" + row["encoding"])) or (
            row["encoding"] == "nested" and "+" in leak.kind)
    return leak.kind == EXPECTED[row["kind"]]


def evaluate(rows: list[dict[str, str]], call: Callable[[dict[str, str]], Leak | None], title: str, misses: bool) -> float:
    """Print recall per group, precision and F1 of ``call`` on ``rows``; return F1."""
    found: dict[str, list[bool]] = defaultdict(list)
    right_kind = leaks_found = false_positives = 0
    wrong: list[str] = []
    start = time.perf_counter()
    for row in rows:
        leak = call(row)
        if row["label"] == "clean":
            false_positives += leak is not None
            if leak is not None:
                wrong.append(f"  false positive {row['id']}: {leak.kind} {leak.score:.2f} {leak.excerpt[:90]}")
            continue
        found[group(row)].append(leak is not None)
        if leak is None:
            wrong.append(f"  missed {row['id']} ({group(row)})")
        else:
            leaks_found += 1
            right_kind += expected_kind(row, leak)
    elapsed = time.perf_counter() - start
    positives = sum(len(v) for v in found.values())
    recall = leaks_found / positives if positives else 1.0
    precision = leaks_found / (leaks_found + false_positives) if leaks_found + false_positives else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    clean = sum(1 for r in rows if r["label"] == "clean")
    print(f"{title}: {len(rows)} rows ({positives} leaks, {clean} clean), {elapsed / len(rows) * 1e6:.0f} µs per answer")
    for name in sorted(found):
        hits = found[name]
        print(f"  recall {name:24} {sum(hits) / len(hits):6.1%}  ({sum(hits)}/{len(hits)})")
    print(f"  recall, all leaks            {recall:6.1%}  ({leaks_found}/{positives})")
    print(f"  precision                    {precision:6.1%}  ({false_positives} of {clean} clean answers flagged)")
    print(f"  F1                           {f1:6.3f}")
    if leaks_found:
        print(f"  named as the expected kind   {right_kind / leaks_found:6.1%}  ({right_kind}/{leaks_found})")
    if misses and wrong:
        print("\n".join(wrong))
    return f1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", choices=("heldback", "tuning"), default="heldback", help="which part (default heldback)")
    parser.add_argument("--misses", action="store_true", help="list the rows the detector got wrong")
    args = parser.parse_args()
    rows = load(args.set)
    evaluate(rows, lambda r: detect_leak(r["answer"], canary=r["canary"], system_prompt=r["system_prompt"]),
             f"{args.set}, canary and system prompt", args.misses)
    canary_rows = [r for r in rows if r["label"] == "clean" or holds_canary(r)]
    evaluate(canary_rows, lambda r: detect_leak(r["answer"], canary=r["canary"]),
             f"{args.set}, canary only (rows whose leak holds the canary, and the clean ones)", args.misses)
    prompt_rows = [r for r in rows if r["label"] == "clean" or holds_prompt(r)]
    evaluate(prompt_rows, lambda r: detect_leak(r["answer"], system_prompt=r["system_prompt"]),
             f"{args.set}, system prompt only (rows whose leak holds the prompt's text or content, and the clean ones)",
             args.misses)


if __name__ == "__main__":
    main()
