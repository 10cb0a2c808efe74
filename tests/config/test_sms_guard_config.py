"""The SMS-pumping guard and CAPTCHA settings (app/config/sms_guard.py): defaults, one clear error per
bad value, and the CAPTCHA step's rules."""

import pytest

from app.config import ConfigError, Settings
from app.config.sms_guard import parse_prefix
from tests.conftest import TEST_ENV

CAPTCHA = {"CAPTCHA_PROVIDER": "turnstile", "CAPTCHA_SECRET": "s", "CAPTCHA_SITE_KEY": "k"}
PRODUCTION = {"APP_ENV": "production", "SECRET_KEY": "p" * 40, "REDIS_URL": "redis://r:6379/0", "SMS_BACKEND": "file",
              "SMS_OUTBOX_FILE": "/tmp/outbox", "EMAIL_BACKEND": "file", "EMAIL_OUTBOX_FILE": "/tmp/mail"}


def settings(**env: str) -> Settings:
    return Settings.from_env({**TEST_ENV, **env})


def test_defaults_guard_without_a_captcha():
    chosen = settings()
    assert (chosen.SMS_GUARD_MODE, chosen.SMS_GUARD_MIN_SENDS, chosen.SMS_GUARD_MIN_CONVERSION) == ("block", 50, 0.2)
    assert (chosen.SMS_GUARD_WINDOW_SECONDS, chosen.SMS_GUARD_BLOCK_SECONDS) == (3600, 3600)
    assert (chosen.SMS_GUARD_MAX_COUNTRIES_PER_IP, chosen.SMS_GUARD_ALLOWED_PREFIXES) == (3, ())
    assert (chosen.CAPTCHA_PROVIDER, chosen.CAPTCHA_FAIL_OPEN, chosen.CAPTCHA_TIMEOUT_SECONDS) == ("", False, 3.0)
    assert chosen.captcha_verify_url == ""


def test_values_are_parsed():
    chosen = settings(SMS_GUARD_MODE="RECORD", SMS_GUARD_MIN_CONVERSION="0.35",
                      SMS_GUARD_ALLOWED_PREFIXES=" +44  740 , +1 212", **CAPTCHA, CAPTCHA_FAIL_OPEN="true")
    assert chosen.SMS_GUARD_MODE == "record" and chosen.SMS_GUARD_MIN_CONVERSION == 0.35
    assert chosen.SMS_GUARD_ALLOWED_PREFIXES == ("+44 740", "+1 212")
    assert chosen.captcha_verify_url == "https://challenges.cloudflare.com/turnstile/v0/siteverify"
    assert settings(**{**CAPTCHA, "CAPTCHA_PROVIDER": "hcaptcha"}).captcha_verify_url == (
        "https://api.hcaptcha.com/siteverify")


@pytest.mark.parametrize(("env", "message"), [
    ({"SMS_GUARD_MODE": "warn"}, "SMS_GUARD_MODE must be one of block, record, off"),
    ({"SMS_GUARD_MIN_CONVERSION": "20%"}, "SMS_GUARD_MIN_CONVERSION must be a number between 0 and 1"),
    ({"SMS_GUARD_MIN_CONVERSION": "1.5"}, "SMS_GUARD_MIN_CONVERSION must be between 0 and 1"),
    ({"SMS_GUARD_MIN_SENDS": "0"}, "SMS_GUARD_MIN_SENDS must be at least 1"),
    ({"SMS_GUARD_WINDOW_SECONDS": "30"}, "SMS_GUARD_WINDOW_SECONDS must be at least 60"),
    ({"SMS_GUARD_ALLOWED_PREFIXES": "+44740"}, "SMS_GUARD_ALLOWED_PREFIXES entries must look like +44 740"),
    ({"SMS_GUARD_ALLOWED_PREFIXES": "44 740"}, "SMS_GUARD_ALLOWED_PREFIXES entries must look like +44 740"),
    ({"CAPTCHA_PROVIDER": "recaptcha"}, "CAPTCHA_PROVIDER must be one of"),
    ({"CAPTCHA_PROVIDER": "turnstile"}, "CAPTCHA_SECRET and CAPTCHA_SITE_KEY are required when CAPTCHA_PROVIDER"),
    ({**CAPTCHA, "CAPTCHA_VERIFY_URL": "ftp://x"}, "CAPTCHA_VERIFY_URL must be an http:// or https:// URL"),
    ({**CAPTCHA, "CAPTCHA_TIMEOUT_SECONDS": "0"}, "CAPTCHA_TIMEOUT_SECONDS must be between 0 and 60"),
])
def test_bad_values_name_the_setting(env, message):
    with pytest.raises(ConfigError, match=message.replace("+", r"\+")):
        settings(**env)


def test_production_needs_https_siteverify():
    with pytest.raises(ConfigError, match="CAPTCHA_VERIFY_URL must use https://"):
        Settings.from_env({**PRODUCTION, **CAPTCHA, "CAPTCHA_VERIFY_URL": "http://captcha.internal/siteverify"})
    assert Settings.from_env({**PRODUCTION, **CAPTCHA}).CAPTCHA_PROVIDER == "turnstile"


@pytest.mark.parametrize(("text", "prefix"), [("+44 740", "+44 740"), (" +1  212 ", "+1 212"), ("+33 6", "+33 6"),
                                               ("+44740", None), ("+44 7400", None), ("+0 12", None), ("", None)])
def test_prefixes_are_written_one_way(text, prefix):
    assert parse_prefix(text) == prefix
