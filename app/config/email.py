"""Email settings: the backend (console, file, smtp) and the SMTP connection; see docs/email.md."""

from __future__ import annotations

from dataclasses import dataclass
from email.utils import parseaddr

from app.config.base import ConfigError, setting
from app.config.core import CoreSettings
from app.config.parsers import choice, integer, seconds, text

BACKENDS = ("console", "file", "smtp")
TLS_MODES = ("starttls", "tls", "none")


@dataclass(frozen=True)
class EmailSettings(CoreSettings):
    EMAIL_BACKEND: str = setting("console", choice(*BACKENDS))
    EMAIL_OUTBOX_FILE: str = setting("", text)
    # `otp-auth <no-reply@example.com>` or a bare address; required with smtp.
    EMAIL_FROM: str = setting("", text)
    SMTP_HOST: str = setting("", text)
    SMTP_PORT: int = setting(587, integer(minimum=1, maximum=65535))
    SMTP_USERNAME: str = setting("", text)
    SMTP_PASSWORD: str = setting("", text)
    SMTP_TLS: str = setting("starttls", choice(*TLS_MODES))
    SMTP_TIMEOUT_SECONDS: float = setting(5.0, seconds)

    def validate(self) -> None:
        super().validate()
        if self.is_production and self.EMAIL_BACKEND == "console":
            raise ConfigError("EMAIL_BACKEND=console prints codes to the log; choose file or smtp "
                              "when APP_ENV=production")
        if self.EMAIL_BACKEND == "file" and not self.EMAIL_OUTBOX_FILE:
            raise ConfigError("EMAIL_OUTBOX_FILE is required when EMAIL_BACKEND=file")
        if self.EMAIL_BACKEND == "smtp":
            self._check_smtp()

    def _check_smtp(self) -> None:
        if not self.SMTP_HOST:
            raise ConfigError("SMTP_HOST is required when EMAIL_BACKEND=smtp")
        if "@" not in parseaddr(self.EMAIL_FROM)[1]:
            raise ConfigError("EMAIL_FROM must be an address such as 'otp-auth <no-reply@example.com>' "
                              "when EMAIL_BACKEND=smtp")
        if bool(self.SMTP_USERNAME) != bool(self.SMTP_PASSWORD):
            raise ConfigError("SMTP_USERNAME and SMTP_PASSWORD go together: set both or neither")
        if self.is_production and self.SMTP_USERNAME and self.SMTP_TLS == "none":
            raise ConfigError("SMTP_TLS=none would send SMTP_PASSWORD in clear; use starttls or tls "
                              "when APP_ENV=production")
