"""PostgreSQL connections whose every wait on the server is bounded.

statement_timeout is enforced by the server, so it cannot help when the server
cannot answer at all (a frozen host, a stalled disk, a network that drops
packets): psycopg would wait on the socket for ever. Here each wait gives up
a little after the statement timeout, closes the connection (its protocol
state is unknown) and raises OperationalError, which the app answers with 503
and SQLAlchemy's pool discards.
"""

from __future__ import annotations

import time
from typing import Any

import psycopg
from sqlalchemy import Engine, event

# Lets a live server's own statement_timeout answer first (the connection stays usable).
SERVER_GRACE_SECONDS = 1.0


def bound_server_waits(engine: Engine, statement_timeout: float) -> None:
    limit = statement_timeout + SERVER_GRACE_SECONDS

    class BoundedConnection(psycopg.Connection):  # type: ignore[type-arg]
        def wait(self, gen: Any, *args: Any, **kwargs: Any) -> Any:
            if len(args) < 2:
                kwargs.setdefault("timeout", limit)
            started = time.monotonic()
            try:
                return super().wait(gen, *args, **kwargs)
            except psycopg.OperationalError as error:
                if time.monotonic() - started < limit:
                    raise
                self.pgconn.finish()  # not close(): that would wait for the lock this call holds
                raise psycopg.OperationalError(f"no answer from the database within {limit:g} s") from error

    @event.listens_for(engine, "do_connect")
    def _connect(_dialect: Any, _record: Any, cargs: Any, cparams: Any) -> psycopg.Connection:  # type: ignore[type-arg]
        return BoundedConnection.connect(*cargs, **cparams)
