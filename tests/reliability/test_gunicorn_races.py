"""Races across gunicorn's worker processes: of many requests for one thing, exactly one
wins and the rest get a clean 4xx, never a 500. (tests/api/test_races.py has the
same races inside one process.)"""

from __future__ import annotations

import uuid

from tests.reliability.load import race
from tests.support.flow import AuthFlow, bearer
from tests.support.http_client import HttpClient

CONTENDERS = 12


def test_one_email_one_account(server, stack):
    email = f"race-{uuid.uuid4().hex[:8]}@example.com"
    body = {"email": email, "password": "a long enough password", "phone": "+14155550142"}
    tally = race(server.url, CONTENDERS, lambda c: c.post("/api/v1/signup", json=body))
    assert tally == {"201": 1, "409 email_taken": CONTENDERS - 1}
    assert stack.user_count(email) == 1


def test_one_code_one_session(server, stack):
    flow = AuthFlow(HttpClient(server.url), stack.sms)
    user = flow.signup()
    pre = flow.login(user)
    assert flow.send_otp(pre).status_code == 200
    code = flow.code_for(user)
    tally = race(server.url, CONTENDERS,
                 lambda c: c.post("/api/v1/validate-otp", headers=bearer(pre), json={"otp": code}))
    assert tally["200"] == 1
    # The losers find the code spent (otp_expired) or the pre-OTP token already gone.
    assert set(tally) <= {"200", "401 otp_expired", "401 invalid_token"}, tally


def test_one_refresh_token_one_new_pair_without_a_grace(stack):
    server = stack.gunicorn(workers=3, threads=4, REFRESH_REUSE_GRACE_SECONDS="0")
    pair = AuthFlow(HttpClient(server.url), stack.sms).signed_in()
    tally = race(server.url, CONTENDERS,
                 lambda c: c.post("/api/v1/token/refresh", json={"refresh_token": pair["refresh_token"]}))
    assert tally == {"200": 1, "401 invalid_token": CONTENDERS - 1}


def test_refreshes_racing_inside_the_grace_all_get_a_pair_of_one_session(stack):
    # A grace far longer than the race can take: the test does not depend on how fast the machine is.
    server = stack.gunicorn(workers=3, threads=4, REFRESH_REUSE_GRACE_SECONDS="600")
    flow = AuthFlow(HttpClient(server.url), stack.sms)
    pair = flow.signed_in()
    pairs: list[dict] = []

    def refresh(client: HttpClient):  # type: ignore[no-untyped-def]
        response = client.post("/api/v1/token/refresh", json={"refresh_token": pair["refresh_token"]})
        if response.status_code == 200:
            pairs.append(response.get_json())
        return response

    assert race(server.url, CONTENDERS, refresh) == {"200": CONTENDERS}
    assert len({p["refresh_token"] for p in pairs}) == CONTENDERS
    sessions = {flow.session_id(p["access_token"]) for p in pairs}
    assert sessions == {flow.session_id(pair["access_token"])}


def test_one_send_per_cooldown(server, stack):
    flow = AuthFlow(HttpClient(server.url), stack.sms)
    user = flow.signup()
    pre = flow.login(user)
    tally = race(server.url, CONTENDERS, lambda c: c.post("/api/v1/send-otp", headers=bearer(pre)))
    assert tally == {"200": 1, "429 rate_limited": CONTENDERS - 1}
    assert len(stack.sms.sent_to(user["phone"])) == 1
