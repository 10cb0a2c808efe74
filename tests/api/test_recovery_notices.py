"""Using a recovery code emails the account (after the answer); with few codes left the email asks for a new set."""

from __future__ import annotations

from tests.support.factors import answer, recovery_codes


def spend(app, flow, user, code: str) -> None:  # type: ignore[no-untyped-def]
    flow.client.environ_base.update({"REMOTE_ADDR": "198.51.100.7"})
    assert answer(flow, flow.login(user), {"recovery_code": code}).status_code == 200
    app.extensions["otp_auth"].after_response.drain()


def test_each_use_is_emailed_and_few_left_asks_for_a_new_set(app_and_flow, email):
    app, flow = app_and_flow(RECOVERY_CODES_LOW_AT="7")
    pair = flow.signed_in()
    user = pair["user"]
    codes = recovery_codes(flow, pair)
    spend(app, flow, user, codes[0])
    spend(app, flow, user, codes[1])
    spend(app, flow, user, codes[2])
    sent = [message for message in email.to(user["email"]) if "recovery code" in message.subject.lower()]
    assert [message.subject for message in sent] == [
        "A recovery code was used on your otp-auth account",
        "A recovery code was used on your otp-auth account",
        "Few recovery codes left on your otp-auth account",
    ]
    assert "9 are left" in sent[0].body and "198.51.100.7" in sent[0].body
    assert "Only 7 are left" in sent[2].body and "make a new set" in sent[2].body
    assert codes[0] not in "".join(message.body for message in sent)


def test_a_refused_recovery_code_emails_nothing(app_and_flow, email):
    app, flow = app_and_flow()
    pair = flow.signed_in()
    recovery_codes(flow, pair)
    assert answer(flow, flow.login(pair["user"]), {"recovery_code": "00000-00000"}).status_code == 401
    app.extensions["otp_auth"].after_response.drain()
    assert [m for m in email.to(pair["user"]["email"]) if "recovery" in m.subject.lower()] == []


def test_an_email_outage_does_not_fail_the_sign_in(app_and_flow, email):
    app, flow = app_and_flow()
    pair = flow.signed_in()
    codes = recovery_codes(flow, pair)
    email.fail_next = 1
    spend(app, flow, pair["user"], codes[0])
    assert [m for m in email.to(pair["user"]["email"]) if "recovery" in m.subject.lower()] == []
