"""The database schema for a service run in child processes, made as production makes it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def migrate(env: dict[str, str]) -> None:
    """`flask db upgrade` in a child process, as the chart's migration Job runs it; `env` names the database."""
    subprocess.run([str(BIN / "flask"), "--app", "app", "db", "upgrade"], cwd=ROOT, env={**os.environ, **env},
                   check=True, capture_output=True)
