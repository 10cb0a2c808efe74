"""The SMS provider fails, hangs or is slow: the real TwilioSmsSender against a local fake.
A failed send answers 503 sms_unavailable, charges no cooldown and no send, and a
provider that recovers works at once."""

from __future__ import annotations

import pytest

from tests.reliability.probes import assert_outage_answer
from tests.reliability.stack import SMS_TIMEOUT_SECONDS
from tests.support.flow import AuthFlow


@pytest.mark.parametrize("mode", ["fail", "hang", "garbage"])
def test_provider_down_503_then_retry_at_once(api, fake_sms, mode):
    flow = api.flow
    user = flow.signup()
    pre = flow.login(user)

    fake_sms.set_mode(mode)
    for _ in range(2):  # the second try is not refused by a cooldown: none was charged
        assert_outage_answer(flow.send_otp(pre), code="sms_unavailable")
    assert fake_sms.sent_to(user["phone"]) == []

    fake_sms.set_mode("ok")
    sent = flow.send_otp(pre)
    assert sent.status_code == 200, sent.get_json()
    assert flow.validate(pre, flow.code_for(user)).status_code == 200


def test_slow_provider_within_the_timeout_delivers(api, fake_sms):
    flow = api.flow
    user = flow.signup()
    pre = flow.login(user)
    fake_sms.set_mode("slow", delay=SMS_TIMEOUT_SECONDS / 4)
    assert flow.send_otp(pre).status_code == 200
    assert flow.validate(pre, flow.code_for(user)).status_code == 200


def test_slow_provider_past_the_timeout_is_unavailable(make_fault_app, stack, fake_sms):
    flow = AuthFlow(make_fault_app().test_client(), stack.sms)
    user = flow.signup()
    pre = flow.login(user)
    fake_sms.set_mode("slow", delay=SMS_TIMEOUT_SECONDS * 3)
    assert_outage_answer(flow.send_otp(pre), code="sms_unavailable")


def test_failed_sends_do_not_use_up_the_logins_sends(make_fault_app, stack, fake_sms):
    flow = AuthFlow(make_fault_app(OTP_RESEND_COOLDOWN_SECONDS="0", OTP_MAX_SENDS_PER_LOGIN="2").test_client(),
                    stack.sms)
    user = flow.signup()
    pre = flow.login(user)
    fake_sms.set_mode("fail")
    for _ in range(3):
        assert_outage_answer(flow.send_otp(pre), code="sms_unavailable")
    fake_sms.set_mode("ok")
    assert [flow.send_otp(pre).status_code for _ in range(3)] == [200, 200, 429]
    assert len(fake_sms.sent_to(user["phone"])) == 2
