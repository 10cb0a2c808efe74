"""Email settings: defaults, and one clear error for each setting that cannot work."""

from __future__ import annotations

import pytest

from app.config import ConfigError, Settings

PRODUCTION = {"APP_ENV": "production", "SECRET_KEY": "p" * 40, "REDIS_URL": "redis://r:6379/0",
              "SMS_BACKEND": "file", "SMS_OUTBOX_FILE": "/tmp/sms.jsonl"}
SMTP = {"EMAIL_BACKEND": "smtp", "SMTP_HOST": "smtp.example.com", "EMAIL_FROM": "otp-auth <no-reply@example.com>"}


def test_defaults():
    settings = Settings.from_env({})
    assert (settings.EMAIL_BACKEND, settings.EMAIL_OUTBOX_FILE, settings.EMAIL_FROM) == ("console", "", "")
    assert (settings.SMTP_HOST, settings.SMTP_PORT, settings.SMTP_TLS) == ("", 587, "starttls")
    assert (settings.SMTP_USERNAME, settings.SMTP_PASSWORD) == ("", "")
    assert settings.SMTP_TIMEOUT_SECONDS == 5.0


def test_production_refuses_the_console_backend():
    with pytest.raises(ConfigError, match="^EMAIL_BACKEND=console prints codes"):
        Settings.from_env(PRODUCTION)
    assert Settings.from_env({**PRODUCTION, **SMTP}).EMAIL_BACKEND == "smtp"


@pytest.mark.parametrize(("env", "message"), [
    ({"EMAIL_BACKEND": "pigeon"}, "^EMAIL_BACKEND must be one of console, file, smtp"),
    ({"EMAIL_BACKEND": "file"}, "^EMAIL_OUTBOX_FILE is required"),
    ({**SMTP, "SMTP_HOST": ""}, "^SMTP_HOST is required"),
    ({**SMTP, "EMAIL_FROM": ""}, "^EMAIL_FROM must be an address"),
    ({**SMTP, "EMAIL_FROM": "no address here"}, "^EMAIL_FROM must be an address"),
    ({**SMTP, "SMTP_USERNAME": "mailer"}, "^SMTP_USERNAME and SMTP_PASSWORD go together"),
    ({**SMTP, "SMTP_PASSWORD": "secret"}, "^SMTP_USERNAME and SMTP_PASSWORD go together"),
    ({**SMTP, "SMTP_PORT": "70000"}, "^SMTP_PORT must be at most 65535"),
    ({**SMTP, "SMTP_TLS": "ssl"}, "^SMTP_TLS must be one of starttls, tls, none"),
    ({**SMTP, "SMTP_TIMEOUT_SECONDS": "0"}, "^SMTP_TIMEOUT_SECONDS must be between 0 and 60"),
    ({**PRODUCTION, **SMTP, "SMTP_TLS": "none", "SMTP_USERNAME": "u", "SMTP_PASSWORD": "p"},
     "^SMTP_TLS=none would send SMTP_PASSWORD in clear"),
])
def test_each_bad_setting_stops_start_up_with_one_line_naming_it(env, message):
    with pytest.raises(ConfigError, match=message) as raised:
        Settings.from_env(env)
    assert "\n" not in str(raised.value)


def test_smtp_without_tls_is_allowed_without_credentials_for_a_local_relay():
    settings = Settings.from_env({**PRODUCTION, **SMTP, "SMTP_TLS": "none", "SMTP_PORT": "25"})
    assert (settings.SMTP_TLS, settings.SMTP_PORT) == ("none", 25)
