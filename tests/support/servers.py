"""A real uvicorn on 127.0.0.1, for the tests that need a live target rather than an in-process app."""

from __future__ import annotations

import contextlib
import threading
import time
from typing import Any, Iterator


class LoopbackServer:
    """``app`` served by a real uvicorn on 127.0.0.1 (an ephemeral port) in a thread, until ``stop()``."""

    def __init__(self, app: Any, **config: Any) -> None:
        import uvicorn

        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", **config))
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started and time.monotonic() < deadline:
            time.sleep(0.02)
        assert self.server.started, "uvicorn did not start"
        self.port: int = self.server.servers[0].sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"

    def stop(self, timeout: float = 10) -> None:
        """Ask uvicorn to exit and wait up to ``timeout`` seconds for its thread to end."""
        self.server.should_exit = True
        self.thread.join(timeout)


@contextlib.contextmanager
def serve_on_loopback(app: Any, **config: Any) -> Iterator[int]:
    """Serve ``app`` with a real uvicorn on 127.0.0.1 (an ephemeral port) for the block; yields the port."""
    server = LoopbackServer(app, **config)
    try:
        yield server.port
    finally:
        server.stop(5)
