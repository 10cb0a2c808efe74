"""Builds the email sender EMAIL_BACKEND names.

The SMTP server's certificate is checked against the system's CAs; a private relay's CA
is trusted through OpenSSL's own SSL_CERT_FILE / SSL_CERT_DIR variables (docs/email.md).
"""

from __future__ import annotations

from app.adapters.email.base import EmailSender
from app.config import Settings


def build_email_sender(settings: Settings) -> EmailSender:
    if settings.EMAIL_BACKEND == "file":
        from app.adapters.email.file import FileEmailSender

        return FileEmailSender(settings.EMAIL_OUTBOX_FILE)
    if settings.EMAIL_BACKEND == "smtp":
        from app.adapters.email.smtp import SmtpEmailSender

        return SmtpEmailSender(
            settings.SMTP_HOST,
            settings.SMTP_PORT,
            sender=settings.EMAIL_FROM,
            tls=settings.SMTP_TLS,
            username=settings.SMTP_USERNAME,
            password=settings.SMTP_PASSWORD,
            timeout_seconds=settings.SMTP_TIMEOUT_SECONDS,
        )
    from app.adapters.email.console import ConsoleEmailSender

    return ConsoleEmailSender()
