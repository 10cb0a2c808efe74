"""Migrations run from an empty database up to head and back down to nothing, on
PostgreSQL and SQLite, through the same `flask db` commands operators use."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate.cli import db as db_command

from app.extensions import db
from tests.support.servers import postgres_database


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:  # type: ignore[no-untyped-def]
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrations.db'}"
        return
    stack = request.getfixturevalue("stack")
    with postgres_database(stack.postgres.url()) as url:
        yield url


def flask_db(app, *args: str) -> None:  # type: ignore[no-untyped-def]
    result = app.test_cli_runner().invoke(db_command, list(args))
    assert result.exit_code == 0, result.output + repr(result.exception)


def tables(app) -> set[str]:  # type: ignore[no-untyped-def]
    with app.app_context():
        return set(sa.inspect(db.engine).get_table_names())


def test_upgrade_from_empty_to_head_and_down_to_base(make_fault_app, empty_database):
    app = make_fault_app(DATABASE_URL=empty_database)
    model_tables = set(db.metadata.tables)
    assert tables(app) == set()

    flask_db(app, "upgrade")
    assert tables(app) == model_tables | {"alembic_version"}
    with app.app_context(), db.engine.connect() as connection:
        # The migrated schema is the one the models describe: nothing to autogenerate.
        assert compare_metadata(MigrationContext.configure(connection), db.metadata) == []
        email = f"m{uuid.uuid4().hex[:6]}@example.com"
        connection.execute(sa.text(
            "INSERT INTO users (id, email, phone, password_hash, created_at, updated_at) "
            "VALUES (:id, :email, '+14155550100', 'x', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
        ), {"id": uuid.uuid4().hex if "sqlite" in empty_database else str(uuid.uuid4()), "email": email})
        connection.commit()

    flask_db(app, "downgrade", "base")
    assert tables(app) == {"alembic_version"}
    with app.app_context(), db.engine.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM alembic_version")).scalar() == 0

    flask_db(app, "upgrade")  # and up again: every downgrade left a clean slate
    assert tables(app) == model_tables | {"alembic_version"}
