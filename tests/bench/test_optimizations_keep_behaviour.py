"""The hot-path savings (docs/benchmarks.md) change cost, not behaviour: these pin the behaviour."""

from __future__ import annotations

import hashlib
import hmac

import phonenumbers
import pytest

from app.services.phones import phone_hint
from app.stores.keyed_hash import KeyedHasher
from tests.support.flow import bearer


def test_no_session_cookie_is_ever_set(client, flow):
    tokens = flow.signed_in()
    for response in (client.get("/api/v1/me", headers=bearer(tokens["access_token"])),
                     client.get("/healthz"), client.get("/api/v1/auth/check")):
        assert "Set-Cookie" not in response.headers


def test_without_cors_origins_no_origin_is_allowed(client):
    asked = {"Origin": "https://elsewhere.example.com"}
    plain = client.get("/healthz", headers=asked)
    preflight = client.options("/api/v1/login", headers={**asked, "Access-Control-Request-Method": "POST"})
    assert preflight.status_code == 200
    for response in (plain, preflight):
        assert not [name for name in response.headers.keys() if name.startswith("Access-Control-")]



@pytest.mark.parametrize("e164", [
    "+14155552671", "+919876543210", "+447911123456", "+8613912345678", "+353861234567", "+2348031234567",
    "+3545511234", "+97142345678", "+88021234567", "+15555550100", "+61491570156", "+5511912345678",
])
def test_phone_hint_matches_a_full_libphonenumber_parse(e164):
    number = phonenumbers.parse(e164, None)
    country = f"+{number.country_code}"
    national = e164[len(country):]
    assert phone_hint(e164) == country + "*" * (len(national) - 4) + national[-4:]


def test_keyed_digests_are_plain_hmac_sha256_under_a_purpose_subkey():
    hasher = KeyedHasher("s" * 40)
    subkey = hmac.new(b"s" * 40, b"token", hashlib.sha256).digest()
    expected = hmac.new(subkey, b"abc", hashlib.sha256).hexdigest()
    assert hasher.digest("token", "abc") == expected
    assert hasher.digest("token", "abc") == expected  # the second call uses the kept sub-key
    assert hasher.digest("email", "abc") != expected
