"""POST /email/verification and /email/verify; email_verified in /me."""

from __future__ import annotations

from tests.support.flow import bearer


def ask(flow, token):
    return flow.client.post("/api/v1/email/verification", headers=bearer(token))


def verify(flow, token, code):
    return flow.client.post("/api/v1/email/verify", headers=bearer(token), json={"code": code})


def wrong(code):
    return f"{(int(code) + 1) % 10 ** len(code):0{len(code)}d}"


def test_a_new_account_is_not_verified_and_the_code_verifies_it(flow, email):
    session = flow.signed_in()
    user, token = session["user"], session["access_token"]
    assert flow.client.get("/api/v1/me", headers=bearer(token)).get_json()["email_verified"] is False
    sent = ask(flow, token)
    assert sent.status_code == 202
    local, domain = user["email"].split("@")
    assert sent.get_json() == {"sent_to": f"{local[0]}***@{domain}", "expires_in": 300, "resend_after": 30}
    answer = verify(flow, token, email.last_code(user["email"]))
    assert answer.status_code == 200 and answer.get_json()["email_verified"] is True
    assert flow.client.get("/api/v1/me", headers=bearer(token)).get_json()["email_verified"] is True
    again = verify(flow, token, email.last_code(user["email"]))
    assert again.status_code == 401 and again.get_json()["code"] == "otp_expired"


def test_the_resend_cooldown_and_a_new_code_replacing_the_old(flow, email, clock):
    session = flow.signed_in()
    user, token = session["user"], session["access_token"]
    assert ask(flow, token).status_code == 202
    old = email.last_code(user["email"])
    early = ask(flow, token)
    assert early.status_code == 429 and int(early.headers["Retry-After"]) >= 1
    clock.advance(31)
    assert ask(flow, token).status_code == 202
    new = email.last_code(user["email"])
    if old != new:
        assert verify(flow, token, old).status_code == 401
    assert verify(flow, token, new).status_code == 200


def test_the_hourly_cap_of_the_address(app_and_flow, clock):
    _, flow = app_and_flow(OTP_MAX_SENDS_PER_PHONE_PER_HOUR="2")
    token = flow.signed_in()["access_token"]
    statuses = []
    for _ in range(3):
        statuses.append(ask(flow, token).status_code)
        clock.advance(31)
    assert statuses == [202, 202, 429]


def test_wrong_codes_are_counted_then_429(flow, email):
    session = flow.signed_in()
    token = session["access_token"]
    ask(flow, token)
    code = email.last_code(session["user"]["email"])
    remaining = [verify(flow, token, wrong(code)).get_json()["attempts_remaining"] for _ in range(5)]
    assert remaining == [4, 3, 2, 1, 0]
    exceeded = verify(flow, token, code)
    assert exceeded.status_code == 429 and exceeded.get_json()["code"] == "otp_attempts_exceeded"


def test_an_email_failure_is_503_and_starts_no_cooldown(flow, email):
    token = flow.signed_in()["access_token"]
    email.fail_next = 1
    failed = ask(flow, token)
    assert failed.status_code == 503 and failed.get_json()["code"] == "email_unavailable"
    assert int(failed.headers["Retry-After"]) >= 1
    assert ask(flow, token).status_code == 202


def test_a_pre_otp_token_is_refused(flow):
    user = flow.signup()
    pre = flow.login(user)
    assert ask(flow, pre).status_code == 401
    assert verify(flow, pre, "123456").status_code == 401


def test_bodies_are_checked(flow):
    token = flow.signed_in()["access_token"]
    for body in ({}, {"code": 123456}, {"code": "12345"}, {"code": "123456", "extra": 1}):
        response = flow.client.post("/api/v1/email/verify", headers=bearer(token), json=body)
        assert response.status_code == 422, body
    unknown = flow.client.post("/api/v1/email/verification", headers=bearer(token), json={"to": "x@example.com"})
    assert unknown.status_code == 422
