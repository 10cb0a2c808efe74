"""Revisions 0002 (auth_events, users.disabled_at), 0003 (users.locale), 0004 (auth_events.event_id,
request_id) and the second factors' tables, up and down, on SQLite and PostgreSQL."""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import flask_migrate
import pytest
from sqlalchemy import inspect, text

from app import create_app
from app.config import Settings
from app.extensions import db
from tests.conftest import TEST_ENV, postgres_admin_url
from tests.support.servers import postgres_database


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """A database no migration has touched yet."""
    if request.param == "sqlite":
        with tempfile.TemporaryDirectory(prefix="otp-auth-migrations-") as folder:
            yield f"sqlite:///{Path(folder) / 'fresh.db'}"
        return
    admin = postgres_admin_url()
    if not admin:
        pytest.skip("PostgreSQL tests need TEST_DATABASE_URL")
    with postgres_database(admin) as url:
        yield url


def _head() -> str:
    """The newest revision of migrations/ (revisions are re-chained as branches land)."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).resolve().parents[2] / "migrations"))
    return str(ScriptDirectory.from_config(config).get_current_head())


def _shape(engine) -> dict[str, object]:  # type: ignore[no-untyped-def]
    inspector = inspect(engine)
    return {
        "tables": set(inspector.get_table_names()),
        "user_columns": {column["name"] for column in inspector.get_columns("users")},
        "event_columns": ({column["name"] for column in inspector.get_columns("auth_events")}
                          if inspector.has_table("auth_events") else set()),
        "event_indexes": ({index["name"]: index["column_names"] for index in inspector.get_indexes("auth_events")}
                          if inspector.has_table("auth_events") else {}),
    }


def test_upgrade_downgrade_upgrade(empty_database_url, redis_url):
    settings = Settings.from_env({**TEST_ENV, "DATABASE_URL": empty_database_url, "REDIS_URL": redis_url,
                                  "REDIS_KEY_PREFIX": f"m{uuid.uuid4().hex[:8]}:"})
    app = create_app(settings)
    with app.app_context():
        try:
            flask_migrate.upgrade(revision="0001")
            assert "auth_events" not in _shape(db.engine)["tables"]

            flask_migrate.upgrade()
            shape = _shape(db.engine)
            assert "auth_events" in shape["tables"]
            assert {"disabled_at", "locale"} <= shape["user_columns"]
            assert shape["event_indexes"]["ix_auth_events_user_id_created_at"] == ["user_id", "created_at"]
            assert shape["event_indexes"]["ix_auth_events_created_at"] == ["created_at"]
            assert shape["event_indexes"]["ux_auth_events_event_id"] == ["event_id"]
            assert {"event_id", "request_id"} <= shape["event_columns"]
            with db.engine.begin() as connection:
                revision = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
            assert revision == _head()
            assert {"totp_factors", "recovery_codes"} <= shape["tables"]
            flask_migrate.downgrade(revision="0003")
            shape = _shape(db.engine)
            assert not {"event_id", "request_id"} & shape["event_columns"]
            assert "ux_auth_events_event_id" not in shape["event_indexes"]
            flask_migrate.upgrade()

            flask_migrate.downgrade(revision="0001")
            shape = _shape(db.engine)
            assert "auth_events" not in shape["tables"]
            assert not {"totp_factors", "recovery_codes"} & shape["tables"]
            assert not {"disabled_at", "locale"} & shape["user_columns"]
            assert {"id", "email", "phone", "password_hash"} <= shape["user_columns"]

            flask_migrate.upgrade()
            assert "auth_events" in _shape(db.engine)["tables"]
        finally:
            db.session.remove()
            db.engine.dispose()
            app.extensions["otp_auth"].redis.close()


def test_models_match_the_migrations(app):
    """Autogenerate finds nothing to add: the models and the revisions describe the same schema."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with app.app_context(), db.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), db.metadata)
    assert diff == []
