"""The load generator: a separate process that drives one HTTP server on 127.0.0.1.

    python -m bench.loadgen SPEC.json   → one JSON result on stdout

It is deliberately lean (asyncio protocols, requests pre-encoded to bytes, no
HTTP library) because on a 2-core machine every microsecond it spends is taken
from the server it measures; it reports its own CPU time so a reader can see
that share. Each of `concurrency` connections sends one request, waits for the
answer and sends the next (a closed loop). A server that closes the connection
(gunicorn's sync workers do after every response) is reconnected, and the
connect time counts in that request's latency, as it would for a real client.

Spec: {"port", "concurrency", "duration", "warmup", "timeout",
       "requests": [{"method", "path", "headers", "body"}, ...],
       "mode": "cycle" | "once" | "unique",   # repeat, use each once, or fill "{n}" with a fresh number
       "flow": {...}}                             # instead of requests: see bench.flow
Only requests completed after `warmup` seconds count. "once" stops when the
list runs out (tokens that are spent by their request).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import resource
import sys
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

HOST = "127.0.0.1"  # never anything else: benchmarks only ever load this machine


class HttpError(Exception):
    """The connection broke or the answer was not HTTP/1.1 as expected."""


def encode(port: int, method: str, path: str, headers: dict[str, str] | None = None, body: str = "") -> bytes:
    payload = body.encode()
    lines = [f"{method} {path} HTTP/1.1", f"Host: {HOST}:{port}"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    if payload or method in ("POST", "PUT", "PATCH"):
        lines.append(f"Content-Length: {len(payload)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + payload


class _Connection(asyncio.Protocol):
    """One keep-alive connection; `exchange` sends a request and returns (status, body, server_closes)."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.closed = False
        self._buffer = bytearray()
        self._waiter: asyncio.Future[tuple[int, bytes, bool]] | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self._buffer += data
        self._try_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_exception(HttpError("connection closed before the response ended"))

    def _try_complete(self) -> None:
        if self._waiter is None or self._waiter.done():
            return
        end = self._buffer.find(b"\r\n\r\n")
        if end < 0:
            return
        head = bytes(self._buffer[:end]).decode("latin-1").split("\r\n")
        status = int(head[0].split(" ", 2)[1])
        length, closes = 0, False
        for line in head[1:]:
            name, _, value = line.partition(":")
            name = name.strip().lower()
            if name == "content-length":
                length = int(value)
            elif name == "connection":
                closes = value.strip().lower() == "close"
            elif name == "transfer-encoding":
                self._waiter.set_exception(HttpError("chunked responses are not expected here"))
                return
        if len(self._buffer) < end + 4 + length:
            return
        body = bytes(self._buffer[end + 4:end + 4 + length])
        del self._buffer[:end + 4 + length]
        self._waiter.set_result((status, body, closes))

    async def exchange(self, request: bytes, timeout: float) -> tuple[int, bytes, bool]:
        assert self.transport is not None
        self._waiter = asyncio.get_running_loop().create_future()
        self.transport.write(request)
        return await asyncio.wait_for(self._waiter, timeout)


class Client:
    """A connection that reconnects by itself when the server closed it."""

    def __init__(self, port: int, timeout: float) -> None:
        self._port = port
        self._timeout = timeout
        self._conn: _Connection | None = None

    async def send(self, request: bytes) -> tuple[int, bytes]:
        if self._conn is None or self._conn.closed:
            loop = asyncio.get_running_loop()
            _, self._conn = await asyncio.wait_for(
                loop.create_connection(_Connection, HOST, self._port), self._timeout
            )
        try:
            status, body, closes = await self._conn.exchange(request, self._timeout)
        except (HttpError, OSError, TimeoutError):
            self.close()
            raise
        if closes:
            self.close()
        return status, body

    async def status(self, request: bytes) -> int:
        return (await self.send(request))[0]

    def close(self) -> None:
        if self._conn is not None and self._conn.transport is not None:
            self._conn.transport.close()
        self._conn = None


class Timings:
    """Completion time, latency and status of every request (or flow)."""

    def __init__(self) -> None:
        self.samples: list[tuple[float, float, int]] = []
        self.failures: Counter[str] = Counter()

    def add(self, started: float, finished: float, status: int) -> None:
        self.samples.append((finished, finished - started, status))

    async def timed(self, attempt: Awaitable[int]) -> None:
        """Awaits one request (or flow) that yields a status, and records it or its failure."""
        started = time.perf_counter()
        try:
            status = await attempt
        except (HttpError, OSError, TimeoutError) as error:
            self.failures[type(error).__name__] += 1
            return
        self.add(started, time.perf_counter(), status)


def percentile(sorted_values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_values:
        return 0.0
    rank = max(0, min(len(sorted_values) - 1, int(round(fraction * len(sorted_values) + 0.5)) - 1))
    return sorted_values[rank]


def summarize(timings: Timings, measure_from: float, measure_to: float, ok_statuses: set[int]) -> dict[str, Any]:
    window = [s for s in timings.samples if measure_from <= s[0] <= measure_to]
    span = max(measure_to - measure_from, 1e-9)
    ok = sorted(latency for _, latency, status in window if status in ok_statuses)
    statuses = Counter(str(status) for _, _, status in window)
    return {
        "seconds": round(span, 3),
        "requests": len(window),
        "ok": len(ok),
        "rps": round(len(ok) / span, 1),
        "statuses": dict(statuses),
        "transport_errors": dict(timings.failures),
        "latency_ms": {
            "p50": round(percentile(ok, 0.50) * 1000, 2),
            "p95": round(percentile(ok, 0.95) * 1000, 2),
            "p99": round(percentile(ok, 0.99) * 1000, 2),
            "max": round((ok[-1] if ok else 0.0) * 1000, 2),
        },
    }


def request_source(spec: dict[str, Any]) -> Callable[[], bytes | None]:
    """Hands out the next request to send, or None when a "once" list ran out."""
    port, mode = spec["port"], spec.get("mode", "cycle")
    items = spec["requests"]
    if mode == "unique":
        counter = itertools.count()
        template = items[0]

        def unique() -> bytes:
            n = str(next(counter))
            return encode(port, template["method"], template["path"], template.get("headers"),
                          template.get("body", "").replace("{n}", n))

        return unique
    encoded = [encode(port, r["method"], r["path"], r.get("headers"), r.get("body", "")) for r in items]
    iterator: Iterator[bytes] = itertools.cycle(encoded) if mode == "cycle" else iter(encoded)
    return lambda: next(iterator, None)


async def _closed_loop(spec: dict[str, Any], timings: Timings, deadline: float) -> None:
    next_request = request_source(spec)
    timeout = float(spec.get("timeout", 30))

    async def one_connection() -> None:
        client = Client(spec["port"], timeout)
        try:
            while time.perf_counter() < deadline:
                request = next_request()
                if request is None:
                    return
                await timings.timed(client.status(request))
        finally:
            client.close()

    await asyncio.gather(*(one_connection() for _ in range(int(spec["concurrency"]))))


def run(spec: dict[str, Any]) -> dict[str, Any]:
    """Runs one load test as described by `spec` (in this process) and returns its summary."""
    timings = Timings()
    cpu_before = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    deadline = started + float(spec["duration"])
    if "flow" in spec:
        from bench.flow import run_flows

        asyncio.run(run_flows(spec, timings, deadline))
        ok_statuses = {200}
    else:
        asyncio.run(_closed_loop(spec, timings, deadline))
        ok_statuses = set(spec.get("ok_statuses", [200, 201, 204]))
    finished = time.perf_counter()
    cpu_after = resource.getrusage(resource.RUSAGE_SELF)
    measure_from = started + float(spec.get("warmup", 0))
    # The window ends at the deadline (answers that drain after it come at falling concurrency),
    # or earlier when a "once" list ran out.
    last = max((s[0] for s in timings.samples), default=deadline)
    result = summarize(timings, measure_from, min(deadline, last), ok_statuses)
    cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
    result.update(concurrency=spec["concurrency"], completed=len(timings.samples),
                  loadgen_cpu_share=round(cpu / max(finished - started, 1e-9), 3))
    return result


def main() -> None:
    with open(sys.argv[1], encoding="utf-8") as handle:
        spec = json.load(handle)
    json.dump(run(spec), sys.stdout)


if __name__ == "__main__":
    main()
