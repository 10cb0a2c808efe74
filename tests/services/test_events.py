"""The recorder (app/services/events.py): what an event carries, and where it goes when Redis
does not take it. Redis "down" is a real client on a port nothing listens on."""

from __future__ import annotations

import uuid
from datetime import datetime

import redis

from app.extensions import db
from app.http.request_scope import FlaskRequestScope
from app.services.audit import AuditTrail
from app.services.events import Recorder
from app.stores.event_stream import RedisEventStream
from app.stores.keys import KeyNames
from tests.support.app_state import audit_rows, sample


def _recorder(app, client: redis.Redis) -> Recorder:  # type: ignore[no-untyped-def]
    found = app.extensions["otp_auth"]
    stream = RedisEventStream(client, KeyNames(found.settings.REDIS_KEY_PREFIX), 10_000)
    return Recorder(metrics=found.metrics, stream=stream, audit=AuditTrail(db.session), scope=FlaskRequestScope(),
                    clock=found.clock)


def test_an_event_carries_its_id_time_client_and_request(app, clock):
    with app.test_request_context(headers={"User-Agent": "agent/1.0", "X-Request-ID": "req-42"},
                                  environ_base={"REMOTE_ADDR": "203.0.113.9"}):
        app.preprocess_request()
        event = _recorder(app, app.extensions["otp_auth"].redis).event("sessions_revoked", None, by="cli")
    assert uuid.UUID(event.id).version == 4
    assert event.stamp.at == clock.now()
    assert datetime.fromisoformat(event.stamp.occurred_at).timestamp() == clock.now()
    assert event.stamp.occurred_at.endswith("Z")
    assert (event.stamp.ip, event.stamp.user_agent, event.stamp.request_id) == ("203.0.113.9", "agent/1.0", "req-42")
    assert event.fields()["details"] == '{"by":"cli"}'


def test_an_event_redis_refuses_is_written_to_the_table_at_once(app):
    dead = redis.Redis(port=1, socket_connect_timeout=0.2)
    user_id = str(uuid.uuid4())
    with app.app_context():
        _recorder(app, dead).write("sessions_revoked", user_id, by="cli", sessions=2)
    rows = audit_rows(app, user_id)
    assert [(row.event, row.details) for row in rows] == [("sessions_revoked", {"by": "cli", "sessions": 2})]
    assert rows[0].event_id is not None
    assert sample(app, "otp_auth_events_not_on_stream_total") == 1
    assert sample(app, "otp_auth_audit_write_failures_total") == 0


def test_a_staged_event_is_published_only_once_its_transaction_commits(app):
    found = app.extensions["otp_auth"]
    stream = KeyNames(found.settings.REDIS_KEY_PREFIX).events()
    with app.app_context():
        recorder = _recorder(app, found.redis)
        recorder.stage("user_enabled", str(uuid.uuid4()), by="cli")
        db.session.rollback()
        assert found.redis.xlen(stream) == 0
        recorder.stage("user_enabled", str(uuid.uuid4()), by="cli")
        assert found.redis.xlen(stream) == 0
        db.session.commit()
        assert found.redis.xlen(stream) == 1


def test_a_staged_event_keeps_its_row_when_redis_is_down_after_the_commit(app):
    user_id = str(uuid.uuid4())
    with app.app_context():
        _recorder(app, redis.Redis(port=1, socket_connect_timeout=0.2)).stage("user_disabled", user_id, by="cli")
        db.session.commit()
    assert [row.event for row in audit_rows(app, user_id)] == ["user_disabled"]
    assert sample(app, "otp_auth_events_not_on_stream_total") == 1
