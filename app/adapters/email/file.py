"""Outbox backend: appends one JSON object a line, `{"to", "subject", "body", "sent_at"}`.

Used by tests and demos to read codes. The file is created readable by its owner
only (0600), since the bodies carry codes; appends are whole lines under an
exclusive lock, so many workers can share one outbox.
"""

from __future__ import annotations

import fcntl
import json
import os
from datetime import UTC, datetime
from pathlib import Path

from app.adapters.email.base import EmailMessage, EmailSendError
from app.services.clock import isoformat_z

_OWNER_ONLY = 0o600


class FileEmailSender:
    name = "file"

    def __init__(self, path: str) -> None:
        self._path = Path(path)
        self._folder_ready = False

    def send(self, message: EmailMessage) -> None:
        sent_at = isoformat_z(datetime.now(UTC), "milliseconds")
        line = json.dumps({"to": message.to, "subject": message.subject, "body": message.body, "sent_at": sent_at})
        try:
            if not self._folder_ready:
                self._path.parent.mkdir(parents=True, exist_ok=True)
                self._folder_ready = True
            descriptor = os.open(self._path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, _OWNER_ONLY)
            with os.fdopen(descriptor, "a", encoding="utf-8") as outbox:
                fcntl.flock(outbox, fcntl.LOCK_EX)  # one whole line per writer, across processes
                outbox.write(line + "\n")
        except OSError as error:
            raise EmailSendError(f"cannot write outbox {self._path}: {error.strerror}") from error
