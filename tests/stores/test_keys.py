"""Redis key names hide secrets behind a keyed hash; tokens carry 256 bits."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import pytest
import redis
from redis.commands.core import Script

from app.services.tokens import new_token
from app.stores.keyed_hash import KeyedHasher
from app.stores.keys import Keys
from app.stores.scripts import PRELUDE, SCRIPT_NAMES, Scripts

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
    return [key for key, _ in secret_keys(k).values()] + [k.user_chains(USER_ID), k.otp_account_failures(USER_ID),
                                                          k.totp_step(USER_ID)]


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
                  k.otp_account_failures("x"), k.totp_step("x")}
    assert len(same_input) == 6
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


APP = Path(__file__).resolve().parents[2] / "app"
# The key prefix joined to something: `key_prefix + "..."` or f"{self._keys.prefix}...".
_PREFIX_JOINED = re.compile(r"(key_?prefix|\.prefix|_prefix)\w*\s*\+|\{[\w.]*(key_?prefix|\.prefix|_prefix)\}",
                            re.IGNORECASE)


def _app_lines(suffix: str):  # type: ignore[no-untyped-def]
    for path in sorted(APP.rglob(f"*{suffix}")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            yield path.relative_to(APP).as_posix(), number, line


def test_key_names_are_spelled_only_in_keys_py():
    joined = [f"{path}:{number}" for path, number, line in _app_lines(".py")
              if not path.endswith("keys.py") and _PREFIX_JOINED.search(line)]
    assert joined == []
    # Outside the settings, the prefix only goes into the objects that name keys.
    handed = [f"{path}:{number}" for path, number, line in _app_lines(".py")
              if "REDIS_KEY_PREFIX" in line and not path.startswith("config")
              and "Keys(" not in line and "KeyNames(" not in line]
    assert handed == []
    # Lua gets key names through KEYS or from KeyNames.script_names, never a prefix to build on.
    assert [f"{path}:{number}" for path, number, line in _app_lines(".lua") if "prefix" in line.lower()] == []


def test_every_lua_script_is_registered_in_one_place():
    files = {path.stem for path in (APP / "stores" / "lua").glob("*.lua")} - set(PRELUDE)
    assert set(SCRIPT_NAMES) == files
    scripts = Scripts(redis.Redis())  # registering computes SHAs; nothing is sent
    assert all(isinstance(getattr(scripts, name), Script) for name in SCRIPT_NAMES)
    others = [path for path in APP.rglob("*.py") if path.name != "scripts.py"
              and "register_script" in path.read_text(encoding="utf-8")]
    assert others == []


def test_script_key_names_are_the_python_ones_around_the_id():
    k = keys(prefix="tenant{x}:")
    names = k.script_names()
    assert len(names) == 8
    pairs = list(zip(names[::2], names[1::2], strict=True))
    around = dict(zip(("chain", "user_chains", "session", "user_devices"), pairs, strict=True))
    for name, (before, after) in around.items():
        assert before + "id-1" + after == getattr(k, name)("id-1"), name


def test_every_named_key_is_namespaced_with_the_prefix():
    names = keys(prefix="tenant-b:")
    named = [names.chain("s"), names.user_chains(USER_ID), names.user_disabled(USER_ID), names.sms_budget(1),
             names.session("s"), names.user_devices(USER_ID), names.user_pre_tokens(USER_ID),
             names.sms_breaker("twilio"), names.sms_breaker_failures("twilio"), names.ip_limiter(),
             names.ip_sends(""), names.ip_sends("192.0.2.1")]
    assert all(name.startswith("tenant-b:") for name in named)
    assert len(set(named)) == len(named)


def test_a_device_field_hides_the_network_and_differs_per_secret():
    fingerprint = "Firefox on Linux|192.0.2.0/24"
    field = keys().device(fingerprint)
    assert re.fullmatch(r"[0-9a-f]{64}", field) and "192.0.2" not in field
    assert field == keys().device(fingerprint) != keys(secret=SECRET + "!").device(fingerprint)
    assert field != keys().device("Firefox on Linux|192.0.3.0/24")
