"""Bounded soak: many clients run mixed flows against gunicorn on PostgreSQL + Redis for
SOAK_SECONDS. Checks: no 5xx, one user in the database per 201. Reports worker RSS.

`make soak` runs this module on a private stack (60 s by default); `make test` runs
tests/reliability/test_soak.py, which calls `soak()` for 10 s on the suite's stack.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from tests.reliability.load import CONNECTION_ERROR, guarded
from tests.reliability.stack import Stack, running_stack
from tests.support.flow import bearer
from tests.support.gunicorn import GunicornProcess
from tests.support.http_client import HttpClient

PASSWORD = "soak test passphrase"
RSS_SAMPLE_SECONDS = 10.0


@dataclass
class SoakReport:
    seconds: float
    clients: int
    tally: Counter[str] = field(default_factory=Counter)  # "POST /signup 201", ...
    signups_created: int = 0
    users_in_database: int = 0
    flows_completed: int = 0
    rss_start_kib: dict[int, int] = field(default_factory=dict)
    rss_end_kib: dict[int, int] = field(default_factory=dict)
    rss_over_time: list[tuple[int, int]] = field(default_factory=list)  # (second, total worker KiB)

    @property
    def requests(self) -> int:
        return sum(self.tally.values())

    @property
    def server_errors(self) -> dict[str, int]:
        """5xx answers and dropped connections, by endpoint: a healthy soak has none."""
        return {key: n for key, n in self.tally.items() if key.split(" ", 2)[2][:1] == "5"
                or key.endswith(CONNECTION_ERROR)}

    def summary(self) -> dict[str, object]:
        return {
            "seconds": round(self.seconds, 1),
            "clients": self.clients,
            "requests": self.requests,
            "requests_per_second": round(self.requests / self.seconds, 1) if self.seconds else 0,
            "flows_completed": self.flows_completed,
            "signup_201s": self.signups_created,
            "users_in_database": self.users_in_database,
            "server_errors": self.server_errors,
            "worker_rss_kib_start": sorted(self.rss_start_kib.values()),
            "worker_rss_kib_end": sorted(self.rss_end_kib.values()),
            "worker_rss_total_kib_over_time": self.rss_over_time,
            "outcomes": dict(sorted(self.tally.items())),
        }


class _Client:
    """One simulated user agent: walks the flows, tallies every answer."""

    def __init__(self, server: GunicornProcess, stack: Stack, run: str, index: int, report: SoakReport,
                 lock: threading.Lock) -> None:
        self.http = HttpClient(server.url)
        self.sms = stack.sms
        self.run, self.index = run, index
        self.report, self.lock = report, lock
        self.n = 0

    def call(self, method: str, path: str, **kwargs: object):  # type: ignore[no-untyped-def]
        result, response = guarded(lambda: self.http.open(method, "/api/v1" + path, **kwargs))
        with self.lock:
            self.report.tally[f"{method} {path} {result}"] += 1
            if path == "/signup" and result == "201":
                self.report.signups_created += 1
        return response

    def flow(self) -> None:
        """signup → (duplicate) → (bad password) → login → send → (wrong code) → validate →
        me → auth/check → refresh → logout → me again."""
        self.n += 1
        n = self.n
        email = f"soak-{self.run}-{self.index}-{n}@example.com"
        phone = f"+1415{2_000_000 + (self.index * 7919 + n) % 8_000_000:07d}"  # exchanges 200-999: valid
        body = {"email": email, "password": PASSWORD, "phone": phone}
        if not _ok(self.call("POST", "/signup", json=body), 201):
            return
        if n % 5 == 0:
            self.call("POST", "/signup", json=body)  # 409
        if n % 4 == 0:
            self.call("POST", "/login", json={"email": email, "password": "not the password"})  # 401
        login = self.call("POST", "/login", json={"email": email, "password": PASSWORD})
        if not _ok(login, 200):
            return
        pre = bearer(login.get_json()["pre_otp_token"])
        if not _ok(self.call("POST", "/send-otp", headers=pre), 200):
            return
        code = self.sms.last_code(phone)
        if n % 3 == 0:
            wrong = f"{(int(code) + 1) % 10 ** len(code):0{len(code)}d}"
            self.call("POST", "/validate-otp", headers=pre, json={"otp": wrong})  # 401
        tokens = self.call("POST", "/validate-otp", headers=pre, json={"otp": code})
        if not _ok(tokens, 200):
            return
        access = bearer(tokens.get_json()["access_token"])
        self.call("GET", "/me", headers=access)
        self.call("GET", "/auth/check", headers=access)
        refreshed = self.call("POST", "/token/refresh", json={"refresh_token": tokens.get_json()["refresh_token"]})
        if _ok(refreshed, 200):
            newer = bearer(refreshed.get_json()["access_token"])
            self.call("POST", "/logout", headers=newer)
            self.call("GET", "/me", headers=newer)  # 401 after logout
        with self.lock:
            self.report.flows_completed += 1


def _ok(response, status: int) -> bool:  # type: ignore[no-untyped-def]
    return response is not None and response.status_code == status


def soak(stack: Stack, server: GunicornProcess, seconds: float, clients: int) -> SoakReport:
    run = uuid.uuid4().hex[:8]
    report = SoakReport(seconds=seconds, clients=clients)
    report.rss_start_kib = server.worker_rss_kib()
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    started = time.monotonic()

    def client_loop(index: int) -> None:
        client = _Client(server, stack, run, index, report, lock)
        try:
            while time.monotonic() < deadline:
                client.flow()
        finally:
            client.http.close()

    def sample_memory() -> None:
        """Total worker RSS every RSS_SAMPLE_SECONDS: growth that levels off is warm-up, not a leak."""
        while time.monotonic() < deadline:
            report.rss_over_time.append((round(time.monotonic() - started), sum(server.worker_rss_kib().values())))
            time.sleep(min(RSS_SAMPLE_SECONDS, max(0.0, deadline - time.monotonic())))

    with ThreadPoolExecutor(max_workers=clients + 1) as pool:
        futures = [pool.submit(client_loop, index) for index in range(clients)] + [pool.submit(sample_memory)]
        for future in futures:
            future.result()
    report.seconds = time.monotonic() - started
    report.rss_end_kib = server.worker_rss_kib()
    report.users_in_database = stack.user_count(f"soak-{run}-%")
    return report


def main() -> int:
    seconds = float(os.environ.get("SOAK_SECONDS", "60"))
    clients = int(os.environ.get("SOAK_CLIENTS", "16"))
    with running_stack() as stack:
        server = stack.gunicorn(workers=int(os.environ.get("SOAK_WORKERS", "3")), threads=4)
        report = soak(stack, server, seconds, clients)
    print(json.dumps(report.summary(), indent=2))
    healthy = not report.server_errors and report.users_in_database == report.signups_created
    print("soak: " + ("OK" if healthy else "FAILED"), file=sys.stderr)
    return 0 if healthy else 1


if __name__ == "__main__":
    sys.exit(main())
