"""The interface every SMS backend implements."""

from __future__ import annotations

from typing import Protocol


class SmsDeliveryError(Exception):
    """The provider refused, failed or timed out. The message is for logs, never for clients."""


class SmsSender(Protocol):
    name: str

    def send(self, to: str, body: str) -> None:
        """Deliver `body` to the E.164 number `to`, or raise SmsDeliveryError."""
