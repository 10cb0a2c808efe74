"""The CAPTCHA step through the API: signup and send-otp need a `captcha_token` the provider (a local
fake of its siteverify) accepts; a missing or refused one is 422 naming it; a provider that does not
answer refuses the request (503) unless CAPTCHA_FAIL_OPEN; every outcome is counted."""

from __future__ import annotations

import pytest

from tests.security.pwned_api import HangingServer
from tests.support.app_state import sample
from tests.support.captcha_fake import PASS, FakeSiteverify
from tests.support.flow import AuthFlow, bearer

SIGNUP = "/api/v1/signup"
SEND = "/api/v1/send-otp"
FORGOT = "/api/v1/password/forgot"


@pytest.fixture(params=["turnstile", "hcaptcha"])
def siteverify(request: pytest.FixtureRequest):
    with FakeSiteverify(str(request.param)) as fake:
        yield fake


def identity(flow: AuthFlow, **extra: str) -> dict:
    return {**flow.new_identity(), **extra}


def test_signup_and_send_otp_need_a_solved_captcha(make_app, sms, siteverify):
    app = make_app(**siteverify.settings())
    client = app.test_client()
    flow = AuthFlow(client, sms)
    body = identity(flow)
    missing = client.post(SIGNUP, json=body)
    assert missing.status_code == 422
    assert set(missing.get_json()["errors"]) == {"captcha_token"}
    refused = client.post(SIGNUP, json={**body, "captcha_token": "forged"})
    assert refused.status_code == 422 and "captcha_token" in refused.get_json()["errors"]
    assert client.post(SIGNUP, json={**body, "captcha_token": PASS}).status_code == 201
    pre = flow.login(body)
    assert client.post(SEND, headers=bearer(pre)).status_code == 422
    assert client.post(SEND, headers=bearer(pre), json={"captcha_token": "forged"}).status_code == 422
    assert sms.messages == []
    assert client.post(SEND, headers=bearer(pre), json={"captcha_token": PASS}).status_code == 200
    assert len(sms.messages) == 1
    provider = siteverify.provider
    assert sample(app, "otp_auth_captcha_checks_total", provider=provider, result="ok") == 2
    assert sample(app, "otp_auth_captcha_checks_total", provider=provider, result="failed") == 2
    assert sample(app, "otp_auth_captcha_checks_total", provider=provider, result="missing") == 2
    # The client's address went with each check.
    assert {form.get("remoteip") for form in siteverify.forms} == {"127.0.0.1"}


def test_other_field_errors_cost_no_provider_call(make_app, sms, siteverify):
    client = make_app(**siteverify.settings()).test_client()
    body = identity(AuthFlow(client, sms), captcha_token=PASS, phone="not a phone")
    assert client.post(SIGNUP, json=body).status_code == 422
    assert siteverify.forms == []


def test_a_provider_error_fails_closed_by_default(make_app, sms, siteverify):
    siteverify.status = 500
    app = make_app(**siteverify.settings())
    client = app.test_client()
    answer = client.post(SIGNUP, json=identity(AuthFlow(client, sms), captcha_token=PASS))
    assert answer.status_code == 503
    assert answer.get_json()["code"] == "service_unavailable"
    assert int(answer.headers["Retry-After"]) == answer.get_json()["retry_after"] >= 1
    assert sample(app, "otp_auth_captcha_checks_total", provider=siteverify.provider, result="unavailable") == 1


def test_a_provider_that_hangs_fails_open_when_told_to(make_app, sms, siteverify):
    with HangingServer() as hanging:
        app = make_app(**siteverify.settings(CAPTCHA_VERIFY_URL=hanging.url, CAPTCHA_TIMEOUT_SECONDS="0.2",
                                             CAPTCHA_FAIL_OPEN="true"))
        client = app.test_client()
        answer = client.post(SIGNUP, json=identity(AuthFlow(client, sms), captcha_token=PASS))
    assert answer.status_code == 201
    assert sample(app, "otp_auth_captcha_checks_total", provider=siteverify.provider, result="fail_open") == 1


def test_without_a_provider_the_field_is_optional_and_ignored(client, flow):
    body = identity(flow, captcha_token="anything")
    assert client.post(SIGNUP, json=body).status_code == 201
    pre = flow.login(body)
    assert client.post(SEND, headers=bearer(pre), json={"captcha_token": "anything"}).status_code == 200
    assert client.post(SEND, headers=bearer(pre), json={"captcha_token": 5}).status_code == 422


def test_forgot_needs_a_solved_captcha_known_address_or_not(make_app, sms, siteverify):
    # /password/forgot texts a code: the same step as signup and send-otp, and the same answer for an
    # address without an account (its captcha is checked before the address is looked up).
    client = make_app(**siteverify.settings()).test_client()
    flow = AuthFlow(client, sms)
    user = flow.signup(captcha_token=PASS)
    for address in (user["email"], "nobody-here@example.com"):
        missing = client.post(FORGOT, json={"email": address})
        assert missing.status_code == 422 and set(missing.get_json()["errors"]) == {"captcha_token"}
        refused = client.post(FORGOT, json={"email": address, "captcha_token": "forged"})
        assert refused.status_code == 422 and "captcha_token" in refused.get_json()["errors"]
    assert sms.messages == []
    assert client.post(FORGOT, json={"email": user["email"], "captcha_token": PASS}).status_code == 202
    assert client.post(FORGOT, json={"email": "nobody-here@example.com", "captcha_token": PASS}).status_code == 202
    assert [to for to, _ in sms.messages] == [user["phone"]]
