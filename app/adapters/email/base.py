"""The interface every email backend implements."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class EmailMessage:
    """One plain-text message to one address."""

    to: str
    subject: str
    body: str


class EmailSendError(Exception):
    """The backend refused, failed or timed out. The message is for logs, never for clients."""


class EmailSender(Protocol):
    name: str

    def send(self, message: EmailMessage) -> None:
        """Delivers `message` or raises EmailSendError."""
