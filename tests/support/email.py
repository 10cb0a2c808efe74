"""An email sender for tests: a real implementation of the interface that keeps messages."""

from __future__ import annotations

import re
import threading

from app.adapters.email.base import EmailMessage, EmailSendError


class RecordingEmailSender:
    name = "recording"

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.fail_next = 0
        self._lock = threading.Lock()

    def send(self, message: EmailMessage) -> None:
        with self._lock:
            if self.fail_next:
                self.fail_next -= 1
                raise EmailSendError("mail server said no (test)")
            self.messages.append(message)

    def to(self, address: str) -> list[EmailMessage]:
        return [message for message in self.messages if message.to == address]

    def last_code(self, address: str) -> str:
        """The code in the newest message to `address` that carries one."""
        for message in reversed(self.to(address)):
            match = re.search(r"\b(\d{4,10})\b", message.body)
            if match:
                return match.group(1)
        raise AssertionError(f"no email with a code sent to {address}")
