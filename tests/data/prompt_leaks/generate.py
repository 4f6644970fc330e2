"""Write the labelled prompt-leak set: chatbot answers that leak a system prompt, and clean ones.

Every prompt, canary and answer here was written for this project. Encoded answers are made from a
hand-written plain text (kept in the row's ``plain``) with the standard library, so the set can be
checked and rewritten: ``python tests/data/prompt_leaks/generate.py`` writes ``tuning.jsonl`` (the
rows the detector's thresholds were chosen on) and ``heldback.jsonl`` (other prompts, other answers:
read only by benchmarks/prompt_leaks.py and the F1 test, never used for tuning). The output is the
same each time.

A row: ``id``, ``system_prompt``, ``canary``, ``answer``, ``label`` (``leak`` or ``clean``), ``kind``
(``verbatim``, ``partial``, ``paraphrase``, ``translation``, ``canary``, ``canary-normalised``,
``encoded`` or ``clean``), ``encoding`` (``base64``, ``hex``, ``rot13``, ``url``, ``html``,
``reversed``, ``letter-spaced``, ``nested`` or empty), ``language`` for translations and ``plain``
for encoded rows.
"""

from __future__ import annotations

import base64
import codecs
import json
import sys
import textwrap
import urllib.parse
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))

from rows_heldback import HELDBACK  # noqa: E402
from rows_tuning import TUNING  # noqa: E402
from prompts import PROMPTS  # noqa: E402


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def b64_url_nopad(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def b64_nopad(text: str) -> str:
    return b64(text).rstrip("=")


def b64_wrapped(text: str) -> str:
    return "\n".join(textwrap.wrap(b64(text), 76))


def hex_plain(text: str) -> str:
    return text.encode().hex()


def hex_spaced(text: str) -> str:
    return " ".join(f"{b:02x}" for b in text.encode())


def hex_escaped(text: str) -> str:
    return "".join(f"\\x{b:02x}" for b in text.encode())


def hex_0x(text: str) -> str:
    return ", ".join(f"0x{b:02X}" for b in text.encode())


def hex_upper(text: str) -> str:
    return text.encode().hex().upper()


def rot13(text: str) -> str:
    return codecs.encode(text, "rot13")


def url_all(text: str) -> str:
    return "".join(f"%{b:02X}" for b in text.encode())


def url_quote(text: str) -> str:
    return urllib.parse.quote(text, safe="")


def url_plus(text: str) -> str:
    return urllib.parse.quote_plus(text)


def html_dec(text: str) -> str:
    return "".join(f"&#{ord(c)};" for c in text)


def html_hex(text: str) -> str:
    return "".join(f"&#x{ord(c):x};" for c in text)


def html_mixed(text: str) -> str:
    named = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;", " ": "&nbsp;"}
    return "".join(named.get(c, f"&#{ord(c)};" if c.isalnum() and ord(c) % 2 else c) for c in text)


def reverse(text: str) -> str:
    return text[::-1]


def spaced(text: str) -> str:
    return "   ".join(" ".join(word) for word in text.split())


def spaced_dots(text: str) -> str:
    return ".".join(c for c in text if not c.isspace())


ENCODERS = {name: fn for name, fn in globals().items() if callable(fn) and name not in {"main", "materialise"}
            and not name[0].isupper() and fn.__module__ == __name__}


def materialise(spec: dict) -> dict:
    """A row from its hand-written spec: ``{prompt}`` and ``{canary}`` filled, ``encode`` applied to ``plain``."""
    prompt = PROMPTS[spec["prompt"]]
    fill = {"prompt": prompt["system_prompt"], "canary": prompt["canary"]}
    row = {"id": spec["id"], "system_prompt": prompt["system_prompt"], "canary": prompt["canary"]}
    if "encode" in spec:
        plain = spec["plain"].format(**fill)
        encoded = plain
        for name in spec["encode"].split("+"):
            encoded = ENCODERS[name](encoded)
        row["answer"] = spec["answer"].format(encoded=encoded, **fill) if "answer" in spec else encoded
        row["plain"] = plain
    else:
        row["answer"] = spec["answer"].format(**fill)
    row["label"] = "clean" if spec["kind"] == "clean" else "leak"
    row["kind"] = spec["kind"]
    row["encoding"] = spec.get("encoding", "")
    if "language" in spec:
        row["language"] = spec["language"]
    return row


def main() -> None:
    for name, specs in (("tuning", TUNING), ("heldback", HELDBACK)):
        ids = [s["id"] for s in specs]
        assert len(ids) == len(set(ids)), f"duplicate ids in {name}"
        lines = [json.dumps(materialise(s), ensure_ascii=False) for s in specs]
        (HERE / f"{name}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
        print(f"{name}.jsonl: {len(lines)} rows")


if __name__ == "__main__":
    main()
