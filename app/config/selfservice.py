"""Self-service settings: refresh races of one user's own clients, and what a user is told about
their own account."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from app.config.auth import AuthSettings
from app.config.base import ConfigError, setting
from app.config.email import EmailSettings
from app.config.parsers import boolean, integer, rate


def auto_boolean(env: Mapping[str, str], name: str, default: bool | None) -> bool | None:
    """true or false; unset (or `auto`) keeps None, for a default that follows other settings."""
    if (env.get(name) or "").strip().lower() == "auto":
        return None
    return boolean(env, name, default)  # type: ignore[arg-type]


@dataclass(frozen=True)
class SelfServiceSettings(EmailSettings, AuthSettings):
    # A used refresh token presented again this soon after its first use gets a fresh pair of the
    # same session (two tabs refreshing at once) instead of revoking it; 0 turns the grace off.
    REFRESH_REUSE_GRACE_SECONDS: int = setting(10, integer(minimum=0))
    # Email the user about a sign-in from a device and network not seen for the account in 90 days.
    # Unset: on whenever EMAIL_BACKEND can reach people (anything but console).
    NOTIFY_NEW_SIGN_IN: bool | None = setting(None, auto_boolean)
    # Password resets and phone changes one account may ask for in an hour (API.md "Account recovery").
    PASSWORD_RESET_MAX_PER_HOUR: int = setting(3, integer(minimum=1))
    # Per client IP, for POST /password/forgot and /phone/change (their SMS also count in SEND_OTP_RATE_LIMIT_PER_IP).
    RECOVERY_RATE_LIMIT_PER_IP: str = setting("10/hour", rate)

    @property
    def notify_new_sign_in(self) -> bool:
        if self.NOTIFY_NEW_SIGN_IN is None:
            return self.EMAIL_BACKEND != "console"
        return self.NOTIFY_NEW_SIGN_IN

    def validate(self) -> None:
        super().validate()
        # Inside the grace a copied refresh token is as good as the real one: keep it a race window.
        if self.REFRESH_REUSE_GRACE_SECONDS >= self.ACCESS_TOKEN_TTL_SECONDS:
            raise ConfigError(f"REFRESH_REUSE_GRACE_SECONDS must be shorter than ACCESS_TOKEN_TTL_SECONDS "
                              f"({self.ACCESS_TOKEN_TTL_SECONDS}), got {self.REFRESH_REUSE_GRACE_SECONDS}")
