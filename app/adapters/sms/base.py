"""The interface every SMS backend implements."""

from __future__ import annotations

from typing import Protocol


class SmsDeliveryError(Exception):
    """The provider refused, failed or timed out. The message is for logs, never for clients.

    `provider` names the backend that failed last, when a sender tried several.
    """

    def __init__(self, message: str, *, provider: str = "") -> None:
        super().__init__(message)
        self.provider = provider


class SmsSender(Protocol):
    name: str

    def send(self, to: str, body: str) -> str | None:
        """Deliver `body` to the E.164 number `to`, or raise SmsDeliveryError.

        Returns the name of the backend that delivered it when that is not
        `self.name` (a failover sender does); None means `self.name`.
        """


def delivered_by(sender: SmsSender, to: str, body: str) -> str:
    """Sends through `sender` and returns the name of the backend that took the message."""
    return sender.send(to, body) or sender.name
