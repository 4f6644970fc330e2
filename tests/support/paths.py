"""Where the suite's files are, and modules of ``tests/apps`` loaded by their path."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

TESTS = Path(__file__).resolve().parent.parent
REPO = TESTS.parent
APPS = TESTS / "apps"
SAMPLES = TESTS / "secret_samples"
QA_EXAMPLE = TESTS / "qa_example" / "test_launch_qa.py"


def load_module(name: str, path: Path) -> ModuleType:
    """The module at ``path``, imported once per process as ``name`` (and kept in ``sys.modules``, which
    pydantic and FastAPI need to resolve the postponed annotations of an app module)."""
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


def load_app(name: str) -> ModuleType:
    """The test app ``tests/apps/<name>.py`` as a module (tests/ is not a package, so not by import)."""
    return load_module(f"launchready_{name}", APPS / f"{name}.py")


def load_sample_generator() -> ModuleType:
    """tests/secret_samples/generate.py, loaded by path (it is a script, not a package module)."""
    return load_module("secret_samples_generate", SAMPLES / "generate.py")
