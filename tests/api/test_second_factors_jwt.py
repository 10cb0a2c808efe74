"""ACCESS_TOKEN_FORMAT=jwt with the second factors: every way of finishing a login hands out a JWT that
PyJWT verifies, whose `amr` says how the session signed in, the same as the session's record."""

from __future__ import annotations

import time

import pytest

from app.services.clock import ManualClock
from tests.support.factors import answer, enrolled, recovery_codes, totp_code
from tests.support.flow import AuthFlow, bearer
from tests.support.jwt_tokens import ed25519_pem, jwt_settings, verify

KEY = ed25519_pem()


@pytest.fixture
def clock() -> ManualClock:
    # PyJWT reads the system clock: start a little in the past, so that the test clock's steps forward
    # (a spent TOTP step) never put `iat` in PyJWT's future, and `exp` (15 minutes on) stays ahead of it.
    return ManualClock(start=time.time() - 300)


@pytest.fixture
def app(make_app):  # type: ignore[no-untyped-def]
    return make_app(**jwt_settings(KEY))


def claims_of(flow: AuthFlow, access_token: str) -> dict:
    jwks = flow.client.get("/.well-known/jwks.json").get_json()
    return verify(access_token, jwks)


def session_amr(app, user_id: str, session_id: str) -> list[str]:  # type: ignore[no-untyped-def]
    """The `amr` the session's own record keeps."""
    sessions = app.extensions["otp_auth"].sessions.of_user(user_id)
    return list(next(record.amr for record in sessions if record.id == session_id))


def test_a_totp_sign_in_gets_a_jwt_with_amr_pwd_otp(app, flow, clock):
    pair = enrolled(flow, clock)
    pre = flow.login(pair["user"])
    response = answer(flow, pre, {"otp": totp_code(pair["totp_secret"], clock), "factor": "totp"})
    assert response.status_code == 200, response.get_json()
    access = response.get_json()["access_token"]
    claims = claims_of(flow, access)
    assert claims["amr"] == ["pwd", "otp"]
    assert claims["sub"] == pair["user"]["id"]
    assert session_amr(app, claims["sub"], claims["sid"]) == ["pwd", "otp"]
    assert flow.client.get("/api/v1/me", headers=bearer(access)).status_code == 200
    # A refresh keeps the session, and so its amr.
    renewed = flow.client.post("/api/v1/token/refresh", json={"refresh_token": response.get_json()["refresh_token"]})
    again = claims_of(flow, renewed.get_json()["access_token"])
    assert (again["amr"], again["sid"]) == (["pwd", "otp"], claims["sid"])


def test_a_recovery_code_sign_in_gets_a_jwt_with_amr_pwd_rc(app, flow):
    pair = flow.signed_in()
    assert claims_of(flow, pair["access_token"])["amr"] == ["pwd", "sms"]
    codes = recovery_codes(flow, pair)
    response = answer(flow, flow.login(pair["user"]), {"recovery_code": codes[0]})
    assert response.status_code == 200, response.get_json()
    access = response.get_json()["access_token"]
    claims = claims_of(flow, access)
    assert claims["amr"] == ["pwd", "rc"]
    assert session_amr(app, claims["sub"], claims["sid"]) == ["pwd", "rc"]


def test_a_remembered_device_sign_in_gets_the_amr_its_session_records(app, flow, clock):
    pair = enrolled(flow, clock)
    pre = flow.login(pair["user"])
    proven = answer(flow, pre, {"otp": totp_code(pair["totp_secret"], clock), "factor": "totp",
                                "remember_device": True}).get_json()
    assert claims_of(flow, proven["access_token"])["amr"] == ["pwd", "otp"]
    login = flow.client.post("/api/v1/login", json={"email": pair["user"]["email"],
                                                    "password": pair["user"]["password"],
                                                    "device_token": proven["device_token"]})
    assert login.status_code == 200 and login.get_json()["otp_required"] is False
    access = login.get_json()["access_token"]
    claims = claims_of(flow, access)
    assert claims["amr"] == ["pwd", "device"]
    assert session_amr(app, claims["sub"], claims["sid"]) == claims["amr"]
