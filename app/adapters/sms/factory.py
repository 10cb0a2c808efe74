"""Picks the SMS backend named by SMS_BACKEND."""

from __future__ import annotations

from app.adapters.sms.base import SmsSender
from app.config import Settings


def build_sms_sender(settings: Settings) -> SmsSender:
    if settings.SMS_BACKEND == "file":
        from app.adapters.sms.file import FileSmsSender

        return FileSmsSender(settings.SMS_OUTBOX_FILE)
    if settings.SMS_BACKEND == "twilio":
        from app.adapters.sms.twilio import TwilioSmsSender

        return TwilioSmsSender(
            settings.TWILIO_ACCOUNT_SID,
            settings.TWILIO_AUTH_TOKEN,
            from_number=settings.TWILIO_FROM_NUMBER,
            messaging_service_sid=settings.TWILIO_MESSAGING_SERVICE_SID,
            timeout_seconds=settings.SMS_TIMEOUT_SECONDS,
            api_base_url=settings.TWILIO_API_BASE_URL,
        )
    from app.adapters.sms.console import ConsoleSmsSender

    return ConsoleSmsSender()
