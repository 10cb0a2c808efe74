"""The email channel of one app: the backend EMAIL_BACKEND names, its texts, the mailer and the notices."""

from __future__ import annotations

from dataclasses import dataclass

from app.adapters.email.base import EmailSender
from app.adapters.email.factory import build_email_sender
from app.adapters.sms.base import SmsSender
from app.config import Settings
from app.observability.metrics import Metrics
from app.services.email_text import EmailTexts, load_email_catalog
from app.services.notices import Mailer, Notices


@dataclass(frozen=True)
class EmailChannel:
    sender: EmailSender
    mailer: Mailer
    notices: Notices


def build_email(settings: Settings, *, sms: SmsSender, metrics: Metrics,
                sender: EmailSender | None = None) -> EmailChannel:
    """`sender` is for tests; otherwise EMAIL_BACKEND's."""
    sender = sender or build_email_sender(settings)
    texts = EmailTexts(load_email_catalog(), default_locale=settings.SMS_DEFAULT_LOCALE,
                       service=settings.SMS_SENDER_NAME, ttl_seconds=settings.OTP_TTL_SECONDS)
    mailer = Mailer(sender=sender, texts=texts, on_sent=metrics.message_sent)
    return EmailChannel(sender, mailer, Notices(mailer=mailer, sms=sms, on_sent=metrics.message_sent))
