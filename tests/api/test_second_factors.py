"""POST /api/v1/validate-otp with an authenticator-app code or a recovery code, and what login says."""

from __future__ import annotations

import pytest

from tests.support.app_state import audit_rows, wrong_code
from tests.support.factors import answer, enrolled, recovery_codes, totp_code
from tests.support.flow import AuthFlow, bearer


def amr(app, access_token: str) -> tuple[str, ...]:
    """The `amr` recorded on the session this access token belongs to."""
    services = app.extensions["otp_auth"]
    claims = services.tokens.access_claims(access_token)
    return next(record.amr for record in services.sessions.of_user(claims.user_id) if record.id == claims.session_id)


def test_login_lists_the_factors_the_account_has(flow, client, clock):
    pair = flow.signed_in()
    user = pair["user"]
    login = {"email": user["email"], "password": user["password"]}
    assert client.post("/api/v1/login", json=login).get_json()["factors"] == ["sms"]
    recovery_codes(flow, pair)
    assert client.post("/api/v1/login", json=login).get_json()["factors"] == ["sms", "recovery_code"]
    enrolled(flow, clock, pair)
    assert client.post("/api/v1/login", json=login).get_json()["factors"] == ["sms", "totp", "recovery_code"]


def test_an_authenticator_code_signs_in_without_an_sms(app, flow, clock, sms):
    pair = enrolled(flow, clock)
    sent_before = len(sms.messages)
    pre = flow.login(pair["user"])
    response = answer(flow, pre, {"otp": totp_code(pair["totp_secret"], clock), "factor": "totp"})
    assert response.status_code == 200
    tokens = response.get_json()
    assert flow.client.get("/api/v1/me", headers=bearer(tokens["access_token"])).status_code == 200
    assert amr(app, tokens["access_token"]) == ("pwd", "otp")
    assert len(sms.messages) == sent_before
    # The pre-OTP token is spent.
    assert answer(flow, pre, {"otp": totp_code(pair["totp_secret"], clock), "factor": "totp"}).get_json()[
        "code"] == "invalid_token"
    # A refresh keeps the session's amr.
    renewed = flow.client.post("/api/v1/token/refresh", json={"refresh_token": tokens["refresh_token"]}).get_json()
    assert amr(app, renewed["access_token"]) == ("pwd", "otp")


def test_sms_sessions_record_sms(app, flow):
    assert amr(app, flow.signed_in()["access_token"]) == ("pwd", "sms")


@pytest.mark.parametrize(("steps", "accepted"), [(-2, False), (-1, True), (0, True), (1, True), (2, False)])
def test_one_step_either_side_is_accepted(flow, clock, steps, accepted):
    pair = enrolled(flow, clock)
    clock.advance(30)  # the step before now must not be the one that confirmed the app
    pre = flow.login(pair["user"])
    response = answer(flow, pre, {"otp": totp_code(pair["totp_secret"], clock, steps), "factor": "totp"})
    assert response.status_code == (200 if accepted else 401)


def test_a_code_works_once_and_older_steps_never_again(flow, clock):
    pair = enrolled(flow, clock)
    code = totp_code(pair["totp_secret"], clock)
    assert answer(flow, flow.login(pair["user"]), {"otp": code, "factor": "totp"}).status_code == 200
    pre = flow.login(pair["user"])
    replayed = answer(flow, pre, {"otp": code, "factor": "totp"})
    assert replayed.status_code == 401
    problem = replayed.get_json()
    assert problem["code"] == "otp_invalid" and problem["attempts_remaining"] == 4
    assert "already used" in problem["detail"]
    # The previous step's code is still inside the window, but older than the one used.
    older = answer(flow, pre, {"otp": totp_code(pair["totp_secret"], clock, -1), "factor": "totp"})
    assert older.get_json()["attempts_remaining"] == 3
    clock.advance(30)
    assert answer(flow, pre, {"otp": totp_code(pair["totp_secret"], clock), "factor": "totp"}).status_code == 200


def test_the_confirming_code_cannot_sign_in(flow, client, clock):
    pair = flow.signed_in()
    access = bearer(pair["access_token"])
    secret = client.post("/api/v1/factors/totp", headers=access).get_json()["secret"]
    code = totp_code(secret, clock)
    assert client.post("/api/v1/factors/totp/confirm", headers=access, json={"code": code}).status_code == 204
    pre = flow.login(pair["user"])
    assert answer(flow, pre, {"otp": code, "factor": "totp"}).get_json()["code"] == "otp_invalid"


def test_totp_without_an_app_is_a_counted_wrong_answer(flow):
    pre = flow.login(flow.signup())
    response = answer(flow, pre, {"otp": "123456", "factor": "totp"})
    assert response.status_code == 401
    assert response.get_json()["attempts_remaining"] == 4


def test_sms_codes_and_app_codes_are_not_interchangeable(flow, clock):
    pair = enrolled(flow, clock)
    pre = flow.login(pair["user"])
    flow.send_otp(pre)
    sms_code = flow.code_for(pair["user"])
    app_code = totp_code(pair["totp_secret"], clock)
    if sms_code != app_code:  # equal once in a million
        assert answer(flow, pre, {"otp": sms_code, "factor": "totp"}).status_code == 401
        assert answer(flow, pre, {"otp": app_code}).status_code == 401
    assert answer(flow, pre, {"otp": sms_code, "factor": "sms"}).status_code == 200


def test_wrong_answers_of_every_factor_share_the_login_attempts(flow, clock):
    pair = enrolled(flow, clock)
    codes = recovery_codes(flow, pair)
    pre = flow.login(pair["user"])
    flow.send_otp(pre)
    right_app = totp_code(pair["totp_secret"], clock)
    wrong_answers = [
        {"otp": wrong_code(flow.code_for(pair["user"]))},
        {"otp": wrong_code(right_app), "factor": "totp"},
        {"recovery_code": "00000-00000"},
        {"otp": wrong_code(right_app), "factor": "totp"},
        {"recovery_code": "zzzzz-zzzzz"},
    ]
    left = [answer(flow, pre, body).get_json()["attempts_remaining"] for body in wrong_answers]
    assert left == [4, 3, 2, 1, 0]
    for right in ({"otp": right_app, "factor": "totp"}, {"recovery_code": codes[0]}):
        assert answer(flow, pre, right).get_json()["code"] in ("otp_attempts_exceeded", "invalid_token")
    assert flow.client.get("/api/v1/factors", headers=bearer(pair["access_token"])).get_json()[
        "recovery_codes_left"] == 10  # a refused login spends no recovery code


def test_wrong_answers_of_every_factor_share_the_account_window(make_app, sms, clock):
    app = make_app(OTP_MAX_ATTEMPTS="5", OTP_ACCOUNT_MAX_FAILURES="4", OTP_ACCOUNT_FAILURE_WINDOW_SECONDS="600")
    flow = AuthFlow(app.test_client(), sms)
    pair = enrolled(flow, clock)
    codes = recovery_codes(flow, pair)
    for body in ({"otp": "000000", "factor": "totp"}, {"recovery_code": "00000-00000"}):
        pre = flow.login(pair["user"])
        for _ in range(2):
            assert answer(flow, pre, body).status_code == 401
    pre = flow.login(pair["user"])
    locked = answer(flow, pre, {"recovery_code": codes[0]})
    assert locked.status_code == 429 and locked.get_json()["code"] == "rate_limited"
    assert answer(flow, pre, {"otp": totp_code(pair["totp_secret"], clock), "factor": "totp"}).status_code == 429
    assert flow.send_otp(pre).status_code == 429
    clock.advance(601)
    pre = flow.login(pair["user"])
    assert answer(flow, pre, {"recovery_code": codes[0]}).status_code == 200


def test_a_recovery_code_signs_in_once(app, flow):
    pair = flow.signed_in()
    codes = recovery_codes(flow, pair)
    pre = flow.login(pair["user"])
    response = answer(flow, pre, {"recovery_code": codes[3]})
    assert response.status_code == 200
    assert amr(app, response.get_json()["access_token"]) == ("pwd", "rc")
    pre = flow.login(pair["user"])
    spent = answer(flow, pre, {"recovery_code": codes[3]})
    assert spent.get_json()["code"] == "otp_invalid"
    assert flow.client.get("/api/v1/factors", headers=bearer(pair["access_token"])).get_json()[
        "recovery_codes_left"] == 9


def test_a_recovery_code_is_read_the_way_people_type_it(flow):
    pair = flow.signed_in()
    code = recovery_codes(flow, pair)[0]
    typed = code.upper().replace("-", " ").replace("0", "O").replace("1", "l")
    assert answer(flow, flow.login(pair["user"]), {"recovery_code": typed}).status_code == 200


def test_another_accounts_recovery_code_does_not_work(flow):
    mine, theirs = flow.signed_in(), flow.signed_in()
    their_code = recovery_codes(flow, theirs)[0]
    recovery_codes(flow, mine)
    assert answer(flow, flow.login(mine["user"]), {"recovery_code": their_code}).status_code == 401


def test_events_name_the_factor(app, flow, clock):
    pair = enrolled(flow, clock)
    codes = recovery_codes(flow, pair)
    user_id = pair["user"]["id"]
    pre = flow.login(pair["user"])
    answer(flow, pre, {"otp": wrong_code(totp_code(pair["totp_secret"], clock)), "factor": "totp"})
    answer(flow, pre, {"otp": totp_code(pair["totp_secret"], clock), "factor": "totp"})
    answer(flow, flow.login(pair["user"]), {"recovery_code": codes[0]})
    assert flow.client.delete("/api/v1/factors/totp", headers=bearer(pair["access_token"])).status_code == 204
    rows = [(row.event, row.details) for row in audit_rows(app, user_id)
            if row.event not in ("login_ok", "otp_sent", "signup")]
    assert rows == [
        ("otp_ok", {"factor": "sms"}),
        ("totp_enrolled", None),
        ("recovery_codes_created", None),
        ("otp_failed", {"reason": "invalid", "factor": "totp"}),
        ("otp_ok", {"factor": "totp"}),
        ("otp_ok", {"factor": "recovery_code"}),
        ("totp_removed", None),
    ]


@pytest.mark.parametrize(("body", "fields"), [
    ({}, {"otp"}),
    ({"otp": "123456", "recovery_code": "abcde-fghjk"}, {"recovery_code"}),
    ({"recovery_code": "abcde-fghjk", "factor": "totp"}, {"factor"}),
    ({"otp": "123456", "factor": "email"}, {"factor"}),
    ({"otp": "12345", "factor": "totp"}, {"otp"}),
    ({"recovery_code": "not a code"}, {"recovery_code"}),
    ({"recovery_code": "abcde-fghju"}, {"recovery_code"}),  # u is not in the alphabet
    ({"recovery_code": 1234567890}, {"recovery_code"}),
    ({"otp": None, "factor": "totp"}, {"otp"}),
    ({"otp": "123456", "extra": True}, {"extra"}),
])
def test_answer_bodies_are_checked(flow, body, fields):
    response = answer(flow, flow.login(flow.signup()), body)
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == fields


def test_app_codes_have_six_digits_whatever_the_sms_length(app_and_flow, clock):
    _, flow = app_and_flow(OTP_LENGTH="8")
    pair = enrolled(flow, clock)
    pre = flow.login(pair["user"])
    assert answer(flow, pre, {"otp": "12345678", "factor": "totp"}).status_code == 422
    assert answer(flow, pre, {"otp": totp_code(pair["totp_secret"], clock), "factor": "totp"}).status_code == 200
