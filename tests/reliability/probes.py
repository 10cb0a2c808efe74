"""Requests that each need a given dependency, and the checks every outage answer must pass."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from tests.support.flow import AuthFlow, bearer

# Well-formed tokens that match nothing: enough to make the endpoint consult Redis.
UNKNOWN_TOKEN = "u" * 43


def redis_probes(flow: AuthFlow, user: dict[str, Any], pair: dict[str, Any]) -> dict[str, tuple[str, str, dict]]:
    """name → (method, path, kwargs) for every endpoint that needs Redis."""
    access = bearer(pair["access_token"])
    return {
        "signup": ("POST", "/api/v1/signup", {"json": flow.new_identity()}),
        "login": ("POST", "/api/v1/login", {"json": {"email": user["email"], "password": user["password"]}}),
        "send-otp": ("POST", "/api/v1/send-otp", {"headers": bearer(UNKNOWN_TOKEN)}),
        "validate-otp": ("POST", "/api/v1/validate-otp", {"headers": bearer(UNKNOWN_TOKEN), "json": {"otp": "123456"}}),
        "me": ("GET", "/api/v1/me", {"headers": access}),
        "token/refresh": ("POST", "/api/v1/token/refresh", {"json": {"refresh_token": pair["refresh_token"]}}),
        "logout": ("POST", "/api/v1/logout", {"headers": bearer(UNKNOWN_TOKEN)}),
        "auth/check": ("GET", "/api/v1/auth/check", {"headers": access}),
    }


def database_probes(flow: AuthFlow, user: dict[str, Any], pair: dict[str, Any]) -> dict[str, tuple[str, str, dict]]:
    """name → request for every endpoint that needs the database."""
    return {
        "signup": ("POST", "/api/v1/signup", {"json": flow.new_identity()}),
        "login": ("POST", "/api/v1/login", {"json": {"email": user["email"], "password": user["password"]}}),
        "me": ("GET", "/api/v1/me", {"headers": bearer(pair["access_token"])}),
    }


def call(client: Any, request: tuple[str, str, dict]) -> Any:
    method, path, kwargs = request
    return client.post(path, **kwargs) if method == "POST" else client.get(path, **kwargs)


def call_all(new_client: Callable[[], Any], probes: dict[str, tuple[str, str, dict]]) -> dict[str, Any]:
    """Sends every probe at once, each on its own client (a frozen dependency costs its timeout once)."""
    with ThreadPoolExecutor(max_workers=len(probes)) as pool:
        futures = {name: pool.submit(call, new_client(), request) for name, request in probes.items()}
        return {name: future.result() for name, future in futures.items()}


def assert_outage_answer(response: Any, code: str = "service_unavailable") -> None:
    """503 problem JSON with the stable code and a Retry-After the body repeats."""
    body = response.get_json()
    assert response.status_code == 503, body
    assert response.headers["Content-Type"].startswith("application/problem+json")
    assert body["code"] == code
    assert int(response.headers["Retry-After"]) >= 1
    assert body["retry_after"] == int(response.headers["Retry-After"])
    assert response.headers["X-Request-ID"] == body["request_id"]


def assert_not_ready(client: Any, failing: str) -> None:
    response = client.get("/readyz")
    body = response.get_json()
    assert response.status_code == 503, body
    assert int(response.headers["Retry-After"]) >= 1
    assert body["retry_after"] == int(response.headers["Retry-After"])
    assert body["status"] == "fail"
    assert body["checks"][failing] == "fail"
    assert all(result == "ok" for name, result in body["checks"].items() if name != failing)
    assert client.get("/healthz").status_code == 200


def assert_ready(client: Any) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {"status": "ok", "checks": {"database": "ok", "redis": "ok"}}
