"""Outbox backend: appends one JSON object a line, `{"to", "body", "sent_at"}`.

Used by tests and demos to read codes; safe with many workers appending at once.
"""

from __future__ import annotations

import fcntl
import json
import os
from datetime import UTC, datetime
from pathlib import Path

from app.adapters.private_files import private_folder
from app.adapters.sms.base import SmsDeliveryError
from app.services.clock import isoformat_z


class FileSmsSender:
    name = "file"

    def __init__(self, path: str) -> None:
        self._path = Path(path)
        self._folder_ready = False

    def send(self, to: str, body: str) -> None:
        sent_at = isoformat_z(datetime.now(UTC), "milliseconds")
        line = json.dumps({"to": to, "body": body, "sent_at": sent_at}) + "\n"
        try:
            if not self._folder_ready:  # once, not a syscall on every code sent
                private_folder(self._path.parent)
                self._folder_ready = True
            # Codes in clear: readable by the service's user only (0600), whatever the umask.
            descriptor = os.open(self._path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            with open(descriptor, "a", encoding="utf-8") as outbox:
                fcntl.flock(outbox, fcntl.LOCK_EX)  # one whole line per writer, across processes
                outbox.write(line)
        except OSError as error:
            raise SmsDeliveryError(f"cannot write outbox {self._path}: {error.strerror}") from error
