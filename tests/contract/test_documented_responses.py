"""Walk every documented outcome of each operation and hold the response to openapi.yaml.

Schemathesis rarely reaches states such as a spent login or a failing SMS provider;
these drive the service there on purpose and check status, headers and body against
the document (spec.assert_documented).
"""

from __future__ import annotations

import pytest

from tests.contract.spec import TEST_CODE, TEST_PHONE, TEST_PHONE_NUMBERS, assert_documented
from tests.security.test_sms_guard import GUARD, MIN_SENDS, Client, pump, pumped_number
from tests.support.captcha_fake import PASS, FakeSiteverify
from tests.support.flow import PASSWORD, AuthFlow, bearer

SIGNUP, LOGIN = "/api/v1/signup", "/api/v1/login"
SEND, VALIDATE = "/api/v1/send-otp", "/api/v1/validate-otp"
ME, REFRESH, LOGOUT, CHECK = "/api/v1/me", "/api/v1/token/refresh", "/api/v1/logout", "/api/v1/auth/check"


@pytest.fixture
def app(make_app):  # type: ignore[no-untyped-def]
    return make_app(TEST_PHONE_NUMBERS=TEST_PHONE_NUMBERS)


def code_of(body: dict) -> str:
    return str(body["code"])


def test_happy_path_matches_the_document(client):
    user = assert_documented(SIGNUP, "post", client.post(SIGNUP, json={
        "email": "Contract@Example.com", "password": PASSWORD, "phone": TEST_PHONE}))
    login = assert_documented(LOGIN, "post", client.post(LOGIN, json={"email": user["email"], "password": PASSWORD}))
    pre = bearer(login["pre_otp_token"])
    assert_documented(SEND, "post", client.post(SEND, headers=pre))
    pair = assert_documented(VALIDATE, "post", client.post(VALIDATE, headers=pre, json={"otp": TEST_CODE}))
    access = bearer(pair["access_token"])
    assert assert_documented(ME, "get", client.get(ME, headers=access)) == user
    assert_documented(CHECK, "get", client.get(CHECK, headers=access))
    assert_documented(CHECK, "head", client.head(CHECK, headers=access))
    pair = assert_documented(REFRESH, "post", client.post(REFRESH, json={"refresh_token": pair["refresh_token"]}))
    assert_documented(LOGOUT, "post", client.post(LOGOUT, headers=bearer(pair["access_token"])))
    assert code_of(assert_documented(ME, "get", client.get(ME, headers=bearer(pair["access_token"])))) \
        == "invalid_token"


def test_request_errors_match_the_document(client):
    cases = [
        (client.post(SIGNUP, data="{", content_type="application/json"), "invalid_json"),
        (client.post(SIGNUP, data="email=a", content_type="application/x-www-form-urlencoded"),
         "unsupported_media_type"),
        (client.post(SIGNUP, data="x" * (64 * 1024 + 1), content_type="application/json"), "payload_too_large"),
        (client.post(SIGNUP, json={"email": "nope", "password": "password", "phone": "12", "extra": 1}),
         "validation_error"),
    ]
    for response, code in cases:
        assert code_of(assert_documented(SIGNUP, "post", response)) == code
    errors = cases[-1][0].get_json()["errors"]
    assert set(errors) == {"email", "password", "phone", "extra"}


def test_account_errors_match_the_document(client):
    body = {"email": "taken@example.com", "password": PASSWORD, "phone": TEST_PHONE}
    assert_documented(SIGNUP, "post", client.post(SIGNUP, json=body))
    assert code_of(assert_documented(SIGNUP, "post", client.post(SIGNUP, json=body))) == "email_taken"
    wrong = {"email": body["email"], "password": "not the password"}
    for _ in range(5):
        assert code_of(assert_documented(LOGIN, "post", client.post(LOGIN, json=wrong))) == "invalid_credentials"
    limited = client.post(LOGIN, json={"email": body["email"], "password": PASSWORD})
    problem = assert_documented(LOGIN, "post", limited)
    assert code_of(problem) == "rate_limited"
    assert int(limited.headers["Retry-After"]) == problem["retry_after"] >= 1


def _logged_in(client) -> dict:  # type: ignore[no-untyped-def]
    email = f"otp-{id(client)}@example.com"
    client.post(SIGNUP, json={"email": email, "password": PASSWORD, "phone": TEST_PHONE})
    return bearer(client.post(LOGIN, json={"email": email, "password": PASSWORD}).get_json()["pre_otp_token"])


def test_code_errors_match_the_document(client):
    pre = _logged_in(client)
    assert code_of(assert_documented(VALIDATE, "post", client.post(VALIDATE, headers=pre, json={"otp": "000000"}))) \
        == "otp_expired"
    assert_documented(SEND, "post", client.post(SEND, headers=pre))
    cooldown = client.post(SEND, headers=pre)
    assert code_of(assert_documented(SEND, "post", cooldown)) == "rate_limited"
    assert int(cooldown.headers["Retry-After"]) == cooldown.get_json()["retry_after"]
    assert code_of(assert_documented(SEND, "post", client.post(SEND, headers=pre, json={"to": "+1"}))) \
        == "validation_error"
    assert code_of(assert_documented(VALIDATE, "post", client.post(VALIDATE, headers=pre, json={"otp": "12ab"}))) \
        == "validation_error"
    remaining = []
    for _ in range(5):
        problem = assert_documented(VALIDATE, "post", client.post(VALIDATE, headers=pre, json={"otp": "000000"}))
        assert code_of(problem) == "otp_invalid"
        remaining.append(problem["attempts_remaining"])
    assert remaining == [4, 3, 2, 1, 0]
    exceeded = client.post(VALIDATE, headers=pre, json={"otp": TEST_CODE})
    assert code_of(assert_documented(VALIDATE, "post", exceeded)) == "otp_attempts_exceeded"
    assert int(exceeded.headers["Retry-After"]) == exceeded.get_json()["retry_after"] >= 1
    assert code_of(assert_documented(SEND, "post", client.post(SEND, headers=pre))) == "invalid_token"


def test_wrong_token_kinds_match_the_document(client):
    pre = _logged_in(client)
    for path, method in ((ME, "get"), (CHECK, "get"), (LOGOUT, "post")):
        response = client.open(path, method=method.upper(), headers=pre)
        assert code_of(assert_documented(path, method, response)) == "invalid_token"
    assert_documented(CHECK, "head", client.head(CHECK, headers=pre))
    assert_documented(SEND, "post", client.post(SEND, headers=pre))
    pair = client.post(VALIDATE, headers=pre, json={"otp": TEST_CODE}).get_json()
    access = bearer(pair["access_token"])
    assert code_of(assert_documented(SEND, "post", client.post(SEND, headers=access))) == "invalid_token"
    assert code_of(assert_documented(REFRESH, "post", client.post(REFRESH, json={
        "refresh_token": pair["access_token"]}))) == "invalid_token"


def test_refresh_reuse_matches_the_document(client, clock):
    pre = _logged_in(client)
    client.post(SEND, headers=pre)
    first = client.post(VALIDATE, headers=pre, json={"otp": TEST_CODE}).get_json()
    second = assert_documented(REFRESH, "post", client.post(REFRESH, json={"refresh_token": first["refresh_token"]}))
    raced = client.post(REFRESH, json={"refresh_token": first["refresh_token"]})  # inside the grace
    assert_documented(REFRESH, "post", raced)
    clock.advance(10)  # REFRESH_REUSE_GRACE_SECONDS
    reused = client.post(REFRESH, json={"refresh_token": first["refresh_token"]})
    assert code_of(assert_documented(REFRESH, "post", reused)) == "invalid_token"
    revoked = client.get(ME, headers=bearer(second["access_token"]))
    assert code_of(assert_documented(ME, "get", revoked)) == "invalid_token"


def test_sms_outage_matches_the_document(client, sms):
    client.post(SIGNUP, json={"email": "sms@example.com", "password": PASSWORD, "phone": "+14155550123"})
    pre = bearer(client.post(LOGIN, json={"email": "sms@example.com", "password": PASSWORD}).get_json()[
        "pre_otp_token"])
    sms.fail_next = 1
    failed = client.post(SEND, headers=pre)
    assert code_of(assert_documented(SEND, "post", failed)) == "sms_unavailable"
    assert int(failed.headers["Retry-After"]) == failed.get_json()["retry_after"] >= 1
    assert_documented(SEND, "post", client.post(SEND, headers=pre))


def test_operations_endpoints_match_the_document(client):
    assert_documented("/healthz", "get", client.get("/healthz"))
    assert_documented("/readyz", "get", client.get("/readyz"))
    assert_documented("/openapi.yaml", "get", client.get("/openapi.yaml"))
    assert_documented("/docs", "get", client.get("/docs"))
    assert_documented("/login", "get", client.get("/login"))
    with client.get("/docs/swagger-ui-bundle.js") as asset:
        assert_documented("/docs/{asset}", "get", asset)
    assert code_of(assert_documented("/docs/{asset}", "get", client.get("/docs/missing.js"))) == "not_found"


def test_text_the_database_cannot_hold_gets_a_documented_answer(client):
    # A NUL in the email once reached PostgreSQL (500); a lone surrogate once reached Argon2 (500).
    nul = client.post(LOGIN, json={"email": "a\x00b@example.com", "password": PASSWORD})
    assert code_of(assert_documented(LOGIN, "post", nul)) == "validation_error"
    assert "email" in nul.get_json()["errors"]
    surrogate = '{"email": "s@example.com", "password": "pass\\ud800word!", "phone": "+15555550100"}'
    for path in (SIGNUP, LOGIN):
        body = surrogate if path == SIGNUP else '{"email": "s@example.com", "password": "pass\\ud800word!"}'
        response = client.post(path, data=body, content_type="application/json")
        assert code_of(assert_documented(path, "post", response)) == "validation_error"
        assert "password" in response.get_json()["errors"]


FACTORS, TOTP, CONFIRM, RECOVERY = ("/api/v1/factors", "/api/v1/factors/totp", "/api/v1/factors/totp/confirm",
                                    "/api/v1/factors/recovery-codes")


def test_second_factors_match_the_document(client, clock):
    import pyotp

    pre = _logged_in(client)
    client.post(SEND, headers=pre)
    pair = assert_documented(VALIDATE, "post", client.post(VALIDATE, headers=pre, json={"otp": TEST_CODE}))
    access = bearer(pair["access_token"])
    assert assert_documented(FACTORS, "get", client.get(FACTORS, headers=access))["recovery_codes_left"] == 0
    assert code_of(assert_documented(CONFIRM, "post", client.post(CONFIRM, headers=access, json={"code": "123456"}))) \
        == "validation_error"
    secret = assert_documented(TOTP, "post", client.post(TOTP, headers=access))["secret"]
    assert code_of(assert_documented(CONFIRM, "post", client.post(CONFIRM, headers=access, json={"code": "12"}))) \
        == "validation_error"
    assert_documented(CONFIRM, "post", client.post(CONFIRM, headers=access,
                                                   json={"code": pyotp.TOTP(secret).at(clock.now())}))
    codes = assert_documented(RECOVERY, "post", client.post(RECOVERY, headers=access))["recovery_codes"]
    assert assert_documented(FACTORS, "get", client.get(FACTORS, headers=access))["totp"] == {"enabled": True}
    email = client.get(ME, headers=access).get_json()["email"]
    login = assert_documented(LOGIN, "post", client.post(LOGIN, json={"email": email, "password": PASSWORD}))
    assert login["factors"] == ["sms", "totp", "recovery_code"]
    pre = bearer(login["pre_otp_token"])
    clock.advance(30)
    wrong = client.post(VALIDATE, headers=pre, json={"recovery_code": "00000-00000"})
    assert code_of(assert_documented(VALIDATE, "post", wrong)) == "otp_invalid"
    both = client.post(VALIDATE, headers=pre, json={"recovery_code": codes[0], "otp": TEST_CODE})
    assert code_of(assert_documented(VALIDATE, "post", both)) == "validation_error"
    assert_documented(VALIDATE, "post", client.post(VALIDATE, headers=pre, json={
        "otp": pyotp.TOTP(secret).at(clock.now()), "factor": "totp"}))
    pre = bearer(client.post(LOGIN, json={"email": email, "password": PASSWORD}).get_json()["pre_otp_token"])
    device = assert_documented(VALIDATE, "post", client.post(VALIDATE, headers=pre, json={
        "recovery_code": codes[0], "remember_device": True}))["device_token"]
    on_device = assert_documented(LOGIN, "post", client.post(LOGIN, json={
        "email": email, "password": PASSWORD, "device_token": device}))
    assert on_device["otp_required"] is False
    unknown = assert_documented(LOGIN, "post", client.post(LOGIN, json={
        "email": email, "password": PASSWORD, "device_token": "not-a-device"}))
    assert unknown["otp_required"] is True
    assert_documented(TOTP, "delete", client.delete(TOTP, headers=access))
    for path, method in ((FACTORS, "get"), (TOTP, "post"), (TOTP, "delete"), (RECOVERY, "post")):
        response = client.open(path, method=method.upper(), headers=pre)
        assert code_of(assert_documented(path, method, response)) == "invalid_token"


def test_jwt_access_tokens_the_jwks_and_the_forwarded_jwt_match_the_document(make_app):
    from tests.support.jwt_tokens import ed25519_pem, jwt_settings, p256_pem

    jwks_path = "/.well-known/jwks.json"
    opaque_client = make_app(TEST_PHONE_NUMBERS=TEST_PHONE_NUMBERS).test_client()
    assert assert_documented(jwks_path, "get", opaque_client.get(jwks_path)) == {"keys": []}

    client = make_app(TEST_PHONE_NUMBERS=TEST_PHONE_NUMBERS, AUTH_CHECK_FORWARD_JWT="true",
                      **jwt_settings(ed25519_pem(), p256_pem())).test_client()
    assert len(assert_documented(jwks_path, "get", client.get(jwks_path))["keys"]) == 2
    assert_documented(SIGNUP, "post", client.post(SIGNUP, json={
        "email": "jwt-contract@example.com", "password": PASSWORD, "phone": TEST_PHONE}))
    login = client.post(LOGIN, json={"email": "jwt-contract@example.com", "password": PASSWORD}).get_json()
    pre = bearer(login["pre_otp_token"])
    client.post(SEND, headers=pre)
    pair = assert_documented(VALIDATE, "post", client.post(VALIDATE, headers=pre, json={"otp": TEST_CODE}))
    assert pair["access_token"].count(".") == 2
    check = client.get(CHECK, headers=bearer(pair["access_token"]))
    assert_documented(CHECK, "get", check)
    assert check.headers["X-Jwt-Assertion"].count(".") == 2
    pair = assert_documented(REFRESH, "post", client.post(REFRESH, json={"refresh_token": pair["refresh_token"]}))
    assert_documented(ME, "get", client.get(ME, headers=bearer(pair["access_token"])))


SESSIONS, PASSWORD_CHANGE = "/api/v1/sessions", "/api/v1/password/change"
ONE_SESSION = "/api/v1/sessions/{id}"


def _signed_in(client) -> dict:  # type: ignore[no-untyped-def]
    pre = _logged_in(client)
    client.post(SEND, headers=pre)
    return client.post(VALIDATE, headers=pre, json={"otp": TEST_CODE}).get_json()


def test_self_service_matches_the_document(client, clock):
    first = _signed_in(client)
    clock.advance(1)
    second = _signed_in(client)
    access = bearer(first["access_token"])
    listed = assert_documented(SESSIONS, "get", client.get(SESSIONS, headers=access))["sessions"]
    assert [session["current"] for session in listed] == [False, True]
    other = listed[0]["id"]
    assert_documented(ONE_SESSION, "delete", client.delete(f"{SESSIONS}/{other}", headers=access))
    gone = client.delete(f"{SESSIONS}/{other}", headers=access)
    assert code_of(assert_documented(ONE_SESSION, "delete", gone)) == "not_found"
    assert_documented(SESSIONS, "delete", client.delete(SESSIONS, headers=access))
    assert code_of(assert_documented(SESSIONS, "get", client.get(SESSIONS, headers=bearer(
        second["access_token"])))) == "invalid_token"

    change = {"current_password": "not it", "new_password": "a brand new passphrase 7"}
    assert code_of(assert_documented(PASSWORD_CHANGE, "post", client.post(
        PASSWORD_CHANGE, headers=access, json=change))) == "invalid_credentials"
    assert code_of(assert_documented(PASSWORD_CHANGE, "post", client.post(
        PASSWORD_CHANGE, headers=access, json={**change, "new_password": "short"}))) == "validation_error"
    assert_documented(PASSWORD_CHANGE, "post", client.post(
        PASSWORD_CHANGE, headers=access, json={**change, "current_password": PASSWORD}))
    for _ in range(5):  # the old password, now wrong: LOGIN_MAX_FAILURES of them
        assert_documented(ME, "delete", client.delete(ME, headers=access, json={"password": PASSWORD}))
    limited = client.delete(ME, headers=access, json={"password": "a brand new passphrase 7"})
    assert code_of(assert_documented(ME, "delete", limited)) == "rate_limited"
    assert int(limited.headers["Retry-After"]) == limited.get_json()["retry_after"] >= 1


def test_account_deletion_matches_the_document(client):
    access = bearer(_signed_in(client)["access_token"])
    assert code_of(assert_documented(ME, "delete", client.delete(ME, headers=access, json={}))) == "validation_error"
    assert_documented(ME, "delete", client.delete(ME, headers=access, json={"password": PASSWORD}))
    assert code_of(assert_documented(ME, "delete", client.delete(ME, headers=access, json={
        "password": PASSWORD}))) == "invalid_token"


FORGOT, RESET = "/api/v1/password/forgot", "/api/v1/password/reset"
PHONE_CHANGE, PHONE_CONFIRM = "/api/v1/phone/change", "/api/v1/phone/confirm"
EMAIL_SEND, EMAIL_VERIFY = "/api/v1/email/verification", "/api/v1/email/verify"


def test_recovery_matches_the_document(client, email, sms):
    session = _signed_in(client)
    access = bearer(session["access_token"])
    me = client.get(ME, headers=access).get_json()
    assert_documented(EMAIL_SEND, "post", client.post(EMAIL_SEND, headers=access))
    assert code_of(assert_documented(EMAIL_SEND, "post", client.post(EMAIL_SEND, headers=access))) == "rate_limited"
    right = email.last_code(me["email"])
    wrong = "000000" if right != "000000" else "111111"
    assert code_of(assert_documented(EMAIL_VERIFY, "post", client.post(
        EMAIL_VERIFY, headers=access, json={"code": wrong}))) == "otp_invalid"
    assert assert_documented(EMAIL_VERIFY, "post", client.post(
        EMAIL_VERIFY, headers=access, json={"code": right}))["email_verified"] is True

    assert code_of(assert_documented(PHONE_CHANGE, "post", client.post(
        PHONE_CHANGE, headers=access, json={"phone": "12"}))) == "validation_error"
    email.fail_next = 1
    assert code_of(assert_documented(PHONE_CHANGE, "post", client.post(
        PHONE_CHANGE, headers=access, json={"phone": "+14155550123"}))) == "email_unavailable"
    change = assert_documented(PHONE_CHANGE, "post", client.post(
        PHONE_CHANGE, headers=access, json={"phone": "+14155550123"}))
    (by_email,) = [code for code in email.to(me["email"])[-1].body.split() if code.isdigit() and len(code) == 6]
    moved = assert_documented(PHONE_CONFIRM, "post", client.post(
        PHONE_CONFIRM, headers=bearer(change["change_token"]),
        json={"email_code": by_email, "sms_code": sms.last_code("+14155550123")}))
    assert moved["phone"] == "+14155550123"

    ticket = assert_documented(FORGOT, "post", client.post(FORGOT, json={"email": me["email"]}))
    assert_documented(FORGOT, "post", client.post(FORGOT, json={"email": "nobody@example.com"}))
    assert code_of(assert_documented(FORGOT, "post", client.post(FORGOT, json={"email": "x"}))) \
        == "validation_error"
    token = bearer(ticket["reset_token"])
    body = {"email_code": email.last_code(me["email"]), "sms_code": sms.last_code("+14155550123"),
            "new_password": "a reset passphrase 1"}
    assert code_of(assert_documented(RESET, "post", client.post(
        RESET, headers=token, json={**body, "new_password": "short"}))) == "validation_error"
    refused = client.post(RESET, headers=token, json={**body, "email_code": wrong if body["email_code"] != wrong
                                                      else "222222"})
    assert code_of(assert_documented(RESET, "post", refused)) == "otp_invalid"
    assert assert_documented(RESET, "post", client.post(RESET, headers=token, json=body)) is None
    assert code_of(assert_documented(RESET, "post", client.post(RESET, headers=token, json=body))) \
        == "invalid_token"


def test_sms_guard_and_captcha_match_the_document(make_app, sms):
    flow = AuthFlow(make_app(**GUARD).test_client(), sms)
    pump(flow, MIN_SENDS)
    refused = Client(flow).send(pumped_number())[0]
    assert code_of(assert_documented(SEND, "post", refused)) == "sms_unavailable"
    assert int(refused.headers["Retry-After"]) == refused.get_json()["retry_after"] == 1800
    with FakeSiteverify("turnstile") as siteverify:
        client = make_app(**siteverify.settings()).test_client()
        body = {"email": "captcha@example.com", "password": PASSWORD, "phone": "+14155550124"}
        assert code_of(assert_documented(SIGNUP, "post", client.post(SIGNUP, json=body))) == "validation_error"
        assert_documented(SIGNUP, "post", client.post(SIGNUP, json={**body, "captcha_token": PASS}))
        pre = bearer(client.post(LOGIN, json={"email": body["email"], "password": PASSWORD}).get_json()[
            "pre_otp_token"])
        assert code_of(assert_documented(SEND, "post", client.post(SEND, headers=pre))) == "validation_error"
        assert_documented(SEND, "post", client.post(SEND, headers=pre, json={"captcha_token": PASS}))
        siteverify.status = 502
        down = client.post(SEND, headers=pre, json={"captcha_token": PASS})
        assert code_of(assert_documented(SEND, "post", down)) == "service_unavailable"
