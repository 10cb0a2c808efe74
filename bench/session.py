"""One benchmark session: private Redis, throwaway database, fixtures, and the
load runs against gunicorn servers started with a given worker config."""

from __future__ import annotations

import json
import math
import secrets
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from dataclasses import asdict
from pathlib import Path
from typing import Any

from bench.endpoints import BASELINE_A, ENDPOINTS, REUSED, Request
from bench.fixtures import Fixtures
from bench.procstat import cpu_seconds, loadavg
from bench.servers import ROOT, EventWorker, Gunicorn, WorkerConfig
from tests.support.migrations import migrate

SERVICE_APP = "app:create_app()"
BASELINE_APP = "bench.baseline_app:create_app()"
FLOW_ACCOUNTS = 64


def bench_env(redis_url: str, database_url: str, outbox: Path) -> dict[str, str]:
    """The service's settings for a run: production mode, file SMS outbox, default Argon2.
    Per-IP and per-phone limits are raised and the resend cooldown dropped so that
    limits, which are not what is measured, never answer instead of the endpoint."""
    return {
        "APP_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "REDIS_URL": redis_url,
        "REDIS_KEY_PREFIX": "bench:",
        "DATABASE_URL": database_url,
        "SMS_BACKEND": "file",
        "SMS_OUTBOX_FILE": str(outbox),
        "EMAIL_BACKEND": "file",
        "EMAIL_OUTBOX_FILE": str(outbox.with_name("email-outbox.jsonl")),
        "LOG_LEVEL": "info",
        "LOGIN_RATE_LIMIT_PER_IP": "1000000/minute",
        "SIGNUP_RATE_LIMIT_PER_IP": "1000000/minute",
        "OTP_RESEND_COOLDOWN_SECONDS": "0",
        "OTP_MAX_SENDS_PER_LOGIN": "1000000",
        "OTP_MAX_SENDS_PER_PHONE_PER_HOUR": "1000000",
        # Raised, not switched off: the budget and per-IP checks still run inside the send script.
        "SEND_OTP_RATE_LIMIT_PER_IP": "100000000/hour",
        "SMS_MAX_PER_HOUR": "100000000",
        # The bench resends codes it never verifies: the guard counts and judges them (its work is measured)
        # but only records its decision, so the synthetic traffic is never refused.
        "SMS_GUARD_MODE": "record",
    }


class Session:
    def __init__(self, folder: Path, redis_url: str, redis_pid: int, database_url: str) -> None:
        self.folder = folder
        self.redis_pid = redis_pid
        self.outbox = folder / "outbox.jsonl"
        self.env = bench_env(redis_url, database_url, self.outbox)
        migrate(self.env)
        self.fixtures = Fixtures.start(self.env)
        self.worker = EventWorker(self.env, folder / "event-worker.log")
        self.accounts = self.fixtures.accounts(REUSED, "pool")
        self.flow_accounts = self.fixtures.accounts(FLOW_ACCOUNTS, "flow")
        self._reused: dict[str, list[Request]] = {}
        self.records: list[dict[str, Any]] = []

    def servers(self, stack: ExitStack, config: WorkerConfig) -> tuple[Gunicorn, Gunicorn]:
        """Starts the service and baseline A side by side (an idle server costs nothing)."""
        logs = self.folder / f"gunicorn-{config.label.replace(' ', '_')}.log"
        service = Gunicorn(SERVICE_APP, config, self.env, logs)
        stack.callback(service.stop)
        baseline = Gunicorn(BASELINE_APP, config, self.env, logs)
        stack.callback(baseline.stop)
        service.wait_ready("/healthz")
        baseline.wait_ready("/baseline")
        return service, baseline

    def requests_for(self, name: str, expected_rps: float, seconds: float) -> list[Request]:
        endpoint = ENDPOINTS[name]
        if endpoint.mode == "cycle":
            if name not in self._reused:
                self._reused[name] = endpoint.requests(self.fixtures, self.accounts, REUSED)
            return self._reused[name]
        # Spent tokens: enough for the run at baseline A's rate, which the endpoint does not beat;
        # should they run out, the run ends there and its measured seconds say so.
        count = max(300, min(20000, math.ceil(expected_rps * seconds)))
        return endpoint.requests(self.fixtures, self.accounts, count)

    def load(self, server: Gunicorn, target: str, concurrency: int, seconds: float, warmup: float,
             expected_rps: float = 1500.0, phase: str = "", requests: list[Request] | None = None) -> dict[str, Any]:
        began = time.monotonic()
        spec: dict[str, Any] = {"port": server.port, "concurrency": concurrency, "duration": seconds,
                                "warmup": warmup}
        if target == "baseline-a":
            spec.update(requests=[BASELINE_A], mode="cycle", ok_statuses=[200])
        elif target == "flow":
            spec["flow"] = {"users": [{"email": a.email, "password": a.password, "phone": a.phone}
                                      for a in self.flow_accounts], "outbox": str(self.outbox)}
        else:
            endpoint = ENDPOINTS[target]
            spec.update(requests=requests or self.requests_for(target, expected_rps, seconds), mode=endpoint.mode,
                        ok_statuses=[endpoint.ok_status])
        pids = [server.proc.pid, *server.worker_pids()]
        self.worker.wait_settled()  # the events of the fixtures are not this run's
        load_before, cpu_before, redis_before = loadavg(), cpu_seconds(pids), cpu_seconds([self.redis_pid])
        drain_before = cpu_seconds([self.worker.proc.pid])
        result = _loadgen(spec, self.folder)
        server_cpu, redis_cpu = cpu_seconds(pids) - cpu_before, cpu_seconds([self.redis_pid]) - redis_before
        self.worker.wait_settled()  # ... and this run's events are written before the drain's CPU is read
        drain_cpu = cpu_seconds([self.worker.proc.pid]) - drain_before
        completed = max(result["completed"], 1)
        record = {
            "target": target, "phase": phase, **asdict(server.config), "config": server.config.label, **result,
            "server_cpu_ms_per_request": round(1000 * server_cpu / completed, 3),
            "redis_cpu_ms_per_request": round(1000 * redis_cpu / completed, 3),
            # The event drain worker (its own process, as in production), not in server CPU.
            "drain_cpu_ms_per_request": round(1000 * drain_cpu / completed, 3),
            "loadavg_before": load_before,
            "wall_seconds": round(time.monotonic() - began, 1),  # set-up of its tokens included
        }
        self.records.append(record)
        print(f"  {server.config.label:<22} {target:<13} c={concurrency:<3} {result['rps']:>8.1f} req/s  "
              f"p50 {result['latency_ms']['p50']:>7.2f} ms  p99 {result['latency_ms']['p99']:>7.2f} ms  "
              f"cpu {record['server_cpu_ms_per_request']:.2f} ms/req  drain {record['drain_cpu_ms_per_request']:.2f}  "
              f"statuses {result['statuses']}",
              file=sys.stderr, flush=True)
        return record

    def close(self) -> None:
        self.worker.stop()
        self.fixtures.close()


def _loadgen(spec: dict[str, Any], folder: Path) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile("w", suffix=".json", dir=folder, delete=False) as handle:
        json.dump(spec, handle)
    done = subprocess.run([sys.executable, "-m", "bench.loadgen", handle.name], cwd=ROOT, capture_output=True,
                          text=True, timeout=float(spec["duration"]) + 120)
    Path(handle.name).unlink()
    if done.returncode != 0:
        raise RuntimeError(f"load generator failed: {done.stderr[-2000:]}")
    return json.loads(done.stdout)  # type: ignore[no-any-return]
