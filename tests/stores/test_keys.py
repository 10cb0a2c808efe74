"""Redis key names hide secrets behind a keyed hash; tokens carry 256 bits."""

from __future__ import annotations

import base64
import re

import pytest

from app.services.tokens import new_token
from app.stores.keys import KeyedHasher, Keys

PREFIX = "otp-auth-test:"
SECRET = "test-secret-key-that-is-long-enough-0123456789"
TOKEN = "Zm9vYmFyYmF6cXV4cXV1eHF1dXpxdXV4cXV1eHF1dXg"
EMAIL = "alice@example.com"
PHONE = "+919876543210"
USER_ID = "9b2f7f9c-3d1e-4c1a-8a53-0a4f0f6c2d11"


def keys(secret: str = SECRET, prefix: str = PREFIX) -> Keys:
    return Keys(prefix, KeyedHasher(secret))


def secret_keys(k: Keys) -> dict[str, tuple[str, str]]:
    """Every key built from a secret value, with the value it must hide."""
    return {
        "token": (k.token(TOKEN), TOKEN),
        "login_failures": (k.login_failures(EMAIL), EMAIL),
        "phone_sends": (k.phone_sends(PHONE), PHONE),
    }


def all_keys(k: Keys) -> list[str]:
    return [key for key, _ in secret_keys(k).values()] + [k.user_chains(USER_ID), k.otp_account_failures(USER_ID)]


@pytest.mark.parametrize("name", ["token", "login_failures", "phone_sends"])
def test_keys_never_contain_the_raw_value(name: str) -> None:
    key, raw = secret_keys(keys())[name]
    assert raw not in key
    for part in re.split(r"[@+.]", raw):
        if len(part) >= 4:
            assert part not in key, part
    assert re.fullmatch(re.escape(PREFIX) + r"[a-z]+:[0-9a-f]{64}", key)


def test_every_key_is_namespaced_with_the_prefix() -> None:
    for prefix in (PREFIX, "tenant-b:"):
        assert all(key.startswith(prefix) for key in all_keys(keys(prefix=prefix)))


def test_key_kinds_do_not_collide() -> None:
    k = keys()
    same_input = {k.token("x"), k.login_failures("x"), k.phone_sends("x"), k.user_chains("x"),
                  k.otp_account_failures("x")}
    assert len(same_input) == 5
    # Purpose-separated sub-keys: the hash part differs too, not only the label.
    digests = {key.rsplit(":", 1)[1] for key in (k.token("x"), k.login_failures("x"), k.phone_sends("x"))}
    assert len(digests) == 3


def test_keys_are_stable_for_one_secret_and_differ_per_secret() -> None:
    assert all_keys(keys()) == all_keys(keys())
    ours, theirs = secret_keys(keys()), secret_keys(keys(secret=SECRET + "!"))
    for name in ours:
        assert ours[name][0] != theirs[name][0], name


def test_distinct_values_get_distinct_keys() -> None:
    k = keys()
    assert k.token(TOKEN) != k.token(TOKEN[:-1] + "y")
    assert k.login_failures(EMAIL) != k.login_failures("bob@example.com")
    assert k.phone_sends(PHONE) != k.phone_sends("+919876543211")


def test_otp_digest_hides_the_code_and_is_bound_to_its_login() -> None:
    k = keys()
    first, second = k.token("login-one"), k.token("login-two")
    digest = k.otp_digest(first, "012345")
    assert "012345" not in digest and re.fullmatch(r"[0-9a-f]{64}", digest)
    assert digest == k.otp_digest(first, "012345")
    assert digest != k.otp_digest(second, "012345")
    assert digest != k.otp_digest(first, "012346")
    assert digest != keys(secret=SECRET + "!").otp_digest(first, "012345")


def test_tokens_carry_256_bits_in_url_safe_characters() -> None:
    tokens = [new_token() for _ in range(1000)]
    for token in tokens:
        assert re.fullmatch(r"[A-Za-z0-9_-]{43,}", token)
        assert len(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))) >= 32
    assert len(set(tokens)) == len(tokens)
