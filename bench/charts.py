"""PNG charts for docs/benchmarks.md (matplotlib, no display needed)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402 - the backend must be chosen first

from bench.analysis import TARGETS, baseline_a, find, levels, primary_runs, ratios  # noqa: E402

LOADED = ("baseline-a", "auth-check", "refresh", "send-otp", "validate-otp")
ARGON2 = ("login", "signup", "flow")


def throughput(results: dict[str, Any], path: Path) -> None:
    runs = primary_runs(results)
    fig, (fast, slow) = plt.subplots(1, 2, figsize=(11, 4.2), gridspec_kw={"width_ratios": [5, 3]})
    for axis, names in ((fast, LOADED), (slow, ARGON2)):
        shown = [n for n in names if n == "baseline-a" or find(runs, n, levels(results, n)[0])]
        for offset, level in ((-0.2, 0), (0.2, 1)):
            rates = [_rate(runs, n, levels(results, n)[level]) for n in shown]
            c = levels(results, shown[0])[level] if shown else 0
            axis.bar([i + offset for i in range(len(shown))], rates, width=0.4,
                     label=f"{('fixed', 'saturation')[level]}: {c} connections")
        axis.set_xticks(range(len(shown)), shown, rotation=20)
        axis.grid(axis="y", alpha=0.3)
    b = results.get("baseline_b", {}).get("verifies_per_s")
    if b:
        slow.axhline(b, color="black", linestyle="--", linewidth=1, label=f"baseline B: {b:.0f} verifies/s")
    fast.set_ylabel("requests/s (flows/s for flow)")
    fast.set_title("Redis-backed endpoints vs baseline A")
    slow.set_title("Argon2-bound endpoints vs baseline B")
    fast.legend(fontsize=8)
    slow.legend(fontsize=8)
    _save(fig, path, results)


def _rate(runs: list[dict[str, Any]], name: str, c: int) -> float:
    return baseline_a(runs, c)["rps"] if name == "baseline-a" else (find(runs, name, c) or {}).get("rps", 0)


def latency(results: dict[str, Any], path: Path) -> None:
    runs = primary_runs(results)
    names = [n for n in (*LOADED, *ARGON2) if n == "baseline-a" or find(runs, n, levels(results, n)[0])]
    fig, axis = plt.subplots(figsize=(10, 4.2))
    for offset, key in ((-0.27, "p50"), (0, "p95"), (0.27, "p99")):
        values = []
        for n in names:
            fixed = levels(results, n)[0]
            run = find(runs, n, fixed) or next((r for r in runs if r["target"] == n and r["concurrency"] == fixed), {})
            values.append(run.get("latency_ms", {}).get(key, 0))
        axis.bar([i + offset for i in range(len(names))], values, width=0.27, label=key)
    axis.set_yscale("log")
    axis.set_xticks(range(len(names)), [f"{n}\n(c={levels(results, n)[0]})" for n in names])
    axis.set_ylabel("milliseconds (log)")
    axis.set_title("Latency at the fixed concurrency")
    axis.grid(axis="y", alpha=0.3, which="both")
    axis.legend()
    _save(fig, path, results)


def ratio_chart(results: dict[str, Any], path: Path) -> None:
    rows = ratios(results)
    fig, axis = plt.subplots(figsize=(8, 3.8))
    names = [r["endpoint"] for r in rows]
    for offset, key, label in ((-0.27, "fixed", "req/s, fixed concurrency"), (0, "saturation", "req/s, saturation"),
                               (0.27, "saturation_cpu", "server CPU per request")):
        axis.bar([i + offset for i in range(len(rows))], [r.get(key) or 0 for r in rows], width=0.27, label=label)
    for i, r in enumerate(rows):
        axis.hlines(TARGETS[r["endpoint"]][1], i - 0.45, i + 0.45, colors="red", linewidth=2,
                    label="target" if i == 0 else None)
    axis.set_xticks(range(len(rows)), [f"{n}\nvs {r['baseline']}" for n, r in zip(names, rows, strict=True)])
    axis.set_ylabel("share of the baseline's throughput")
    axis.set_title("Ratios to the baselines (same run)")
    axis.grid(axis="y", alpha=0.3)
    axis.legend(fontsize=8)
    _save(fig, path, results)


def scaling(results: dict[str, Any], path: Path) -> None:
    runs = [r for r in results["runs"] if r["concurrency"] == levels(results, r["target"])[1]]
    targets = results["plan"]["scaling_endpoints"]
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    for axis, names in ((axes[0], [t for t in targets if t != "login"]), (axes[1], ["login"])):
        for color, name in enumerate(names):
            for kind, style in (("gthread", "-"), ("sync", "--")):
                workers = sorted({r["workers"] for r in runs if r["target"] == name and r["worker_class"] == kind})
                points = [(w, _rate([r for r in runs if r["workers"] == w and r["worker_class"] == kind], name,
                                    levels(results, name)[1])) for w in workers]
                if points:
                    axis.plot(*zip(*points, strict=True), style, marker="o", color=f"C{color}",
                              label=f"{name} ({kind})")
        axis.set_xlabel("gunicorn workers")
        axis.set_xticks([1, 2, 4])
        axis.set_ylabel("requests/s")
        axis.grid(alpha=0.3)
        if axis.get_legend_handles_labels()[0]:
            axis.legend(fontsize=7)
    axes[0].set_title(f"Scaling at saturation ({results['meta']['cpus']} cores)")
    axes[1].set_title("login (Argon2-bound)")
    _save(fig, path, results)


def _save(fig: Any, path: Path, results: dict[str, Any]) -> None:
    meta = results["meta"]
    fig.text(0.99, 0.01, f"{meta['started_at']} · {meta['cpus']} cores · {meta['git_commit']}", ha="right",
             fontsize=7, color="gray")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)


def render_all(results: dict[str, Any], folder: Path) -> list[Path]:
    made = []
    for name, draw in (("throughput", throughput), ("latency", latency), ("ratios", ratio_chart),
                       ("scaling", scaling)):
        path = folder / f"bench-{name}.png"
        draw(results, path)
        made.append(path)
    return made
