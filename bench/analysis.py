"""Figures derived from a results file: baselines, ratios against the targets, capacity."""

from __future__ import annotations

import math
from statistics import mean
from typing import Any

from bench.endpoints import ARGON2_BOUND

# endpoint → (baseline, least acceptable ratio); from the project's issue 13 (issue 8 asked 0.70/0.50).
TARGETS: dict[str, tuple[str, float]] = {
    "auth-check": ("A", 0.85),
    "refresh": ("A", 0.70),
    "send-otp": ("A", 0.60),
    "validate-otp": ("A", 0.70),
    "login": ("B", 0.85),
}
# At most this many Redis round trips, and SQL allowed or not: since issue 13 their events ride the
# Redis step, so none of them touches the database.
COST_TARGETS: dict[str, tuple[int, str]] = {
    "auth-check": (1, "none"), "refresh": (1, "none"), "send-otp": (2, "none"), "validate-otp": (1, "none"),
    "logout": (1, "none"),
}
LOGINS_PER_HOUR = 1_000_000
HEADROOM = 0.6  # plan pods to run at 60% of measured capacity


def primary_runs(results: dict[str, Any]) -> list[dict[str, Any]]:
    primary = results["primary_config"]
    return [r for r in results["runs"] if r["workers"] == primary["workers"]
            and r["worker_class"] == primary["worker_class"] and r["threads"] == primary["threads"]]


def levels(results: dict[str, Any], target: str = "baseline-a") -> tuple[int, int]:
    """(fixed, saturation) connections that `target` was run at."""
    plan = results["plan"]
    if target in ARGON2_BOUND:
        return plan["argon2_fixed_concurrency"], plan["argon2_saturation_concurrency"]
    return plan["fixed_concurrency"], plan["saturation_concurrency"]


def find(runs: list[dict[str, Any]], target: str, concurrency: int) -> dict[str, Any] | None:
    return next((r for r in runs if r["target"] == target and r["concurrency"] == concurrency and not r["phase"]),
                None)


def baseline_a(runs: list[dict[str, Any]], concurrency: int) -> dict[str, float]:
    """Mean of the before and after runs: rps and server CPU per request."""
    mine = [r for r in runs if r["target"] == "baseline-a" and r["concurrency"] == concurrency]
    if not mine:
        return {"rps": 0.0, "cpu": 0.0, "spread": 0.0}
    rates = [r["rps"] for r in mine]
    return {"rps": mean(rates), "cpu": mean(r["server_cpu_ms_per_request"] for r in mine),
            "spread": (max(rates) - min(rates)) / max(mean(rates), 1e-9)}


def adjacent_a(runs: list[dict[str, Any]], run: dict[str, Any]) -> dict[str, float]:
    """Baseline A as measured just before and just after `run` (same concurrency), averaged."""
    at = runs.index(run)
    mine = [i for i, r in enumerate(runs) if r["target"] == "baseline-a" and r["concurrency"] == run["concurrency"]]
    near = [i for i in (max((i for i in mine if i < at), default=None), min((i for i in mine if i > at), default=None))
            if i is not None]
    if not near:
        return baseline_a(runs, run["concurrency"])
    return {"rps": mean(runs[i]["rps"] for i in near), "cpu": mean(runs[i]["server_cpu_ms_per_request"] for i in near)}


def ratios(results: dict[str, Any]) -> list[dict[str, Any]]:
    runs = primary_runs(results)
    rows = []
    b = results.get("baseline_b", {}).get("verifies_per_s", 0.0)
    for name, (base, target) in TARGETS.items():
        row: dict[str, Any] = {"endpoint": name, "baseline": base, "target": target}
        for label, c in zip(("fixed", "saturation"), levels(results, name), strict=True):
            run = find(runs, name, c)
            if run is None:
                continue
            if base == "A":
                a = adjacent_a(runs, run)
                row[label] = run["rps"] / a["rps"] if a["rps"] else None
                row[f"{label}_cpu"] = a["cpu"] / run["server_cpu_ms_per_request"] \
                    if run["server_cpu_ms_per_request"] else None
            else:
                row[label] = run["rps"] / b if b else None
                b_cpu = results.get("baseline_b", {}).get("cpu_ms_per_verify")
                row[f"{label}_cpu"] = b_cpu / run["server_cpu_ms_per_request"] if b_cpu else None
        if row.get("saturation") is not None:
            row["met"] = row["saturation"] >= target
            rows.append(row)
    return rows


def capacity(results: dict[str, Any]) -> dict[str, Any] | None:
    """Pods and Redis for LOGINS_PER_HOUR full sign-ins (login, send-otp, validate-otp, auth/check):
    pods from the flow's own rate at saturation, Redis from the counted cost of each step."""
    runs = primary_runs(results)
    flow = find(runs, "flow", levels(results, "flow")[1])
    costs = results.get("costs", {})
    if flow is None or not all(k in costs for k in ("login", "send-otp", "validate-otp", "auth-check")):
        return None
    per_second = LOGINS_PER_HOUR / 3600
    steps = ("login", "send-otp", "validate-otp", "auth-check")
    round_trips = sum(costs[s]["redis_round_trips"] for s in steps)
    commands = sum(costs[s].get("redis_commands", 0) for s in steps)
    redis_cpu_ms = sum((find(runs, s, levels(results, s)[1]) or {}).get("redis_cpu_ms_per_request", 0.0)
                       for s in steps)
    b = results.get("baseline_b", {})
    return {
        "logins_per_s": per_second,
        "flows_per_s_per_pod": flow["rps"],
        "pod_cores": results["meta"]["cpus"],
        "pods": math.ceil(per_second / (flow["rps"] * HEADROOM)) if flow["rps"] else None,
        # The floor whatever the code: a pod doing nothing but Argon2 on all its cores, at baseline B's
        # CPU per verify (steadier than B's verifies/s on a busy machine).
        "pods_at_argon2_limit": math.ceil(per_second * b["cpu_ms_per_verify"] / 1000 / results["meta"]["cpus"]
                                          / HEADROOM) if b else None,
        "redis_round_trips_per_s": per_second * round_trips,
        "redis_commands_per_s": per_second * commands,
        "redis_cpu_share": per_second * redis_cpu_ms / 1000,
    }
