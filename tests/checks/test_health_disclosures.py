"""Which route is the health route, and what a health answer may not say: each kind of disclosure is found,
and the plain answers healthy apps give are not flagged."""

from __future__ import annotations

import json

import httpx
import pytest

from pytest_launchready.checks.monitoring.exposure import health_disclosures
from pytest_launchready.routes import Route
from pytest_launchready.routes.health_vocabulary import discovered_health_route, health_route_key, is_health_path


@pytest.mark.parametrize(("path", "expected"), [
    ("/health", True), ("/healthz", True), ("/ready", True), ("/status", True), ("/api/health", True),
    ("/api/v2/healthz", True), ("/health/", True),
    ("/orders/status", False), ("/api/orders/health", False), ("/v1/health", False), ("/healthcheck-docs", False),
])
def test_health_paths(path: str, expected: bool) -> None:
    assert is_health_path(path) is expected


def test_the_most_telling_health_route_is_chosen_and_the_setting_wins() -> None:
    routes = [Route("GET", "/status"), Route("GET", "/api/health"), Route("POST", "/health"), Route("GET", "/health/{x}")]
    assert discovered_health_route(routes) == Route("GET", "/api/health")
    assert health_route_key(routes, "GET /ops/alive") == "GET /ops/alive"
    assert health_route_key([Route("GET", "/items")], "") is None


def _found(body: object, headers: dict[str, str] | None = None, status: int = 200) -> list[str]:
    content = json.dumps(body).encode() if not isinstance(body, bytes) else body
    found = health_disclosures(status, httpx.Headers(headers or {}), content, "application/json")
    return sorted(d.describe() for d in found)


@pytest.mark.parametrize("body", [
    {"status": "ok"}, {"status": "ok", "uptime_s": 12345, "checks": {"db": "ok", "cache": "ok"}},
    {"ok": True, "time": "2026-12-07T10:00:00Z"}, {"status": "ok", "last_check": "at 10:00:00 UTC, 1.5 s ago"}, {"status": "degraded", "checks": {"queue": {"status": "slow", "lag_ms": 800}}},
])
def test_plain_health_answers_disclose_nothing(body: object) -> None:
    assert _found(body) == []


def test_a_server_header_without_a_version_is_fine() -> None:
    assert _found({"status": "ok"}, {"server": "uvicorn", "via": "1.1 google"}) == []


@pytest.mark.parametrize(("body", "headers", "kind"), [
    ({"status": "ok", "app_version": "3.2.0"}, {}, "version field 'app_version' in $.app_version"),
    ({"status": "ok", "build": {"commit": "9f2c1ab"}}, {}, "version field 'commit' in $.build.commit"),
    ({"status": "ok", "db": "PostgreSQL 15.4 on x86_64"}, {}, "product version in body"),
    ({"status": "ok"}, {"server": "nginx/1.25.3"}, "software version in header server"),
    ({"status": "ok"}, {"x-powered-by": "PHP/8.2"}, "software header in header x-powered-by"),
    ({"status": "ok", "cache": "redis://cache.internal:6379/0"}, {}, "connection string in body"),
    ({"status": "ok", "upstream": "https://svc:hunter2-long@api.partner.example/v1"}, {}, "URL with a password in body"),
    ({"status": "ok", "node": "ip-10-0-3-7"}, {}, "host field 'node' in $.node"),
    ({"status": "ok", "peer": "reached 172.16.4.9 in 3 ms"}, {}, "IP address in body"),
    ({"status": "ok", "db": "db-1.prod.svc.cluster.local ok"}, {}, "internal host name in body"),
    ({"status": "ok", "listen": "fd00:1:2::7"}, {}, "IPv6 address in body"),
    ({"status": "ok", "api_key": "k-live-abcdef0123456789"}, {}, "sensitive field 'api_key' in $.api_key"),
])
def test_each_kind_of_disclosure_is_found(body: object, headers: dict[str, str], kind: str) -> None:
    assert kind in _found(body, headers)
