"""Profile one endpoint under load with py-spy (sampling a gunicorn worker).

    python -m bench.profile auth-check|baseline-a|... [--seconds 8] [--top 40] [--svg out.svg]

One gunicorn worker (gthread, 4 threads) is loaded by the load generator while
py-spy samples it; prints the functions with the largest inclusive and self
share of samples. Needs py-spy (`pip install py-spy`) and ptrace rights.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import threading
from collections import Counter
from contextlib import ExitStack
from pathlib import Path

from bench.servers import WorkerConfig, database
from bench.session import Session
from tests.support.servers import RedisProcess

CONFIG = WorkerConfig(workers=1, worker_class="gthread", threads=4)


def summarize(raw: str, top: int) -> str:
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    total = 0
    for line in raw.splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack:
            continue
        n = int(count)
        frames = [frame.split(" (")[0] + " " + frame.split(" (")[-1].split(":")[0].rsplit("/", 1)[-1]
                  for frame in stack.split(";")]
        total += n
        for frame in set(frames):
            inclusive[frame] += n
        own[frames[-1]] += n
    lines = [f"{total} samples", "", "inclusive %  function"]
    lines += [f"{100 * n / total:10.1f}  {name}" for name, n in inclusive.most_common(top)]
    lines += ["", "self %      function"]
    lines += [f"{100 * n / total:10.1f}  {name}" for name, n in own.most_common(top)]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("endpoint")
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--svg", type=Path)
    args = parser.parse_args()
    py_spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    with tempfile.TemporaryDirectory(prefix="otp-auth-profile-") as tmp, ExitStack() as stack:
        folder = Path(tmp)
        redis_server = RedisProcess().start()
        stack.callback(redis_server.close)
        db_kind, db_url = stack.enter_context(database(folder))
        session = Session(folder, redis_server.url, redis_server.proc.pid, db_url)  # type: ignore[union-attr]
        stack.callback(session.close)
        service, baseline = session.servers(stack, CONFIG)
        server = baseline if args.endpoint == "baseline-a" else service
        worker = server.worker_pids()[0]
        # Requests (and the tokens they spend) are made before the load starts, so py-spy sees only serving.
        requests = None if server is baseline else session.requests_for(args.endpoint, 1000, args.seconds + 2)
        load = threading.Thread(target=session.load, args=(server, args.endpoint, args.concurrency,
                                                           args.seconds + 2, 0.5), kwargs={"requests": requests})
        load.start()
        raw = folder / "profile.txt"
        # --gil: only the thread holding the GIL is sampled, so the profile shows CPU, not waiting.
        subprocess.run([py_spy, "record", "--pid", str(worker), "--duration", str(int(args.seconds)), "--rate", "500",
                        "--format", "raw", "--output", str(raw), "--nonblocking", "--gil"],
                       check=True, capture_output=True)
        if args.svg:
            subprocess.run([py_spy, "record", "--pid", str(worker), "--duration", "2", "--output", str(args.svg),
                            "--nonblocking"], check=False, capture_output=True)
        load.join()
        print(f"database: {db_kind}")
        print(summarize(raw.read_text(), args.top))


if __name__ == "__main__":
    main()
