"""An SMS sender for tests: a real implementation of the interface that keeps messages."""

from __future__ import annotations

import re
import threading

from app.adapters.sms.base import SmsDeliveryError


class RecordingSmsSender:
    name = "recording"

    def __init__(self) -> None:
        self.messages: list[tuple[str, str]] = []
        self.fail_next = 0
        self._lock = threading.Lock()

    def send(self, to: str, body: str) -> None:
        with self._lock:
            if self.fail_next:
                self.fail_next -= 1
                raise SmsDeliveryError("provider said no (test)")
            self.messages.append((to, body))

    def last_code(self, to: str | None = None) -> str:
        for phone, body in reversed(self.messages):
            if to is None or phone == to:
                match = re.search(r"\b(\d{4,10})\b", body)
                assert match, body
                return match.group(1)
        raise AssertionError(f"no SMS sent to {to}")
