"""CPU per request inside the app, without HTTP: for A/B tests of a code change.

    python -m bench.inproc [auth-check send-otp ...] [--requests 2000]

Builds the WSGI environ of every request first, then calls the app with each
and counts the process's CPU time (Redis's own work is not in it). Baseline A's
app is measured the same way. Less noisy than requests/s on a shared machine,
so small changes show; `make bench` remains the measure of record.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.test import EnvironBuilder

from bench.endpoints import BASELINE_A, ENDPOINTS, Request
from bench.servers import database
from bench.session import bench_env
from tests.support.migrations import migrate
from tests.support.servers import RedisProcess

FAST = ("auth-check", "refresh", "send-otp", "validate-otp")


def _environ(request: Request, n: int) -> dict[str, Any]:
    builder = EnvironBuilder(path=request["path"], method=request["method"], headers=request["headers"],
                             data=request["body"].replace("{n}", str(n)), environ_base={"REMOTE_ADDR": "127.0.0.1"})
    try:
        return builder.get_environ()
    finally:
        builder.close()


def cpu_per_request(app: Flask, requests: list[Request], count: int, expected: int) -> float:
    """Microseconds of this process's CPU per request."""
    environs = [_environ(requests[i % len(requests)], i) for i in range(count)]
    return _timed(app, environs, expected)


def _timed(app: Flask, environs: list[dict[str, Any]], expected: int) -> float:
    statuses: list[str] = []

    def start_response(status: str, _headers: Any, _exc: Any = None) -> None:
        statuses.append(status)

    began = time.process_time()
    for environ in environs:
        body = app(environ, start_response)
        for _ in body:
            pass
        body.close()  # type: ignore[attr-defined]
    spent = time.process_time() - began
    wrong = [s for s in statuses if not s.startswith(str(expected))]
    if wrong:
        raise RuntimeError(f"unexpected answers: {wrong[:3]}")
    return 1e6 * spent / len(environs)


def interleaved(app: Flask, requests: list[Request], expected: int, baseline: Flask, batches: int,
                size: int) -> tuple[float, float]:
    """Median µs per request of the endpoint and of baseline A, measured in alternating batches
    so that both see the same machine; medians shrug off batches that other work disturbed."""
    mine, theirs = [], []
    for b in range(batches):
        theirs.append(cpu_per_request(baseline, [BASELINE_A], size, 200))
        chunk = [_environ(requests[(b * size + i) % len(requests)], b * size + i) for i in range(size)]
        mine.append(_timed(app, chunk, expected))
    return statistics.median(mine), statistics.median(theirs)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("endpoints", nargs="*", default=list(FAST))
    parser.add_argument("--batches", type=int, default=15)
    parser.add_argument("--size", type=int, default=200)
    args = parser.parse_args()
    from bench.baseline_app import create_app as baseline_app
    from bench.fixtures import Fixtures

    with tempfile.TemporaryDirectory(prefix="otp-auth-inproc-") as tmp, ExitStack() as stack:
        redis_server = RedisProcess().start()
        stack.callback(redis_server.close)
        _, db_url = stack.enter_context(database(Path(tmp)))
        env = bench_env(redis_server.url, db_url, Path(tmp) / "outbox.jsonl")
        migrate(env)
        # The service logs as in production (its access line included), into the void.
        void = stack.enter_context(open(os.devnull, "w"))  # noqa: SIM115 - open for the whole run
        with contextlib.redirect_stderr(void):
            fixtures = Fixtures.start(env, log_level="INFO")
        stack.callback(fixtures.close)
        accounts = fixtures.accounts(256, "inproc")
        os.environ["REDIS_URL"] = redis_server.url
        baseline = baseline_app()
        cpu_per_request(baseline, [BASELINE_A], 200, 200)  # warm-up
        count = args.batches * args.size
        for name in args.endpoints:
            endpoint = ENDPOINTS[name]
            requests = endpoint.requests(fixtures, accounts, count)
            mine, theirs = interleaved(fixtures.app, requests, endpoint.ok_status, baseline, args.batches, args.size)
            print(f"{name:<14} {mine:6.0f} µs CPU/request; baseline A {theirs:4.0f} µs; A/this = {theirs / mine:4.2f}",
                  flush=True)


if __name__ == "__main__":
    main()
