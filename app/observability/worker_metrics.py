"""Metrics of the event workers: counters they move, and gauges of the stream read at scrape time."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import redis
from prometheus_client import CollectorRegistry, Counter
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from app.stores.keys import KeyNames

log = logging.getLogger(__name__)


class WorkerMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.registry = registry
        self.events_written = Counter(
            "otp_auth_events_written", "Event rows the drain inserted into auth_events.", registry=registry)
        self.events_duplicates = Counter(
            "otp_auth_events_duplicates", "Events the drain found in auth_events already (a batch written again).",
            registry=registry)
        self.worker_failures = Counter(
            "otp_auth_event_worker_failures", "Worker steps a failing store interrupted (retried), by consumer group.",
            ["group"], registry=registry)
        self.webhooks_delivered = Counter(
            "otp_auth_webhooks_delivered", "Events the webhook receiver accepted (2xx).", registry=registry)
        self.webhooks_retried = Counter(
            "otp_auth_webhooks_retried", "Webhook attempts that failed and were scheduled again.", registry=registry)
        self.webhooks_dead_lettered = Counter(
            "otp_auth_webhooks_dead_lettered", "Events given up on after EVENT_WEBHOOK_MAX_AGE_SECONDS.",
            registry=registry)
        for group in ("audit", "webhooks"):
            self.worker_failures.labels(group)

    def written(self, new_rows: int, duplicates: int) -> None:
        self.events_written.inc(new_rows)
        self.events_duplicates.inc(duplicates)

    def failed(self, group: str) -> None:
        self.worker_failures.labels(group).inc()

    def delivered(self) -> None:
        self.webhooks_delivered.inc()

    def retried(self) -> None:
        self.webhooks_retried.inc()

    def dead_lettered(self) -> None:
        self.webhooks_dead_lettered.inc()


class StreamGauges(Collector):
    """Stream length, the age of the oldest event each group has not settled, dead letters and
    scheduled retries: read from Redis when Prometheus scrapes (two round trips)."""

    def __init__(self, client: redis.Redis, keys: KeyNames) -> None:
        self._redis = client
        self._keys = keys

    def describe(self) -> Iterator[GaugeMetricFamily]:
        """The families without values: what registering (and the monitoring-file tests) see, no Redis call."""
        return StreamGauges._families(0, {}, {}, 0, 0)

    def collect(self) -> Iterator[GaugeMetricFamily]:
        try:
            figures = self._read()
        except redis.RedisError as error:
            log.warning("stream gauges not read", extra={"error": type(error).__name__})
            return
        yield from StreamGauges._families(*figures)

    @staticmethod
    def _families(length: int, oldest: dict[str, float], pending: dict[str, int], dead: int,
                  retries: int) -> Iterator[GaugeMetricFamily]:
        yield GaugeMetricFamily("otp_auth_events_stream_length", "Entries in the event stream (trimmed at "
                                "EVENTS_STREAM_MAXLEN).", value=length)
        age = GaugeMetricFamily("otp_auth_events_oldest_pending_seconds", "Age of the oldest event a consumer "
                                "group has not settled yet (0: none), by group.", labels=["group"])
        count = GaugeMetricFamily("otp_auth_events_pending", "Events a consumer group has taken but not settled.",
                                  labels=["group"])
        for group in sorted(oldest):
            age.add_metric([group], oldest[group])
            count.add_metric([group], pending[group])
        yield age
        yield count
        yield GaugeMetricFamily("otp_auth_webhooks_dead_letters", "Events in the webhook dead-letter stream "
                                "(flask events redrive sends them again).", value=dead)
        yield GaugeMetricFamily("otp_auth_webhooks_retry_scheduled", "Events waiting for another webhook attempt.",
                                value=retries)

    def _read(self) -> tuple[int, dict[str, float], dict[str, int], int, int]:
        stream = self._keys.events()
        pipe = self._redis.pipeline(transaction=False)
        pipe.time()
        pipe.exists(stream)
        pipe.xlen(stream)
        pipe.xlen(self._keys.webhook_dead_letters())
        pipe.zcard(self._keys.webhook_retries())
        (seconds, micros), exists, length, dead, retries = pipe.execute()
        if not exists:
            return 0, {}, {}, dead, retries
        groups = self._redis.xinfo_groups(stream)
        now_ms = seconds * 1000 + micros // 1000
        pipe = self._redis.pipeline(transaction=False)
        for group in groups:
            pipe.xpending(stream, group["name"])
            pipe.xrange(stream, min=f"({_text(group['last-delivered-id'])}", count=1)
        answers = pipe.execute()
        oldest, pending = {}, {}
        for index, group in enumerate(groups):
            summary, undelivered = answers[2 * index], answers[2 * index + 1]
            ids = [summary["min"]] if summary["pending"] else []
            ids += [undelivered[0][0]] if undelivered else []
            name = _text(group["name"])
            oldest[name] = max(0.0, (now_ms - min(_ms(i) for i in ids)) / 1000) if ids else 0.0
            pending[name] = int(summary["pending"])
        return length, oldest, pending, dead, retries


def _ms(entry_id: bytes | str) -> int:
    return int(_text(entry_id).split("-")[0])


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
