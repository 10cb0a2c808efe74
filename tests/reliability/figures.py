"""Measures what the fault tests only assert: how long each outage answer takes through a
real gunicorn with the default timeouts, and how soon the service is back. Prints the
Markdown tables of docs/reliability.md. Run: `make reliability-figures`."""

from __future__ import annotations

import os
import statistics
import time
from collections import Counter
from collections.abc import Callable

import psycopg

from tests.reliability.kill import signups_through_a_worker_kill
from tests.reliability.load import outcome
from tests.reliability.probes import call, database_probes, redis_probes
from tests.reliability.stack import Stack, running_stack
from tests.support.flow import AuthFlow, bearer
from tests.support.gunicorn import GunicornProcess
from tests.support.http_client import HttpClient

ROUNDS = int(os.environ.get("FIGURES_ROUNDS", "3"))
# The production defaults, not the suite's shortened SMS timeout.
DEFAULTS = {"SMS_TIMEOUT_SECONDS": "5.0"}

Probe = tuple[str, str, dict]


def timed(client: HttpClient, request: Probe) -> tuple[str, float]:
    started = time.perf_counter()
    try:
        response = call(client, request)
    except Exception as error:  # noqa: BLE001 - a figure, whatever came back
        return type(error).__name__, time.perf_counter() - started
    return outcome(response), time.perf_counter() - started


def row(fault: str, samples: list[tuple[str, float]], ready: tuple[str, float]) -> str:
    seconds = [s for _, s in samples]
    answers = ", ".join(f"{k} ×{n}" for k, n in sorted(Counter(k for k, _ in samples).items()))
    return (f"| {fault} | {len(samples)} | {answers} | {statistics.median(seconds):.3f} | "
            f"{max(seconds):.3f} | {ready[0]} in {ready[1]:.3f} |")


def recovery(client: HttpClient, flow: AuthFlow) -> str:
    """Seconds from the dependency being back to the first ready check and the first signup."""
    started = time.perf_counter()
    while client.get("/readyz").status_code != 200:
        time.sleep(0.01)
    ready = time.perf_counter() - started
    flow.signup()
    return f"ready after {ready:.3f} s, first signup 201 after {time.perf_counter() - started:.3f} s"


def outage(stack: Stack, client: HttpClient, flow: AuthFlow, name: str, probes: Callable[[], dict[str, Probe]],
           breaks: Callable[[], None], heals: Callable[[], None], rows: list[str], notes: list[str],
           rounds: int = ROUNDS) -> None:
    prepared = [probes() for _ in range(rounds)]
    breaks()
    samples = [timed(client, request) for batch in prepared for request in batch.values()]
    ready = timed(client, ("GET", "/readyz", {}))
    heals()
    rows.append(row(name, samples, ready))
    notes.append(f"- {name}: {recovery(client, flow)}")


def collect(stack: Stack, server: GunicornProcess) -> tuple[list[str], list[str]]:
    client = HttpClient(server.url)
    flow = AuthFlow(client, stack.sms)
    rows: list[str] = []
    notes: list[str] = []

    def session_probes(kind: Callable[..., dict[str, Probe]]) -> Callable[[], dict[str, Probe]]:
        def build() -> dict[str, Probe]:
            pair = flow.signed_in()
            return kind(flow, pair["user"], pair)
        return build

    outage(stack, client, flow, "Redis stopped", session_probes(redis_probes),
           stack.redis.stop, stack.redis.start, rows, notes)
    outage(stack, client, flow, "Redis frozen (SIGSTOP)", session_probes(redis_probes),
           stack.redis.pause, stack.redis.resume, rows, notes)
    outage(stack, client, flow, "PostgreSQL stopped", session_probes(database_probes),
           stack.postgres.stop, stack.postgres.start, rows, notes)

    locker = psycopg.connect(stack.database_url)
    outage(stack, client, flow, "users table locked (statement timeout)",
           lambda: {"signup": ("POST", "/api/v1/signup", {"json": flow.new_identity()})},
           lambda: locker.execute("LOCK TABLE users IN ACCESS EXCLUSIVE MODE"), locker.commit, rows, notes)
    locker.close()

    def sms_probes() -> dict[str, Probe]:
        pre = flow.login(flow.signup())
        return {"send-otp": ("POST", "/api/v1/send-otp", {"headers": bearer(pre)})}

    outage(stack, client, flow, "SMS provider 500", sms_probes,
           lambda: stack.sms.set_mode("fail"), lambda: stack.sms.set_mode("ok"), rows, notes)
    outage(stack, client, flow, "SMS provider hangs", sms_probes,
           lambda: stack.sms.set_mode("hang"), lambda: stack.sms.set_mode("ok"), rows, notes)

    # A frozen database host: the server's statement_timeout cannot fire, the client-side bound does.
    frozen: list[int] = []
    outage(stack, client, flow, "PostgreSQL frozen (SIGSTOP, all processes)",
           lambda: {"signup": ("POST", "/api/v1/signup", {"json": flow.new_identity(), "timeout": 60})},
           lambda: frozen.extend(stack.postgres.freeze()), lambda: stack.postgres.thaw(frozen), rows, notes)
    server.wait_until_all_workers_serve(timeout=120)

    kill = signups_through_a_worker_kill(stack, server)
    notes.append(f"- worker SIGKILL during signups: {kill.summary()}")
    client.close()
    return rows, notes


def main() -> None:
    with running_stack() as stack:
        server = stack.gunicorn(workers=3, threads=4, **DEFAULTS)
        rows, notes = collect(stack, server)
    print("| fault | API requests | answers | median s | max s | /readyz |")
    print("|---|---|---|---|---|---|")
    print("\n".join(rows))
    print()
    print("\n".join(notes))


if __name__ == "__main__":
    main()
