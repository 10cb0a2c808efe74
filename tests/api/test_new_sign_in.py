"""The new-sign-in notice: a sign-in from a device and network not seen for the account in 90 days
emails the user (when, device, IP, how to end it) after the answer, and never fails the sign-in."""

from __future__ import annotations

import threading

from tests.support.app_state import audit_rows

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
FIREFOX_NEXT = "Mozilla/5.0 (X11; Linux x86_64; rv:129.0) Gecko/20100101 Firefox/129.0"
CHROME_WINDOWS = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
                  "Chrome/126.0.0.0 Safari/537.36")
NINETY_DAYS = 90 * 24 * 3600


def sign_in(app, flow, user, user_agent: str, ip: str):  # type: ignore[no-untyped-def]
    flow.client.environ_base.update({"HTTP_USER_AGENT": user_agent, "REMOTE_ADDR": ip})
    pair = flow.signed_in(user)
    app.extensions["otp_auth"].after_response.drain()
    return pair


def notices(email, user) -> list:  # type: ignore[no-untyped-def]
    return [message for message in email.to(user["email"]) if "sign-in" in message.subject]


def test_a_new_device_or_network_is_emailed_a_known_one_is_not(app_and_flow, email):
    app, flow = app_and_flow(NOTIFY_NEW_SIGN_IN="true")
    user = flow.signup()
    sign_in(app, flow, user, FIREFOX, "192.0.2.10")  # the account's first sign-in: nothing to compare with
    sign_in(app, flow, user, FIREFOX_NEXT, "192.0.2.77")  # same browser and system, same /24
    assert notices(email, user) == []

    sign_in(app, flow, user, CHROME_WINDOWS, "192.0.2.10")  # another device
    sign_in(app, flow, user, FIREFOX, "198.51.100.4")  # another network
    sign_in(app, flow, user, FIREFOX, "198.51.100.200")  # that network again
    sent = notices(email, user)
    assert len(sent) == 2
    assert sent[0].subject == "New sign-in to your otp-auth account"
    assert "Chrome on Windows" in sent[0].body and "192.0.2.10" in sent[0].body
    assert "2027-01-15 08:00:00 UTC" in sent[0].body
    assert "Firefox on Linux" in sent[1].body and "198.51.100.4" in sent[1].body
    assert "Your sessions" in sent[1].body
    events = [row for row in audit_rows(app, user["id"]) if row.event == "new_device_sign_in"]
    assert [row.details for row in events] == [
        {"device": "Chrome on Windows", "network": "192.0.2.0/24"},
        {"device": "Firefox on Linux", "network": "198.51.100.0/24"},
    ]


def test_a_device_not_seen_for_ninety_days_is_new_again(app_and_flow, email, clock):
    app, flow = app_and_flow(NOTIFY_NEW_SIGN_IN="true")
    user = flow.signup()
    sign_in(app, flow, user, FIREFOX, "192.0.2.10")
    sign_in(app, flow, user, CHROME_WINDOWS, "203.0.113.5")
    clock.advance(NINETY_DAYS - 60)
    sign_in(app, flow, user, FIREFOX, "192.0.2.10")  # seen 90 days ago less a minute: known
    clock.advance(NINETY_DAYS + 1)
    sign_in(app, flow, user, FIREFOX, "192.0.2.10")  # 90 days and a second since: new again
    assert [("Chrome on Windows" in m.body, "Firefox on Linux" in m.body) for m in notices(email, user)] == [
        (True, False), (False, True)]


def test_the_notice_goes_out_after_the_answer_and_a_failed_send_never_fails_the_sign_in(app_and_flow, email):
    app, flow = app_and_flow(NOTIFY_NEW_SIGN_IN="true")
    user = flow.signup()
    sign_in(app, flow, user, FIREFOX, "192.0.2.10")
    release = threading.Event()
    send = email.send

    def slow_send(message):  # type: ignore[no-untyped-def]
        assert release.wait(10)
        send(message)

    email.send = slow_send
    flow.client.environ_base.update({"HTTP_USER_AGENT": CHROME_WINDOWS})
    assert flow.signed_in(user)["access_token"]  # answered while the mail server is still "busy"
    assert notices(email, user) == []
    release.set()
    app.extensions["otp_auth"].after_response.drain()
    assert len(notices(email, user)) == 1

    email.send = send
    email.fail_next = 1
    flow.client.environ_base.update({"HTTP_USER_AGENT": FIREFOX, "REMOTE_ADDR": "203.0.113.9"})
    assert flow.signed_in(user)["access_token"]
    app.extensions["otp_auth"].after_response.drain()
    assert len(notices(email, user)) == 1  # the failed one is counted and logged, not retried into the answer


def test_with_the_notice_off_nothing_is_sent_but_devices_are_remembered(app_and_flow, email):
    app, flow = app_and_flow(NOTIFY_NEW_SIGN_IN="false")
    user = flow.signup()
    sign_in(app, flow, user, FIREFOX, "192.0.2.10")
    sign_in(app, flow, user, CHROME_WINDOWS, "192.0.2.10")
    assert email.messages == []
    assert "new_device_sign_in" not in [row.event for row in audit_rows(app, user["id"])]
    # Turned on later, it speaks only of devices it has not seen.
    app, flow = app_and_flow(NOTIFY_NEW_SIGN_IN="true")  # same database and key prefix
    sign_in(app, flow, user, CHROME_WINDOWS, "192.0.2.10")
    assert notices(email, user) == []
    sign_in(app, flow, user, CHROME_WINDOWS, "203.0.113.1")
    assert len(notices(email, user)) == 1


def test_the_notice_is_on_by_default_only_with_a_real_email_backend(app_and_flow, tmp_path):
    console, _ = app_and_flow()
    assert console.extensions["otp_auth"].settings.notify_new_sign_in is False
    outbox, _ = app_and_flow(EMAIL_BACKEND="file", EMAIL_OUTBOX_FILE=str(tmp_path / "outbox.jsonl"))
    assert outbox.extensions["otp_auth"].settings.notify_new_sign_in is True
    off, _ = app_and_flow(EMAIL_BACKEND="file", EMAIL_OUTBOX_FILE=str(tmp_path / "o.jsonl"), NOTIFY_NEW_SIGN_IN="0")
    assert off.extensions["otp_auth"].settings.notify_new_sign_in is False
