"""Signups in flight while a gunicorn worker is SIGKILLed: what the clients saw against
what the database holds. Shared by the test and the figures script."""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from tests.reliability.load import CONNECTION_ERROR, guarded
from tests.reliability.stack import Stack
from tests.support.gunicorn import GunicornProcess
from tests.support.http_client import HttpClient

PASSWORD = "a long enough password"


@dataclass
class KillReport:
    tally: Counter[str] = field(default_factory=Counter)
    created: set[str] = field(default_factory=set)  # emails the client saw a 201 for
    hung_up: set[str] = field(default_factory=set)  # emails whose request died with the connection
    in_database: set[str] = field(default_factory=set)
    killed_pid: int = 0

    @property
    def committed_without_201(self) -> set[str]:
        return self.in_database - self.created

    def summary(self) -> dict[str, object]:
        return {
            "outcomes": dict(self.tally),
            "users_in_database": len(self.in_database),
            "created_seen_by_clients": len(self.created),
            "committed_but_connection_lost": len(self.committed_without_201 & self.hung_up),
            "lost_201s": len(self.created - self.in_database),
        }


def signups_through_a_worker_kill(stack: Stack, server: GunicornProcess, *, clients: int = 24,
                                  per_client: int = 12) -> KillReport:
    """Each client signs up `per_client` fresh accounts; a worker dies once a third are done."""
    run = uuid.uuid4().hex[:8]
    report = KillReport()
    lock = threading.Lock()
    done = threading.Semaphore(0)
    kill_after = clients * per_client // 3

    def client_loop(index: int) -> None:
        http = HttpClient(server.url)
        try:
            for n in range(per_client):
                email = f"kill-{run}-{index}-{n}@example.com"
                body = {"email": email, "password": PASSWORD, "phone": f"+1415555{(index * 100 + n) % 10000:04d}"}
                result, _ = guarded(lambda body=body: http.post("/api/v1/signup", json=body))
                with lock:
                    report.tally[result] += 1
                    if result == "201":
                        report.created.add(email)
                    elif result == CONNECTION_ERROR:
                        report.hung_up.add(email)
                done.release()
        finally:
            http.close()

    with ThreadPoolExecutor(max_workers=clients) as pool:
        futures = [pool.submit(client_loop, index) for index in range(clients)]
        for _ in range(kill_after):
            done.acquire()
        report.killed_pid = server.worker_pids()[0]
        server.kill_worker(report.killed_pid)
        for future in futures:
            future.result()
    report.in_database = stack.emails(f"kill-{run}-%")
    return report
