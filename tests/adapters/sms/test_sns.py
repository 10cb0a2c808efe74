"""The SNS backend: the real boto3 client against a local fake of the SNS Query API."""

import pytest

from app.adapters.sms.base import SmsDeliveryError
from app.adapters.sms.sns import SnsSmsSender


def sender(fake, **options):
    return SnsSmsSender(region="eu-west-1", endpoint_url=fake.url, timeout_seconds=0.5, **options)


def test_publishes_to_the_phone_as_a_transactional_sms(fake_sns):
    sender(fake_sns).send("+919876543210", "123456 is your code")
    assert fake_sns.messages == [("+919876543210", "123456 is your code")]
    attributes = fake_sns.attributes(fake_sns.requests[0])
    assert attributes == {"AWS.SNS.SMS.SMSType": "Transactional"}


def test_sender_id_origination_number_and_type_travel_as_attributes(fake_sns):
    sender(fake_sns, sender_id="OtpAuth", sms_type="Promotional", origination_number="+14155550100").send(
        "+447700900123", "654321")
    assert fake_sns.attributes(fake_sns.requests[0]) == {
        "AWS.SNS.SMS.SMSType": "Promotional",
        "AWS.SNS.SMS.SenderID": "OtpAuth",
        "AWS.MM.SMS.OriginationNumber": "+14155550100",
    }


def test_an_sns_error_is_a_delivery_error_after_one_attempt(fake_sns):
    fake_sns.mode = "error"
    with pytest.raises(SmsDeliveryError, match=r"HTTP 500, InternalError"):
        sender(fake_sns).send("+919876543210", "123456")
    assert len(fake_sns.requests) == 1  # botocore's retries are off: failover is the retry


def test_an_unreachable_endpoint_is_a_delivery_error(fake_sns):
    fake_sns.stop()
    with pytest.raises(SmsDeliveryError, match="sns unreachable"):
        sender(fake_sns).send("+919876543210", "123456")


def test_a_hanging_endpoint_is_a_delivery_error(fake_sns):
    fake_sns.mode = "hang"
    with pytest.raises(SmsDeliveryError, match="sns unreachable: ReadTimeoutError"):
        sender(fake_sns).send("+919876543210", "123456")
    assert len(fake_sns.requests) == 1


def test_missing_credentials_are_a_delivery_error_not_a_crash(fake_sns, monkeypatch):
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    with pytest.raises(SmsDeliveryError, match="NoCredentialsError"):
        sender(fake_sns).send("+919876543210", "123456")
    assert fake_sns.requests == []
