"""The `live_server` fixture: the service in a real gunicorn on a free port, for clients
that speak HTTP (newman, the schemathesis CLI, the browser).

It migrates the test database through `make_app`, starts tests.support.gunicorn's
GunicornProcess with the test app's environment plus overrides, and stops every
server it started. The conftest of each suite that uses it imports it by name.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.gunicorn import GunicornProcess


@pytest.fixture
def live_server(make_app, env: dict[str, str], tmp_path: Path) -> Iterator:  # type: ignore[no-untyped-def]
    """`live_server(**settings)` → a started GunicornProcess on this test's Redis prefix and database."""
    servers: list[GunicornProcess] = []

    def start(**overrides: str) -> GunicornProcess:
        make_app(**overrides)  # validates the settings and migrates the database once per session
        server = GunicornProcess({**env, **overrides}, tmp_path / f"gunicorn-{len(servers)}.log",
                                 workers=1, threads=4)
        servers.append(server)
        return server.start()

    yield start
    for server in servers:
        server.stop()
