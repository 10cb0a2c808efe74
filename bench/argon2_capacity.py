"""Baseline B: how many Argon2 verifies per second these cores can do at all.

The service's own `Passwords` with its configured parameters (the defaults
unless ARGON2_* say otherwise), one process per core, all starting together;
login can be no faster than this, so its throughput is reported against it.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from typing import Any

from app.config import Settings
from app.services.passwords import Passwords

PASSWORD = "bench passphrase 7d1c"  # noqa: S105 - a benchmark input, not a secret


def _verify_loop(params: tuple[int, int, int], seconds: float, start: Any, results: Any) -> None:
    passwords = Passwords(*params)
    stored = passwords.hash(PASSWORD)
    start.wait()
    began, cpu_began = time.perf_counter(), time.process_time()
    done = 0
    while time.perf_counter() - began < seconds:
        if not passwords.verify(stored, PASSWORD):
            raise RuntimeError("argon2 verify failed on its own hash")
        done += 1
    results.put((done, time.perf_counter() - began, time.process_time() - cpu_began))


def capacity(settings: Settings, seconds: float, processes: int | None = None) -> dict[str, Any]:
    processes = processes or os.cpu_count() or 1
    params = (settings.ARGON2_TIME_COST, settings.ARGON2_MEMORY_COST_KIB, settings.ARGON2_PARALLELISM)
    ctx = multiprocessing.get_context("spawn")
    start, results = ctx.Barrier(processes), ctx.Queue()
    workers = [ctx.Process(target=_verify_loop, args=(params, seconds, start, results)) for _ in range(processes)]
    for worker in workers:
        worker.start()
    counts = [results.get(timeout=seconds + 120) for _ in workers]
    for worker in workers:
        worker.join()
    hasher = Passwords(*params)._hasher
    return {
        "processes": processes,
        "seconds": seconds,
        "verifies": sum(n for n, _, _ in counts),
        "verifies_per_s": round(sum(n / elapsed for n, elapsed, _ in counts), 1),
        "ms_per_verify_per_process": round(1000 * sum(elapsed / n for n, elapsed, _ in counts) / len(counts), 1),
        # CPU of all the verify's lanes (argon2 runs them on threads): comparable to login's server CPU.
        "cpu_ms_per_verify": round(1000 * sum(cpu for _, _, cpu in counts) / sum(n for n, _, _ in counts), 1),
        "params": {"time_cost": hasher.time_cost, "memory_cost_kib": hasher.memory_cost,
                   "parallelism": hasher.parallelism},
    }
