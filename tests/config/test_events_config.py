"""The event settings: the stream, its workers and the webhook (app/config/events.py)."""

import base64

import pytest

from app.config import ConfigError, Settings
from tests.conftest import TEST_ENV

SECRET = "whsec_" + base64.b64encode(b"k" * 32).decode()
HOOK = {"EVENT_WEBHOOK_URL": "https://hooks.example.com/auth", "EVENT_WEBHOOK_SECRET": SECRET}
PRODUCTION = {"APP_ENV": "production", "SECRET_KEY": "p" * 40, "REDIS_URL": "redis://r:6379/0", "SMS_BACKEND": "file",
              "SMS_OUTBOX_FILE": "/tmp/outbox", "EMAIL_BACKEND": "file", "EMAIL_OUTBOX_FILE": "/tmp/mail"}


def settings(**env: str) -> Settings:
    return Settings.from_env({**TEST_ENV, **env})


def test_defaults():
    chosen = settings()
    assert (chosen.EVENTS_STREAM_MAXLEN, chosen.EVENTS_BATCH_SIZE, chosen.EVENTS_CLAIM_IDLE_SECONDS) == (1_000_000,
                                                                                                      200, 60)
    assert (chosen.EVENT_WEBHOOK_URL, chosen.EVENT_WEBHOOK_MAX_AGE_SECONDS, chosen.EVENT_WEBHOOK_TIMEOUT_SECONDS) == (
        "", 86_400, 5.0)
    assert chosen.EVENTS_WORKER_PORT == 9102


@pytest.mark.parametrize(("env", "drains"), [
    ({"APP_ENV": "development"}, True),
    ({"APP_ENV": "test"}, False),
    (PRODUCTION, False),
    ({**PRODUCTION, "EVENTS_DRAIN_IN_PROCESS": "true"}, True),
    ({"APP_ENV": "development", "EVENTS_DRAIN_IN_PROCESS": "false"}, False),
])
def test_the_drain_runs_in_process_in_development_unless_told(env, drains):
    assert settings(**env).drain_in_process is drains


def test_a_webhook_with_a_standard_webhooks_secret_is_accepted():
    assert settings(**HOOK).EVENT_WEBHOOK_SECRET == SECRET
    assert settings(**{**PRODUCTION, **HOOK}).EVENT_WEBHOOK_URL.startswith("https://")


@pytest.mark.parametrize(("env", "message"), [
    ({"EVENT_WEBHOOK_URL": "https://hooks.example.com/auth"}, "EVENT_WEBHOOK_SECRET is required"),
    ({**HOOK, "EVENT_WEBHOOK_SECRET": "k" * 40}, "must start with whsec_"),
    ({**HOOK, "EVENT_WEBHOOK_SECRET": "whsec_not base64!"}, "must be base64"),
    ({**HOOK, "EVENT_WEBHOOK_SECRET": "whsec_" + base64.b64encode(b"short").decode()}, "24 to 64 random bytes"),
    ({**HOOK, "EVENT_WEBHOOK_URL": "hooks.example.com"}, "EVENT_WEBHOOK_URL must be an http"),
    ({**PRODUCTION, **HOOK, "EVENT_WEBHOOK_URL": "http://hooks.example.com"}, "must use https://"),
    ({"EVENTS_BATCH_SIZE": "5000"}, "EVENTS_BATCH_SIZE must be at most 1000"),
    ({"EVENTS_STREAM_MAXLEN": "100"}, "EVENTS_STREAM_MAXLEN must be at least 10000"),
    ({"EVENTS_DRAIN_IN_PROCESS": "sometimes"}, "EVENTS_DRAIN_IN_PROCESS must be true or false"),
    ({"EVENT_WEBHOOK_TIMEOUT_SECONDS": "120"}, "EVENT_WEBHOOK_TIMEOUT_SECONDS must be between 0 and 60"),
])
def test_a_bad_event_setting_stops_start_up_naming_it(env, message):
    with pytest.raises(ConfigError, match=message):
        settings(**env)
