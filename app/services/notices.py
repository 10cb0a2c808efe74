"""Sending the service's own messages by email and SMS (codes by email, notices by either).

`Mailer.send` is for messages the request depends on (an email code): a failure is
`503 email_unavailable`, and the caller undoes what it reserved. `Notices` is for
messages that report what already happened (a password reset, a new phone): one
that cannot be sent is logged and counted, and the request that succeeded stands.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from app.adapters.email.base import EmailMessage, EmailSender, EmailSendError
from app.adapters.sms.base import SmsDeliveryError, SmsSender
from app.problems import EmailUnavailable
from app.services.email_text import EmailTexts

log = logging.getLogger(__name__)

# on_sent(channel, template, ok): the container counts these (otp_auth_messages_sent_total).
SentHook = Callable[[str, str, bool], None]


def _ignore(_channel: str, _template: str, _ok: bool) -> None:
    return None


class Mailer:
    def __init__(self, *, sender: EmailSender, texts: EmailTexts, on_sent: SentHook = _ignore) -> None:
        self._sender = sender
        self.texts = texts
        self._on_sent = on_sent

    def send(self, to: str, template: str, locale: str | None = None, **context: object) -> None:
        """Renders `template` in `locale` and hands it to the email backend, or raises EmailUnavailable."""
        text = self.texts.render(template, locale, **context)
        try:
            self._sender.send(EmailMessage(to, text.subject, text.body))
        except EmailSendError as error:
            log.warning("email not sent", extra={"template": template, "backend": self._sender.name,
                                                 "reason": str(error)})
            self._on_sent("email", template, False)
            raise EmailUnavailable("The email service did not take the message; try again.", retry_after=1) from None
        self._on_sent("email", template, True)


class Notices:
    """Best-effort messages about something that already happened."""

    def __init__(self, *, mailer: Mailer, sms: SmsSender, on_sent: SentHook = _ignore) -> None:
        self._mailer = mailer
        self._sms = sms
        self._on_sent = on_sent

    def email(self, to: str, template: str, locale: str | None = None, **context: object) -> bool:
        """Sends the notice; False (logged and counted, never raised) when it could not be sent."""
        try:
            self._mailer.send(to, template, locale, **context)
        except EmailUnavailable:
            return False  # Mailer has logged and counted it
        except (KeyError, ValueError) as error:  # a template that needs what the caller did not give
            log.error("email notice not rendered", extra={"template": template, "reason": repr(error)})
            self._on_sent("email", template, False)
            return False
        return True

    def sms(self, to: str, template: str, locale: str | None = None, **context: object) -> bool:
        """Texts the notice `template` (a `*_sms` entry); False when it could not be sent."""
        try:
            body = self._mailer.texts.render(template, locale, **context).body
            self._sms.send(to, body)
        except SmsDeliveryError as error:
            log.warning("sms notice not sent", extra={"template": template, "reason": str(error)})
            self._on_sent("sms", template, False)
            return False
        except (KeyError, ValueError) as error:
            log.error("sms notice not rendered", extra={"template": template, "reason": repr(error)})
            self._on_sent("sms", template, False)
            return False
        self._on_sent("sms", template, True)
        return True
