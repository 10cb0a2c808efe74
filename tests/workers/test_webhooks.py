"""Webhook delivery (app/workers/webhooks.py) to a receiver the test runs: signed per Standard
Webhooks (checked by hand), once per event, retried with backoff on the injected clock,
dead-lettered after the max age and sent again by `flask events redrive`."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from app.adapters.webhooks import SignedWebhook
from app.services.event_record import Event, EventStamp
from tests.support.app_state import audit_rows, drain, sample
from tests.support.flow import bearer
from tests.support.webhook_receiver import SECRET, WebhookReceiver, signature_is_valid

BODY_FIELDS = {"id", "type", "occurred_at", "user_id", "ip", "user_agent", "details"}


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    server = WebhookReceiver()
    yield server
    server.close()


def test_every_event_reaches_the_receiver_once_signed(app_and_flow, receiver):
    app, flow = app_and_flow(**receiver.env())
    pair = flow.signed_in()
    flow.client.post("/api/v1/token/refresh", json={"refresh_token": pair["refresh_token"]})
    flow.client.post("/api/v1/logout", headers=bearer(pair["access_token"]))
    code = flow.code_for(pair["user"])
    drain(app)

    rows = audit_rows(app)
    deliveries = receiver.accepted()
    assert [d.event["type"] for d in deliveries] == [row.event for row in rows] == [
        "signup", "login_ok", "otp_sent", "otp_ok", "refresh", "logout"]
    assert [d.headers["webhook-id"] for d in deliveries] == [str(row.event_id) for row in rows]
    for delivery in deliveries:
        assert signature_is_valid(SECRET, delivery.headers, delivery.body)
        assert delivery.headers["content-type"] == "application/json"
        assert set(delivery.event) == BODY_FIELDS
        assert delivery.event["id"] == delivery.headers["webhook-id"]
        assert delivery.event["user_id"] == pair["user"]["id"] and delivery.event["ip"] == "127.0.0.1"
        for secret in (pair["access_token"], pair["refresh_token"], pair["user"]["password"]):
            assert secret.encode() not in delivery.body
        assert f'"{code}"'.encode() not in delivery.body
    assert not signature_is_valid(SECRET, deliveries[0].headers, deliveries[0].body + b" ")
    assert len(receiver.deliveries) == 6 and sample(app, "otp_auth_webhooks_delivered_total") == 6


def test_a_refused_event_is_tried_again_after_a_growing_wait_and_delivered_once(app_and_flow, receiver, clock):
    app, flow = app_and_flow(**receiver.env())
    receiver.answers = [500, 503]
    flow.signup()
    drain(app)
    assert [d.status for d in receiver.deliveries] == [500]
    drain(app)
    assert len(receiver.deliveries) == 1  # not due yet
    clock.advance(5)  # the first wait: 2.5 to 5 s
    drain(app)
    assert [d.status for d in receiver.deliveries] == [500, 503]
    clock.advance(10)  # the second: 5 to 10 s
    drain(app)
    assert [d.status for d in receiver.deliveries] == [500, 503, 200]
    assert len({d.headers["webhook-id"] for d in receiver.deliveries}) == 1
    assert len({d.headers["webhook-timestamp"] for d in receiver.deliveries}) == 3  # signed at each attempt
    assert all(signature_is_valid(SECRET, d.headers, d.body) for d in receiver.deliveries)
    clock.advance(3600)
    drain(app)
    assert len(receiver.accepted()) == 1
    assert sample(app, "otp_auth_webhooks_retried_total") == 2
    assert sample(app, "otp_auth_webhooks_delivered_total") == 1


def test_an_event_never_accepted_is_dead_lettered_then_redriven(app_and_flow, receiver, clock):
    app, flow = app_and_flow(**receiver.env(), EVENT_WEBHOOK_MAX_AGE_SECONDS="600")
    receiver.default = 500
    flow.signup()
    drain(app)
    attempts = []
    while sample(app, "otp_auth_webhooks_dead_lettered_total") == 0:
        clock.advance(3600)
        drain(app)
        attempts.append(len(receiver.deliveries))
        assert len(attempts) < 10
    assert len(receiver.deliveries) == 2  # the first, then the one due after the max age: dead
    drain(app)
    clock.advance(3600)
    drain(app)
    assert len(receiver.deliveries) == 2  # dead letters are not retried

    receiver.default = 200
    result = app.test_cli_runner().invoke(args=["events", "redrive"])
    assert result.exit_code == 0 and result.output.strip() == "1 dead letter(s) scheduled for delivery"
    drain(app)
    assert [d.event["type"] for d in receiver.accepted()] == ["signup"]
    assert app.test_cli_runner().invoke(args=["events", "redrive"]).output.strip() == (
        "0 dead letter(s) scheduled for delivery")


def test_redrive_needs_a_webhook(app):
    result = app.test_cli_runner().invoke(args=["events", "redrive"])
    assert result.exit_code == 1 and "EVENT_WEBHOOK_URL is not set" in result.output


def test_a_receiver_that_does_not_answer_is_given_up_on_at_the_timeout():
    with socket.socket() as silent:  # accepts connections (the kernel's backlog) and never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/hooks"
        event = Event(EventStamp("7c0e7a43-8f7c-4f8e-9a51-8d2d6b9b7f10", 1_800_000_000.0), "signup")
        webhook = SignedWebhook(url, SECRET, timeout=0.2)
        assert webhook.post(event, 1_800_000_000.0) == "ReadTimeout"
        webhook.close()
