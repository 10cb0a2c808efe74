"""/api/v1/factors: enrolling an authenticator app, recovery codes, and what GET /factors says."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, unquote, urlparse

import pyotp

from tests.support.factors import enrolled, recovery_codes, totp_code
from tests.support.flow import bearer


def test_a_new_account_has_sms_only(flow, client):
    pair = flow.signed_in()
    response = client.get("/api/v1/factors", headers=bearer(pair["access_token"]))
    assert response.status_code == 200
    assert response.get_json() == {"sms": {"phone_hint": "+1******" + pair["user"]["phone"][-4:]},
                                   "totp": {"enabled": False}, "recovery_codes_left": 0}


def test_enrolment_gives_a_secret_its_uri_and_a_qr_code(flow, client, make_app):
    pair = flow.signed_in()
    response = client.post("/api/v1/factors/totp", headers=bearer(pair["access_token"]))
    assert response.status_code == 201
    assert response.headers["Cache-Control"] == "no-store"
    body = response.get_json()
    assert re.fullmatch(r"[A-Z2-7]{32}", body["secret"])  # 160 bits of base32
    uri = urlparse(body["otpauth_uri"])
    assert (uri.scheme, uri.netloc) == ("otpauth", "totp")
    assert unquote(uri.path) == f"/otp-auth:{pair['user']['email']}"
    query = parse_qs(uri.query)
    assert query["secret"] == [body["secret"]] and query["issuer"] == ["otp-auth"]
    parsed = pyotp.parse_uri(body["otpauth_uri"])
    assert (parsed.digits, parsed.interval, parsed.digest().name) == (6, 30, "sha1")
    assert body["qr_svg"].startswith("<svg") and body["qr_svg"].rstrip().endswith("</svg>")


def test_issuer_is_the_sms_sender_name(app_and_flow):
    _, flow = app_and_flow(SMS_SENDER_NAME="Example Bank")
    pair = flow.signed_in()
    body = flow.client.post("/api/v1/factors/totp", headers=bearer(pair["access_token"])).get_json()
    assert pyotp.parse_uri(body["otpauth_uri"]).issuer == "Example Bank"


def test_pending_until_confirmed_then_listed(flow, client, clock):
    pair = flow.signed_in()
    access = bearer(pair["access_token"])
    secret = client.post("/api/v1/factors/totp", headers=access).get_json()["secret"]
    assert client.get("/api/v1/factors", headers=access).get_json()["totp"] == {"enabled": False}
    login = client.post("/api/v1/login", json={"email": pair["user"]["email"], "password": pair["user"]["password"]})
    assert login.get_json()["factors"] == ["sms"]
    assert client.post("/api/v1/factors/totp/confirm", headers=access,
                       json={"code": totp_code(secret, clock)}).status_code == 204
    assert client.get("/api/v1/factors", headers=access).get_json()["totp"] == {"enabled": True}
    login = client.post("/api/v1/login", json={"email": pair["user"]["email"], "password": pair["user"]["password"]})
    assert login.get_json()["factors"] == ["sms", "totp"]


def test_confirm_takes_a_code_one_step_either_side_only(flow, client, clock):
    pair = flow.signed_in()
    access = bearer(pair["access_token"])
    secret = client.post("/api/v1/factors/totp", headers=access).get_json()["secret"]
    for steps in (-2, 2):
        refused = client.post("/api/v1/factors/totp/confirm", headers=access,
                              json={"code": totp_code(secret, clock, steps)})
        assert refused.status_code == 422
        assert set(refused.get_json()["errors"]) == {"code"}
    assert client.post("/api/v1/factors/totp/confirm", headers=access,
                       json={"code": totp_code(secret, clock, -1)}).status_code == 204


def test_confirm_without_an_enrolment_names_the_code(flow, client):
    pair = flow.signed_in()
    response = client.post("/api/v1/factors/totp/confirm", headers=bearer(pair["access_token"]),
                           json={"code": "123456"})
    assert response.status_code == 422
    assert "POST /api/v1/factors/totp" in response.get_json()["errors"]["code"][0]


def test_re_enrolling_keeps_the_old_app_until_the_new_one_is_confirmed(flow, client, clock):
    pair = enrolled(flow, clock)
    access = bearer(pair["access_token"])
    new_secret = client.post("/api/v1/factors/totp", headers=access).get_json()["secret"]
    assert new_secret != pair["totp_secret"]
    assert client.get("/api/v1/factors", headers=access).get_json()["totp"] == {"enabled": True}
    pre = flow.login(pair["user"])
    assert flow.client.post("/api/v1/validate-otp", headers=bearer(pre), json={
        "otp": totp_code(pair["totp_secret"], clock), "factor": "totp"}).status_code == 200
    clock.advance(30)
    assert client.post("/api/v1/factors/totp/confirm", headers=access,
                       json={"code": totp_code(new_secret, clock)}).status_code == 204
    clock.advance(30)
    pre = flow.login(pair["user"])
    old = flow.client.post("/api/v1/validate-otp", headers=bearer(pre), json={
        "otp": totp_code(pair["totp_secret"], clock), "factor": "totp"})
    assert old.get_json()["code"] == "otp_invalid"
    assert flow.client.post("/api/v1/validate-otp", headers=bearer(pre), json={
        "otp": totp_code(new_secret, clock), "factor": "totp"}).status_code == 200


def test_removing_the_app(flow, client, clock):
    pair = enrolled(flow, clock)
    access = bearer(pair["access_token"])
    assert client.delete("/api/v1/factors/totp", headers=access).status_code == 204
    assert client.delete("/api/v1/factors/totp", headers=access).status_code == 204  # idempotent
    assert client.get("/api/v1/factors", headers=access).get_json()["totp"] == {"enabled": False}
    pre = flow.login(pair["user"])
    refused = flow.client.post("/api/v1/validate-otp", headers=bearer(pre), json={
        "otp": totp_code(pair["totp_secret"], clock), "factor": "totp"})
    assert refused.get_json()["code"] == "otp_invalid"


def test_recovery_codes_are_ten_readable_codes_and_a_new_set_replaces_the_old(flow, client):
    pair = flow.signed_in()
    access = bearer(pair["access_token"])
    first = recovery_codes(flow, pair)
    assert len(first) == len(set(first)) == 10
    assert all(re.fullmatch(r"[0-9a-hjkmnp-tv-z]{5}-[0-9a-hjkmnp-tv-z]{5}", code) for code in first)
    assert client.get("/api/v1/factors", headers=access).get_json()["recovery_codes_left"] == 10
    second = recovery_codes(flow, pair)
    assert not set(first) & set(second)
    pre = flow.login(pair["user"])
    assert flow.client.post("/api/v1/validate-otp", headers=bearer(pre),
                            json={"recovery_code": first[0]}).get_json()["code"] == "otp_invalid"
    assert flow.client.post("/api/v1/validate-otp", headers=bearer(pre),
                            json={"recovery_code": second[0]}).status_code == 200
    assert client.get("/api/v1/factors", headers=access).get_json()["recovery_codes_left"] == 9


def test_factor_endpoints_need_an_access_token(flow, client):
    pre = flow.login(flow.signup())
    for method, path in (("GET", "/api/v1/factors"), ("POST", "/api/v1/factors/totp"),
                         ("POST", "/api/v1/factors/totp/confirm"), ("DELETE", "/api/v1/factors/totp"),
                         ("POST", "/api/v1/factors/recovery-codes")):
        for headers in ({}, bearer(pre), bearer("not-a-token")):
            response = client.open(path, method=method, headers=headers, json={"code": "123456"})
            assert response.status_code == 401, (method, path)
            assert response.get_json()["code"] == "invalid_token"


def test_bodies_are_checked(flow, client):
    access = bearer(flow.signed_in()["access_token"])
    for code in ("12345", "1234567", "12345a", 123456, None):
        response = client.post("/api/v1/factors/totp/confirm", headers=access, json={"code": code})
        assert response.status_code == 422 and set(response.get_json()["errors"]) == {"code"}
    for path in ("/api/v1/factors/totp", "/api/v1/factors/recovery-codes"):
        response = client.post(path, headers=access, json={"extra": 1})
        assert response.status_code == 422 and set(response.get_json()["errors"]) == {"extra"}
