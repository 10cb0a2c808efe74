"""The tokens group: ACCESS_TOKEN_FORMAT, the signing keys in each accepted form, the forwarded JWT."""

from __future__ import annotations

import json
import re
import stat

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from app.config import ConfigError, Settings
from app.config.signing_keys import read_keys
from app.startup import with_development_signing_key
from tests.support.jwt_tokens import ed25519_pem, p256_pem

PROD = {"APP_ENV": "production", "SECRET_KEY": "k" * 32, "REDIS_URL": "redis://127.0.0.1:6379/0",
        "SMS_BACKEND": "file", "SMS_OUTBOX_FILE": "/tmp/outbox.jsonl",
        "EMAIL_BACKEND": "file", "EMAIL_OUTBOX_FILE": "/tmp/mail.jsonl"}


def public_pem(private_pem: str) -> str:
    key = serialization.load_pem_private_key(private_pem.encode(), password=None)
    return key.public_key().public_bytes(serialization.Encoding.PEM,
                                         serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def test_defaults_keep_opaque_tokens():
    settings = Settings.from_env({})
    assert (settings.ACCESS_TOKEN_FORMAT, settings.JWT_SIGNING_KEYS, settings.AUTH_CHECK_FORWARD_JWT) == \
        ("opaque", (), False)
    assert (settings.JWT_ISSUER, settings.JWT_AUDIENCE, settings.JWKS_MAX_AGE_SECONDS) == ("otp-auth", "otp-auth", 300)
    assert (settings.AUTH_CHECK_JWT_HEADER, settings.AUTH_CHECK_JWT_TTL_SECONDS) == ("X-Jwt-Assertion", 60)
    assert not settings.signs_jwts


def test_keys_as_pem_blocks_jwks_and_a_jwk_set_read_alike():
    first, second = ed25519_pem(), p256_pem()
    from_pem = read_keys(first + "\n" + public_pem(second))
    jwks = [json.loads(key) for key in from_pem]
    assert [(key["kty"], key["crv"], "d" in key) for key in jwks] == [("OKP", "Ed25519", True), ("EC", "P-256", False)]
    assert read_keys(json.dumps(jwks)) == from_pem
    assert read_keys(json.dumps({"keys": [{**jwks[0], "kid": "ignored"}, jwks[1]]})) == from_pem
    assert read_keys(json.dumps(jwks[0])) == from_pem[:1]
    # A PEM squeezed onto one line of an env file, newlines written as \n.
    assert read_keys(first.replace("\n", "\\n")) == from_pem[:1]


@pytest.mark.parametrize(("value", "says"), [
    ("ACCESS_TOKEN_FORMAT=paseto", "ACCESS_TOKEN_FORMAT must be one of opaque, jwt"),
    ("JWT_SIGNING_KEYS=not a key", "must hold PEM keys"),
    ("JWT_SIGNING_KEYS={not json", "neither PEM nor valid JSON"),
    ("JWT_SIGNING_KEYS=[1, 2]", "must be a JWK, a list of JWKs or a JWK Set"),
    ('JWT_SIGNING_KEYS={"kty": "oct", "k": "c2VjcmV0"}', "only Ed25519 (OKP) and P-256 (EC)"),
    ('JWT_SIGNING_KEYS={"kty": "OKP", "crv": "Ed25519", "x": "!!"}', "cannot be read"),
    ("AUTH_CHECK_JWT_HEADER=X User", "must be an HTTP header name"),
    ("AUTH_CHECK_JWT_HEADER=x-user-id", "must be an HTTP header name of its own"),
    ("AUTH_CHECK_JWT_TTL_SECONDS=0", "AUTH_CHECK_JWT_TTL_SECONDS must be at least 1"),
    ("JWKS_MAX_AGE_SECONDS=100000", "JWKS_MAX_AGE_SECONDS must be at most 86400"),
])
def test_bad_values_are_named(value: str, says: str):
    name, _, raw = value.partition("=")
    with pytest.raises(ConfigError, match=re.escape(says)):
        Settings.from_env({name: raw})


def test_unsupported_or_misplaced_keys_are_refused():
    rsa_pem = rsa.generate_private_key(65537, 2048).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()
    p384 = ec.generate_private_key(ec.SECP384R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()
    key = ed25519_pem()
    for keys, says in [(rsa_pem, "key 1: only Ed25519 and P-256"), (key + p384, "key 2: only Ed25519 and P-256"),
                       (public_pem(key), "first key signs, so it must be a private key"),
                       (key + key, "lists one key twice"),
                       ("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----", "not a readable")]:
        with pytest.raises(ConfigError, match=re.escape(says)):
            Settings.from_env({"JWT_SIGNING_KEYS": keys})


def test_production_signing_jwts_requires_keys():
    for switch in ({"ACCESS_TOKEN_FORMAT": "jwt"}, {"AUTH_CHECK_FORWARD_JWT": "true"}):
        with pytest.raises(ConfigError, match="JWT_SIGNING_KEYS is required when APP_ENV=production"):
            Settings.from_env({**PROD, **switch})
        assert Settings.from_env({**PROD, **switch, "JWT_SIGNING_KEYS": ed25519_pem()}).signs_jwts
    assert Settings.from_env(PROD).JWT_SIGNING_KEYS == ()  # opaque tokens need none


def test_outside_production_a_key_is_generated_once_under_instance(tmp_path):
    settings = Settings.from_env({"ACCESS_TOKEN_FORMAT": "jwt"})
    first = with_development_signing_key(settings, str(tmp_path))
    path = tmp_path / "jwt_signing_key.pem"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(first.JWT_SIGNING_KEYS) == 1 and "d" in json.loads(first.JWT_SIGNING_KEYS[0])
    assert with_development_signing_key(settings, str(tmp_path)).JWT_SIGNING_KEYS == first.JWT_SIGNING_KEYS
    # Opaque tokens and no forwarding: no key is made.
    other = tmp_path / "other"
    assert with_development_signing_key(Settings.from_env({}), str(other)).JWT_SIGNING_KEYS == ()
    assert not other.exists()
