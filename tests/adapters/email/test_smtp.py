"""The SMTP backend against real SMTP servers (aiosmtpd) that the tests start: what arrives,
STARTTLS and implicit TLS with a test certificate, AUTH, refusals and a server that hangs."""

from __future__ import annotations

import email.policy
import ssl
from pathlib import Path

import pytest

from app.adapters.email.base import EmailMessage, EmailSendError
from app.adapters.email.factory import build_email_sender
from app.adapters.email.smtp import SmtpEmailSender
from app.config import Settings
from tests.adapters.email.smtp_servers import PASSWORD, USERNAME, Inbox, SilentServer, SmtpServer, TestCertificate
from tests.support.servers import free_port

FROM = "Sécurité Ōtp <no-reply@example.com>"
MESSAGE = EmailMessage("josé@example.com".replace("é", "e"), "Réinitialisez votre mot de passe — 🔐",
                       "Votre code : 493817\nÇa expire dans 5 minutes. हिंदी भी ठीक है।")


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> TestCertificate:
    return TestCertificate(tmp_path_factory.mktemp("smtp-tls"))


def sender(port: int, **options: object) -> SmtpEmailSender:
    return SmtpEmailSender("127.0.0.1", port, sender=FROM, timeout_seconds=options.pop("timeout", 5.0),
                           **options)  # type: ignore[arg-type]


def test_the_message_arrives_with_encoded_headers_and_utf8_text():
    inbox = Inbox()
    with SmtpServer(inbox) as server:
        sender(server.port, tls="none").send(MESSAGE)
    [(mail_from, recipients, mail)] = inbox.envelopes
    assert mail_from == "no-reply@example.com"
    assert recipients == [MESSAGE.to]
    # Parsed as a mail client would: the non-ASCII display name and subject come back whole.
    assert mail["From"].addresses[0].display_name == "Sécurité Ōtp"
    assert mail["From"].addresses[0].addr_spec == "no-reply@example.com"
    assert mail["To"] == MESSAGE.to
    assert mail["Subject"] == MESSAGE.subject
    assert mail.get_content_type() == "text/plain"
    assert mail.get_content_charset() == "utf-8"
    assert mail.get_content().splitlines() == MESSAGE.body.splitlines()
    assert mail["Message-ID"].endswith("@example.com>")
    assert mail["Date"] and mail["Auto-Submitted"] == "auto-generated"


def test_on_the_wire_headers_are_ascii_only():
    raw = sender(25, tls="none").mime(MESSAGE).as_bytes(policy=email.policy.SMTP)
    head = raw.split(b"\r\n\r\n", 1)[0]
    head.decode("ascii")  # RFC 2047 encoded words, no raw UTF-8 in the headers
    assert b"=?utf-8?" in head


def test_starttls_with_a_trusted_certificate_and_auth(certificate):
    inbox = Inbox()
    with SmtpServer(inbox, tls="starttls", certificate=certificate, auth=True) as server:
        sender(server.port, tls="starttls", username=USERNAME, password=PASSWORD,
               ssl_context=certificate.client_context()).send(MESSAGE)
    assert len(inbox.envelopes) == 1


def test_starttls_refuses_a_certificate_it_does_not_trust(certificate):
    inbox = Inbox()
    with SmtpServer(inbox, tls="starttls", certificate=certificate) as server:
        with pytest.raises(EmailSendError, match="CERTIFICATE_VERIFY_FAILED|certificate verify failed"):
            sender(server.port, tls="starttls").send(MESSAGE)  # the system's CAs do not know the test CA
    assert inbox.envelopes == []


def test_implicit_tls(certificate):
    inbox = Inbox()
    with SmtpServer(inbox, tls="tls", certificate=certificate) as server:
        sender(server.port, tls="tls", ssl_context=certificate.client_context()).send(MESSAGE)
    assert len(inbox.envelopes) == 1


def test_wrong_credentials_are_a_send_error_that_names_no_secret(certificate):
    inbox = Inbox()
    with SmtpServer(inbox, tls="starttls", certificate=certificate, auth=True) as server:
        with pytest.raises(EmailSendError) as raised:
            sender(server.port, tls="starttls", username=USERNAME, password="not-the-password",
                   ssl_context=certificate.client_context()).send(MESSAGE)
    assert "535" in str(raised.value)
    assert "not-the-password" not in str(raised.value)
    assert inbox.envelopes == []


@pytest.mark.parametrize(("refusal", "reply"), [("refuse_rcpt", "550 5.1.1 No such user here"),
                                                ("refuse_data", "421 4.3.0 Try again later")])
def test_a_refusing_server_is_a_send_error(refusal, reply):
    inbox = Inbox(**{refusal: reply})
    with SmtpServer(inbox) as server:
        with pytest.raises(EmailSendError, match=reply.split()[0]):
            sender(server.port, tls="none").send(MESSAGE)


def test_a_server_that_never_answers_is_given_up_after_the_timeout():
    with SilentServer() as server:
        with pytest.raises(EmailSendError, match="timed out|TimeoutError"):
            sender(server.port, tls="none", timeout=0.3).send(MESSAGE)


def test_nobody_listening_is_a_send_error():
    with pytest.raises(EmailSendError, match="ConnectionRefused"):
        sender(free_port(), tls="none").send(MESSAGE)


def test_the_factory_builds_smtp_from_settings_trusting_ssl_cert_file(certificate, monkeypatch):
    # A private relay's CA comes in through OpenSSL's own variable, read when the context is made.
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate.ca_file))
    inbox = Inbox()
    with SmtpServer(inbox, tls="starttls", certificate=certificate, auth=True) as server:
        settings = Settings.from_env({
            "EMAIL_BACKEND": "smtp", "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(server.port),
            "SMTP_USERNAME": USERNAME, "SMTP_PASSWORD": PASSWORD,
            "EMAIL_FROM": FROM, "SMTP_TIMEOUT_SECONDS": "2"})
        built = build_email_sender(settings)
        assert built.name == "smtp"
        built.send(MESSAGE)
    assert inbox.envelopes[0][2]["Subject"] == MESSAGE.subject


def test_tls_mode_is_checked():
    with pytest.raises(ValueError, match="tls must be one of"):
        SmtpEmailSender("127.0.0.1", 25, sender=FROM, tls="ssl")


def test_the_test_certificate_is_really_checked(certificate, tmp_path: Path):
    # Guard for the tests above: the client context trusts exactly the test CA.
    context = certificate.client_context()
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
