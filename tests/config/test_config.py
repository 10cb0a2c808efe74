"""Settings: the documented defaults (README), one clear ConfigError per bad value, cross-setting rules."""

from __future__ import annotations

import pytest

from app.config import ConfigError, Settings

# The defaults the contract binds (README's settings table), TRUSTED_PROXY_COUNT included.
API_DEFAULTS = {
    "OTP_LENGTH": 6,
    "OTP_TTL_SECONDS": 300,
    "OTP_MAX_ATTEMPTS": 5,
    "OTP_ACCOUNT_MAX_FAILURES": 20,
    "OTP_ACCOUNT_FAILURE_WINDOW_SECONDS": 3600,
    "OTP_RESEND_COOLDOWN_SECONDS": 30,
    "OTP_MAX_SENDS_PER_LOGIN": 5,
    "OTP_MAX_SENDS_PER_PHONE_PER_HOUR": 10,
    "PRE_OTP_TOKEN_TTL_SECONDS": 600,
    "ACCESS_TOKEN_TTL_SECONDS": 900,
    "REFRESH_TOKEN_TTL_SECONDS": 2592000,
    "LOGIN_MAX_FAILURES": 5,
    "LOGIN_FAILURE_WINDOW_SECONDS": 900,
    "LOGIN_RATE_LIMIT_PER_IP": "30/minute",
    "SIGNUP_RATE_LIMIT_PER_IP": "30/hour",
    "OTP_SEND_ON_LOGIN": False,
    "TRUSTED_PROXY_COUNT": 0,
    "PASSWORD_MIN_LENGTH": 8,
    "PASSWORD_MAX_LENGTH": 128,
}

POSITIVE_INTS = [
    "OTP_TTL_SECONDS", "OTP_MAX_ATTEMPTS", "OTP_ACCOUNT_MAX_FAILURES", "OTP_ACCOUNT_FAILURE_WINDOW_SECONDS",
    "OTP_MAX_SENDS_PER_LOGIN", "OTP_MAX_SENDS_PER_PHONE_PER_HOUR", "PRE_OTP_TOKEN_TTL_SECONDS",
    "ACCESS_TOKEN_TTL_SECONDS", "REFRESH_TOKEN_TTL_SECONDS", "LOGIN_MAX_FAILURES", "LOGIN_FAILURE_WINDOW_SECONDS",
    "PASSWORD_MAX_LENGTH",
]
NON_NEGATIVE_INTS = ["OTP_RESEND_COOLDOWN_SECONDS", "TRUSTED_PROXY_COUNT", "ARGON2_TIME_COST",
                     "ARGON2_MEMORY_COST_KIB", "ARGON2_PARALLELISM", "HSTS_MAX_AGE_SECONDS"]
TIMEOUTS = ["REDIS_SOCKET_TIMEOUT_SECONDS", "REDIS_CONNECT_TIMEOUT_SECONDS", "DATABASE_CONNECT_TIMEOUT_SECONDS",
            "DATABASE_STATEMENT_TIMEOUT_SECONDS", "SMS_TIMEOUT_SECONDS"]

BAD_VALUES = (
    [(name, value) for name in POSITIVE_INTS for value in ("abc", "1.5", "0", "-3")]
    + [(name, value) for name in NON_NEGATIVE_INTS for value in ("abc", "-1")]
    + [(name, value) for name in TIMEOUTS for value in ("soon", "0", "-1", "61")]
    + [
        ("OTP_LENGTH", "six"), ("OTP_LENGTH", "3"), ("OTP_LENGTH", "11"),
        ("OTP_SEND_ON_LOGIN", "maybe"),
        ("LOGIN_RATE_LIMIT_PER_IP", "30"), ("LOGIN_RATE_LIMIT_PER_IP", "thirty/minute"),
        ("SIGNUP_RATE_LIMIT_PER_IP", "30/fortnight"),
        ("APP_ENV", "staging"), ("SMS_BACKEND", "pigeon"), ("LOG_LEVEL", "loud"),
        ("DEFAULT_PHONE_REGION", "XX"), ("SMS_ALLOWED_COUNTRIES", "IN,XX"),
        ("DATABASE_URL", "mysql://db/app"), ("REDIS_URL", "http://cache:6379"),
        ("PASSWORD_MIN_LENGTH", "7"), ("ARGON2_MEMORY_COST_KIB", "1"),
        ("TEST_PHONE_NUMBERS", "15555550100=123456"),
        ("IPV6_RATE_LIMIT_PREFIX", "31"), ("IPV6_RATE_LIMIT_PREFIX", "129"), ("IPV6_RATE_LIMIT_PREFIX", "/64"),
    ]
)

PRODUCTION = {
    "APP_ENV": "production",
    "SECRET_KEY": "s" * 32,
    "REDIS_URL": "redis://cache:6379/0",
    "SMS_BACKEND": "file",
    "SMS_OUTBOX_FILE": "/var/spool/otp-auth/outbox.jsonl",
    "EMAIL_BACKEND": "file",
    "EMAIL_OUTBOX_FILE": "/var/spool/otp-auth/email.jsonl",
}
TWILIO = {
    "SMS_BACKEND": "twilio",
    "TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
    "TWILIO_AUTH_TOKEN": "token",
    "TWILIO_FROM_NUMBER": "+15005550006",
}


@pytest.mark.parametrize(("name", "expected"), API_DEFAULTS.items())
def test_defaults_match_the_api_contract(name: str, expected: object) -> None:
    assert getattr(Settings.from_env({}), name) == expected
    # The dataclass default too: tests and tools build Settings() directly.
    assert getattr(Settings(), name) == expected


@pytest.mark.parametrize("name", [*API_DEFAULTS, "SMS_BACKEND", "APP_ENV", "REDIS_KEY_PREFIX"])
def test_empty_value_means_the_default(name: str) -> None:
    # `NAME=` in an env file or a Helm value left blank must not change behaviour.
    assert getattr(Settings.from_env({name: ""}), name) == getattr(Settings(), name)


def test_every_default_is_overridable_by_its_variable() -> None:
    changed = {name: ("7/second" if isinstance(value, str) else "true" if isinstance(value, bool) else str(value + 1))
               for name, value in API_DEFAULTS.items()}
    settings = Settings.from_env(changed)
    for name, default in API_DEFAULTS.items():
        assert getattr(settings, name) != default, name


@pytest.mark.parametrize(("name", "value"), BAD_VALUES)
def test_bad_value_raises_config_error_naming_the_variable(name: str, value: str) -> None:
    with pytest.raises(ConfigError) as raised:
        Settings.from_env({name: value})
    assert name in str(raised.value)
    assert "\n" not in str(raised.value)


def test_rates_accept_the_limits_syntax() -> None:
    settings = Settings.from_env({"LOGIN_RATE_LIMIT_PER_IP": "100 per hour", "SIGNUP_RATE_LIMIT_PER_IP": "5/day"})
    assert (settings.LOGIN_RATE_LIMIT_PER_IP, settings.SIGNUP_RATE_LIMIT_PER_IP) == ("100 per hour", "5/day")


@pytest.mark.parametrize(("raw", "expected"), [("true", True), ("1", True), ("YES", True), ("off", False)])
def test_booleans(raw: str, expected: bool) -> None:
    assert Settings.from_env({"OTP_SEND_ON_LOGIN": raw}).OTP_SEND_ON_LOGIN is expected


def test_a_complete_production_configuration_is_accepted() -> None:
    settings = Settings.from_env(PRODUCTION)
    assert settings.is_production


@pytest.mark.parametrize(("change", "named"), [
    ({"SECRET_KEY": ""}, "SECRET_KEY"),
    ({"SECRET_KEY": "s" * 31}, "SECRET_KEY"),
    ({"REDIS_URL": ""}, "REDIS_URL"),
    ({"SMS_BACKEND": "console"}, "SMS_BACKEND"),
])
def test_production_rules(change: dict[str, str], named: str) -> None:
    with pytest.raises(ConfigError, match=named):
        Settings.from_env({**PRODUCTION, **change})


def test_development_allows_what_production_refuses() -> None:
    settings = Settings.from_env({"SMS_BACKEND": "console"})
    assert (settings.APP_ENV, settings.SECRET_KEY, settings.REDIS_URL) == ("development", "", "")


def test_replace_validates_too() -> None:
    with pytest.raises(ConfigError, match="REDIS_URL"):
        Settings.from_env(PRODUCTION).replace(REDIS_URL="")


def test_file_backend_needs_an_outbox() -> None:
    with pytest.raises(ConfigError, match="SMS_OUTBOX_FILE"):
        Settings.from_env({"SMS_BACKEND": "file"})


def test_twilio_with_a_from_number_or_a_messaging_service_is_accepted() -> None:
    assert Settings.from_env(TWILIO).SMS_BACKEND == "twilio"
    service_only = {**TWILIO, "TWILIO_FROM_NUMBER": "", "TWILIO_MESSAGING_SERVICE_SID": "MG" + "0" * 32}
    assert Settings.from_env(service_only).TWILIO_MESSAGING_SERVICE_SID.startswith("MG")


@pytest.mark.parametrize(("missing", "named"), [
    ("TWILIO_ACCOUNT_SID", "TWILIO_ACCOUNT_SID"),
    ("TWILIO_AUTH_TOKEN", "TWILIO_AUTH_TOKEN"),
    ("TWILIO_FROM_NUMBER", "TWILIO_FROM_NUMBER or TWILIO_MESSAGING_SERVICE_SID"),
])
def test_twilio_settings_are_required_for_the_twilio_backend(missing: str, named: str) -> None:
    with pytest.raises(ConfigError, match=named):
        Settings.from_env({**TWILIO, missing: ""})


def test_test_phone_numbers_parse_into_a_map() -> None:
    settings = Settings.from_env({"TEST_PHONE_NUMBERS": " +15555550100=123456 , +15555550101=000042,"})
    assert settings.TEST_PHONE_NUMBERS == {"+15555550100": "123456", "+15555550101": "000042"}
    assert Settings.from_env({}).TEST_PHONE_NUMBERS == {}


@pytest.mark.parametrize("entry", [
    "+15555550100",  # no code
    "15555550100=123456",  # not E.164
    "+15555550100=12345",  # too short for OTP_LENGTH
    "+15555550100=12345a",
    "+1555=123456",  # too few digits for a phone number
])
def test_malformed_test_phone_numbers_are_refused(entry: str) -> None:
    with pytest.raises(ConfigError, match="TEST_PHONE_NUMBERS"):
        Settings.from_env({"TEST_PHONE_NUMBERS": entry})


def test_test_phone_codes_follow_otp_length() -> None:
    env = {"OTP_LENGTH": "8", "TEST_PHONE_NUMBERS": "+15555550100=12345678"}
    assert Settings.from_env(env).TEST_PHONE_NUMBERS == {"+15555550100": "12345678"}
    with pytest.raises(ConfigError, match="8 digits"):
        Settings.from_env({**env, "TEST_PHONE_NUMBERS": "+15555550100=123456"})


def test_sms_allowed_countries_are_upper_cased_iso_codes() -> None:
    assert Settings.from_env({"SMS_ALLOWED_COUNTRIES": "in, us ,GB"}).SMS_ALLOWED_COUNTRIES == {"IN", "US", "GB"}
    assert Settings.from_env({}).SMS_ALLOWED_COUNTRIES == frozenset()
    with pytest.raises(ConfigError, match="SMS_ALLOWED_COUNTRIES.*INDIA"):
        Settings.from_env({"SMS_ALLOWED_COUNTRIES": "INDIA"})


def test_password_length_bounds_must_be_ordered() -> None:
    with pytest.raises(ConfigError, match="PASSWORD_MIN_LENGTH"):
        Settings.from_env({"PASSWORD_MIN_LENGTH": "20", "PASSWORD_MAX_LENGTH": "10"})


@pytest.mark.parametrize(("memory", "parallelism"), [("8", "1"), ("32", "4"), ("64", "")])
def test_argon2_memory_down_to_the_argon2_minimum_is_accepted(memory: str, parallelism: str) -> None:
    settings = Settings.from_env({"ARGON2_MEMORY_COST_KIB": memory, "ARGON2_PARALLELISM": parallelism})
    assert settings.ARGON2_MEMORY_COST_KIB == int(memory)


def test_argon2_memory_below_eight_kib_per_lane_is_refused() -> None:
    with pytest.raises(ConfigError, match="ARGON2_MEMORY_COST_KIB"):
        Settings.from_env({"ARGON2_MEMORY_COST_KIB": "16", "ARGON2_PARALLELISM": "4"})


def test_second_factor_settings():
    from app.config.factors import RECOVERY_CODES_PER_SET
    from app.services import recovery_code_factor

    defaults = Settings.from_env({})
    assert (defaults.REMEMBER_DEVICE_DAYS, defaults.RECOVERY_CODES_LOW_AT) == (30, 3)
    assert RECOVERY_CODES_PER_SET == recovery_code_factor.COUNT
    for name, value in (("REMEMBER_DEVICE_DAYS", "0"), ("REMEMBER_DEVICE_DAYS", "401"),
                        ("RECOVERY_CODES_LOW_AT", "10"), ("RECOVERY_CODES_LOW_AT", "-1")):
        with pytest.raises(ConfigError, match=name):
            Settings.from_env({name: value})
