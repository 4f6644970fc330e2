"""In-process bridges: an ASGI app on one event-loop thread, a WSGI app on worker threads.

Both turn app exceptions into 500 responses and bound every request by ``launchready_timeout``.
"""

from __future__ import annotations

import concurrent.futures
import threading
from contextlib import ExitStack
from typing import Any

import anyio
import anyio.from_thread
import httpx

from pytest_launchready.target.errors import TargetError


class _AsgiBridge:
    """One event loop thread (anyio portal) running an ASGI app's lifespan and requests."""

    def __init__(self, app: Any, timeout: float) -> None:
        self.app = app
        self.timeout = timeout
        self._stack = ExitStack()
        self.portal = self._stack.enter_context(anyio.from_thread.start_blocking_portal())
        self._lifespan_done: concurrent.futures.Future[Any] | None = None
        self._shutdown = threading.Event()
        self._start_lifespan()

    def _start_lifespan(self) -> None:
        send_stream, receive_stream = anyio.create_memory_object_stream[dict[str, Any]](10)
        startup: concurrent.futures.Future[str] = concurrent.futures.Future()
        self._to_app = send_stream
        self._startup = startup

        async def receive() -> dict[str, Any]:
            return await receive_stream.receive()

        async def send(message: dict[str, Any]) -> None:
            kind = message.get("type", "")
            if kind in ("lifespan.startup.complete", "lifespan.startup.failed") and not startup.done():
                startup.set_result(kind + (f": {message.get('message', '')}" if kind.endswith("failed") else ""))

        async def run() -> None:
            scope = {"type": "lifespan", "asgi": {"version": "3.0", "spec_version": "2.0"}, "state": {}}
            try:
                await self.app(scope, receive, send)
            except BaseException:  # noqa: BLE001 - apps without lifespan support raise; that is allowed
                pass
            if not startup.done():
                startup.set_result("unsupported")

        self._lifespan_done = self.portal.start_task_soon(run)
        self.portal.call(send_stream.send, {"type": "lifespan.startup"})
        try:
            outcome = startup.result(timeout=self.timeout)
        except concurrent.futures.TimeoutError:
            raise TargetError(f"the app's lifespan startup took longer than {self.timeout:g} s (launchready_timeout)") from None
        if outcome.startswith("lifespan.startup.failed"):
            raise TargetError(f"the app's lifespan startup failed: {outcome.split(': ', 1)[-1]}")
        self.lifespan_supported = outcome != "unsupported"

    def handle(self, request: httpx.Request, client_address: str) -> httpx.Response:
        body = request.read()
        transport = httpx.ASGITransport(app=self.app, raise_app_exceptions=False, client=(client_address, 50000))

        async def call() -> httpx.Response:
            async_request = httpx.Request(request.method, request.url, headers=request.headers, content=body)
            response = await transport.handle_async_request(async_request)
            content = await response.aread()
            return httpx.Response(response.status_code, headers=response.headers, content=content, request=request)

        future = self.portal.start_task_soon(call)
        try:
            return future.result(timeout=self.timeout)
        except concurrent.futures.TimeoutError:
            future.cancel()
            raise httpx.ReadTimeout(f"no response within {self.timeout:g} s (launchready_timeout)", request=request) from None

    def close(self) -> None:
        if self.lifespan_supported and self._lifespan_done is not None:
            try:
                self.portal.call(self._to_app.send, {"type": "lifespan.shutdown"})
                self._lifespan_done.result(timeout=self.timeout)
            except Exception:  # noqa: BLE001 - shutdown is best effort at session end
                pass
        self._stack.close()


class _AsgiTransport(httpx.BaseTransport):
    def __init__(self, bridge: _AsgiBridge, client_address: str) -> None:
        self.bridge = bridge
        self.client_address = client_address

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return self.bridge.handle(request, self.client_address)


class _WsgiTransport(httpx.BaseTransport):
    """httpx's WSGITransport with a time limit and app exceptions as 500 responses."""

    def __init__(self, app: Any, client_address: str, timeout: float, pool: concurrent.futures.ThreadPoolExecutor) -> None:
        self.inner = httpx.WSGITransport(app=app, raise_app_exceptions=False, remote_addr=client_address)
        self.timeout = timeout
        self.pool = pool

    def _call(self, request: httpx.Request) -> httpx.Response:
        try:
            response = self.inner.handle_request(request)
            response.read()
            return response
        except Exception as exc:  # noqa: BLE001 - an app crash is a 500, as a real server would answer
            return httpx.Response(500, text=f"Internal Server Error ({type(exc).__name__})", request=request)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.read()
        future = self.pool.submit(self._call, request)
        try:
            return future.result(timeout=self.timeout)
        except concurrent.futures.TimeoutError:
            raise httpx.ReadTimeout(f"no response within {self.timeout:g} s (launchready_timeout)", request=request) from None
