"""A private PostgreSQL cluster for fault tests: `initdb` in a temp dir, started and
stopped by the test itself, never the machine's own server.

PostgreSQL refuses to run as root, so as root the cluster belongs to the
`postgres` user and its tools run through `runuser`.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from tests.support.servers import free_port

SERVER_OPTIONS = (
    "-c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off "
    "-c shared_buffers=16MB -c max_connections=60"
)


def postgres_tool(name: str) -> str | None:
    """Debian keeps initdb/pg_ctl out of PATH, under /usr/lib/postgresql/<version>/bin."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


def cluster_available() -> bool:
    return all(postgres_tool(tool) for tool in ("initdb", "pg_ctl"))


class PostgresCluster:
    def __init__(self) -> None:
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="otp-auth-pg-"))
        self.data = self.root / "data"
        self._as_postgres = os.geteuid() == 0
        if self._as_postgres:
            owner = pwd.getpwnam("postgres")
            os.chown(self.root, owner.pw_uid, owner.pw_gid)
        self._run(postgres_tool("initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust",
                  "--no-locale", "-E", "UTF8", "--no-sync")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def start(self) -> PostgresCluster:
        options = f"-p {self.port} -k {self.root} {SERVER_OPTIONS}"
        self._run(postgres_tool("pg_ctl"), "-D", str(self.data), "-l", str(self.root / "server.log"),
                  "-o", options, "-w", "-t", "60", "start")
        return self

    def stop(self) -> None:
        """Fast shutdown: open sessions are cut, as when a database host goes away."""
        self._run(postgres_tool("pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "-t", "60", "stop")

    def postmaster_pid(self) -> int:
        return int((self.data / "postmaster.pid").read_text().split()[0])

    def freeze(self) -> list[int]:
        """SIGSTOPs the postmaster and every backend: a database host that hangs. Returns the pids."""
        postmaster = self.postmaster_pid()
        children = Path(f"/proc/{postmaster}/task/{postmaster}/children").read_text().split()
        pids = [postmaster, *map(int, children)]
        for pid in pids:
            os.kill(pid, signal.SIGSTOP)
        return pids

    def thaw(self, pids: list[int]) -> None:
        for pid in pids:
            os.kill(pid, signal.SIGCONT)

    def is_running(self) -> bool:
        result = subprocess.run(self._command(postgres_tool("pg_ctl"), "-D", str(self.data), "status"),
                                capture_output=True, check=False)
        return result.returncode == 0

    def close(self) -> None:
        if self.data.exists() and self.is_running():
            self.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    def _command(self, *argv: str | None) -> list[str]:
        command = [str(part) for part in argv]
        return ["runuser", "-u", "postgres", "--", *command] if self._as_postgres else command

    def _run(self, *argv: str | None) -> None:
        result = subprocess.run(self._command(*argv), capture_output=True, text=True, check=False, timeout=120)
        if result.returncode != 0:
            log = self.root / "server.log"
            tail = log.read_text()[-2000:] if log.exists() else ""
            raise RuntimeError(f"{argv[0]} failed: {result.stderr.strip()}\n{tail}")
