"""Tells when the bytes read from a connection hold one whole HTTP/1.1 request.

Not a parser: it finds the end of the header section and of the body (Content-Length
or chunked) so the worker can wait for both without holding a thread. Anything odd
(conflicting lengths, an unknown coding, a malformed chunk) is handed over as it is,
for gunicorn's real parser to refuse.
"""

from __future__ import annotations

import enum
import re

_LENGTH = re.compile(rb"[0-9]{1,18}")
_CHUNK_SIZE = re.compile(rb"([0-9A-Fa-f]{1,16})[ \t]*(;[^\r\n]*)?")


class Verdict(enum.Enum):
    INCOMPLETE = "wait for more bytes"
    COMPLETE = "the whole request is buffered"
    HAND_OVER = "enough to answer; the rest is not worth waiting for (the connection closes after)"
    HEADERS_TOO_LARGE = "the header section is over the limit"
    BODY_TOO_LARGE = "the chunked body (or its framing) is over the limit"


class RequestBuffer:
    def __init__(self, max_header_bytes: int, max_body_bytes: int) -> None:
        self.data = bytearray()
        self._max_header = max_header_bytes
        self._max_body = max_body_bytes
        self._body_start: int | None = None
        self._content_length: int | None = None
        self._chunked = False
        self._scan = 0  # where the chunk scan resumes
        self._decoded = 0
        self.expects_continue = False

    @property
    def headers_done(self) -> bool:
        return self._body_start is not None

    def feed(self, chunk: bytes) -> Verdict:
        self.data.extend(chunk)
        if self._body_start is None:
            verdict = self._find_header_end(len(chunk))
            if verdict is not None:
                return verdict
        if self._chunked:
            return self._scan_chunks()
        assert self._body_start is not None and self._content_length is not None
        if len(self.data) - self._body_start >= self._content_length:
            return Verdict.COMPLETE
        return Verdict.INCOMPLETE

    def _find_header_end(self, fed: int) -> Verdict | None:
        end = self.data.find(b"\r\n\r\n", max(0, len(self.data) - fed - 3))
        if end < 0:
            return Verdict.HEADERS_TOO_LARGE if len(self.data) > self._max_header else Verdict.INCOMPLETE
        if end + 4 > self._max_header:
            return Verdict.HEADERS_TOO_LARGE
        self._body_start = self._scan = end + 4
        return self._read_framing(bytes(self.data[:end]))

    def _read_framing(self, head: bytes) -> Verdict | None:
        lengths: list[bytes] = []
        codings: list[bytes] = []
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            name, value = name.strip().lower(), value.strip()
            if name == b"content-length":
                lengths.append(value)
            elif name == b"transfer-encoding":
                codings.extend(part.strip().lower() for part in value.split(b","))
            elif name == b"expect" and value.lower() == b"100-continue":
                self.expects_continue = True
        if codings:
            if lengths or codings[-1] != b"chunked":
                return Verdict.HAND_OVER  # gunicorn refuses both (smuggling, unknown coding)
            self._chunked = True
            return None
        if len(set(lengths)) > 1 or (lengths and not _LENGTH.fullmatch(lengths[0])):
            return Verdict.HAND_OVER  # gunicorn refuses a bad or conflicting Content-Length
        self._content_length = int(lengths[0]) if lengths else 0
        if self._content_length > self._max_body:
            return Verdict.HAND_OVER  # the app answers 413 from the header alone
        return None

    def _scan_chunks(self) -> Verdict:
        while True:
            line_end = self.data.find(b"\r\n", self._scan)
            if line_end < 0:
                return self._incomplete_chunk()
            size_match = _CHUNK_SIZE.fullmatch(bytes(self.data[self._scan:line_end]))
            if size_match is None:
                return Verdict.HAND_OVER  # gunicorn answers the malformed chunk
            size = int(size_match.group(1), 16)
            if size == 0:
                return self._after_last_chunk(line_end + 2)
            if self._decoded + size > self._max_body:
                return Verdict.BODY_TOO_LARGE  # more than the app would accept: no need to wait for it
            next_chunk = line_end + 2 + size + 2
            if len(self.data) < next_chunk:
                return self._incomplete_chunk()
            self._decoded += size
            self._scan = next_chunk

    def _after_last_chunk(self, trailers_start: int) -> Verdict:
        if self.data.startswith(b"\r\n", trailers_start) or self.data.find(b"\r\n\r\n", trailers_start - 2) >= 0:
            return Verdict.COMPLETE
        return self._incomplete_chunk()

    def _incomplete_chunk(self) -> Verdict:
        assert self._body_start is not None
        # Framing of tiny chunks can dwarf the data it carries; past this a client is playing games.
        if len(self.data) - self._body_start > 4 * self._max_body:
            return Verdict.BODY_TOO_LARGE
        return Verdict.INCOMPLETE
