"""Development backend: prints each message to standard output, codes included."""

from __future__ import annotations

import sys
from typing import TextIO


class ConsoleSmsSender:
    name = "console"

    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream

    def send(self, to: str, body: str) -> None:
        # Deliberately not through logging: log pipelines must never carry codes.
        stream = self._stream or sys.stdout
        print(f"[sms to {to}] {body}", file=stream, flush=True)
