"""The audit trail: the rows a whole flow leaves (through the event stream and its drain), what
they hold, and what they cost the requests."""

from __future__ import annotations

import contextlib
from datetime import timedelta

import pytest
from sqlalchemy import event, text
from sqlalchemy.exc import SQLAlchemyError

from app.extensions import db
from app.models import AuthEvent
from app.services.clock import to_datetime
from tests.support.app_state import audit_rows, drain, sample, wrong_code
from tests.support.flow import bearer

BROWSER = "Mozilla/5.0 " + "x" * 600


def test_a_full_flow_writes_its_audit_rows(app, client, flow, sms, clock):
    client.environ_base["HTTP_USER_AGENT"] = BROWSER
    started = clock.now()
    user = flow.signup()
    client.post("/api/v1/login", json={"email": user["email"], "password": "not the password"})
    pre = flow.login(user)
    sms.fail_next = 1
    assert flow.send_otp(pre).status_code == 503
    assert flow.send_otp(pre).status_code == 200
    assert flow.validate(pre, wrong_code(flow.code_for(user))).status_code == 401
    assert flow.validate(pre, flow.code_for(user)).status_code == 200
    pair = flow.signed_in(user)
    assert client.post("/api/v1/token/refresh", json={"refresh_token": pair["refresh_token"]}).status_code == 200
    clock.advance(10)  # past REFRESH_REUSE_GRACE_SECONDS: a reuse now revokes the chain
    assert client.post("/api/v1/token/refresh", json={"refresh_token": pair["refresh_token"]}).status_code == 401
    again = flow.signed_in(user)
    assert client.post("/api/v1/logout", headers=bearer(again["access_token"])).status_code == 204

    rows = audit_rows(app, user["id"])
    assert [row.event for row in rows] == [
        "signup", "login_failed", "login_ok", "otp_send_failed", "otp_sent", "otp_failed", "otp_ok",
        "login_ok", "otp_sent", "otp_ok", "refresh", "refresh_reuse", "login_ok", "otp_sent", "otp_ok", "logout",
    ]
    assert rows[1].details == {"reason": "invalid_credentials"}
    assert rows[3].details["provider"] == "recording" and "provider said no" in rows[3].details["error"]
    assert rows[4].details == {"provider": "recording"}
    assert rows[5].details == {"reason": "invalid", "factor": "sms"}
    assert rows[6].details == {"factor": "sms"}
    for row in rows:
        assert row.ip == "127.0.0.1"
        assert row.user_agent == BROWSER[:256]
        assert to_datetime(started) <= row.created_at <= to_datetime(clock.now())
        assert row.created_at.utcoffset() == timedelta(0)


def test_failures_without_a_known_user_are_kept_with_a_null_user(app, client):
    client.post("/api/v1/login", json={"email": "nobody@example.com", "password": "not the password"})
    rows = [row for row in audit_rows(app) if row.user_id is None]
    assert [(row.event, row.details) for row in rows] == [("login_failed", {"reason": "invalid_credentials"})]


def test_exceeded_attempts_are_audited(app_and_flow):
    app, flow = app_and_flow(OTP_MAX_ATTEMPTS="1")
    user = flow.signup()
    pre = flow.login(user)
    flow.send_otp(pre)
    flow.validate(pre, wrong_code(flow.code_for(user)))
    assert flow.validate(pre, flow.code_for(user)).status_code == 429
    assert [row.event for row in audit_rows(app, user["id"])][-2:] == ["otp_failed", "otp_exceeded"]


@contextlib.contextmanager
def _sql_log(app):  # type: ignore[no-untyped-def]
    """Collects the SQL statements and commits the app runs inside the block."""
    seen: dict[str, list[str]] = {"statements": [], "commits": []}

    def statement(_conn, _cursor, sql, *_args):  # type: ignore[no-untyped-def]
        seen["statements"].append(sql.split()[0].upper())

    def commit(_conn):  # type: ignore[no-untyped-def]
        seen["commits"].append("commit")

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", statement)
    event.listen(engine, "commit", commit)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", statement)
        event.remove(engine, "commit", commit)


def _writes(seen: dict[str, list[str]]) -> list[str]:
    return [sql for sql in seen["statements"] if sql in ("INSERT", "UPDATE", "DELETE")]


def test_the_otp_path_costs_no_sql_and_login_one_write(app, flow):
    """The events of these steps go on the stream inside their Redis step; the drain writes the rows."""
    user = flow.signup()
    with _sql_log(app) as login:
        pre = flow.login(user)
    # The login's own stamp; its login_ok event went on the stream with the pre-OTP token.
    assert _writes(login) == ["UPDATE"] and login["commits"] == ["commit"]

    with _sql_log(app) as send:
        flow.send_otp(pre)
    with _sql_log(app) as wrong:
        flow.validate(pre, wrong_code(flow.code_for(user)))
    with _sql_log(app) as right:
        flow.validate(pre, flow.code_for(user))
    for seen in (send, wrong, right):
        assert seen["statements"] == [] and seen["commits"] == []
    assert [row.event for row in audit_rows(app, user["id"])] == ["signup", "login_ok", "otp_sent", "otp_failed",
                                                                  "otp_ok"]


def test_a_database_outage_delays_the_rows_and_loses_none(app_and_flow, tmp_path):
    """The code is spent in Redis and its event waits on the stream while the table cannot take it:
    the client gets its tokens, the drain fails without acknowledging, and writes the row later."""
    app, flow = app_and_flow(DATABASE_URL=f"sqlite:///{tmp_path / 'private.db'}")
    user = flow.signup()
    pre = flow.login(user)
    flow.send_otp(pre)
    drain(app)
    with app.app_context():
        AuthEvent.__table__.drop(db.engine)
    try:
        response = flow.validate(pre, flow.code_for(user))
        assert response.status_code == 200
        assert response.get_json()["access_token"]
        with pytest.raises(SQLAlchemyError):
            drain(app)
        # Before the outage: login_ok and otp_sent; signup's row was written with the account already.
        assert sample(app, "otp_auth_events_written_total") == 2
        assert sample(app, "otp_auth_events_duplicates_total") == 1
    finally:
        with app.app_context():
            AuthEvent.__table__.create(db.engine)
    assert drain(app) == 1
    assert [row.event for row in audit_rows(app, user["id"])] == ["otp_ok"]
    assert sample(app, "otp_auth_audit_write_failures_total") == 0


@pytest.mark.parametrize("limit", [1, 3])
def test_latest_events_come_newest_first(app, flow, clock, limit):
    user = flow.signup()
    for _ in range(3):
        clock.advance(60)
        flow.login(user)
    drain(app)
    with app.app_context():
        latest = app.extensions["otp_auth"].admin.events(user["email"], limit)
    times = [row.created_at for row in latest]
    assert len(latest) == limit and times == sorted(times, reverse=True)
    assert latest[0].event == "login_ok"


def test_the_last_events_of_a_user_are_read_through_the_index(app):
    query = ("SELECT * FROM auth_events WHERE user_id = '00000000-0000-0000-0000-000000000000' "
             "ORDER BY created_at DESC LIMIT 5")
    with app.app_context(), db.engine.begin() as connection:
        if connection.dialect.name == "sqlite":
            plan = connection.execute(text("EXPLAIN QUERY PLAN " + query)).all()
        else:
            # A near-empty table is cheaper to scan; forbid that to see which index the query can use.
            connection.execute(text("SET LOCAL enable_seqscan = off"))
            plan = connection.execute(text("EXPLAIN " + query)).all()
    assert "ix_auth_events_user_id_created_at" in " ".join(str(row) for row in plan)
