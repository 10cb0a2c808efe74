"""JwtCodec on its own: what it signs, and every claim or header it insists on when verifying."""

from __future__ import annotations

import jwt as pyjwt
import pytest
from cryptography.hazmat.primitives import serialization

from app.config.signing_keys import read_keys
from app.services.jwt_codec import AccessClaims, JwtCodec
from tests.support.jwt_tokens import AUDIENCE, ISSUER, ed25519_pem, p256_pem, parts, thumbprint

NOW = 1_800_000_000
CLAIMS = AccessClaims("user-1", "session-1", "jti-1", NOW, NOW + 900, ("pwd", "sms"))
PEM = ed25519_pem()
CODEC = JwtCodec(read_keys(PEM), ISSUER, AUDIENCE)
PRIVATE = serialization.load_pem_private_key(PEM.encode(), password=None)


def resigned(**changes: object) -> str:
    """The claims of CLAIMS with `changes`, signed by the real key through PyJWT (header `typ`
    changes with the `typ` key)."""
    header, payload, _ = parts(CODEC.sign(CLAIMS))
    typ = changes.pop("typ", header["typ"])
    payload = {**payload, **changes}
    payload = {name: value for name, value in payload.items() if value is not None}
    return pyjwt.encode(payload, PRIVATE, algorithm="EdDSA", headers={"kid": header["kid"], "typ": typ})


def test_round_trip_and_the_published_key():
    token = CODEC.sign(CLAIMS)
    assert CODEC.verify(token, NOW) == CLAIMS
    (key,) = CODEC.jwks()["keys"]
    assert parts(token)[0] == {"alg": "EdDSA", "kid": thumbprint(key), "typ": "at+jwt"}
    assert "d" not in key


def test_expiry_is_checked_against_the_clock_given():
    token = CODEC.sign(CLAIMS)
    assert CODEC.verify(token, NOW + 899) == CLAIMS
    assert CODEC.verify(token, NOW + 900) is None


@pytest.mark.parametrize("changes", [
    {"typ": "JWT"}, {"iss": "https://evil.example"}, {"aud": "someone-else"}, {"aud": [AUDIENCE, "x"]},
    {"exp": str(NOW + 900)}, {"exp": None}, {"sub": None}, {"jti": None}, {"sid": None},
])
def test_a_token_signed_by_the_real_key_still_needs_every_claim_right(changes):
    assert CODEC.verify(resigned(), NOW) == CLAIMS  # the re-signing itself is faithful
    assert CODEC.verify(resigned(**changes), NOW) is None


def test_the_first_key_signs_and_every_key_verifies():
    other = p256_pem()
    rotated = JwtCodec(read_keys(other + PEM), ISSUER, AUDIENCE)
    assert parts(rotated.sign(CLAIMS))[0]["alg"] == "ES256"
    assert rotated.verify(CODEC.sign(CLAIMS), NOW) == CLAIMS
    assert JwtCodec(read_keys(other), ISSUER, AUDIENCE).verify(CODEC.sign(CLAIMS), NOW) is None


@pytest.mark.parametrize("garbage", ["", "a.b.c", "..", "x" * 5000, "eyJhbGciOiJub25lIn0.e30.", "a.b"])
def test_garbage_is_refused_quietly(garbage):
    assert CODEC.verify(garbage, NOW) is None
