"""`python -m app.adapters.redis_watchdog <redis-server> <args...>`: runs redis-server until stdin closes.

Started by app/adapters/embedded_redis.py with stdin a pipe from the owning process.
End of file on that pipe means the owner (and everything forked from it) is gone,
however it ended; the server is then stopped with SIGTERM (it saves its dump) and,
if it hangs, killed. The files the server writes are private to the user (umask 077).
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
import threading

_PR_SET_PDEATHSIG = 1
_STOP_SECONDS = 10


def _die_with_parent() -> None:
    """In the server, before exec: on Linux, a SIGKILLed watchdog takes the server with it."""
    os.umask(0o077)
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def main(command: list[str]) -> int:
    server = subprocess.Popen(command, stdin=subprocess.DEVNULL, preexec_fn=_die_with_parent)  # noqa: S603 - our own binary
    owner_gone = threading.Event()

    def watch_pipe() -> None:
        while sys.stdin.buffer.read(4096):
            pass
        owner_gone.set()

    threading.Thread(target=watch_pipe, daemon=True).start()
    while server.poll() is None and not owner_gone.wait(0.5):
        pass
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=_STOP_SECONDS)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
