"""What each benchmarked endpoint sends, and the set-up it needs.

The same request lists feed the load generator (over HTTP) and the counters
(in-process), so both measure the same thing.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bench.fixtures import PASSWORD, Account, Fixtures

Request = dict[str, Any]  # {"method", "path", "headers", "body"}
REUSED = 256  # tokens that are not spent are handed out round-robin from this many


def _bearer(token: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}"}
    if body is None:
        return {"headers": headers, "body": ""}
    return {"headers": {**headers, "Content-Type": "application/json"}, "body": json.dumps(body)}


def _json(body: dict[str, Any]) -> dict[str, Any]:
    return {"headers": {"Content-Type": "application/json"}, "body": json.dumps(body)}


@dataclass(frozen=True)
class Endpoint:
    name: str
    method: str
    path: str
    ok_status: int
    mode: str  # "cycle": requests may repeat; "once": each request spends its token; "unique": "{n}" filled
    build: Callable[[Fixtures, list[Account], int], list[dict[str, Any]]]

    def requests(self, fixtures: Fixtures, accounts: list[Account], count: int) -> list[Request]:
        """`count` requests (fewer for "cycle": they are repeated round-robin)."""
        wanted = min(count, REUSED) if self.mode == "cycle" else count
        return [{"method": self.method, "path": self.path, **part}
                for part in self.build(fixtures, accounts, wanted)]


def _sessions(fx: Fixtures, accounts: list[Account], n: int) -> list[dict[str, str]]:
    return fx.sessions(accounts, n)


ENDPOINTS: dict[str, Endpoint] = {e.name: e for e in (
    Endpoint("auth-check", "GET", "/api/v1/auth/check", 204, "cycle",
             lambda fx, acc, n: [_bearer(s["access"]) for s in _sessions(fx, acc, n)]),
    Endpoint("me", "GET", "/api/v1/me", 200, "cycle",
             lambda fx, acc, n: [_bearer(s["access"]) for s in _sessions(fx, acc, n)]),
    Endpoint("refresh", "POST", "/api/v1/token/refresh", 200, "once",
             lambda fx, acc, n: [_json({"refresh_token": s["refresh"]}) for s in _sessions(fx, acc, n)]),
    Endpoint("sessions", "GET", "/api/v1/sessions", 200, "cycle",
             lambda fx, acc, n: [_bearer(s["access"]) for s in _sessions(fx, acc, n)]),
    Endpoint("logout", "POST", "/api/v1/logout", 204, "once",
             lambda fx, acc, n: [_bearer(s["access"]) for s in _sessions(fx, acc, n)]),
    # The bench settings drop the resend cooldown and raise the send caps, so a token can send again and again.
    Endpoint("send-otp", "POST", "/api/v1/send-otp", 200, "cycle",
             lambda fx, acc, n: [_bearer(t) for t in fx.pre_tokens(acc, n)]),
    Endpoint("validate-otp", "POST", "/api/v1/validate-otp", 200, "once",
             lambda fx, acc, n: [_bearer(t, {"otp": code}) for t, code in fx.sent_tokens(acc, n)]),
    Endpoint("login", "POST", "/api/v1/login", 200, "cycle",
             lambda fx, acc, n: [_json(a.login_body()) for a in (acc * (n // len(acc) + 1))[:n]]),
    Endpoint("signup", "POST", "/api/v1/signup", 201, "unique",
             lambda fx, acc, n: [_json({"email": f"signup-{fx.tag()}-{{n}}@example.com", "password": PASSWORD,
                                        "phone": "+14155552671"})]),
)}

# The endpoints `make bench` loads; `me`, `sessions` and `logout` are only counted.
LOADED = ("auth-check", "refresh", "send-otp", "validate-otp", "login", "signup")
ARGON2_BOUND = ("login", "signup", "flow")
BASELINE_A: Request = {"method": "POST", "path": "/baseline", **_bearer("baseline-token", {"otp": "123456"})}
