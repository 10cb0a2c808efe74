"""Writes the generated part of docs/benchmarks.md and the charts from a results file.

    python -m bench.report [docs/bench-results.json]

Only the text between the two markers is replaced; the prose around it is kept.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from bench import jwt_bench
from bench.analysis import COST_TARGETS, baseline_a, capacity, find, levels, primary_runs, ratios
from bench.servers import ROOT

START, END = "<!-- bench:results:start -->", "<!-- bench:results:end -->"
ORDER = ("baseline-a", "auth-check", "refresh", "send-otp", "validate-otp", "login", "signup", "flow")


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.0f}%"


def header(results: dict[str, Any]) -> list[str]:
    meta, plan, cfg = results["meta"], results["plan"], results["primary_config"]
    busy = max(meta["loadavg_at_start"], meta.get("loadavg_at_end", 0)) > meta["cpus"]
    return [
        f"Run of {meta['started_at']} at commit `{meta['git_commit']}`: {meta['cpus']} cores ({meta['cpu_model']}), "
        f"Python {meta['python']}, Redis {meta['redis_server']}, {meta['database']}; {meta['wall_seconds']} s in all. "
        f"Load average {meta['loadavg_at_start']} at the start, {meta.get('loadavg_at_end', '?')} at the end"
        + (" — **the machine was busy with other work: absolute figures are low and noisy; the ratios, "
           "measured side by side in this run, are the figures to read.**" if busy else "."),
        "",
        f"Primary config: gunicorn `{cfg['worker_class']}`, {cfg['workers']} workers"
        + (f" × {cfg['threads']} threads" if cfg["worker_class"] == "gthread" else "")
        + f"; {plan['seconds']} s per run ({plan['warmup']} s warm-up not counted), at {plan['fixed_concurrency']} "
        f"connections (fixed) and {plan['saturation_concurrency']} (saturation); the Argon2-bound endpoints at "
        f"{plan['argon2_fixed_concurrency']} and {plan['argon2_saturation_concurrency']}, for twice as long. "
        "Server CPU per request is the CPU the gunicorn processes used during the run divided by the requests "
        "they answered: a counter that other work on the machine moves less than requests/s.",
        "",
    ]


def throughput_table(results: dict[str, Any]) -> list[str]:
    runs = primary_runs(results)
    lines = ["| endpoint | connections | req/s | p50 ms | p95 ms | p99 ms | server CPU ms/req | not 2xx |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for name in ORDER:
        for c in levels(results, name):
            picked = [r for r in runs if r["target"] == name and r["concurrency"] == c]
            for run in picked:
                label = f"{name} ({run['phase']})" if run["phase"] else name
                bad = sum(n for s, n in run["statuses"].items() if not s.startswith("2"))
                bad += sum(run["transport_errors"].values())
                lat = run["latency_ms"]
                lines.append(f"| {label} | {c} | {run['rps']:.0f} | {lat['p50']:.1f} | {lat['p95']:.1f} | "
                             f"{lat['p99']:.1f} | {run['server_cpu_ms_per_request']:.2f} | {bad} |")
    spread = max((baseline_a(runs, c)["spread"] for c in levels(results)), default=0)
    lines += ["", f"Baseline A's runs differed by up to {100 * spread:.0f}% (a measure of the machine's noise "
              "during this run). Each ratio below uses the baseline A runs just before and just after it."]
    return lines


def ratio_table(results: dict[str, Any]) -> list[str]:
    b = results.get("baseline_b")
    lines = []
    if b:
        p = b["params"]
        lines += [f"Baseline B: {b['verifies_per_s']:.1f} Argon2id verifies/s with {b['processes']} processes "
                  f"(time_cost {p['time_cost']}, memory {p['memory_cost_kib']} KiB, parallelism {p['parallelism']}; "
                  f"{b['ms_per_verify_per_process']} ms per verify per process, "
                  f"{b.get('cpu_ms_per_verify', '?')} ms of CPU).",
                  ""]
    lines += ["| endpoint | vs | fixed | saturation | by server CPU | target | met |",
              "|---|---|---:|---:|---:|---:|---|"]
    for row in ratios(results):
        lines.append(f"| {row['endpoint']} | {row['baseline']} | {_pct(row.get('fixed'))} | "
                     f"{_pct(row.get('saturation'))} | {_pct(row.get('saturation_cpu'))} | {_pct(row['target'])} | "
                     f"{'yes' if row['met'] else '**no**'} |")
    return lines


def cost_table(results: dict[str, Any]) -> list[str]:
    costs = results.get("costs")
    if not costs:
        return []
    lines = ["| endpoint | Redis round trips | Redis commands (Lua included) | SQL statements | SQL reads | "
             "SQL writes | commits | target |", "|---|---:|---:|---:|---:|---:|---:|---|"]
    for name, row in costs.items():
        limit = COST_TARGETS.get(name)
        target = f"≤ {limit[0]} round trips, SQL: {limit[1]}" if limit else ""
        lines.append(f"| {name} | {row['redis_round_trips']:g} | {row.get('redis_commands', 0):g} | "
                     f"{row['sql_statements']:g} | {row['sql_reads']:g} | {row['sql_writes']:g} | "
                     f"{row['sql_commits']:g} | {target} |")
    return lines


def scaling_table(results: dict[str, Any]) -> list[str]:
    names = results["plan"]["scaling_endpoints"]
    configs = sorted({(r["worker_class"], r["workers"]) for r in results["runs"]})
    if len(configs) < 2:
        return []
    heads = [f"{n} (c={levels(results, n)[1]})" for n in names]
    lines = ["| worker class | workers | " + " | ".join(heads) + " |", "|---|---:|" + "---:|" * len(names)]
    for kind, workers in configs:
        runs = [r for r in results["runs"] if r["worker_class"] == kind and r["workers"] == workers]
        cells = [f"{baseline_a(runs, levels(results, n)[1])['rps']:.0f}" if n == "baseline-a" else
                 f"{(find(runs, n, levels(results, n)[1]) or {}).get('rps', 0):.1f}" for n in names]
        lines.append(f"| {kind} | {workers} | " + " | ".join(cells) + " |")
    return lines


def capacity_text(results: dict[str, Any]) -> list[str]:
    cap = capacity(results)
    if cap is None:
        return []
    return [
        f"1,000,000 logins an hour is {cap['logins_per_s']:.0f} sign-ins a second (login, send-otp, validate-otp, "
        f"auth/check each). One {cap['pod_cores']}-core pod did {cap['flows_per_s_per_pod']:.1f} such sign-ins a "
        f"second in this run, so at 60% utilisation the average hour needs **{cap['pods']} such pods**. Pods that did "
        f"nothing but Argon2 verifies on every core, at baseline B's CPU per verify, would need "
        f"{cap['pods_at_argon2_limit']}: the floor for these Argon2 parameters whatever the code does. "
        "Size for the peak minute, not the hourly mean. The same traffic costs Redis about "
        f"{cap['redis_round_trips_per_s']:.0f} round trips and {cap['redis_commands_per_s']:.0f} commands a second, "
        f"about {100 * cap['redis_cpu_share']:.0f}% of one core by this run's Redis CPU per request: **one Redis "
        f"primary** (with a replica for failover) carries it with room to spare.",
    ]


def generated(results: dict[str, Any]) -> str:
    parts = [header(results), ["### Throughput and latency", ""], throughput_table(results),
             ["", "![throughput](img/bench-throughput.png)", "", "![latency](img/bench-latency.png)", "",
              "### Ratios and targets", ""], ratio_table(results), ["", "![ratios](img/bench-ratios.png)", "",
              "### Cost per request (counters)", ""], cost_table(results), ["", "### Scaling", ""],
             scaling_table(results), ["", "![scaling](img/bench-scaling.png)"], jwt_bench.table(results),
             ["", "### Capacity", ""], capacity_text(results)]
    return "\n".join(line for part in parts for line in part)


def write(results_path: Path, doc: Path) -> None:
    from bench.charts import render_all  # matplotlib only where charts are drawn

    results = json.loads(results_path.read_text())
    render_all(results, doc.parent / "img")
    text = doc.read_text() if doc.exists() else f"# Benchmarks\n\n{START}\n{END}\n"
    before, _, rest = text.partition(START)
    _, _, after = rest.partition(END)
    doc.write_text(f"{before}{START}\n{generated(results)}\n{END}{after}")


def main() -> None:
    results = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "bench-results.json"
    write(results, ROOT / "docs" / "benchmarks.md")


if __name__ == "__main__":
    main()
