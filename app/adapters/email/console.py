"""Development backend: prints each message to standard output, codes included."""

from __future__ import annotations

import sys
from typing import TextIO

from app.adapters.email.base import EmailMessage


class ConsoleEmailSender:
    name = "console"

    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream

    def send(self, message: EmailMessage) -> None:
        # Deliberately not through logging: log pipelines must never carry codes.
        stream = self._stream or sys.stdout
        print(f"[email to {message.to}] Subject: {message.subject}\n{message.body}\n[end of email]",
              file=stream, flush=True)
