"""Database stopped, locked or not answering: the steps that need it answer 503 within the
configured timeouts, the Redis-only OTP steps keep working, and nothing needs a restart."""

from __future__ import annotations

import os
import signal
import sqlite3

import psycopg
import pytest

from tests.reliability.probes import (
    assert_not_ready,
    assert_outage_answer,
    assert_ready,
    call_all,
    database_probes,
)
from tests.support.flow import AuthFlow, bearer


def test_database_down_503_for_accounts_while_otp_steps_go_on(api, stack):
    client, flow = api.client, api.flow
    pair = flow.signed_in()
    user = pair["user"]
    pre = flow.login(user)  # taken while the database was up

    stack.postgres.stop()
    for name, response in call_all(api.new_client, database_probes(flow, user, pair)).items():
        assert response.status_code == 503, (name, response.get_json())
        assert_outage_answer(response)
    assert_not_ready(client, "database")

    # send-otp, validate-otp, refresh, auth/check and logout live in Redis only.
    assert flow.send_otp(pre).status_code == 200
    tokens = flow.validate(pre, flow.code_for(user))
    assert tokens.status_code == 200, tokens.get_json()
    access = bearer(tokens.get_json()["access_token"])
    assert client.get("/api/v1/auth/check", headers=access).status_code == 204
    refreshed = client.post("/api/v1/token/refresh", json={"refresh_token": tokens.get_json()["refresh_token"]})
    assert refreshed.status_code == 200
    assert client.post("/api/v1/logout", headers=bearer(refreshed.get_json()["access_token"])).status_code == 204

    stack.postgres.start()
    assert_ready(client)
    fresh = flow.signed_in()
    assert client.get("/api/v1/me", headers=bearer(fresh["access_token"])).status_code == 200


def test_logins_refused_by_an_outage_do_not_lock_the_account(make_fault_app, stack):
    """A 503 says nothing about the password: it must not count toward the failed-login limit,
    or a user retrying through an outage is locked out after it ends."""
    app = make_fault_app(LOGIN_MAX_FAILURES="3")
    client = app.test_client()
    flow = AuthFlow(client, stack.sms)
    user = flow.signup()
    stack.postgres.stop()
    for _ in range(5):
        assert_outage_answer(client.post("/api/v1/login", json={"email": user["email"], "password": user["password"]}))
    stack.postgres.start()
    assert flow.login(user)


def test_signups_refused_by_an_outage_do_not_use_up_the_ip_limit(make_fault_app, stack):
    app = make_fault_app(SIGNUP_RATE_LIMIT_PER_IP="3/hour")
    client = app.test_client()
    flow = AuthFlow(client, stack.sms)
    stack.postgres.stop()
    for _ in range(5):
        assert_outage_answer(client.post("/api/v1/signup", json=flow.new_identity()))
    stack.postgres.start()
    flow.signup()


def test_statement_timeout_bounds_a_lock_wait_on_postgresql(make_fault_app, stack):
    app = make_fault_app(DATABASE_STATEMENT_TIMEOUT_SECONDS="0.5")
    flow = AuthFlow(app.test_client(), stack.sms)
    with psycopg.connect(stack.database_url) as blocker:
        blocker.execute("LOCK TABLE users IN ACCESS EXCLUSIVE MODE")
        assert_outage_answer(flow.client.post("/api/v1/signup", json=flow.new_identity()))
    flow.signup()


def test_connect_timeout_bounds_a_server_that_accepts_but_never_answers(make_fault_app, stack):
    """A frozen postmaster: the kernel completes the TCP handshake, the start-up packet is never answered."""
    app = make_fault_app()  # DATABASE_CONNECT_TIMEOUT_SECONDS=2, libpq's smallest
    flow = AuthFlow(app.test_client(), stack.sms)
    postmaster = int((stack.postgres.data / "postmaster.pid").read_text().split()[0])
    os.kill(postmaster, signal.SIGSTOP)
    try:
        assert_outage_answer(flow.client.post("/api/v1/signup", json=flow.new_identity()))
        assert_not_ready(flow.client, "database")
    finally:
        os.kill(postmaster, signal.SIGCONT)
    flow.signup()


@pytest.fixture
def sqlite_app(make_fault_app, tmp_path):  # type: ignore[no-untyped-def]
    import flask_migrate

    path = tmp_path / "locked.db"
    app = make_fault_app(DATABASE_URL=f"sqlite:///{path}", DATABASE_STATEMENT_TIMEOUT_SECONDS="0.5")
    with app.app_context():
        flask_migrate.upgrade()
    return app, path


def test_busy_timeout_bounds_a_locked_sqlite_file(sqlite_app, stack):
    app, path = sqlite_app
    flow = AuthFlow(app.test_client(), stack.sms)
    blocker = sqlite3.connect(path, isolation_level=None)
    try:
        blocker.execute("BEGIN EXCLUSIVE")
        assert_outage_answer(flow.client.post("/api/v1/signup", json=flow.new_identity()))
        blocker.execute("COMMIT")
    finally:
        blocker.close()
    flow.signup()


def test_outage_log_line_names_the_dependency(make_fault_app, stack, caplog):
    client = make_fault_app().test_client()
    flow = AuthFlow(client, stack.sms)
    stack.postgres.stop()
    assert_outage_answer(client.post("/api/v1/signup", json=flow.new_identity()))
    stack.postgres.start()
    stack.redis.stop()
    assert_outage_answer(client.post("/api/v1/signup", json=flow.new_identity()))
    outages = [r for r in caplog.records if r.getMessage().startswith("dependency unavailable")]
    assert [r.dependency for r in outages] == ["database", "redis"]
    assert all(r.levelname == "WARNING" and r.request_id for r in outages)


def test_a_frozen_database_answers_503_instead_of_holding_the_request(make_fault_app, stack):
    """Postmaster and backends frozen: pooled connections get no answer; the server's own
    statement_timeout cannot fire, the client-side bound does."""
    app = make_fault_app(DATABASE_STATEMENT_TIMEOUT_SECONDS="0.5")
    flow = AuthFlow(app.test_client(), stack.sms)
    flow.signup()  # a pooled connection to a live backend
    freeze = stack.postgres.freeze()
    try:
        assert_outage_answer(flow.client.post("/api/v1/signup", json=flow.new_identity()))
        assert_not_ready(flow.client, "database")
    finally:
        stack.postgres.thaw(freeze)
    flow.signup()  # the broken connection was discarded, a fresh one serves
