"""The real `twilio` SDK, through TwilioSmsSender, against a local fake of Twilio's Messages API."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from app.adapters.sms.base import SmsDeliveryError
from app.adapters.sms.factory import build_sms_sender
from app.adapters.sms.twilio import TwilioSmsSender
from app.config import Settings
from tests.support.fake_twilio import FakeTwilio

TO = "+919876543210"
BODY = "493817 is your otp-auth code. It expires in 5 minutes."


@pytest.fixture
def fake() -> Iterator[FakeTwilio]:
    with FakeTwilio() as server:
        yield server


def sender_for(fake: FakeTwilio, **overrides: object) -> TwilioSmsSender:
    options: dict[str, object] = {"from_number": fake.from_number, "timeout_seconds": 5.0, "api_base_url": fake.url}
    options.update(overrides)
    return TwilioSmsSender(fake.account_sid, fake.auth_token, **options)  # type: ignore[arg-type]


def test_success_posts_to_from_and_body_with_basic_auth(fake: FakeTwilio) -> None:
    sender_for(fake).send(TO, BODY)

    [request] = fake.requests
    assert request.method == "POST"
    assert request.path == f"/2010-04-01/Accounts/{fake.account_sid}/Messages.json"
    assert request.auth == (fake.account_sid, fake.auth_token)
    assert request.form == {"To": TO, "From": fake.from_number, "Body": BODY}
    assert request.status == 201


def test_messaging_service_sid_replaces_from(fake: FakeTwilio) -> None:
    service = "MG" + "1" * 32
    sender_for(fake, from_number="", messaging_service_sid=service).send(TO, BODY)

    [form] = fake.messages
    assert form == {"To": TO, "MessagingServiceSid": service, "Body": BODY}


def test_factory_wires_the_twilio_settings(fake: FakeTwilio) -> None:
    sender = build_sms_sender(Settings.from_env(fake.env()))
    assert sender.name == "twilio"

    sender.send(TO, BODY)

    [request] = fake.requests
    assert request.auth == (fake.account_sid, fake.auth_token)
    assert request.form["From"] == fake.from_number


def test_wrong_credentials_are_a_delivery_error(fake: FakeTwilio) -> None:
    sender = TwilioSmsSender(fake.account_sid, "not-the-token", from_number=fake.from_number,
                             api_base_url=fake.url)
    with pytest.raises(SmsDeliveryError, match="HTTP 401"):
        sender.send(TO, BODY)


def test_invalid_number_4xx_is_a_delivery_error_naming_twilios_code(fake: FakeTwilio) -> None:
    fake.set_mode("fail_400")
    with pytest.raises(SmsDeliveryError) as raised:
        sender_for(fake).send(TO, BODY)

    message = str(raised.value)
    assert "HTTP 400" in message and "21211" in message
    assert BODY not in message and "493817" not in message
    assert [r.status for r in fake.requests] == [400]


def test_server_error_5xx_is_a_delivery_error(fake: FakeTwilio) -> None:
    fake.set_mode("fail_500")
    with pytest.raises(SmsDeliveryError, match="HTTP 500"):
        sender_for(fake).send(TO, BODY)
    # No silent retries: the service decides what a failed send means.
    assert len(fake.requests) == 1


@pytest.mark.timeout(15)
def test_timeout_is_a_delivery_error_while_the_provider_still_holds_the_request(fake: FakeTwilio) -> None:
    fake.set_mode("hang")
    with pytest.raises(SmsDeliveryError, match="unreachable"):
        sender_for(fake, timeout_seconds=0.3).send(TO, BODY)

    # The fake never answered: the sender gave up on its own timeout, not on a reply.
    [request] = fake.requests
    assert request.status is None


@pytest.mark.timeout(15)
def test_timeout_setting_reaches_the_sdk_through_the_factory(fake: FakeTwilio) -> None:
    fake.set_mode("slow", seconds=30)
    sender = build_sms_sender(Settings.from_env(fake.env(SMS_TIMEOUT_SECONDS="0.3")))
    with pytest.raises(SmsDeliveryError):
        sender.send(TO, BODY)
    assert fake.requests[0].status is None


def test_slow_provider_within_the_timeout_still_delivers(fake: FakeTwilio) -> None:
    fake.set_mode("slow", seconds=0.05)
    sender_for(fake, timeout_seconds=5.0).send(TO, BODY)
    assert fake.messages == [{"To": TO, "From": fake.from_number, "Body": BODY}]


def test_provider_recovering_after_a_failure_delivers_again(fake: FakeTwilio) -> None:
    sender = sender_for(fake)
    fake.set_mode("fail_500")
    with pytest.raises(SmsDeliveryError):
        sender.send(TO, BODY)
    fake.set_mode("ok")
    sender.send(TO, BODY)
    assert [r.status for r in fake.requests] == [500, 201]


def test_sdk_logs_never_carry_the_message_body(fake: FakeTwilio, caplog: pytest.LogCaptureFixture) -> None:
    # Root at DEBUG, as with LOG_LEVEL=debug: only the adapter's own choice keeps the SDK quiet.
    caplog.set_level(logging.DEBUG)
    sender = sender_for(fake)
    sender.send(TO, BODY)
    fake.set_mode("fail_400")
    with pytest.raises(SmsDeliveryError):
        sender.send(TO, BODY)

    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "493817" not in logged
    assert BODY not in logged
    assert fake.auth_token not in logged
    # The SDK's INFO request dumps (which carried the payload in some releases) stay off.
    assert [r.getMessage() for r in caplog.records if r.name.startswith("twilio") and r.levelno < logging.WARNING] == []
