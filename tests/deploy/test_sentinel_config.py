"""REDIS_SENTINELS / REDIS_SENTINEL_MASTER / REDIS_SENTINEL_PASSWORD parsing and rules."""

from __future__ import annotations

import pytest

from app.adapters.redis_client import _master_credentials
from app.config import ConfigError, Settings

PRODUCTION = {
    "APP_ENV": "production",
    "SECRET_KEY": "p" * 40,
    "SMS_BACKEND": "file",
    "SMS_OUTBOX_FILE": "/tmp/outbox.jsonl",
    "EMAIL_BACKEND": "file",
    "EMAIL_OUTBOX_FILE": "/tmp/email-outbox.jsonl",
}


def test_no_sentinels_by_default():
    settings = Settings.from_env({})
    assert settings.REDIS_SENTINELS == ()
    assert settings.REDIS_SENTINEL_MASTER == "mymaster"
    assert settings.REDIS_SENTINEL_PASSWORD == ""


def test_host_port_pairs_in_order_with_ipv6_and_spaces():
    settings = Settings.from_env({
        "REDIS_SENTINELS": " redis-node-0.redis-headless:26379, 10.0.0.7:26380 ,[::1]:26381,",
        "REDIS_SENTINEL_MASTER": "otp",
        "REDIS_SENTINEL_PASSWORD": "s3cret",
    })
    assert settings.REDIS_SENTINELS == (("redis-node-0.redis-headless", 26379), ("10.0.0.7", 26380), ("::1", 26381))
    assert settings.REDIS_SENTINEL_MASTER == "otp"
    assert settings.REDIS_SENTINEL_PASSWORD == "s3cret"


@pytest.mark.parametrize("bad", ["sentinel", "sentinel:", ":26379", "sentinel:port", "sentinel:0",
                                 "sentinel:70000", "::1:26379", "a b:26379", "redis://sentinel:26379"])
def test_malformed_entries_name_the_setting(bad):
    with pytest.raises(ConfigError, match="REDIS_SENTINELS entries must look like host:port"):
        Settings.from_env({"REDIS_SENTINELS": f"ok:26379,{bad}"})


def test_sentinels_stand_in_for_redis_url_in_production():
    with pytest.raises(ConfigError, match=r"REDIS_URL \(or REDIS_SENTINELS\) is required"):
        Settings.from_env(PRODUCTION)
    settings = Settings.from_env({**PRODUCTION, "REDIS_SENTINELS": "sentinel:26379"})
    assert settings.is_production and settings.REDIS_URL == ""


def test_a_unix_socket_url_cannot_lend_credentials_to_sentinel():
    with pytest.raises(ConfigError, match="REDIS_URL must be redis:// or rediss:// when REDIS_SENTINELS is set"):
        Settings.from_env({"REDIS_SENTINELS": "sentinel:26379", "REDIS_URL": "unix:///tmp/redis.sock"})


@pytest.mark.parametrize(("url", "expected"), [
    ("", {}),
    ("redis://:pw@mymaster/2", {"password": "pw", "db": 2}),
    ("redis://app:pw@ignored:6379/0", {"username": "app", "password": "pw", "db": 0}),
    ("rediss://:pw@ignored/0", {"password": "pw", "db": 0, "ssl": True}),
])
def test_redis_url_lends_only_credentials_database_and_tls(url, expected):
    assert _master_credentials(url) == expected
