"""Builds the event workers of an app from its settings and services."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import redis
from sqlalchemy import Engine

from app.adapters.webhooks import SignedWebhook
from app.container import Services
from app.stores.erasures import RedisErasures
from app.stores.keyed_hash import KeyedHasher
from app.stores.keys import KeyNames, Keys
from app.stores.scripts import Scripts
from app.stores.webhook_retries import RedisWebhookRetries
from app.workers import drain, webhooks
from app.workers.audit_writer import AuditWriter
from app.workers.consumer import GroupConsumer, consumer_name
from app.workers.drain import AuditDrain
from app.workers.webhooks import WebhookDelivery


@dataclass
class EventWorkers:
    drain: AuditDrain
    webhooks: WebhookDelivery | None  # None without EVENT_WEBHOOK_URL

    def all(self) -> list[AuditDrain | WebhookDelivery]:
        return [worker for worker in (self.drain, self.webhooks) if worker is not None]


def build_workers(services: Services, client: redis.Redis, engine: Callable[[], Engine], *,
                  name: str | None = None, claim_idle_seconds: float | None = None) -> EventWorkers:
    """`client` may differ from the app's (a longer socket timeout for XREADGROUP BLOCK);
    `claim_idle_seconds` overrides EVENTS_CLAIM_IDLE_SECONDS (tests)."""
    settings, clock, counters = services.settings, services.clock, services.metrics.workers
    keys = KeyNames(settings.REDIS_KEY_PREFIX)
    name = name or consumer_name()
    idle = settings.EVENTS_CLAIM_IDLE_SECONDS if claim_idle_seconds is None else claim_idle_seconds

    def consumer(group: str, batch: int, trim: bool = False) -> GroupConsumer:
        return GroupConsumer(client, keys.events(), group, batch=batch,
                             claim_idle_seconds=idle, clock=clock, name=name, trim=trim)

    sole = not settings.EVENT_WEBHOOK_URL  # no webhook group: the drain settles each event for good
    audit = AuditDrain(consumer(drain.GROUP, settings.EVENTS_BATCH_SIZE, trim=sole), AuditWriter(engine), counters,
                       RedisErasures(client, Keys(settings.REDIS_KEY_PREFIX, KeyedHasher(settings.SECRET_KEY))))
    if not settings.EVENT_WEBHOOK_URL:
        return EventWorkers(audit, None)
    receiver = SignedWebhook(settings.EVENT_WEBHOOK_URL, settings.EVENT_WEBHOOK_SECRET,
                             settings.EVENT_WEBHOOK_TIMEOUT_SECONDS)
    retries = RedisWebhookRetries(client, keys, Scripts(client), settings.EVENTS_STREAM_MAXLEN)
    delivery = WebhookDelivery(
        consumer(webhooks.GROUP, webhooks.WEBHOOK_BATCH), receiver, retries, clock, counters,
        max_age=settings.EVENT_WEBHOOK_MAX_AGE_SECONDS, timeout=settings.EVENT_WEBHOOK_TIMEOUT_SECONDS,
        batch=webhooks.WEBHOOK_BATCH)
    return EventWorkers(audit, delivery)


def settle_all(workers: EventWorkers) -> int:
    """Steps every worker, without waiting, until none finds work: what `events drain --once`
    and the tests use instead of waiting for a thread."""
    total = 0
    while True:
        done = sum(worker.step(block_ms=None) for worker in workers.all())
        if not done:
            return total
        total += done
