"""Throughput of the secrets check's engine (our rules + Kingfisher) against detect-secrets, same tree.

    python benchmarks/secrets_throughput.py [--size-mb 20] [--seed 1]

The tree: a generated tree of code-like text (benchmarks/secrets_scan.py's TreeMaker: Python, JS,
minified bundles, YAML, lock files, Markdown, .env, with planted keys and high-entropy non-secrets)
plus our labelled corpus (tests/data/secrets_corpus/, expanded). Each tool scans every file once,
in this process, one core; the engines are loaded before the clock starts (Kingfisher's compiled
catalogue: about 1 s from its disk cache, printed apart). Prints MB/s of each and the ratio (goal:
ours >= 50x detect-secrets), then both tools' recall and precision on the corpus, by line (the
only thing detect-secrets reports).

detect-secrets is not a dependency: ``pip install detect-secrets`` (or the ``bench`` extra).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "tests"), str(REPO / "benchmarks")]

from secrets_scan import TreeMaker, detect_secrets  # noqa: E402
from support.secrets_corpus import PARTS, Label, build  # noqa: E402

from pytest_launchready.checks.secrets import engines, scanner  # noqa: E402


def ours(files: dict[str, str], providers: bool = True) -> set[str]:
    """``shown:line`` of every finding of the check's engine (or of our rules alone)."""
    found = set()
    for path, shown in files.items():
        data = Path(path).read_bytes()
        if scanner.is_binary(data):
            continue
        hits = scanner.find_secrets(data, shown, providers=providers)
        found |= {f"{f.path}:{f.line}" for f in scanner._findings(data, hits, shown, "", 1)}
    return found


def corpus_lines(root: Path, labels: list[Label]) -> dict[str, list[Label]]:
    """``corpus/path:line`` -> the labels of the planted secrets that cover that line."""
    lines: dict[str, list[Label]] = {}
    for label in labels:
        text = (root / label.path).read_text()
        last = label.line + text.count("\n", label.start, label.end)
        for line in range(label.line, last + 1):
            lines.setdefault(f"corpus/{label.path}:{line}", []).append(label)
    return lines


def line_score(found: set[str], lines: dict[str, list[Label]], labels: list[Label]) -> tuple[float, float]:
    """By line, as detect-secrets reports: a reported line finds every key on it (generous to both
    tools on a minified bundle's one line)."""
    reported = {f for f in found if f.startswith("corpus/")}
    hit = {label for f in reported for label in lines.get(f, [])}
    true = sum(1 for f in reported if f in lines)
    return len(hit) / len(labels), (true / len(reported) if reported else 1.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mb", type=float, default=20.0, help="size of the generated tree (default 20)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the generated tree (default 1)")
    args = parser.parse_args()

    temp = Path(tempfile.mkdtemp(prefix="launchready-throughput-"))
    try:
        TreeMaker(args.seed).write_tree(temp / "generated", int(args.size_mb * 1024 * 1024))
        labels = build(temp / "corpus", PARTS)
        files = {str(p): p.relative_to(temp).as_posix() for p in sorted(temp.rglob("*")) if p.is_file()}
        size = sum(os.path.getsize(p) for p in files)
        print(f"tree: {len(files)} files, {size / 1e6:.1f} MB (generated code-like text + the labelled corpus)")

        start = time.perf_counter()
        engine = engines.provider_engine()
        print(f"engines: {', '.join(engines.engine_names())} (catalogue loaded in {time.perf_counter() - start:.2f} s)")
        if engine is None:
            print("  (kingfisher-secret-scanner is not installed: pip install pytest-launchready[secrets])")
        ours({next(iter(files)): "warm-up"})
        detect_secrets({next(iter(files)): "warm-up"}, 1)

        rows = []
        for title, scan in (
            ("pytest-launchready (check engine)", lambda: ours(files)),
            ("  our rules alone", lambda: ours(files, providers=False)),
            ("detect-secrets", lambda: detect_secrets(files, 1)),
        ):
            start = time.perf_counter()
            found = scan()
            seconds = time.perf_counter() - start
            rows.append((title, seconds, found))
            print(f"  {title:34} {seconds:8.2f} s  {size / 1e6 / seconds:8.1f} MB/s  {len(found):6} lines reported")
        ratio = rows[2][1] / rows[0][1]
        print(f"throughput ratio (check engine / detect-secrets): {ratio:.0f}x  (goal >= 50x)")

        lines = corpus_lines(temp / "corpus", labels)
        print(f"labelled corpus, by line ({len(labels)} planted secrets):")
        for title, _, found in rows:
            recall, precision = line_score(found, lines, labels)
            print(f"  {title.strip():34} recall {recall:6.1%}  precision {precision:6.1%}")
    finally:
        shutil.rmtree(temp, ignore_errors=True)


if __name__ == "__main__":
    main()
