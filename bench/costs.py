"""The per-endpoint cost table: Redis round trips and commands, SQL statements."""

from __future__ import annotations

from typing import Any

from bench.counters import metered
from bench.endpoints import ARGON2_BOUND, ENDPOINTS, Request
from bench.fixtures import Account, Fixtures

WARMUP = 2  # first requests open connections and load scripts; they are not counted
COUNTED = ("auth-check", "me", "sessions", "refresh", "logout", "send-otp", "validate-otp", "login", "signup")


def cost_table(fixtures: Fixtures, accounts: list[Account], count: int, server_is_private: bool,
               names: tuple[str, ...] = COUNTED) -> dict[str, dict[str, Any]]:
    client = fixtures.app.test_client()
    table: dict[str, dict[str, Any]] = {}
    with metered(fixtures.app, fixtures.services.redis, server_is_private) as meter:
        for name in names:
            endpoint = ENDPOINTS[name]
            # Counts do not vary from one request to the next; Argon2-bound ones need not be many.
            counted = min(count, 5) if name in ARGON2_BOUND else count
            requests = endpoint.requests(fixtures, accounts, counted + WARMUP)

            def send(i: int, requests: list[Request] = requests, expected: int = endpoint.ok_status) -> None:
                request = requests[i % len(requests)]
                response = client.open(request["path"], method=request["method"], headers=request["headers"],
                                       data=request["body"].replace("{n}", str(i)))
                if response.status_code != expected:
                    raise AssertionError(f"{request['method']} {request['path']}: {response.status_code} "
                                         f"{response.get_data(as_text=True)[:300]}")

            for i in range(WARMUP):
                send(i)
            table[name] = meter.measure(counted, lambda i, send=send: send(i + WARMUP))
    return table
