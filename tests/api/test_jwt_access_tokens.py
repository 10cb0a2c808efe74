"""ACCESS_TOKEN_FORMAT=jwt: the tokens checked by PyJWT against the served JWKS, the session still
checked on every request, and every kind of forged, altered or stale token refused."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import time

import jwt as pyjwt
import pytest
from cryptography.hazmat.primitives import serialization

from app.cli.config_check import summary
from app.services.clock import ManualClock
from tests.support.flow import bearer
from tests.support.jwt_tokens import (
    AUDIENCE,
    ISSUER,
    b64url,
    compact,
    ed25519_pem,
    jwt_settings,
    p256_pem,
    parts,
    thumbprint,
    verify,
)

KEY_A = ed25519_pem()
KEY_B = p256_pem()


@pytest.fixture
def clock() -> ManualClock:
    # Near real time, so that PyJWT (which reads the system clock) agrees about exp and iat.
    return ManualClock(start=time.time())


@pytest.fixture
def app(make_app):  # type: ignore[no-untyped-def]
    return make_app(**jwt_settings(KEY_A))


def jwks_of(client) -> dict:  # type: ignore[no-untyped-def]
    response = client.get("/.well-known/jwks.json")
    assert response.status_code == 200
    return response.get_json()  # type: ignore[no-any-return]


def refused(client, token: str) -> bool:  # type: ignore[no-untyped-def]
    """True when /auth/check and /me both answer 401 invalid_token."""
    answers = [client.get(path, headers=bearer(token)) for path in ("/api/v1/auth/check", "/api/v1/me")]
    return all(a.status_code == 401 and a.get_json()["code"] == "invalid_token" for a in answers)


def test_validate_otp_hands_out_a_jwt_that_pyjwt_verifies(flow, client, clock):
    pair = flow.signed_in()
    claims = verify(pair["access_token"], jwks_of(client))
    header, _, _ = parts(pair["access_token"])
    assert header == {"alg": "EdDSA", "kid": header["kid"], "typ": "at+jwt"}
    assert claims["sub"] == pair["user"]["id"]
    assert (claims["iss"], claims["aud"], claims["amr"]) == (ISSUER, AUDIENCE, ["pwd", "sms"])
    assert claims["exp"] - claims["iat"] == pair["expires_in"] == 900
    assert abs(claims["iat"] - clock.now()) < 1
    assert len(base64.urlsafe_b64decode(claims["jti"] + "==")) >= 16  # 128 random bits at least
    assert len(claims["sid"]) == 32
    # The refresh token stays opaque.
    assert pair["refresh_token"].count(".") == 0
    assert client.get("/api/v1/me", headers=bearer(pair["access_token"])).get_json()["id"] == claims["sub"]
    check = client.get("/api/v1/auth/check", headers=bearer(pair["access_token"]))
    assert (check.status_code, check.headers["X-User-Id"]) == (204, claims["sub"])
    assert "X-Jwt-Assertion" not in check.headers  # only with AUTH_CHECK_FORWARD_JWT


def test_refresh_keeps_the_session_and_its_amr(flow, client):
    first = flow.signed_in()
    second = client.post("/api/v1/token/refresh", json={"refresh_token": first["refresh_token"]}).get_json()
    old, new = (verify(pair["access_token"], jwks_of(client)) for pair in (first, second))
    assert new["sid"] == old["sid"] and new["sub"] == old["sub"] and new["amr"] == old["amr"]
    assert new["jti"] != old["jti"]


def test_logout_stops_the_jwt_at_once_here(flow, client):
    pair = flow.signed_in()
    assert client.post("/api/v1/logout", headers=bearer(pair["access_token"])).status_code == 204
    assert refused(client, pair["access_token"])
    verify(pair["access_token"], jwks_of(client))  # offline verifiers accept it until exp, as documented
    assert client.post("/api/v1/token/refresh", json={"refresh_token": pair["refresh_token"]}).status_code == 401


def test_expired_jwt_is_refused(flow, client, clock):
    pair = flow.signed_in()
    clock.advance(899)
    assert client.get("/api/v1/auth/check", headers=bearer(pair["access_token"])).status_code == 204
    clock.advance(2)
    assert refused(client, pair["access_token"])


def test_forged_and_altered_tokens_are_refused(flow, client):
    token = flow.signed_in()["access_token"]
    header, payload, signature = parts(token)
    signed_part = token.rsplit(".", 1)[0]
    jwk = jwks_of(client)["keys"][0]
    # The public key as anyone may have it, for the HMAC key-confusion attack.
    public_pem = pyjwt.PyJWK(jwk).key.public_bytes(serialization.Encoding.PEM,
                                                   serialization.PublicFormat.SubjectPublicKeyInfo)

    def hs256(secret: bytes) -> str:
        head = b64url(json.dumps({**header, "alg": "HS256"}).encode())
        body = token.split(".")[1]
        mac = hmac.new(secret, f"{head}.{body}".encode(), hashlib.sha256).digest()
        return f"{head}.{body}.{b64url(mac)}"

    flipped = signature[:-2] + ("A" if signature[-2] != "A" else "B") + signature[-1]
    forgeries = {
        "unknown kid": compact({**header, "kid": "not-a-published-key"}, payload, signature),
        "altered signature": f"{signed_part}.{flipped}",
        "altered payload": compact(header, {**payload, "sub": "00000000-0000-0000-0000-000000000000"}, signature),
        "longer life": compact(header, {**payload, "exp": payload["exp"] + 3600}, signature),
        "alg none": compact({**header, "alg": "none"}, payload, ""),
        "alg none, no kid": compact({"alg": "none", "typ": "at+jwt"}, payload, ""),
        "HS256 keyed with the public key": hs256(public_pem),
        "HS256 keyed with the x coordinate": hs256(jwk["x"].encode()),
        "ES256 claimed for an Ed25519 key": compact({**header, "alg": "ES256"}, payload, signature),
        "other audience": compact(header, {**payload, "aud": "someone-else"}, signature),
        "jti presented as an opaque token": payload["jti"],
    }
    for name, forged in forgeries.items():
        assert refused(client, forged), name
    assert client.get("/api/v1/auth/check", headers=bearer(token)).status_code == 204  # the real one still works


def test_a_jwt_signed_by_another_key_is_refused_even_with_a_live_jti(flow, client):
    token = flow.signed_in()["access_token"]
    header, payload, _ = parts(token)
    stranger = serialization.load_pem_private_key(ed25519_pem().encode(), password=None)
    own_kid = pyjwt.encode(payload, stranger, algorithm="EdDSA", headers={"typ": "at+jwt", "kid": "theirs"})
    our_kid = pyjwt.encode(payload, stranger, algorithm="EdDSA", headers={"typ": "at+jwt", "kid": header["kid"]})
    assert refused(client, own_kid) and refused(client, our_kid)
    assert client.get("/api/v1/auth/check", headers=bearer(token)).status_code == 204


def test_jwks_publishes_public_keys_named_by_their_thumbprint(make_app):
    client = make_app(**jwt_settings(KEY_A, KEY_B, JWKS_MAX_AGE_SECONDS="120")).test_client()
    response = client.get("/.well-known/jwks.json")
    keys = response.get_json()["keys"]
    assert response.headers["Cache-Control"] == "public, max-age=120"
    assert response.mimetype == "application/json"
    assert [(key["kty"], key["crv"], key["alg"]) for key in keys] == [("OKP", "Ed25519", "EdDSA"),
                                                                      ("EC", "P-256", "ES256")]
    for key in keys:
        assert "d" not in key and key["use"] == "sig"
        assert key["kid"] == thumbprint(key)


def test_key_rotation_end_to_end(make_app, sms):  # type: ignore[no-untyped-def]
    from tests.support.flow import AuthFlow

    def deployment(*keys: str):  # type: ignore[no-untyped-def]
        app = make_app(**jwt_settings(*keys))  # the same Redis and database: one service, redeployed
        return app.test_client(), AuthFlow(app.test_client(), sms)

    client, flow = deployment(KEY_A)
    old = flow.signed_in()["access_token"]
    # 1. The new key is added second: published, not yet signing.
    client, flow = deployment(KEY_A, KEY_B)
    assert parts(flow.signed_in()["access_token"])[0]["alg"] == "EdDSA"
    assert len(jwks_of(client)["keys"]) == 2
    # 2. Moved first: it signs; the old key's tokens verify while it is published.
    client, flow = deployment(KEY_B, KEY_A)
    new = flow.signed_in()["access_token"]
    assert parts(new)[0]["alg"] == "ES256"
    for token in (old, new):
        assert client.get("/api/v1/auth/check", headers=bearer(token)).status_code == 204
        verify(token, jwks_of(client))
    # 3. The old key dropped: its tokens are refused, here and by verifiers.
    client, flow = deployment(KEY_B)
    assert refused(client, old)
    with pytest.raises(KeyError):
        verify(old, jwks_of(client))
    assert client.get("/api/v1/auth/check", headers=bearer(new)).status_code == 204


def test_switching_formats_logs_nobody_out(make_app, sms):  # type: ignore[no-untyped-def]
    from tests.support.flow import AuthFlow

    opaque_app = make_app(JWT_SIGNING_KEYS=KEY_A, JWT_ISSUER=ISSUER, JWT_AUDIENCE=AUDIENCE)
    jwt_app = make_app(**jwt_settings(KEY_A))
    opaque = AuthFlow(opaque_app.test_client(), sms).signed_in()["access_token"]
    signed = AuthFlow(jwt_app.test_client(), sms).signed_in()["access_token"]
    assert opaque.count(".") == 0 and signed.count(".") == 2
    for client in (opaque_app.test_client(), jwt_app.test_client()):
        for token in (opaque, signed):
            assert client.get("/api/v1/auth/check", headers=bearer(token)).status_code == 204


def test_auth_check_forwards_a_short_lived_jwt(make_app, sms, clock):  # type: ignore[no-untyped-def]
    from tests.support.flow import AuthFlow

    app = make_app(JWT_SIGNING_KEYS=KEY_A, JWT_ISSUER=ISSUER, JWT_AUDIENCE=AUDIENCE, AUTH_CHECK_FORWARD_JWT="true",
                   AUTH_CHECK_JWT_HEADER="X-Auth-Jwt", AUTH_CHECK_JWT_TTL_SECONDS="30")
    client = app.test_client()
    pair = AuthFlow(client, sms).signed_in()  # opaque access tokens, JWTs only for the upstream
    check = client.get("/api/v1/auth/check", headers=bearer(pair["access_token"]))
    forwarded = check.headers["X-Auth-Jwt"]
    claims = verify(forwarded, jwks_of(client))
    assert claims["sub"] == check.headers["X-User-Id"] == pair["user"]["id"]
    assert claims["exp"] - claims["iat"] == 30 and claims["amr"] == ["pwd", "sms"]
    assert refused(client, forwarded)  # good upstream, never here: it has no session record
    # Never outlives the access token it stands for.
    clock.advance(890)
    claims = verify(client.get("/api/v1/auth/check", headers=bearer(pair["access_token"])).headers["X-Auth-Jwt"],
                    jwks_of(client), verify_exp=False, verify_iat=False)  # the clock moved, not time
    assert claims["exp"] <= int(clock.now()) + 10


def test_the_private_key_is_never_logged_nor_shown(app, flow, client, caplog):
    caplog.set_level(logging.DEBUG)
    pair = flow.signed_in()
    client.post("/api/v1/logout", headers=bearer(pair["access_token"]))
    settings = app.extensions["otp_auth"].settings
    private = json.loads(settings.JWT_SIGNING_KEYS[0])["d"]
    pem_body = "".join(KEY_A.strip().splitlines()[1:-1])
    shown = "\n".join(summary(settings))
    assert "JWT_SIGNING_KEYS = set (" in shown
    logged = "\n".join(record.getMessage() + str(record.__dict__) for record in caplog.records)
    for secret in (private, pem_body, pair["access_token"].rsplit(".", 1)[1]):
        assert secret not in shown and secret not in logged
    assert private not in json.dumps(client.get("/.well-known/jwks.json").get_json())
