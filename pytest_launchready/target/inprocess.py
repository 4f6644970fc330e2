"""In-process bridges: an ASGI app on one event-loop thread, a WSGI app on worker threads.

Both turn app exceptions into 500 responses and bound every request by ``launchready_timeout``,
also when the app never answers: an ``async def`` route that calls ``time.sleep`` blocks the event
loop itself, and a WSGI view can block its thread for good. Such a request fails with
``httpx.ReadTimeout``; a blocked loop is abandoned and the app started again (lifespan included)
on a fresh one, so later tests still run. Every thread is a daemon: a thread stuck in the app can
be abandoned but not stopped, and must not keep pytest from exiting.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import queue
import threading
from dataclasses import dataclass
from typing import Any, Callable, Coroutine, TypeVar

import anyio
import httpx

from pytest_launchready.target.errors import Liveness, TargetError

T = TypeVar("T")
#: How long an event loop may take to run a no-op after a request timed out before it counts as blocked.
RESPONSIVE_WITHIN = 1.0


class _LoopThread:
    """An event loop (``anyio.run``, asyncio backend) in a daemon thread of its own.

    Work goes in through ``asyncio.run_coroutine_threadsafe``, which never waits for the loop:
    anyio's BlockingPortal hands each call over synchronously, so a loop blocked by a route would
    block every caller after it too, with no time limit.
    """

    def __init__(self, timeout: float) -> None:
        ready: concurrent.futures.Future[tuple[asyncio.AbstractEventLoop, asyncio.Event]] = concurrent.futures.Future()

        async def main() -> None:
            stop = asyncio.Event()
            ready.set_result((asyncio.get_running_loop(), stop))
            await stop.wait()

        def run() -> None:
            try:
                anyio.run(main)
            except BaseException as exc:  # noqa: BLE001 - reported to the thread that waits for the loop
                if not ready.done():
                    ready.set_exception(exc)

        self.thread = threading.Thread(target=run, name="launchready-asgi-loop", daemon=True)
        self.thread.start()
        try:
            self.loop, self._stop = ready.result(timeout=timeout)
        except concurrent.futures.TimeoutError:
            raise TargetError(f"the event loop for the app did not start within {timeout:g} s") from None

    def submit(self, coroutine: Coroutine[Any, Any, T]) -> concurrent.futures.Future[T]:
        """Run ``coroutine`` on the loop; returns at once."""
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop)

    def call_soon(self, callback: Callable[..., object], *args: Any) -> bool:
        """Schedule ``callback(*args)`` on the loop; False when the loop has already closed."""
        try:
            self.loop.call_soon_threadsafe(callback, *args)
        except RuntimeError:
            return False
        return True

    def responsive(self, within: float) -> bool:
        """True when the loop runs a no-op within ``within`` seconds (it is not blocked)."""
        answered = threading.Event()
        return self.call_soon(answered.set) and answered.wait(within)

    def stop(self, within: float) -> None:
        """Let ``anyio.run`` return (remaining tasks are cancelled); wait at most ``within`` seconds."""
        if self.call_soon(self._stop.set):
            self.thread.join(within)


@dataclass
class _Running:
    """An app started on one loop: the loop, its lifespan messages and the lifespan task."""

    loop: _LoopThread
    to_app: asyncio.Queue[dict[str, Any]]
    lifespan_done: concurrent.futures.Future[None]
    lifespan_supported: bool


class _AsgiBridge:
    """One event loop thread running an ASGI app's lifespan and requests; a fresh one after a hang."""

    def __init__(self, app: Any, timeout: float, liveness: Liveness | None = None) -> None:
        self.app = app
        self.timeout = timeout
        #: Marked down when the app cannot start again after a hang: later requests fail at once.
        self.liveness = liveness or Liveness()
        self._lock = threading.Lock()
        self._running = self._start()

    def _start(self) -> _Running:
        loop = _LoopThread(self.timeout)
        to_app: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        startup: concurrent.futures.Future[str] = concurrent.futures.Future()

        async def send(message: dict[str, Any]) -> None:
            kind = message.get("type", "")
            if kind in ("lifespan.startup.complete", "lifespan.startup.failed") and not startup.done():
                startup.set_result(kind + (f": {message.get('message', '')}" if kind.endswith("failed") else ""))

        async def run() -> None:
            scope = {"type": "lifespan", "asgi": {"version": "3.0", "spec_version": "2.0"}, "state": {}}
            try:
                await self.app(scope, to_app.get, send)
            except BaseException:  # noqa: BLE001 - apps without lifespan support raise; that is allowed
                pass
            if not startup.done():
                startup.set_result("unsupported")

        done = loop.submit(run())
        loop.call_soon(to_app.put_nowait, {"type": "lifespan.startup"})
        try:
            outcome = startup.result(timeout=self.timeout)
        except concurrent.futures.TimeoutError:
            raise TargetError(f"the app's lifespan startup took longer than {self.timeout:g} s (launchready_timeout)") from None
        if outcome.startswith("lifespan.startup.failed"):
            raise TargetError(f"the app's lifespan startup failed: {outcome.split(': ', 1)[-1]}")
        return _Running(loop, to_app, done, outcome != "unsupported")

    def handle(self, request: httpx.Request, client_address: str) -> httpx.Response:
        body = request.read()
        transport = httpx.ASGITransport(app=self.app, raise_app_exceptions=False, client=(client_address, 50000))

        async def call() -> httpx.Response:
            async_request = httpx.Request(request.method, request.url, headers=request.headers, content=body)
            response = await transport.handle_async_request(async_request)
            content = await response.aread()
            return httpx.Response(response.status_code, headers=response.headers, content=content, request=request)

        running = self._running
        future = running.loop.submit(call())
        try:
            return future.result(timeout=self.timeout)
        except concurrent.futures.TimeoutError:
            future.cancel()
            blocked = self._recover(running, f"{request.method} {request.url.path}")
        raise httpx.ReadTimeout(
            f"{request.method} {request.url.path} did not answer within {self.timeout:g} s (launchready_timeout): the route "
            + ("blocked the event loop (a blocking call in async code?), so the app was started again on a fresh one"
               if blocked else "hung"),
            request=request,
        )

    def _recover(self, running: _Running, what: str) -> bool:
        """After a timeout: when the loop itself is blocked, start the app on a fresh loop. True if it was."""
        if running.loop.responsive(min(RESPONSIVE_WITHIN, self.timeout)):
            return False
        with self._lock:
            if self._running is running:  # not already replaced by another thread's timeout
                try:
                    self._running = self._start()
                except TargetError as exc:
                    self.liveness.mark_down(f"{what} blocked the event loop, and the app could not be started again: {_last_line(exc)}")
        return True

    def close(self) -> None:
        """Lifespan shutdown and loop stop, each bounded by the timeout; a blocked loop is left behind."""
        running = self._running
        if not running.loop.responsive(min(RESPONSIVE_WITHIN, self.timeout)):
            return
        if running.lifespan_supported and running.loop.call_soon(running.to_app.put_nowait, {"type": "lifespan.shutdown"}):
            try:
                running.lifespan_done.result(timeout=self.timeout)
            except Exception:  # noqa: BLE001 - shutdown is best effort at session end
                pass
        running.loop.stop(self.timeout)


def _last_line(error: Exception) -> str:
    """``what failed: ExceptionType: message`` from an error whose text may end in a whole traceback."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    if len(lines) <= 1:
        return lines[0] if lines else type(error).__name__
    return f"{lines[0].split(': ', 1)[0]}: {lines[-1]}"


class _AsgiTransport(httpx.BaseTransport):
    def __init__(self, bridge: _AsgiBridge, client_address: str) -> None:
        self.bridge = bridge
        self.client_address = client_address

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return self.bridge.handle(request, self.client_address)


class DaemonPool:
    """Daemon worker threads for WSGI calls.

    A worker stuck in a view that never returns is left behind, and a new worker takes the next
    call: ``ThreadPoolExecutor`` would keep the stuck thread (non-daemon, joined at exit) and pytest
    would never exit.
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self._jobs: queue.SimpleQueue[Callable[[], None] | None] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._idle = 0
        self._workers = 0

    def submit(self, function: Callable[[], T]) -> concurrent.futures.Future[T]:
        """Run ``function`` on a worker; returns at once."""
        future: concurrent.futures.Future[T] = concurrent.futures.Future()

        def job() -> None:
            if future.set_running_or_notify_cancel():
                try:
                    future.set_result(function())
                except BaseException as exc:  # noqa: BLE001 - handed to the caller
                    future.set_exception(exc)

        with self._lock:
            if self._idle:
                self._idle -= 1
            else:
                self._workers += 1
                threading.Thread(target=self._work, name=f"{self.name}-{self._workers}", daemon=True).start()
        self._jobs.put(job)
        return future

    def _work(self) -> None:
        while (job := self._jobs.get()) is not None:
            job()
            with self._lock:
                self._idle += 1

    def close(self) -> None:
        """Let the idle workers end (a stuck one ends with the process)."""
        with self._lock:
            idle, self._idle = self._idle, 0
        for _ in range(idle):
            self._jobs.put(None)


class _WsgiTransport(httpx.BaseTransport):
    """httpx's WSGITransport with a time limit and app exceptions as 500 responses."""

    def __init__(self, app: Any, client_address: str, timeout: float, pool: DaemonPool) -> None:
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
        future = self.pool.submit(lambda: self._call(request))
        try:
            return future.result(timeout=self.timeout)
        except concurrent.futures.TimeoutError:
            future.cancel()
            raise httpx.ReadTimeout(
                f"{request.method} {request.url.path} did not answer within {self.timeout:g} s (launchready_timeout): "
                "the view hung (its worker thread is left behind)", request=request) from None
