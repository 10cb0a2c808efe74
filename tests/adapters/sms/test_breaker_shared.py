"""Two app instances (two replicas) on one Redis share each provider's circuit."""

import logging

import pytest

from tests.support.flow import AuthFlow


@pytest.fixture
def sms():
    """No injected sender: the apps build theirs from SMS_BACKENDS."""
    return None


def test_a_circuit_opened_by_one_replica_is_skipped_by_the_other(make_app, providers_env, clock, fake_twilio,
                                                                  fake_sns, caplog):
    caplog.set_level(logging.INFO)
    env = {**providers_env, "SMS_BREAKER_FAILURE_THRESHOLD": "2", "SMS_BREAKER_COOLDOWN_SECONDS": "30"}
    replica_a = AuthFlow(make_app(**env).test_client(), fake_sns)
    replica_b = AuthFlow(make_app(**env).test_client(), fake_sns)
    fake_twilio.mode = "error"

    for _ in range(2):
        assert replica_a.send_otp(replica_a.login(replica_a.signup())).status_code == 200
    assert len(fake_twilio.requests) == 2
    assert [r.provider for r in caplog.records if r.getMessage().startswith("sms circuit opened")] == ["twilio"]

    # Replica B never saw Twilio fail, yet goes straight to SNS.
    user = replica_b.signup()
    pre = replica_b.login(user)
    assert replica_b.send_otp(pre).status_code == 200
    assert len(fake_twilio.requests) == 2
    assert replica_b.validate(pre, fake_sns.last_code(user["phone"])).status_code == 200

    # After the cool-off one replica probes Twilio; it has recovered, so both use it again.
    clock.advance(30)
    fake_twilio.mode = "ok"
    twilio_flow = AuthFlow(replica_b.client, fake_twilio)
    user = twilio_flow.signup()
    pre = twilio_flow.login(user)
    assert twilio_flow.send_otp(pre).status_code == 200
    assert twilio_flow.validate(pre, fake_twilio.last_code(user["phone"])).status_code == 200
    other = AuthFlow(replica_a.client, fake_twilio)
    assert other.send_otp(other.login(other.signup())).status_code == 200
    assert len(fake_twilio.messages) == 2
    assert len(fake_sns.messages) == 3


def test_a_hanging_provider_trips_the_circuit_so_later_sends_do_not_wait(make_app, providers_env, fake_twilio,
                                                                          fake_sns):
    flow = AuthFlow(make_app(**providers_env, SMS_BREAKER_FAILURE_THRESHOLD="1").test_client(), fake_sns)
    fake_twilio.mode = "hang"
    assert flow.send_otp(flow.login(flow.signup())).status_code == 200
    assert flow.send_otp(flow.login(flow.signup())).status_code == 200
    assert len(fake_twilio.requests) == 1
    assert len(fake_sns.messages) == 2
