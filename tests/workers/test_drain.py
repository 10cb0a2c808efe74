"""The drain (app/workers/drain.py): events from the stream into auth_events, once each, after
any failure; on real Redis and real databases. The loop's waits go to a recorder, not a sleep."""

from __future__ import annotations

import redis
from prometheus_client import CollectorRegistry
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuthEvent
from app.observability.worker_metrics import StreamGauges
from app.stores.keys import KeyNames
from app.workers.audit_writer import AuditWriter
from app.workers.factory import build_workers, settle_all
from tests.support.app_state import audit_rows, sample
from tests.support.waiting import wait_until


def _workers(app, name, claim_idle_seconds=60.0):  # type: ignore[no-untyped-def]
    found = app.extensions["otp_auth"]
    return build_workers(found, found.redis, lambda: db.engine, name=name, claim_idle_seconds=claim_idle_seconds)


def _rows(app) -> int:  # type: ignore[no-untyped-def]
    with app.app_context():
        return int(db.session.scalar(select(func.count()).select_from(AuthEvent)) or 0)


def _pending(app, group: str) -> int:  # type: ignore[no-untyped-def]
    found = app.extensions["otp_auth"]
    return int(found.redis.xpending(KeyNames(found.settings.REDIS_KEY_PREFIX).events(), group)["pending"])


def test_a_batch_written_again_by_another_worker_leaves_one_row_per_event(app, flow):
    flow.signed_in()  # signup (its row written with the account), login_ok, otp_sent, otp_ok
    with app.app_context():
        crashed = _workers(app, "crashed", claim_idle_seconds=0)
        batch = crashed.drain.consumer.take(None)
        # It wrote the batch, then died before its XACK.
        assert AuditWriter(lambda: db.engine).insert([event for _, event in batch if event]) == 3
    assert _pending(app, "audit") == 4

    with app.app_context():
        assert settle_all(_workers(app, "survivor", claim_idle_seconds=0)) == 4  # claimed after 0 s idle
    assert _pending(app, "audit") == 0
    assert _rows(app) == 4
    assert sample(app, "otp_auth_events_duplicates_total") == 4


def test_a_database_outage_is_waited_out_with_growing_bounded_waits(app, flow):
    flow.signed_in()
    with app.app_context():
        drain = _workers(app, "drain").drain
        AuthEvent.__table__.drop(db.engine)
        waits: list[float] = []

        def wait(seconds: float) -> None:
            waits.append(seconds)
            if len(waits) == 4:  # the database comes back
                AuthEvent.__table__.create(db.engine)

        settled: list[bool] = []
        drain.run(stopped=lambda: bool(settled), wait=wait, beat=lambda: settled.append(True))
    assert len(waits) == 4 and all(0 < wait <= 30 for wait in waits)
    assert waits[3] > waits[0]  # 0.25-0.5 s, then 2-4 s: it backs off
    # signup's row went with the table; its event was on the stream too.
    assert [row.event for row in audit_rows(app)] == ["signup", "login_ok", "otp_sent", "otp_ok"]
    assert sample(app, "otp_auth_event_worker_failures_total", group="audit") == 4
    assert _pending(app, "audit") == 0


def test_a_malformed_entry_is_acknowledged_and_skipped(app, flow):
    found = app.extensions["otp_auth"]
    stream = KeyNames(found.settings.REDIS_KEY_PREFIX).events()
    found.redis.xadd(stream, {"type": "", "id": "not a uuid"})
    flow.signup()
    assert [row.event for row in audit_rows(app)] == ["signup"]
    assert _pending(app, "audit") == 0


def test_the_stream_gauges_show_length_and_backlog(app, flow):
    flow.signed_in()
    found = app.extensions["otp_auth"]
    registry = CollectorRegistry()
    registry.register(StreamGauges(found.redis, KeyNames(found.settings.REDIS_KEY_PREFIX)))
    with app.app_context():
        _workers(app, "gauges").drain.consumer.ensure_group()
    assert registry.get_sample_value("otp_auth_events_stream_length") == 4
    assert registry.get_sample_value("otp_auth_events_oldest_pending_seconds", {"group": "audit"}) >= 0
    assert registry.get_sample_value("otp_auth_events_pending", {"group": "audit"}) == 0
    before = _rows(app)
    audit_rows(app)
    assert _rows(app) == before + 3
    assert registry.get_sample_value("otp_auth_events_oldest_pending_seconds", {"group": "audit"}) == 0
    assert registry.get_sample_value("otp_auth_webhooks_dead_letters") == 0


def test_the_gauges_are_silent_while_redis_is_down():
    gauges = StreamGauges(redis.Redis(port=1, socket_connect_timeout=0.2), KeyNames("x:"))
    assert list(gauges.collect()) == []


def test_the_development_server_drains_in_its_own_threads(app_and_flow):
    """EVENTS_DRAIN_IN_PROCESS (the default in development): `make run` needs no worker process."""
    app, flow = app_and_flow(EVENTS_DRAIN_IN_PROCESS="true")
    user = flow.signed_in()["user"]
    with app.app_context():
        wait_until(lambda: db.session.scalar(select(func.count()).select_from(AuthEvent)) == 4,
                   "the in-process drain writing the sign-in's rows", timeout=30)
        db.session.remove()
    assert app.extensions["otp_auth.workers"].alive()
    app.extensions["otp_auth.workers"].stop()
    assert user
