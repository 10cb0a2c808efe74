"""Many real HTTP clients at once: a barrier start for races, a tally of what came back."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import requests

from tests.support.http_client import HttpClient

CONNECTION_ERROR = "connection_error"


def outcome(response: Any) -> str:
    """'201', or '409 email_taken': the status and, for problems, the stable code."""
    body = response.get_json() if response.status_code >= 400 else None
    code = body.get("code") if isinstance(body, dict) else None
    return f"{response.status_code} {code}" if code else str(response.status_code)


def race(base_url: str, contenders: int, attempt: Callable[[HttpClient], Any]) -> Counter[str]:
    """Runs `attempt` on `contenders` clients released together; tallies the outcomes."""
    clients = [HttpClient(base_url) for _ in range(contenders)]
    for client in clients:
        client.get("/healthz")  # open each connection before the start line
    start = threading.Barrier(contenders)

    def run(client: HttpClient) -> str:
        start.wait()
        return outcome(attempt(client))

    try:
        with ThreadPoolExecutor(max_workers=contenders) as pool:
            return Counter(pool.map(run, clients))
    finally:
        for client in clients:
            client.close()


def guarded(call: Callable[[], Any]) -> tuple[str, Any]:
    """(outcome, response), or (CONNECTION_ERROR, None) when the server hung up on us."""
    try:
        response = call()
    except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError):
        # Refused, reset, or cut between the headers and the body (a worker killed mid-answer).
        return CONNECTION_ERROR, None
    return outcome(response), response

