"""`make cluster-up` / `make cluster-down`: the chart's topology on this machine.

Three gunicorn replicas started with the image's command and the settings the
Helm chart renders, one Redis, migrations run once as the hook Job runs them,
and nginx round-robin in front. Codes go to an outbox file (SMS_BACKEND=file).

    python scripts/cluster.py up     # prints the URL; DATABASE_URL picks PostgreSQL, else SQLite
    python scripts/cluster.py down   # stops every process `up` started
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import time
from pathlib import Path

from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.deploy.topology import LocalCluster  # noqa: E402 - needs the repository on sys.path

WORKDIR = ROOT / "instance" / "cluster"
STATE = WORKDIR / "state.json"


def up(replicas: int) -> int:
    if STATE.exists():
        print(f"a cluster is already up (see {STATE}); run `make cluster-down` first", file=sys.stderr)
        return 1
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{WORKDIR / 'otp-auth.db'}"
    cluster = LocalCluster(WORKDIR, database_url, replicas=replicas, detach=True).start()
    cluster.save_state()
    shown = make_url(database_url).render_as_string(hide_password=True)
    print(f"""otp-auth is up: {cluster.url}  ({replicas} replicas behind nginx, database {shown})
  curl -i {cluster.url}/readyz          # the X-Served-By header names the replica that answered
  codes sent by SMS:  tail -f {cluster.outbox}
  logs:               {WORKDIR}/*.log
  stop:               make cluster-down""")
    return 0


def down() -> int:
    if not STATE.exists():
        print("no cluster is up")
        return 0
    state = json.loads(STATE.read_text())
    pids = list(state["pids"].values())
    for pid in pids:  # nginx first, then the replicas, Redis last: the order `up` recorded
        _signal(pid, signal.SIGTERM)
        _wait_gone(pid, timeout=30)
    STATE.unlink()
    print(f"stopped {len(pids)} processes; logs and data stay in {WORKDIR}")
    return 0


def _signal(pid: int, sig: int) -> None:
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        pass


def _wait_gone(pid: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    _signal(pid, signal.SIGKILL)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["up", "down"])
    parser.add_argument("--replicas", type=int, default=3)
    args = parser.parse_args()
    return up(args.replicas) if args.command == "up" else down()


if __name__ == "__main__":
    sys.exit(main())
