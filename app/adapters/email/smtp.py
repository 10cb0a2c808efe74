"""SMTP backend (the standard library's smtplib): STARTTLS, implicit TLS or plain, bounded timeouts.

Each message opens its own connection: recovery mail is rare, and a connection
kept open between requests would need keep-alives and reconnects for no gain.
Every socket operation gives up after `timeout_seconds`.
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage as MimeMessage
from email.utils import formatdate, make_msgid, parseaddr

from app.adapters.email.base import EmailMessage, EmailSendError

TLS_MODES = ("starttls", "tls", "none")


class SmtpEmailSender:
    name = "smtp"

    def __init__(self, host: str, port: int, *, sender: str, tls: str = "starttls", username: str = "",
                 password: str = "", timeout_seconds: float = 5.0, ssl_context: ssl.SSLContext | None = None) -> None:
        if tls not in TLS_MODES:
            raise ValueError(f"tls must be one of {', '.join(TLS_MODES)}")
        self._host = host
        self._port = port
        self._sender = sender  # `Name <address>` or a bare address; a non-ASCII name is encoded (RFC 2047)
        self._tls = tls
        self._username = username
        self._password = password
        self._timeout = timeout_seconds
        self._context = ssl_context or ssl.create_default_context()

    def mime(self, message: EmailMessage) -> MimeMessage:
        """The message as it goes on the wire: UTF-8 text, encoded headers, a Date and a Message-ID."""
        mime = MimeMessage()
        mime["From"] = self._sender
        mime["To"] = message.to
        mime["Subject"] = message.subject
        mime["Date"] = formatdate(usegmt=True)
        domain = parseaddr(self._sender)[1].rpartition("@")[2] or None
        mime["Message-ID"] = make_msgid(domain=domain)
        mime["Auto-Submitted"] = "auto-generated"  # RFC 3834: auto-responders must not answer
        mime.set_content(message.body, charset="utf-8")
        return mime

    def send(self, message: EmailMessage) -> None:
        mime = self.mime(message)
        try:
            with self._connect() as smtp:
                if self._tls == "starttls":
                    smtp.starttls(context=self._context)
                if self._username:
                    smtp.login(self._username, self._password)
                refused = smtp.send_message(mime)
        except (smtplib.SMTPException, OSError) as error:  # OSError: refused, reset, timed out, TLS failures
            raise EmailSendError(f"smtp {self._host}:{self._port}: {_describe(error)}") from error
        if refused:
            raise EmailSendError(f"smtp {self._host}:{self._port} refused the recipient")

    def _connect(self) -> smtplib.SMTP:
        if self._tls == "tls":
            return smtplib.SMTP_SSL(self._host, self._port, timeout=self._timeout, context=self._context)
        return smtplib.SMTP(self._host, self._port, timeout=self._timeout)


def _describe(error: Exception) -> str:
    """The server's reply code and text, or the kind of network failure; never the credentials."""
    if isinstance(error, smtplib.SMTPResponseException):
        text = error.smtp_error.decode("utf-8", "replace") if isinstance(error.smtp_error, bytes) else error.smtp_error
        return f"{error.smtp_code} {text}"[:200]
    return f"{type(error).__name__}: {error}"[:200]
