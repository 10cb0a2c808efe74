"""POST /api/v1/send-otp: replacement, cooldowns, caps, provider failure, token kinds."""

import pytest

from tests.support.flow import bearer

URL = "/api/v1/send-otp"


def test_sends_to_the_account_phone(flow, sms):
    user = flow.signup(phone="+14155550111")
    pre = flow.login(user)
    response = flow.send_otp(pre)
    assert response.status_code == 200
    assert response.get_json() == {"sent_to": "+1******0111", "expires_in": 300, "resend_after": 30}
    assert sms.messages[-1][0] == "+14155550111"
    assert len(flow.code_for(user)) == 6


def test_resend_inside_cooldown_is_429_with_retry_after(flow, clock):
    user = flow.signup()
    pre = flow.login(user)
    flow.send_otp(pre)
    clock.advance(10)
    refused = flow.send_otp(pre)
    assert refused.status_code == 429
    problem = refused.get_json()
    assert problem["code"] == "rate_limited"
    assert problem["retry_after"] == int(refused.headers["Retry-After"]) == 20


def test_new_code_replaces_the_old_one(flow, clock):
    user = flow.signup()
    pre = flow.login(user)
    flow.send_otp(pre)
    old = flow.code_for(user)
    clock.advance(30)
    assert flow.send_otp(pre).status_code == 200
    new = flow.code_for(user)
    if old != new:
        replaced = flow.validate(pre, old).get_json()
        assert replaced["code"] == "otp_expired"
        assert "newer" in replaced["detail"]
    assert flow.validate(pre, new).status_code == 200


def test_sends_per_login_are_capped(flow, clock):
    user = flow.signup()
    pre = flow.login(user)
    for _ in range(5):
        assert flow.send_otp(pre).status_code == 200
        clock.advance(30)
    refused = flow.send_otp(pre)
    assert refused.status_code == 429
    assert refused.get_json()["retry_after"] >= 1


def test_hourly_cap_per_phone_across_logins(make_app, sms, clock):
    from tests.support.flow import AuthFlow

    client = make_app(OTP_MAX_SENDS_PER_PHONE_PER_HOUR="3").test_client()
    flow = AuthFlow(client, sms)
    user = flow.signup()
    for _ in range(3):
        assert flow.send_otp(flow.login(user)).status_code == 200
    refused = flow.send_otp(flow.login(user))
    assert refused.status_code == 429
    assert 1 <= refused.get_json()["retry_after"] <= 3600
    clock.advance(3601)
    assert flow.send_otp(flow.login(user)).status_code == 200


def test_provider_failure_is_503_and_charges_no_cooldown(flow, sms):
    user = flow.signup()
    pre = flow.login(user)
    sms.fail_next = 1
    failed = flow.send_otp(pre)
    assert failed.status_code == 503
    problem = failed.get_json()
    assert problem["code"] == "sms_unavailable"
    assert int(failed.headers["Retry-After"]) == problem["retry_after"] == 1
    retry = flow.send_otp(pre)
    assert retry.status_code == 200
    assert flow.validate(pre, flow.code_for(user)).status_code == 200


def test_failed_send_leaves_the_previous_code_working(flow, sms, clock):
    user = flow.signup()
    pre = flow.login(user)
    flow.send_otp(pre)
    code = flow.code_for(user)
    clock.advance(31)
    sms.fail_next = 1
    assert flow.send_otp(pre).status_code == 503
    assert flow.validate(pre, code).status_code == 200


def test_test_phone_numbers_get_no_sms_and_accept_the_fixed_code(make_app, sms):
    from tests.support.flow import AuthFlow

    client = make_app(TEST_PHONE_NUMBERS="+15555550100=123456").test_client()
    flow = AuthFlow(client, sms)
    user = flow.signup(phone="+15555550100")
    pre = flow.login(user)
    assert flow.send_otp(pre).status_code == 200
    assert sms.messages == []
    assert flow.validate(pre, "123456").status_code == 200


@pytest.mark.parametrize("headers", [{}, bearer("nonsense"), {"Authorization": "Basic abc"}])
def test_missing_or_unknown_token_is_401(client, headers):
    response = client.post(URL, headers=headers)
    assert response.status_code == 401
    assert response.get_json()["code"] == "invalid_token"


def test_expired_and_wrong_kind_tokens_are_401(flow, clock):
    pair = flow.signed_in()
    for token in (pair["access_token"], pair["refresh_token"]):
        assert flow.send_otp(token).get_json()["code"] == "invalid_token"
    pre = flow.login(pair["user"])
    clock.advance(601)
    assert flow.send_otp(pre).get_json()["code"] == "invalid_token"


def test_any_body_field_is_422(flow, client):
    pre = flow.login(flow.signup())
    response = client.post(URL, headers=bearer(pre), json={"phone": "+14155550000"})
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == {"phone"}
    assert client.post(URL, headers=bearer(pre), json={}).status_code == 200
