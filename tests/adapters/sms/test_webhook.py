"""The webhook backend: a signed JSON POST, checked by a receiver that follows docs/sms.md."""

import json

import pytest

from app.adapters.sms.base import SmsDeliveryError
from app.adapters.sms.webhook import WebhookSmsSender, signature
from tests.adapters.sms.conftest import WEBHOOK_SECRET

NOW = 1_800_000_000.25


def sender(receiver, secret=WEBHOOK_SECRET, now=lambda: NOW):
    return WebhookSmsSender(receiver.url + "/sms", secret, timeout_seconds=0.5, now=now)


@pytest.fixture
def receiver(webhook_receiver):
    webhook_receiver.clock = lambda: NOW + 10
    return webhook_receiver


def test_posts_signed_json_that_the_receiver_accepts(receiver):
    sender(receiver).send("+14155550111", "123456 is your code")
    assert receiver.rejected == 0
    assert receiver.messages == [("+14155550111", "123456 is your code")]
    request = receiver.requests[0]
    assert request.path == "/sms"
    assert request.headers["Content-Type"] == "application/json"
    assert json.loads(request.body) == {"to": "+14155550111", "body": "123456 is your code",
                                        "sent_at": "2027-01-15T08:00:00.250Z"}
    assert request.headers["X-OtpAuth-Signature"].startswith(f"t={int(NOW)},v1=")


def test_a_wrong_secret_is_refused_by_the_receiver_and_is_a_delivery_error(receiver):
    with pytest.raises(SmsDeliveryError, match="HTTP 401"):
        sender(receiver, secret="another-secret-of-the-same-length-000000").send("+14155550111", "123456")
    assert receiver.rejected == 1 and receiver.messages == []


def test_an_old_signature_is_refused_as_a_replay(receiver):
    receiver.clock = lambda: NOW + 301
    with pytest.raises(SmsDeliveryError):
        sender(receiver).send("+14155550111", "123456")
    assert receiver.rejected == 1


def test_a_body_changed_in_transit_fails_the_check(receiver):
    header = "t={},v1={}"
    request_body = json.dumps({"to": "+14155550111", "body": "123456", "sent_at": "x"}).encode()
    good = header.format(int(NOW), signature(WEBHOOK_SECRET, int(NOW), request_body))
    assert receiver.verify(good, request_body)
    assert not receiver.verify(good, request_body.replace(b"123456", b"654321"))


@pytest.mark.parametrize("mode", ["error", "hang"])
def test_gateway_errors_and_hangs_are_delivery_errors(receiver, mode):
    receiver.mode = mode
    with pytest.raises(SmsDeliveryError, match="webhook"):
        sender(receiver).send("+14155550111", "123456")


def test_the_gateway_being_down_is_a_delivery_error(receiver):
    receiver.stop()
    with pytest.raises(SmsDeliveryError, match="webhook unreachable: ConnectionError"):
        sender(receiver).send("+14155550111", "123456")
