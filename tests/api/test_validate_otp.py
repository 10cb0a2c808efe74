"""POST /api/v1/validate-otp: spending, counting, expiry, lockouts."""

import pytest

from tests.support.flow import AuthFlow, bearer


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10 ** len(code):0{len(code)}d}"


def test_token_and_code_are_spent(flow):
    user = flow.signup()
    pre = flow.login(user)
    flow.send_otp(pre)
    code = flow.code_for(user)
    assert flow.validate(pre, code).status_code == 200
    again = flow.validate(pre, code)
    assert again.status_code == 401
    assert again.get_json()["code"] == "invalid_token"
    assert flow.send_otp(pre).status_code == 401


def test_wrong_code_reports_attempts_remaining(flow):
    user = flow.signup()
    pre = flow.login(user)
    flow.send_otp(pre)
    response = flow.validate(pre, wrong(flow.code_for(user)))
    assert response.status_code == 401
    problem = response.get_json()
    assert problem["code"] == "otp_invalid"
    assert problem["attempts_remaining"] == 4


def test_no_code_sent_is_expired(flow):
    pre = flow.login(flow.signup())
    response = flow.validate(pre, "123456")
    assert response.status_code == 401
    assert response.get_json()["code"] == "otp_expired"


def test_replaced_code_is_expired_and_not_counted(flow, clock, sms):
    user = flow.signup()
    pre = flow.login(user)
    flow.send_otp(pre)
    first = flow.code_for(user)
    second = first
    while second == first:  # a resend draws the same code once in a million
        clock.advance(30)
        flow.send_otp(pre)
        second = flow.code_for(user)
    guess = next(c for c in (wrong(second), wrong(wrong(second))) if c != first)
    assert flow.validate(pre, first).get_json()["code"] == "otp_expired"
    assert flow.validate(pre, guess).get_json()["attempts_remaining"] == 4
    assert flow.validate(pre, second).status_code == 200


def test_code_expires_after_ttl(flow, clock):
    user = flow.signup()
    pre = flow.login(user)
    flow.send_otp(pre)
    clock.advance(301)
    assert flow.validate(pre, flow.code_for(user)).get_json()["code"] == "otp_expired"


def test_attempts_count_across_resends_then_429_even_with_right_code(flow, clock):
    user = flow.signup()
    pre = flow.login(user)
    flow.send_otp(pre)
    for expected_left in (4, 3):
        assert flow.validate(pre, wrong(flow.code_for(user))).get_json()["attempts_remaining"] == expected_left
    clock.advance(30)
    flow.send_otp(pre)  # a new code does not reset the count
    for expected_left in (2, 1, 0):
        assert flow.validate(pre, wrong(flow.code_for(user))).get_json()["attempts_remaining"] == expected_left
    exceeded = flow.validate(pre, flow.code_for(user))
    assert exceeded.status_code == 429
    assert exceeded.get_json()["code"] == "otp_attempts_exceeded"
    # The pre-OTP token is revoked: the user must log in again.
    assert flow.validate(pre, flow.code_for(user)).get_json()["code"] == "invalid_token"
    fresh = flow.login(user)
    flow.send_otp(fresh)
    assert flow.validate(fresh, flow.code_for(user)).status_code == 200


def test_account_lockout_across_logins(make_app, sms, clock):
    client = make_app(
        OTP_MAX_ATTEMPTS="2", OTP_ACCOUNT_MAX_FAILURES="4", OTP_ACCOUNT_FAILURE_WINDOW_SECONDS="600"
    ).test_client()
    flow = AuthFlow(client, sms)
    user = flow.signup()
    for _ in range(2):
        pre = flow.login(user)
        flow.send_otp(pre)
        clock.advance(1)
        for _ in range(2):
            assert flow.validate(pre, wrong(flow.code_for(user))).status_code == 401
    pre = flow.login(user)
    refused_send = flow.send_otp(pre)
    assert refused_send.status_code == 429
    assert refused_send.get_json()["code"] == "rate_limited"
    assert 1 <= refused_send.get_json()["retry_after"] <= 600
    assert flow.validate(pre, "000000").get_json()["code"] == "rate_limited"
    clock.advance(601)
    pre = flow.login(user)
    assert flow.send_otp(pre).status_code == 200
    assert flow.validate(pre, flow.code_for(user)).status_code == 200


@pytest.mark.parametrize("otp", ["12345", "1234567", "12345a", "١٢٣٤٥٦", 123456, None])
def test_otp_must_be_six_digit_string(flow, client, otp):
    pre = flow.login(flow.signup())
    response = client.post("/api/v1/validate-otp", headers=bearer(pre), json={"otp": otp})
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == {"otp"}


def test_access_token_cannot_validate(flow):
    pair = flow.signed_in()
    assert flow.validate(pair["access_token"], "123456").get_json()["code"] == "invalid_token"
