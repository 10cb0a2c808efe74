"""A phone change forgets every remembered device (API.md "More second factors": a reset, phone change or
"end all sessions" forgets them): the next login from such a device asks for a code again, sent to the
new number."""

from __future__ import annotations

import re

from tests.support.flow import AuthFlow, bearer

NEW_PHONE = "+14155550177"


def test_a_phone_change_forgets_every_remembered_device(flow: AuthFlow, email, sms) -> None:
    user = flow.signup()
    pre = flow.login(user)
    flow.send_otp(pre)
    signed = flow.client.post("/api/v1/validate-otp", headers=bearer(pre),
                              json={"otp": flow.code_for(user), "remember_device": True}).get_json()
    device = signed["device_token"]
    remembered = flow.client.post("/api/v1/login", json={"email": user["email"], "password": user["password"],
                                                         "device_token": device})
    assert remembered.get_json()["otp_required"] is False  # the device skips the code until the change

    change = flow.client.post("/api/v1/phone/change", headers=bearer(signed["access_token"]),
                              json={"phone": NEW_PHONE})
    (by_email,) = re.findall(r"\b(\d{6})\b", email.to(user["email"])[-1].body)
    confirmed = flow.client.post("/api/v1/phone/confirm", headers=bearer(change.get_json()["change_token"]),
                                 json={"email_code": by_email, "sms_code": sms.last_code(NEW_PHONE)})
    assert confirmed.status_code == 200

    login = flow.client.post("/api/v1/login", json={"email": user["email"], "password": user["password"],
                                                    "device_token": device})
    assert login.status_code == 200 and login.get_json()["otp_required"] is True
    assert flow.send_otp(login.get_json()["pre_otp_token"]).status_code == 200
    assert sms.messages[-1][0] == NEW_PHONE
