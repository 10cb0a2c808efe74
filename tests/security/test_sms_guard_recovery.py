"""The SMS guard on account recovery: a reset's or a phone change's code is counted for the prefix it
was texted to, a right SMS code counts as verified (so recovering users keep their range converting),
a recovery code does not, and a blocked range refuses recovery texts as it refuses send-otp."""

from __future__ import annotations

import re

from app.services.otp import GUARD_REFUSAL
from app.services.phone_prefix import guard_prefix
from tests.security.test_sms_guard import GUARD, MIN_SENDS, RANGE, pump, pumped_number
from tests.support.app_state import sample
from tests.support.flow import AuthFlow, bearer

FORGOT, RESET = "/api/v1/password/forgot", "/api/v1/password/reset"
CHANGE, CONFIRM = "/api/v1/phone/change", "/api/v1/phone/confirm"
NEW_PASSWORD = "a brand new passphrase"


def test_a_reset_counts_its_text_sent_and_its_right_code_verified(make_app, sms, email):
    app = make_app(**GUARD)
    flow = AuthFlow(app.test_client(), sms)
    user = flow.signup(phone="+442079460123")
    prefix = guard_prefix(user["phone"])
    token = flow.client.post(FORGOT, json={"email": user["email"]}).get_json()["reset_token"]
    assert sample(app, "otp_auth_sms_guard_sent_total", prefix=prefix) == 1
    answer = flow.client.post(RESET, headers=bearer(token), json={
        "email_code": email.last_code(user["email"]), "sms_code": sms.last_code(user["phone"]),
        "new_password": NEW_PASSWORD})
    assert answer.status_code == 204
    assert sample(app, "otp_auth_sms_guard_verified_total", prefix=prefix) == 1


def test_a_phone_change_counts_the_new_numbers_prefix(make_app, sms, email):
    app = make_app(**GUARD)
    flow = AuthFlow(app.test_client(), sms)
    user = flow.signup(phone="+442079460124")
    new_phone = "+14155550199"
    token = flow.client.post(CHANGE, headers=bearer(flow.login(user)), json={"phone": new_phone}).get_json()[
        "change_token"]
    assert sample(app, "otp_auth_sms_guard_sent_total", prefix=guard_prefix(new_phone)) == 1
    assert sample(app, "otp_auth_sms_guard_sent_total", prefix=guard_prefix(user["phone"])) == 0
    (by_email,) = re.findall(r"\b(\d{6})\b", email.to(user["email"])[-1].body)
    answer = flow.client.post(CONFIRM, headers=bearer(token),
                              json={"email_code": by_email, "sms_code": sms.last_code(new_phone)})
    assert answer.status_code == 200
    assert sample(app, "otp_auth_sms_guard_verified_total", prefix=guard_prefix(new_phone)) == 1


def test_a_blocked_range_refuses_recovery_texts_too(make_app, sms, email):
    app = make_app(**GUARD)
    flow = AuthFlow(app.test_client(), sms)
    pump(flow, MIN_SENDS)
    sent = len(sms.messages)
    user = flow.signup(phone=pumped_number())
    refused = flow.client.post(FORGOT, json={"email": user["email"]})
    assert refused.status_code == 503
    problem = refused.get_json()
    assert problem["code"] == "sms_unavailable" and problem["detail"] == GUARD_REFUSAL
    assert int(refused.headers["Retry-After"]) == problem["retry_after"] >= 1
    changed = flow.client.post(CHANGE, headers=bearer(flow.login(flow.signup())), json={"phone": pumped_number()})
    assert changed.status_code == 503 and changed.get_json()["code"] == "sms_unavailable"
    assert len(sms.messages) == sent
    assert sample(app, "otp_auth_sms_guard_refused_total", prefix=RANGE) == 2
