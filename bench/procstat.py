"""CPU seconds a set of processes has used so far (from /proc, Linux only).

Server CPU per request is a counter, not a clock: other work on the machine
slows a run down but barely changes how much CPU each request costs.
"""

from __future__ import annotations

import os
from pathlib import Path

_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        stat = Path(f"/proc/{pid}/stat")
        if not stat.exists():
            continue
        # Fields after the command name (which may contain spaces): utime and stime are the 12th and 13th.
        fields = stat.read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total / _TICKS


def loadavg() -> float:
    return float(Path("/proc/loadavg").read_text().split()[0])
