"""Mailer (a code the request needs: failure is 503 email_unavailable) and Notices (best effort:
a failure is logged and counted, never raised)."""

from __future__ import annotations

import logging

import pytest

from app.problems import EmailUnavailable
from app.services.email_text import EmailTexts, load_email_catalog
from app.services.notices import Mailer, Notices
from tests.support.email import RecordingEmailSender
from tests.support.sms import RecordingSmsSender


@pytest.fixture
def parts():
    email, sms, sent = RecordingEmailSender(), RecordingSmsSender(), []
    mailer = Mailer(sender=email, texts=EmailTexts(load_email_catalog(), service="Acme"),
                    on_sent=lambda *event: sent.append(event))
    return email, sms, sent, mailer, Notices(mailer=mailer, sms=sms, on_sent=lambda *event: sent.append(event))


def test_mailer_sends_the_rendered_message(parts):
    email, _, sent, mailer, _ = parts
    mailer.send("ana@example.com", "email_code", "fr", code="493817")
    [message] = email.messages
    assert message.to == "ana@example.com" and "493817" in message.body and "Acme" in message.subject
    assert message.subject.startswith("Confirmez")
    assert sent == [("email", "email_code", True)]


def test_mailer_failure_is_email_unavailable_with_retry_after(parts, caplog):
    email, _, sent, mailer, _ = parts
    email.fail_next = 1
    with caplog.at_level(logging.WARNING), pytest.raises(EmailUnavailable) as raised:
        mailer.send("ana@example.com", "email_code", code="493817")
    assert raised.value.status == 503 and raised.value.code == "email_unavailable"
    assert raised.value.retry_after == 1
    assert sent == [("email", "email_code", False)]
    assert "493817" not in caplog.text and "email not sent" in caplog.text


def test_a_notice_that_cannot_be_sent_is_logged_counted_and_not_raised(parts, caplog):
    email, _, sent, _, notices = parts
    email.fail_next = 1
    with caplog.at_level(logging.WARNING):
        assert notices.email("ana@example.com", "password_reset_done") is False
    assert sent == [("email", "password_reset_done", False)]
    assert notices.email("ana@example.com", "password_reset_done", "es") is True
    assert email.messages[-1].subject.startswith("Se cambió")


def test_a_notice_missing_its_context_is_logged_not_raised(parts, caplog):
    _, _, sent, _, notices = parts
    with caplog.at_level(logging.ERROR):
        assert notices.email("ana@example.com", "phone_changed") is False  # needs phone_hint
        assert notices.email("ana@example.com", "no_such_template") is False
    assert sent == [("email", "phone_changed", False), ("email", "no_such_template", False)]
    assert "not rendered" in caplog.text


def test_sms_notices(parts):
    _, sms, sent, _, notices = parts
    assert notices.sms("+919876543210", "phone_changed_sms", "hi") is True
    assert sms.messages[-1][0] == "+919876543210" and "Acme" in sms.messages[-1][1]
    sms.fail_next = 1
    assert notices.sms("+919876543210", "phone_changed_sms") is False
    assert sent == [("sms", "phone_changed_sms", True), ("sms", "phone_changed_sms", False)]
