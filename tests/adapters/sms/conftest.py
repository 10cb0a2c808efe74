"""Fakes of the providers' HTTP APIs, and settings that point the real SDKs at them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.adapters.sms.fakes import FakeSns, FakeTwilio, WebhookReceiver

WEBHOOK_SECRET = "webhook-secret-for-tests-0123456789abcdef"


@pytest.fixture(autouse=True)
def aws_test_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    """boto3 signs with these; nothing may fall back to the instance metadata service."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDTESTTESTTEST")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test-secret")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent/aws-config")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/aws-credentials")


@pytest.fixture
def fake_twilio() -> Iterator[FakeTwilio]:
    fake = FakeTwilio()
    yield fake
    fake.stop()


@pytest.fixture
def fake_sns() -> Iterator[FakeSns]:
    fake = FakeSns()
    yield fake
    fake.stop()


@pytest.fixture
def webhook_receiver() -> Iterator[WebhookReceiver]:
    fake = WebhookReceiver(WEBHOOK_SECRET)
    yield fake
    fake.stop()


@pytest.fixture
def providers_env(fake_twilio: FakeTwilio, fake_sns: FakeSns) -> dict[str, str]:
    """Settings for Twilio first, SNS second, both real SDKs against the fakes."""
    return {
        "SMS_BACKENDS": "twilio,sns",
        "TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
        "TWILIO_AUTH_TOKEN": "test-auth-token",
        "TWILIO_FROM_NUMBER": "+15005550006",
        "TWILIO_API_BASE_URL": fake_twilio.url,
        "SNS_REGION": "eu-west-1",
        "SNS_ENDPOINT_URL": fake_sns.url,
        "SMS_TIMEOUT_SECONDS": "0.5",
        "SMS_TOTAL_TIMEOUT_SECONDS": "5",
    }
