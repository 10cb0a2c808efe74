"""send-otp with SMS_BACKENDS=twilio,sns: the real SDKs against local fakes, Twilio failing in
every way a provider fails, the code still arriving through SNS inside the same request."""

import logging

import pytest

from tests.support.flow import AuthFlow


@pytest.fixture
def sms():
    """No injected sender: the app builds its own from SMS_BACKENDS."""
    return None


@pytest.fixture
def app(make_app, providers_env):
    return make_app(**providers_env)


@pytest.fixture
def flow(client, fake_sns):
    return AuthFlow(client, fake_sns)


def sent_with(caplog, message):
    return [record for record in caplog.records if record.getMessage() == message]


def test_healthy_first_provider_takes_the_code(flow, fake_twilio, fake_sns, caplog):
    caplog.set_level(logging.INFO)
    user = flow.signup()
    assert flow.send_otp(flow.login(user)).status_code == 200
    assert [to for to, _ in fake_twilio.messages] == [user["phone"]]
    assert fake_sns.requests == []
    assert [r.provider for r in sent_with(caplog, "otp sent")] == ["twilio"]


@pytest.mark.parametrize("failure", ["down", "error", "hang", "slow"])
def test_send_otp_delivers_through_the_second_provider(flow, fake_twilio, fake_sns, caplog, failure):
    caplog.set_level(logging.INFO)
    if failure == "down":
        fake_twilio.stop()
    else:
        fake_twilio.mode = failure
    user = flow.signup()
    pre = flow.login(user)
    response = flow.send_otp(pre)
    assert response.status_code == 200, response.get_json()
    assert [to for to, _ in fake_sns.messages] == [user["phone"]]
    failed = sent_with(caplog, "sms provider failed")
    assert [r.provider for r in failed] == ["twilio"]
    assert [r.provider for r in sent_with(caplog, "otp sent")] == ["sns"]
    assert flow.validate(pre, fake_sns.last_code(user["phone"])).status_code == 200


def test_the_send_result_names_the_provider(app, flow, fake_twilio):
    fake_twilio.mode = "error"
    pre = flow.login(flow.signup())
    with app.app_context():
        result = app.extensions["otp_auth"].otp.send(pre)
    assert result.provider == "sns"


def test_every_provider_failing_is_503_and_charges_no_cooldown(flow, fake_twilio, fake_sns, caplog):
    fake_twilio.mode = "error"
    fake_sns.mode = "error"
    user = flow.signup()
    pre = flow.login(user)
    failed = flow.send_otp(pre)
    assert failed.status_code == 503
    assert failed.get_json()["code"] == "sms_unavailable"
    summary = sent_with(caplog, "sms delivery failed")[-1]
    assert summary.provider == "sns" and "twilio: twilio refused" in summary.reason
    fake_sns.mode = "ok"
    assert flow.send_otp(pre).status_code == 200
    assert flow.validate(pre, fake_sns.last_code(user["phone"])).status_code == 200


def test_the_total_budget_bounds_the_request(make_app, providers_env, sms, fake_twilio, fake_sns):
    app = make_app(**{**providers_env, "SMS_TIMEOUT_SECONDS": "0.5", "SMS_TOTAL_TIMEOUT_SECONDS": "0.5"})
    flow = AuthFlow(app.test_client(), fake_sns)
    fake_twilio.mode = "hang"
    response = flow.send_otp(flow.login(flow.signup()))
    assert response.status_code == 503
    assert fake_sns.requests == []  # the budget was spent waiting for Twilio


@pytest.mark.parametrize(
    ("routes", "phone", "first"),
    [
        ("+91=sns", "+919876543210", "sns"),
        ("+91=sns", "+14155550123", "twilio"),
        ("+9=twilio,+91=sns", "+919876543210", "sns"),  # the longest prefix wins
        ("+9=sns,+919=twilio", "+918876543210", "sns"),
    ],
)
def test_country_routes_pick_the_first_provider(make_app, providers_env, fake_twilio, fake_sns, routes, phone,
                                                first):
    app = make_app(**providers_env, SMS_ROUTES=routes)
    flow = AuthFlow(app.test_client(), fake_sns)
    assert flow.send_otp(flow.login(flow.signup(phone=phone))).status_code == 200
    fakes = {"twilio": fake_twilio, "sns": fake_sns}
    assert [to for to, _ in fakes[first].messages] == [phone]
    assert all(not fake.requests for name, fake in fakes.items() if name != first)


def test_a_routed_provider_still_fails_over_to_the_others(make_app, providers_env, fake_twilio, fake_sns):
    app = make_app(**providers_env, SMS_ROUTES="+91=sns")
    flow = AuthFlow(app.test_client(), fake_twilio)
    fake_sns.mode = "error"
    assert flow.send_otp(flow.login(flow.signup(phone="+919876543210"))).status_code == 200
    assert len(fake_sns.requests) == 1
    assert [to for to, _ in fake_twilio.messages] == ["+919876543210"]
