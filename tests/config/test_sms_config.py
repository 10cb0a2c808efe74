"""The SMS settings: provider lists, routes, provider options, and what the factory builds."""

import pytest

from app.adapters.sms.factory import build_sms_sender
from app.adapters.sms.failover import FailoverSmsSender
from app.adapters.sms.file import FileSmsSender
from app.config import ConfigError, Settings
from app.services.clock import ManualClock
from tests.conftest import TEST_ENV

SNS = {"SNS_REGION": "eu-west-1"}
WEBHOOK = {"SMS_WEBHOOK_URL": "https://gateway.example/sms", "SMS_WEBHOOK_SECRET": "s" * 32}


def settings(**env):
    return Settings.from_env({**TEST_ENV, **env})


def test_sms_backend_alone_is_the_one_provider_shorthand():
    assert settings().sms_backends == ("console",)
    assert settings(SMS_BACKEND="file", SMS_OUTBOX_FILE="/tmp/o").sms_backends == ("file",)


def test_sms_backends_lists_providers_in_failover_order_and_wins_over_sms_backend():
    chosen = settings(SMS_BACKEND="console", SMS_BACKENDS="Webhook, sns", **SNS, **WEBHOOK)
    assert chosen.sms_backends == ("webhook", "sns")


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"SMS_BACKENDS": "twilio,carrier-pigeon"}, "SMS_BACKENDS names unknown backends carrier-pigeon"),
        ({"SMS_BACKENDS": "sns,sns", **SNS}, "SMS_BACKENDS lists a backend twice"),
        ({"SMS_BACKENDS": "sns"}, "SNS_REGION"),
        ({"SMS_BACKENDS": "sns", **SNS, "SNS_SENDER_ID": "Too-Long-Sender"}, "SNS_SENDER_ID"),
        ({"SMS_BACKENDS": "sns", **SNS, "SNS_SENDER_ID": "12345"}, "SNS_SENDER_ID"),
        ({"SMS_BACKENDS": "sns", **SNS, "SNS_ORIGINATION_NUMBER": "0044"}, "SNS_ORIGINATION_NUMBER"),
        ({"SMS_BACKENDS": "sns", **SNS, "SNS_ENDPOINT_URL": "localhost:4566"}, "SNS_ENDPOINT_URL"),
        ({"SMS_BACKENDS": "sns", **SNS, "SNS_SMS_TYPE": "urgent"}, "SNS_SMS_TYPE"),
        ({"SMS_BACKENDS": "webhook"}, "SMS_WEBHOOK_URL"),
        ({"SMS_BACKENDS": "webhook", **WEBHOOK, "SMS_WEBHOOK_SECRET": "short"}, "SMS_WEBHOOK_SECRET"),
        ({"SMS_BACKENDS": "sns,twilio", **SNS}, "TWILIO_ACCOUNT_SID"),
        ({"SMS_BACKENDS": "sns,file", **SNS}, "SMS_OUTBOX_FILE"),
        ({"SMS_ROUTES": "+91=sns"}, r"SMS_ROUTES sends \+91 to .sns., which is not in SMS_BACKENDS"),
        ({"SMS_ROUTES": "91=console"}, "SMS_ROUTES entries must look like"),
        ({"SMS_ROUTES": "+1=console,+1=console"}, "SMS_ROUTES lists a prefix twice"),
        ({"SMS_TOTAL_TIMEOUT_SECONDS": "0"}, "SMS_TOTAL_TIMEOUT_SECONDS"),
        ({"SMS_BREAKER_FAILURE_THRESHOLD": "0"}, "SMS_BREAKER_FAILURE_THRESHOLD"),
    ],
)
def test_bad_sms_settings_stop_start_up_naming_the_setting(env, message):
    with pytest.raises(ConfigError, match=message):
        settings(**env)


def test_production_refuses_console_anywhere_in_the_list_and_plain_http_webhooks():
    prod = {"APP_ENV": "production", "REDIS_URL": "redis://127.0.0.1:6379/0", "EMAIL_BACKEND": "file",
            "EMAIL_OUTBOX_FILE": "/tmp/email.jsonl"}
    with pytest.raises(ConfigError, match="console"):
        settings(**prod, SMS_BACKENDS="sns,console", **SNS)
    with pytest.raises(ConfigError, match="SMS_WEBHOOK_URL must use https://"):
        settings(**prod, SMS_BACKENDS="webhook", **{**WEBHOOK, "SMS_WEBHOOK_URL": "http://gateway/sms"})
    assert settings(**prod, SMS_BACKENDS="sns,webhook", **SNS, **WEBHOOK).sms_backends == ("sns", "webhook")


def test_sns_region_falls_back_to_aws_region():
    assert settings(SMS_BACKENDS="sns", AWS_REGION="ap-south-1").SNS_REGION == "ap-south-1"
    assert settings(SMS_BACKENDS="sns", AWS_DEFAULT_REGION="us-east-1").SNS_REGION == "us-east-1"


def test_routes_are_parsed_in_order():
    chosen = settings(SMS_BACKENDS="sns,webhook", SMS_ROUTES="+91=sns, +1=Webhook", **SNS, **WEBHOOK)
    assert chosen.SMS_ROUTES == (("+91", "sns"), ("+1", "webhook"))


def test_one_backend_is_built_as_is_and_several_behind_failover(redis_url, tmp_path):
    import redis

    single = build_sms_sender(settings(SMS_BACKEND="file", SMS_OUTBOX_FILE=str(tmp_path / "o")))
    assert isinstance(single, FileSmsSender)
    client = redis.Redis.from_url(redis_url)
    several = build_sms_sender(settings(SMS_BACKENDS="file,sns", SMS_OUTBOX_FILE=str(tmp_path / "o"), **SNS), client,
                               ManualClock())
    assert isinstance(several, FailoverSmsSender)
    client.close()
    with pytest.raises(ValueError, match="Redis client"):
        build_sms_sender(settings(SMS_BACKENDS="file,sns", SMS_OUTBOX_FILE=str(tmp_path / "o"), **SNS))
