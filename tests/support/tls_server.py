"""A real https site on 127.0.0.1 for the headers check's TLS tests, with certificates from trustme.

``Site`` serves every path with a small JSON body and fixed response headers over TLS (certificate,
protocol range chosen by the test), plus a plain-http listener that redirects to it, serves content,
or redirects to another plain-http URL. Both listen on ephemeral ports and stop on ``close()``.
"""

from __future__ import annotations

import datetime as dt
import json
import socket
import ssl
import threading
import warnings
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import trustme

SECURE_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Strict-Transport-Security": "max-age=63072000; includeSubDomains",
}

OPENAPI = {
    "openapi": "3.0.3",
    "info": {"title": "tls site", "version": "1"},
    "paths": {"/health": {"get": {"security": [], "responses": {"200": {"description": "ok"}}}}},
}


def issue(ca: trustme.CA, host: str = "127.0.0.1", days: float = 90, expired: bool = False) -> trustme.LeafCert:
    """A leaf certificate for ``host``: valid for ``days`` more days, or expired since yesterday."""
    now = dt.datetime.now(dt.timezone.utc)
    if expired:
        return ca.issue_cert(host, not_before=now - dt.timedelta(days=30), not_after=now - dt.timedelta(days=1))
    return ca.issue_cert(host, not_before=now - dt.timedelta(days=1), not_after=now + dt.timedelta(days=days))


def _handler(headers: dict[str, str], redirect_to: str | None) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _answer(self) -> None:
            if redirect_to is not None:
                self.send_response(301)
                self.send_header("Location", redirect_to + self.path)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            body = json.dumps({"ok": True}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        do_GET = do_HEAD = do_POST = do_OPTIONS = _answer

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, handler: type[BaseHTTPRequestHandler], context: ssl.SSLContext | None) -> None:
        super().__init__(("127.0.0.1", 0), handler)
        self.context = context

    def finish_request(self, request: Any, client_address: Any) -> None:
        request.settimeout(5)
        if self.context is not None:
            try:
                request = self.context.wrap_socket(request, server_side=True)
            except (ssl.SSLError, OSError):
                return  # the client refused the certificate or the protocol: that is what some tests probe
        self.RequestHandlerClass(request, client_address, self)  # type: ignore[arg-type]

    @property
    def port(self) -> int:
        return int(self.server_address[1])


class Site:
    """An https listener (``https_url``) and a plain-http one (``http_url``) on 127.0.0.1.

    ``http``: ``"redirect"`` (301 to the https URL), ``"serve"`` (200 over plain http) or
    ``"to-http"`` (301 to another plain-http URL). ``legacy_tls``: accept TLS 1.0-1.1 too;
    ``legacy_only``: accept nothing newer than TLS 1.1.
    """

    def __init__(self, cert: trustme.LeafCert, headers: dict[str, str] | None = None, http: str = "redirect",
                 legacy_tls: bool = False, legacy_only: bool = False) -> None:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        cert.configure_cert(context)
        if legacy_tls or legacy_only:
            context.set_ciphers("DEFAULT:@SECLEVEL=0")
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)
                context.minimum_version = ssl.TLSVersion.TLSv1
                if legacy_only:
                    context.maximum_version = ssl.TLSVersion.TLSv1_1
        self.https = _Server(_handler(SECURE_HEADERS if headers is None else headers, None), context)
        self.https_url = f"https://127.0.0.1:{self.https.port}"
        redirect = {"redirect": self.https_url, "to-http": "http://127.0.0.1:9", "serve": None}[http]
        self.http = _Server(_handler(SECURE_HEADERS if headers is None else headers, redirect), None)
        self.http_url = f"http://127.0.0.1:{self.http.port}"
        self._threads = [threading.Thread(target=s.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
                         for s in (self.https, self.http)]
        for thread in self._threads:
            thread.start()

    def close(self) -> None:
        for server in (self.https, self.http):
            server.shutdown()
            server.server_close()

    def __enter__(self) -> Site:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def free_port() -> int:
    """A loopback port nothing listens on (for the 'nothing answers on http' case)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
