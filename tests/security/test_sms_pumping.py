"""SMS pumping: a service-wide hourly SMS budget, per-IP send caps, and codes only to the account's phone."""

from tests.support.flow import AuthFlow, bearer

SEND = "/api/v1/send-otp"


def test_spent_budget_answers_503_with_retry_after_and_an_alertable_metric(make_app, sms, clock):
    app = make_app(SMS_MAX_PER_HOUR="2")
    flow = AuthFlow(app.test_client(), sms)
    registry = app.extensions["otp_auth"].metrics.registry
    users = [flow.signup() for _ in range(3)]
    for user in users[:2]:
        assert flow.send_otp(flow.login(user)).status_code == 200
    assert registry.get_sample_value("otp_auth_sms_budget_refusals_total") == 0
    pre = flow.login(users[2])
    refused = flow.send_otp(pre)
    assert refused.status_code == 503
    problem = refused.get_json()
    assert problem["code"] == "sms_unavailable"
    assert 1 <= problem["retry_after"] == int(refused.headers["Retry-After"]) <= 3600
    assert registry.get_sample_value("otp_auth_sms_budget_refusals_total") == 1
    assert registry.get_sample_value("otp_auth_sms_budget_used") == 2
    assert "otp_auth_sms_budget_refusals_total 1.0" in flow.client.get("/metrics").get_data(as_text=True)
    assert all(phone != users[2]["phone"] for phone, _ in sms.messages)
    # The next clock hour has a fresh budget.
    clock.advance(problem["retry_after"])
    assert flow.send_otp(flow.login(users[2])).status_code == 200
    assert sms.messages[-1][0] == users[2]["phone"]


def test_failed_delivery_gives_its_sms_back_to_the_budget(make_app, sms):
    flow = AuthFlow(make_app(SMS_MAX_PER_HOUR="1").test_client(), sms)
    first, second = flow.signup(), flow.signup()
    pre = flow.login(first)
    sms.fail_next = 1
    assert flow.send_otp(pre).get_json()["code"] == "sms_unavailable"  # the provider failed
    assert flow.send_otp(pre).status_code == 200  # the budget's one SMS was given back
    assert flow.send_otp(flow.login(second)).status_code == 503  # and now it is spent


def test_test_numbers_spend_no_budget(make_app, sms):
    flow = AuthFlow(make_app(SMS_MAX_PER_HOUR="1", TEST_PHONE_NUMBERS="+15555550100=123456").test_client(), sms)
    reviewer = flow.signup(phone="+15555550100")
    for _ in range(3):
        assert flow.send_otp(flow.login(reviewer)).status_code == 200
    assert flow.send_otp(flow.login(flow.signup())).status_code == 200


def test_budget_counter_expires_with_its_hour(app, flow):
    flow.send_otp(flow.login(flow.signup()))
    svc = app.extensions["otp_auth"]
    [key] = list(svc.redis.scan_iter(match=f"{svc.settings.REDIS_KEY_PREFIX}smsbudget:*"))
    assert int(svc.redis.get(key)) == 1
    assert 0 < svc.redis.ttl(key) <= 3600 + 60


def test_per_ip_send_cap(make_app, sms):
    client = make_app(SEND_OTP_RATE_LIMIT_PER_IP="2/hour").test_client()
    flow = AuthFlow(client, sms)
    users = [flow.signup() for _ in range(3)]
    for user in users[:2]:
        assert flow.send_otp(flow.login(user)).status_code == 200
    pre = flow.login(users[2])
    refused = flow.send_otp(pre)
    assert refused.status_code == 429
    assert refused.get_json()["code"] == "rate_limited"
    assert 1 <= int(refused.headers["Retry-After"]) == refused.get_json()["retry_after"] <= 3601
    assert len(sms.messages) == 2
    # Another client address is not affected.
    assert client.post(SEND, headers=bearer(pre), environ_base={"REMOTE_ADDR": "192.0.2.77"}).status_code == 200


def test_a_failed_send_does_not_count_against_the_ip_cap(make_app, sms):
    client = make_app(SEND_OTP_RATE_LIMIT_PER_IP="1/hour").test_client()
    flow = AuthFlow(client, sms)
    pre = flow.login(flow.signup())
    sms.fail_next = 1
    assert flow.send_otp(pre).status_code == 503
    assert flow.send_otp(pre).status_code == 200
    assert flow.send_otp(flow.login(flow.signup())).status_code == 429


def test_phone_in_the_body_is_refused_and_gets_nothing(flow, client, sms):
    user = flow.signup()
    pre = flow.login(user)
    attacker_phone = "+14155550987"
    for body in ({"phone": attacker_phone}, {"to": attacker_phone}, {"phone_number": attacker_phone}):
        response = client.post(SEND, headers=bearer(pre), json=body)
        assert response.status_code == 422
        assert set(response.get_json()["errors"]) == set(body)
    assert sms.messages == []
    assert flow.send_otp(pre).status_code == 200
    assert [phone for phone, _ in sms.messages] == [user["phone"]]


def test_recovery_sms_share_the_per_ip_send_cap_with_send_otp(make_app, sms):
    """Forgot-password and phone-change texts are reserved by /send-otp's own script: one client IP's
    sends of all three count together against SEND_OTP_RATE_LIMIT_PER_IP."""
    app = make_app(SEND_OTP_RATE_LIMIT_PER_IP="3/hour", RECOVERY_RATE_LIMIT_PER_IP="1000/hour")
    flow = AuthFlow(app.test_client(), sms)
    first, second, third, fourth = (flow.signup() for _ in range(4))
    assert flow.send_otp(flow.login(first)).status_code == 200
    assert flow.client.post("/api/v1/password/forgot", json={"email": second["email"]}).status_code == 202
    assert flow.client.post("/api/v1/phone/change", headers=bearer(flow.login(third)),
                            json={"phone": "+14155550166"}).status_code == 202
    sent = len(sms.messages)
    refused = flow.client.post("/api/v1/password/forgot", json={"email": fourth["email"]})
    assert refused.status_code == 429 and refused.get_json()["code"] == "rate_limited"
    refused = flow.client.post("/api/v1/phone/change", headers=bearer(flow.login(fourth)),
                               json={"phone": "+14155550167"})
    assert refused.status_code == 429
    assert len(sms.messages) == sent


def test_a_phone_change_spends_the_sms_budget_and_cannot_pump_one_number(make_app, sms, clock):
    app = make_app(SMS_MAX_PER_HOUR="2", OTP_MAX_SENDS_PER_PHONE_PER_HOUR="1", RECOVERY_RATE_LIMIT_PER_IP="1000/hour",
                   SEND_OTP_RATE_LIMIT_PER_IP="1000/hour")
    flow = AuthFlow(app.test_client(), sms)
    users = [flow.signup() for _ in range(3)]
    target = "+14155550168"  # a premium number an attacker would like texted again and again
    assert flow.client.post("/api/v1/phone/change", headers=bearer(flow.login(users[0])),
                            json={"phone": target}).status_code == 202
    capped = flow.client.post("/api/v1/phone/change", headers=bearer(flow.login(users[1])), json={"phone": target})
    assert capped.status_code == 429  # the number's hourly cap, whichever account asks
    assert flow.client.post("/api/v1/phone/change", headers=bearer(flow.login(users[1])),
                            json={"phone": "+14155550169"}).status_code == 202
    spent = flow.client.post("/api/v1/phone/change", headers=bearer(flow.login(users[2])),
                             json={"phone": "+14155550170"})
    assert spent.status_code == 503 and spent.get_json()["code"] == "sms_unavailable"
    assert [to for to, _ in sms.messages] == [target, "+14155550169"]
