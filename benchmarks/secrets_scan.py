"""Speed and accuracy of the secrets scanner against detect-secrets, on the same files, in one run.

    python benchmarks/secrets_scan.py [--size-mb 50] [--seed 1] [--ds-processes 1]

1. Generates a tree of about ``--size-mb`` MB into a temp dir (seeded RNG): Python, JavaScript,
   minified bundles, YAML, JSON lock files, Markdown and .env files made of code-like text, with
   synthetic secrets planted in some files (their file:line is recorded) and high-entropy
   non-secrets (hashes, ids, integrity strings) everywhere.
2. Scans this repository's tracked files plus that tree with our scanner, then with detect-secrets
   (default plugins and filters, ``--ds-processes`` worker processes), and prints both times and
   the ratio.
3. Prints recall and precision of both tools on the labelled sample set in tests/secret_samples/
   and on the secrets planted in the generated tree. A label counts as found when the tool reports
   anything on that file and line (detect-secrets' types differ from our rule ids); precision is
   the share of reported lines that hold a planted secret.

detect-secrets is the ``bench`` extra (``pip install pytest-launchready[bench]``).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import random
import shutil
import string
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, Iterable

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from pytest_launchready.checks.secrets import Allowlist  # noqa: E402
from pytest_launchready.checks.secrets.files import tree_files  # noqa: E402
from pytest_launchready.checks.secrets.sources import scan_files  # noqa: E402

SAMPLES = REPO / "tests" / "secret_samples"


def _load_generator():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("secret_samples_generate", SAMPLES / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


GENERATE = _load_generator()


# --- the generated tree -----------------------------------------------------------------------------

class TreeMaker:
    """Code-like text from pseudo-words (random syllables), with planted secrets recorded as labels."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.keys = GENERATE.Keys(seed + 1)
        syllables = [c + v for c in "bcdfghklmnprstvwz" for v in "aeiou"] + ["str", "ing", "er", "ex", "on"]
        self.words = sorted({"".join(self.rng.choices(syllables, k=self.rng.randint(1, 3))) for _ in range(3000)})
        self.labels: set[str] = set()
        self.planters: list[tuple[str, Callable[[], str]]] = [
            ("openai-api-key", lambda: f'OPENAI_API_KEY = "{self.keys.openai()}"'),
            ("anthropic-api-key", lambda: f'client = Anthropic(api_key="{self.keys.anthropic()}")'),
            ("aws-access-key-id", lambda: f'aws_access_key_id = "{self.keys.aws_id()}"'),
            ("stripe-live-key", lambda: f"stripe.api_key = '{self.keys.stripe()}'"),
            ("stripe-webhook-secret", lambda: f"STRIPE_WEBHOOK_SECRET={self.keys.whsec()}"),
            ("github-token", lambda: f"GITHUB_TOKEN={self.keys.github()}"),
            ("github-fine-grained-token", lambda: f"const gh = '{self.keys.github_pat()}';"),
            ("slack-token", lambda: f"slack_bot = '{self.keys.slack()}'"),
            ("slack-webhook", lambda: f"WEBHOOK = '{self.keys.slack_webhook()}'"),
            ("google-api-key", lambda: f"const mapsKey = '{self.keys.google()}';"),
            ("twilio-api-key", lambda: f"twilio_key_sid = '{self.keys.twilio('SK')}'"),
            ("sendgrid-api-key", lambda: f"SENDGRID_API_KEY={self.keys.sendgrid()}"),
            ("mailgun-api-key", lambda: f"mailgun = '{self.keys.mailgun()}'"),
            ("database-url", lambda: f"DATABASE_URL=postgres://svc:{self.keys.password()}@db.internal:5432/app"),
            ("database-url", lambda: f"  broker: amqps://worker:{self.keys.password()}@mq.internal:5671/"),
            ("generic-secret", lambda: f'SESSION_SECRET = "{self.keys.generic(40)}"'),
            ("generic-secret", lambda: f'  "client_secret": "{self.keys.generic(32)}",'),
        ]

    def name(self) -> str:
        return self.rng.choice(self.words)

    def ident(self) -> str:
        return "_".join(self.name() for _ in range(self.rng.randint(1, 3)))

    def camel(self) -> str:
        parts = [self.name() for _ in range(self.rng.randint(1, 3))]
        return parts[0] + "".join(p.title() for p in parts[1:])

    def hexes(self, n: int) -> str:
        return "".join(self.rng.choices("0123456789abcdef", k=n))

    def b64(self, n: int) -> str:
        return "".join(self.rng.choices(string.ascii_letters + string.digits + "+/", k=n))

    def python(self) -> list[str]:
        lines = [f'"""{self.name().title()} {self.name()} {self.name()}."""', "", "from __future__ import annotations", ""]
        lines += [f"import {self.ident()}" for _ in range(self.rng.randint(2, 6))]
        for _ in range(self.rng.randint(8, 30)):
            fn = self.ident()
            args = ", ".join(self.ident() for _ in range(self.rng.randint(0, 4)))
            lines += ["", "", f"def {fn}({args}) -> {self.rng.choice(['str', 'int', 'dict', 'None', 'bool'])}:",
                      f'    """{self.name().title()} the {self.name()} of {self.name()}."""']
            for _ in range(self.rng.randint(2, 12)):
                lines.append("    " + self.rng.choice(self._python_statements)(self))
            lines.append(f"    return {self.ident()}")
        return lines

    _python_statements: list[Callable[[TreeMaker], str]] = [
        lambda s: f"{s.ident()} = {s.ident()}.{s.ident()}({s.ident()}, {s.rng.randint(0, 999)})",
        lambda s: f"if {s.ident()} is None or {s.ident()} > {s.rng.randint(0, 99)}:",
        lambda s: f'log.info("{s.name()} %s {s.name()}", {s.ident()})',
        lambda s: f'{s.ident()} = f"{{{s.ident()}}}/{s.name()}/{{{s.ident()}}}"',
        lambda s: f"# {s.name()} {s.name()} {s.name()} {s.name()} {s.name()}",
        lambda s: f'token = request.headers.get("{s.name().title()}-Token")',
        lambda s: f"password = form.{s.ident()}.data",
        lambda s: f'{s.ident()} = {{"{s.name()}": {s.rng.randint(0, 9999)}, "{s.name()}": "{s.name()}"}}',
        lambda s: f'cache_key = "{s.name()}:{s.hexes(32)}"',
        lambda s: f'commit_sha = "{s.hexes(40)}"',
        lambda s: f"api_key = settings.{s.ident().upper()}",
        lambda s: f'request_id = "{s.hexes(8)}-{s.hexes(4)}-{s.hexes(4)}-{s.hexes(4)}-{s.hexes(12)}"',
    ]

    def javascript(self) -> list[str]:
        lines = [f"import {{ {self.camel()} }} from './{self.name()}';", ""]
        for _ in range(self.rng.randint(8, 30)):
            lines += [f"export async function {self.camel()}({self.camel()}, {self.camel()}) {{",
                      f"  const {self.camel()} = await fetch(`/api/{self.name()}/${{{self.camel()}}}`, {{ headers: {{ "
                      f"Authorization: `Bearer ${{token}}` }} }});",
                      f"  if (!{self.camel()}.ok) throw new Error('{self.name()} {self.name()}');",
                      f"  const apiKey = config.{self.camel()};",
                      f"  return {self.camel()}.json().then(({self.camel()}) => {self.camel()}.{self.camel()});", "}", ""]
        return lines

    def minified(self) -> list[str]:
        parts = []
        for _ in range(self.rng.randint(300, 1500)):
            parts.append(self.rng.choice((
                f"{self.camel()}:e.{self.camel()},", f"function {self.name()}(t){{return t.{self.camel()}}}",
                f'"{self.name()}"===t&&', f"var {self.name()}={self.rng.randint(0, 9999)};",
                f'{self.name()}.push("{self.b64(12)}");', f"sha:\"{self.hexes(40)}\",",
            )))
        return ["".join(parts)]

    def yaml(self) -> list[str]:
        lines = ["apiVersion: apps/v1", "kind: Deployment", "metadata:", f"  name: {self.name()}-{self.name()}",
                 "spec:", "  template:", "    spec:", "      containers:"]
        for _ in range(self.rng.randint(3, 12)):
            version = f"{self.rng.randint(1, 9)}.{self.rng.randint(0, 20)}"
            lines += [
                f"        - name: {self.name()}",
                f"          image: registry.local/{self.name()}:{version}",
                "          env:",
                f"            - name: {self.ident().upper()}_PASSWORD",
                "              valueFrom:",
                "                secretKeyRef:",
                f"                  name: {self.name()}",
                "                  key: password",
                f"            - name: {self.ident().upper()}",
                f'              value: "{self.name()}"',
            ]
        return lines

    def lockfile(self) -> list[str]:
        lines = ["{", '  "lockfileVersion": 3,', '  "packages": {']
        for _ in range(self.rng.randint(50, 200)):
            name = self.name()
            lines += [
                f'    "node_modules/{name}": {{',
                f'      "version": "{self.rng.randint(0, 9)}.{self.rng.randint(0, 30)}.0",',
                f'      "resolved": "https://registry.npmjs.org/{name}/-/{name}.tgz",',
                f'      "integrity": "sha512-{self.b64(86)}=="',
                "    },",
            ]
        return lines + ["  }", "}"]

    def markdown(self) -> list[str]:
        lines = [f"# {self.name().title()} {self.name()}", ""]
        for _ in range(self.rng.randint(10, 40)):
            lines.append(" ".join(self.name() for _ in range(self.rng.randint(8, 25))) + ".")
            lines.append("")
        return lines + ["```bash", "export OPENAI_API_KEY=sk-...",
                        "export DATABASE_URL=postgres://user:password@localhost/app", "```"]

    def env(self) -> list[str]:
        lines = ["# local development"]
        for _ in range(self.rng.randint(5, 20)):
            value = self.rng.choice([self.name(), str(self.rng.randint(0, 9999)), "changeme", f"${{{self.ident().upper()}}}"])
            lines.append(f"{self.ident().upper()}={value}")
        return lines

    def write_tree(self, root: Path, size: int) -> int:
        """Write files under ``root`` until they hold ``size`` bytes; return the bytes written."""
        kinds = [("py", self.python, 30), ("js", self.javascript, 20), ("min.js", self.minified, 2),
                 ("yaml", self.yaml, 10), ("json", self.lockfile, 4), ("md", self.markdown, 10), ("env", self.env, 5)]
        weights = [w for _, _, w in kinds]
        total, number = 0, 0
        while total < size:
            suffix, make, _ = self.rng.choices(kinds, weights=weights)[0]
            lines = make()
            if self.rng.random() < 0.08:
                rule, plant = self.rng.choice(self.planters)
                at = self.rng.randint(0, len(lines))
                lines.insert(at, plant())
            else:
                rule, at = "", -1
            relative = f"pkg{number % 40}/{self.name()}_{number}.{suffix}"
            if rule:
                self.labels.add(f"{relative}:{at + 1}")
            path = root / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            text = "\n".join(lines) + "\n"
            path.write_text(text)
            total += len(text.encode())
            number += 1
        return total


# --- the two scanners ----------------------------------------------------------------------------------

def ours(files: dict[str, str]) -> set[str]:
    """``shown:line`` of every finding of our scanner."""
    result = scan_files(files, Allowlist())
    return {f"{f.path}:{f.line}" for f in result.findings}


def detect_secrets(files: dict[str, str], processes: int) -> set[str]:
    """``shown:line`` of every finding of detect-secrets (default plugins and filters)."""
    from detect_secrets import SecretsCollection
    from detect_secrets.settings import default_settings

    collection = SecretsCollection()
    with default_settings():
        collection.scan_files(*files, num_processors=processes)
    return {f"{files[os.path.abspath(name)]}:{secret.line_number}" for name, secret in collection}


def timed(fn: Callable[[], set[str]]) -> tuple[float, set[str]]:
    start = time.perf_counter()
    found = fn()
    return time.perf_counter() - start, found


def score(found: set[str], labels: set[str]) -> tuple[float, float]:
    """Recall and precision of ``found`` (file:line) against ``labels`` (file:line)."""
    hits = found & labels
    return len(hits) / len(labels) if labels else 1.0, len(hits) / len(found) if found else 1.0


def files_under(root: Path, paths: Iterable[str]) -> dict[str, str]:
    return {os.path.abspath(root / p): p for p in paths if (root / p).is_file() and not (root / p).is_symlink()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mb", type=float, default=50.0, help="size of the generated tree (default 50)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the generated tree (default 1)")
    parser.add_argument("--ds-processes", type=int, default=1, help="detect-secrets worker processes (default 1, as ours)")
    parser.add_argument("--keep", action="store_true", help="keep the generated tree and print where it is")
    args = parser.parse_args()

    temp = Path(tempfile.mkdtemp(prefix="launchready-bench-"))
    try:
        start = time.perf_counter()
        maker = TreeMaker(args.seed)
        written = maker.write_tree(temp / "generated", int(args.size_mb * 1024 * 1024))
        print(f"generated {written / 1e6:.1f} MB in {time.perf_counter() - start:.1f} s "
              f"({len(maker.labels)} planted secrets) under {temp}")

        repo = tree_files(REPO)
        files = files_under(repo.root, repo.paths)
        generated = files_under(temp / "generated", (p.relative_to(temp / "generated").as_posix()
                                                     for p in (temp / "generated").rglob("*")))
        files.update({path: f"generated/{shown}" for path, shown in generated.items()})
        size = sum(os.path.getsize(p) for p in files)
        print(f"scanning {len(files)} files, {size / 1e6:.1f} MB (this repository's tracked files + the generated tree)")

        our_time, our_found = timed(lambda: ours(files))
        print(f"  pytest-launchready: {our_time:8.2f} s  {size / 1e6 / our_time:8.1f} MB/s  {len(our_found)} findings")
        ds_time, ds_found = timed(lambda: detect_secrets(files, args.ds_processes))
        print(f"  detect-secrets:     {ds_time:8.2f} s  {size / 1e6 / ds_time:8.1f} MB/s  {len(ds_found)} findings "
              f"({args.ds_processes} process{'es' if args.ds_processes > 1 else ''})")
        print(f"  speed-up: {ds_time / our_time:.0f}x")

        planted = {f"generated/{label}" for label in maker.labels}
        for title, labels, our_set, ds_set in (
            ("planted in the generated tree", planted,
             {f for f in our_found if f.startswith("generated/")}, {f for f in ds_found if f.startswith("generated/")}),
            *_sample_scores(args.ds_processes),
        ):
            print(f"{title} ({len(labels)} secrets):")
            for tool, found in (("pytest-launchready", our_set), ("detect-secrets", ds_set)):
                recall, precision = score(found, labels)
                print(f"  {tool:19} recall {recall:6.1%}  precision {precision:6.1%}  ({len(found)} lines reported)")
    finally:
        if args.keep:
            print(f"kept {temp}")
        else:
            shutil.rmtree(temp, ignore_errors=True)


def _sample_scores(processes: int) -> list[tuple[str, set[str], set[str], set[str]]]:
    labels = {":".join(line.split(":")[:2]) for line in (SAMPLES / "labels.txt").read_text().splitlines()
              if line and not line.startswith("#")}
    files = {os.path.abspath(p): p.relative_to(SAMPLES).as_posix() for p in SAMPLES.rglob("*")
             if p.is_file() and p.parent != SAMPLES}
    return [("labelled sample set, tests/secret_samples", labels, ours(files), detect_secrets(files, processes))]


if __name__ == "__main__":
    main()
