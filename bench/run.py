"""`make bench`: every measurement in one run on one machine, written as JSON.

    python -m bench.run [--quick] [--endpoints auth-check,login] [--out docs/bench-results.json]

Order: the service and baseline A under the primary worker config (baseline A
first and again after each endpoint compared with it, so every ratio has A
measured just before and just after; baseline B, the Argon2 capacity, right
after login so both see the machine alike), the scaling configs, then the
per-request cost counters.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from app.services.clock import isoformat_z
from bench.analysis import TARGETS
from bench.argon2_capacity import capacity
from bench.costs import cost_table
from bench.endpoints import ARGON2_BOUND, LOADED
from bench.jwt_bench import compare_formats, local_verification
from bench.procstat import loadavg
from bench.servers import ROOT, WorkerConfig, database
from bench.session import Session
from tests.support.servers import RedisProcess

COMPARED_WITH_A = tuple(name for name, (base, _) in TARGETS.items() if base == "A")
PRIMARY = WorkerConfig(workers=2, worker_class="gthread", threads=4)
SCALING = tuple(WorkerConfig(workers=w, worker_class=k, threads=4)
                for k in ("sync", "gthread") for w in (1, 2, 4))


@dataclass(frozen=True)
class Plan:
    seconds: float = 2.0
    warmup: float = 0.5
    fixed_concurrency: int = 8
    saturation_concurrency: int = 32
    # Argon2-bound endpoints fill both cores with a few requests in flight; more only queue.
    argon2_fixed_concurrency: int = 2
    argon2_saturation_concurrency: int = 8
    endpoints: tuple[str, ...] = LOADED
    flow: bool = True
    scaling: tuple[WorkerConfig, ...] = SCALING
    scaling_endpoints: tuple[str, ...] = ("baseline-a", "auth-check", "send-otp", "login")
    scaling_seconds: float = 1.5
    argon2_seconds: float = 4.0
    cost_requests: int = 20
    jwt: bool = True  # auth/check and /me with JWTs beside opaque tokens; local verification µs


QUICK = Plan(seconds=1.5, warmup=0.3, fixed_concurrency=4, saturation_concurrency=8, endpoints=("auth-check",),
             flow=False, scaling=(), argon2_seconds=0, cost_requests=0, jwt=False)


def levels(plan: Plan, target: str) -> tuple[int, int]:
    """(fixed, saturation) connections for `target`."""
    if target in ARGON2_BOUND:
        return plan.argon2_fixed_concurrency, plan.argon2_saturation_concurrency
    return plan.fixed_concurrency, plan.saturation_concurrency


def _primary(session: Session, plan: Plan) -> dict[str, Any] | None:
    """Returns baseline B, measured right after login so that both see the machine alike."""
    argon2 = None
    with ExitStack() as stack:
        service, baseline = session.servers(stack, PRIMARY)
        rate = {c: session.load(baseline, "baseline-a", c, plan.seconds, plan.warmup, phase="before")["rps"]
                for c in levels(plan, "baseline-a")}
        for name in (*plan.endpoints, *(("flow",) if plan.flow else ())):
            # Argon2-bound requests take a few a second per core: a longer run gives them enough samples.
            seconds = plan.seconds * (2 if name in ARGON2_BOUND else 1)
            for c in levels(plan, name):
                session.load(service, name, c, seconds, plan.warmup, expected_rps=rate.get(c, 0))
                if name in COMPARED_WITH_A:
                    # Baseline A again right after, so each ratio has A measured on either side of it.
                    session.load(baseline, "baseline-a", c, plan.seconds, plan.warmup, phase="between")
            if name == "login" and plan.argon2_seconds:
                argon2 = capacity(session.fixtures.settings, plan.argon2_seconds)  # the servers idle meanwhile
        if plan.jwt:
            compare_formats(session, service, PRIMARY, plan.fixed_concurrency, plan.seconds, plan.warmup)
    return argon2


def _scaling(session: Session, plan: Plan) -> None:
    for config in plan.scaling:
        if config == PRIMARY:
            continue  # measured above, at the same concurrency
        with ExitStack() as stack:
            service, baseline = session.servers(stack, config)
            c = levels(plan, "baseline-a")[1]
            rate = session.load(baseline, "baseline-a", c, plan.scaling_seconds, plan.warmup)["rps"]
            for name in plan.scaling_endpoints:
                if name != "baseline-a":
                    seconds = plan.scaling_seconds * (1.5 if name in ARGON2_BOUND else 1)
                    session.load(service, name, levels(plan, name)[1], seconds, plan.warmup, expected_rps=rate)


def _meta(db_kind: str) -> dict[str, Any]:
    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
        return done.stdout.strip()

    cpu_model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                      if line.startswith("model name")), platform.processor())
    redis_version = subprocess.run(["redis-server", "--version"], capture_output=True, text=True).stdout.split()
    return {
        "started_at": isoformat_z(datetime.now(UTC)),
        "cpus": os.cpu_count(),
        "cpu_model": cpu_model,
        "python": platform.python_version(),
        "redis_server": next((word for word in redis_version if word.startswith("v=")), "?")[2:],
        "database": db_kind,
        "git_commit": git("rev-parse", "--short", "HEAD") + ("+dirty" if git("status", "--porcelain", "app") else ""),
        "loadavg_at_start": loadavg(),
    }


def run(plan: Plan, out: Path) -> dict[str, Any]:
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="otp-auth-bench-") as tmp:
        folder = Path(tmp)
        redis_server = RedisProcess().start()
        try:
            with database(folder) as (db_kind, db_url):
                results: dict[str, Any] = {"meta": _meta(db_kind), "plan": asdict(plan),
                                           "primary_config": asdict(PRIMARY)}
                session = Session(folder, redis_server.url, redis_server.proc.pid, db_url)  # type: ignore[union-attr]
                try:
                    argon2 = _primary(session, plan)
                    _scaling(session, plan)
                    results["runs"] = session.records
                    if argon2 is not None:
                        results["baseline_b"] = argon2
                    if plan.jwt:
                        results["jwt_local_verification"] = local_verification()
                    if plan.cost_requests:
                        results["costs"] = cost_table(session.fixtures, session.accounts, plan.cost_requests,
                                                      server_is_private=True)
                finally:
                    session.close()
        finally:
            redis_server.close()
    results["meta"].update(loadavg_at_end=loadavg(), wall_seconds=round(time.monotonic() - started, 1))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=1) + "\n")
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a few seconds on auth/check only (smoke test)")
    parser.add_argument("--endpoints", help="comma-separated subset of " + ",".join(LOADED))
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "bench-results.json")
    args = parser.parse_args(argv)
    plan = QUICK if args.quick else Plan()
    if args.endpoints:
        plan = replace(plan, endpoints=tuple(args.endpoints.split(",")))
    results = run(plan, args.out)
    print(f"wrote {args.out} in {results['meta']['wall_seconds']} s", file=sys.stderr)


if __name__ == "__main__":
    main()
