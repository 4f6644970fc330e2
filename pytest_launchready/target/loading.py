"""Importing the app under test: ``package.module:attr``, a zero-argument factory, ASGI or WSGI."""

from __future__ import annotations

import importlib
import inspect
import sys
from typing import Any

from pytest_launchready.target.errors import TargetError


def load_app(spec: str, rootpath: str) -> Any:
    """Import ``package.module:attr``; call it when it is a zero-argument factory."""
    module_name, _, attr = spec.partition(":")
    if rootpath not in sys.path:
        sys.path.insert(0, rootpath)
    try:
        module = importlib.import_module(module_name)
    except Exception as exc:
        missing = isinstance(exc, ModuleNotFoundError) and f"{module_name}.".startswith(f"{exc.name}.")
        fix = ("Check the module path (it is imported from the rootdir and sys.path)." if missing
               else "Fix that error: the app must import on its own, with the environment pytest runs in.")
        raise TargetError(
            f"launchready_app = {spec!r}: importing {module_name!r} failed: {type(exc).__name__}: {exc}"
            f"{'' if missing else _where(exc, rootpath)}. {fix}"
        ) from exc
    obj: Any = module
    for part in attr.split("."):
        if not hasattr(obj, part):
            raise TargetError(f"launchready_app = {spec!r}: {module_name!r} has no attribute {attr!r}.")
        obj = getattr(obj, part)
    if _is_factory(obj):
        obj = obj()
    if not callable(obj):
        raise TargetError(f"launchready_app = {spec!r} is not an ASGI/WSGI app nor a zero-argument factory.")
    return obj


def _where(exc: BaseException, rootpath: str) -> str:
    """`` (at app/settings.py:12, in load)``: the innermost frame in the user's code, else the innermost one."""
    import os
    import traceback

    frames = [f for f in traceback.extract_tb(exc.__traceback__) if not f.filename.startswith("<frozen ")]
    root = os.path.abspath(rootpath) + os.sep
    frame = next((f for f in reversed(frames) if os.path.abspath(f.filename).startswith(root)), frames[-1] if frames else None)
    if frame is None:
        return ""
    path = os.path.abspath(frame.filename)
    shown = path[len(root):] if path.startswith(root) else path
    return f" (at {shown}:{frame.lineno}, in {frame.name})"


def _is_factory(obj: Any) -> bool:
    if not inspect.isfunction(obj):
        return False
    params = [p for p in inspect.signature(obj).parameters.values() if p.default is inspect.Parameter.empty]
    return not params


def is_asgi(app: Any) -> bool:
    """ASGI apps are coroutine functions of (scope, receive, send), or objects whose __call__ is one."""
    if inspect.iscoroutinefunction(app):
        return True
    call = getattr(app, "__call__", None)
    return inspect.iscoroutinefunction(call)
