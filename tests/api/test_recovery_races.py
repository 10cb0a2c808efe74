"""Races on account recovery: of concurrent right answers exactly one wins; concurrent requests never
get past the limits."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

from tests.support.flow import bearer


def test_twenty_concurrent_right_resets_one_204(app, flow, email, sms):
    user = flow.signup()
    token = flow.client.post("/api/v1/password/forgot", json={"email": user["email"]}).get_json()["reset_token"]
    body = {"email_code": email.last_code(user["email"]), "sms_code": sms.last_code(user["phone"]),
            "new_password": "one of twenty passphrases"}

    def attempt(n):
        return app.test_client().post("/api/v1/password/reset", headers=bearer(token),
                                      json={**body, "new_password": f"{body['new_password']} {n}"}).status_code

    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = list(pool.map(attempt, range(20)))
    assert statuses.count(204) == 1
    assert set(statuses) <= {204, 401}


def test_concurrent_forgot_calls_cannot_pass_the_accounts_cap(app, flow, sms):
    user = flow.signup()

    def ask(_):
        return app.test_client().post("/api/v1/password/forgot", json={"email": user["email"]}).status_code

    with ThreadPoolExecutor(max_workers=10) as pool:
        statuses = list(pool.map(ask, range(10)))
    # Each request that got through sent its SMS; the account's cap (3) bounds them, however many race.
    assert statuses.count(202) <= 3
    assert statuses.count(202) >= 1
    assert len([to for to, _ in sms.messages if to == user["phone"]]) == statuses.count(202)
    assert set(statuses) <= {202, 429}


def test_concurrent_forgot_calls_for_an_unknown_email_stop_at_the_cap(app):
    def ask(_):
        return app.test_client().post("/api/v1/password/forgot", json={"email": "ghost@example.com"}).status_code

    with ThreadPoolExecutor(max_workers=10) as pool:
        statuses = list(pool.map(ask, range(10)))
    assert statuses.count(202) == 3 and statuses.count(429) == 7


def test_twenty_concurrent_right_phone_confirms_one_200(app, flow, email, sms):
    session = flow.signed_in()
    user = session["user"]
    changed = flow.client.post("/api/v1/phone/change", headers=bearer(session["access_token"]),
                               json={"phone": "+14155550199"}).get_json()
    (email_code,) = re.findall(r"\b(\d{6})\b", email.to(user["email"])[-1].body)
    body = {"email_code": email_code, "sms_code": sms.last_code("+14155550199")}

    def attempt(_):
        return app.test_client().post("/api/v1/phone/confirm", headers=bearer(changed["change_token"]),
                                      json=body).status_code

    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = list(pool.map(attempt, range(20)))
    assert statuses.count(200) == 1
    assert set(statuses) <= {200, 401}
