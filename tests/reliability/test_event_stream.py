"""The event stream under faults, with real worker processes (`flask events drain`), a private
PostgreSQL cluster and Redis, and a webhook receiver the test runs: every event reaches
auth_events and the receiver exactly once, through a database outage and a worker SIGKILL."""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator

import psycopg
import pytest

from tests.reliability.event_workers import WorkerProcess, event_rows, pending, stream_ids
from tests.reliability.stack import Stack
from tests.support.flow import AuthFlow, bearer
from tests.support.http_client import HttpClient
from tests.support.waiting import wait_until
from tests.support.webhook_receiver import SECRET, WebhookReceiver, signature_is_valid

pytestmark = pytest.mark.slow
# How long PostgreSQL stays down under the stream of sign-ins (the issue asks for 30 s).
OUTAGE_SECONDS = float(os.environ.get("EVENT_OUTAGE_SECONDS", "30"))


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    server = WebhookReceiver()
    yield server
    server.close()


@pytest.fixture
def events_env(stack: Stack, receiver: WebhookReceiver) -> dict[str, str]:
    """One key prefix for the app and its workers; a quick take-over of a dead worker's events."""
    return stack.env(**receiver.env(), REDIS_KEY_PREFIX=f"ev{uuid.uuid4().hex[:8]}:", EVENTS_CLAIM_IDLE_SECONDS="1",
                     OTP_RESEND_COOLDOWN_SECONDS="0")


@pytest.fixture
def workers(stack: Stack, events_env: dict[str, str]) -> Iterator[list[WorkerProcess]]:
    started: list[WorkerProcess] = []

    def start(**overrides: str) -> WorkerProcess:
        started.append(WorkerProcess({**events_env, **overrides},
                                     stack.workdir / f"worker-{len(started)}.log").start())
        return started[-1]

    yield start  # type: ignore[misc]
    for worker in started:
        worker.stop()


def _shared(env: dict[str, str]) -> dict[str, str]:
    """What an in-process app must share with the workers: the key prefix, the event and OTP settings."""
    return {key: value for key, value in env.items() if key.startswith(("EVENT", "REDIS_KEY", "OTP_RESEND"))}


def _settled(stack: Stack, prefix: str, receiver: WebhookReceiver) -> bool:
    ids = stream_ids(stack.redis.url, prefix)
    rows = {event_id for _, event_id in event_rows(stack.database_url)}
    hooks = {delivery.headers["webhook-id"] for delivery in receiver.accepted()}
    return bool(ids) and set(ids) <= rows and set(ids) <= hooks


def test_a_full_flow_reaches_the_table_and_the_receiver_exactly_once(stack, events_env, workers, receiver):
    workers()
    workers()  # two share the work through the consumer groups
    server = stack.gunicorn(workers=2, threads=2, **events_env)
    client = HttpClient(server.url)
    flow = AuthFlow(client, stack.sms)
    pair = flow.signed_in()
    refreshed = client.post("/api/v1/token/refresh", json={"refresh_token": pair["refresh_token"]}).get_json()
    assert client.post("/api/v1/logout", headers=bearer(refreshed["access_token"])).status_code == 204
    assert client.post("/api/v1/login", json={"email": pair["user"]["email"], "password": "wrong!"}).status_code == 401
    prefix = events_env["REDIS_KEY_PREFIX"]
    wait_until(lambda: _settled(stack, prefix, receiver), "every event in auth_events and at the receiver")

    ids = stream_ids(stack.redis.url, prefix)
    rows = [row for row in event_rows(stack.database_url) if row[1] in set(ids)]
    assert sorted(event for event, _ in rows) == sorted(
        ["signup", "login_ok", "otp_sent", "otp_ok", "refresh", "logout", "login_failed"])
    assert len({event_id for _, event_id in rows}) == len(rows) == len(ids)
    accepted = [d for d in receiver.accepted() if d.headers["webhook-id"] in set(ids)]
    assert len(accepted) == len(ids) == len({d.headers["webhook-id"] for d in accepted})
    for delivery in accepted:
        assert signature_is_valid(SECRET, delivery.headers, delivery.body)
    client.close()


def test_postgresql_down_for_30_seconds_loses_no_event_and_fails_no_request(stack, events_env, workers,
                                                                            make_fault_app):
    """The Redis-only sign-in steps (send-otp, validate-otp, refresh, logout) go on while the
    database is stopped; their events wait in the stream and are all in the table once it is back.
    (Password logins and signups read the database: they answer 503 then, tested elsewhere.)"""
    workers()
    app = make_fault_app(**_shared(events_env), SEND_OTP_RATE_LIMIT_PER_IP="100000/hour",
                         OTP_MAX_SENDS_PER_PHONE_PER_HOUR="1000")
    flow = AuthFlow(app.test_client(), stack.sms)
    users = [flow.signup() for _ in range(4)]
    logins = [(user, flow.login(user)) for user in users for _ in range(12)]
    prefix = events_env["REDIS_KEY_PREFIX"]
    wait_until(lambda: not pending(stack.redis.url, prefix) and _drained(stack, prefix), "the drain catching up")
    before = len(event_rows(stack.database_url))

    stack.postgres.stop()
    answered, started = 0, time.monotonic()
    try:
        for user, pre in logins:
            assert flow.send_otp(pre).status_code == 200
            tokens = flow.validate(pre, flow.code_for(user))
            assert tokens.status_code == 200, tokens.get_json()
            pair = tokens.get_json()
            refreshed = flow.client.post("/api/v1/token/refresh", json={"refresh_token": pair["refresh_token"]})
            assert refreshed.status_code == 200
            out = flow.client.post("/api/v1/logout", headers=bearer(refreshed.get_json()["access_token"]))
            assert out.status_code == 204
            answered += 4
            # Spread the sign-ins over the outage.
            time.sleep(max(0.0, started + OUTAGE_SECONDS * (answered / 4) / len(logins) - time.monotonic()))
    finally:
        stack.postgres.start()
    assert time.monotonic() - started >= OUTAGE_SECONDS * 0.9

    wait_until(lambda: len(event_rows(stack.database_url)) - before == answered,
               "every event of the outage in auth_events", timeout=120)
    wait_until(lambda: not pending(stack.redis.url, prefix), "nothing left pending", timeout=30)
    assert len(event_rows(stack.database_url)) - before == answered == 4 * len(logins)


def _drained(stack: Stack, prefix: str) -> bool:
    rows = {event_id for _, event_id in event_rows(stack.database_url)}
    return set(stream_ids(stack.redis.url, prefix)) <= rows


def test_a_worker_killed_mid_batch_is_taken_over_without_loss_or_duplicates(stack, events_env, workers,
                                                                            make_fault_app):
    prefix = events_env["REDIS_KEY_PREFIX"]
    app = make_fault_app(**_shared(events_env))
    flow = AuthFlow(app.test_client(), stack.sms)
    users = [flow.signup() for _ in range(5)]  # (a signup writes its row with the account: before the lock)
    with psycopg.connect(stack.database_url) as blocker:
        # The table is locked: the first worker takes a batch and hangs in its INSERT.
        blocker.execute("LOCK TABLE auth_events IN ACCESS EXCLUSIVE MODE")
        first = workers(DATABASE_STATEMENT_TIMEOUT_SECONDS="30")
        for user in users:
            flow.signed_in(user)  # Redis only: login_ok, otp_sent, otp_ok
        wait_until(lambda: sum(pending(stack.redis.url, prefix).values()) > 0, "the first worker taking a batch")
        first.kill()
        blocker.rollback()
    taken = sum(pending(stack.redis.url, prefix).values())
    assert taken > 0  # left pending by the dead worker

    workers()  # claims them after EVENTS_CLAIM_IDLE_SECONDS (1 s here) and writes them
    wait_until(lambda: _drained(stack, prefix) and not sum(pending(stack.redis.url, prefix).values()),
               "the second worker taking over", timeout=60)
    ids = stream_ids(stack.redis.url, prefix)
    rows = [event_id for _, event_id in event_rows(stack.database_url) if event_id in set(ids)]
    assert len(ids) == 5 * 4 and sorted(rows) == sorted(ids)  # each once
