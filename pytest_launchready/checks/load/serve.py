"""Serve an in-process app on 127.0.0.1 for the load check's duration: locust needs a real socket.

ASGI apps run under uvicorn in a thread, WSGI apps under the standard library's threaded server. Each
binds port 0 (the kernel picks a free one) on loopback only, and stops when the block ends.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from pytest_launchready.target.loading import is_asgi

START_TIMEOUT = 10.0


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the standard library's name
        pass  # one line per request would flood the test output


@contextlib.contextmanager
def serving(app: Any) -> Iterator[str]:
    """The base URL (``http://127.0.0.1:<port>``) of ``app`` served until the block ends."""
    if is_asgi(app):
        with _uvicorn(app) as url:
            yield url
        return
    server = make_server("127.0.0.1", 0, app, server_class=_ThreadingWSGIServer, handler_class=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="launchready-load-wsgi", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def _uvicorn(app: Any) -> Iterator[str]:
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    # log_config=None: uvicorn must not reconfigure logging in the test process (pytest captures it).
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="auto", log_config=None, loop="asyncio")
    server = uvicorn.Server(config)
    failures: list[BaseException] = []

    def run() -> None:
        try:
            server.run(sockets=[sock])
        except BaseException as exc:  # noqa: BLE001 - told in the error below
            failures.append(exc)

    thread = threading.Thread(target=run, name="launchready-load-asgi", daemon=True)
    thread.start()
    deadline = time.monotonic() + START_TIMEOUT
    while not server.started and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.02)
    if not server.started:
        why = f": {type(failures[0]).__name__}: {failures[0]}" if failures else ""
        raise RuntimeError(f"uvicorn did not start serving the app on 127.0.0.1 within 10 s{why}")
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=START_TIMEOUT)
        sock.close()
