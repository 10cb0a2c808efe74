"""gunicorn hooks for multiprocess metrics. gunicorn.conf.py imports them:

    from app.observability.gunicorn_hooks import child_exit, on_starting  # noqa: F401

or, without a config file: `gunicorn -c python:app.observability.gunicorn_hooks ...`.
They act only when PROMETHEUS_MULTIPROC_DIR is set (docs/operations.md).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Protocol

from prometheus_client import multiprocess

_DIR_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"


class _Worker(Protocol):
    """What child_exit reads of gunicorn's worker (gunicorn ships no type hints)."""

    pid: int


def on_starting(server: object) -> None:
    """In the master, before any worker: an empty directory, so counts of an earlier run
    (same pids after a container restart) never leak into this one."""
    path = os.environ.get(_DIR_VARIABLE)
    if not path:
        return
    folder = Path(path)
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.db"):
        stale.unlink(missing_ok=True)


def child_exit(server: object, worker: _Worker) -> None:
    """In the master, when a worker exits: drop its live gauges (its counters stay counted)."""
    if os.environ.get(_DIR_VARIABLE):
        multiprocess.mark_process_dead(worker.pid)
