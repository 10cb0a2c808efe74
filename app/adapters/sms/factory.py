"""Builds the SMS sender named by SMS_BACKENDS (or SMS_BACKEND): one backend as is,
several behind a FailoverSmsSender with a circuit breaker shared through Redis."""

from __future__ import annotations

import math

import redis

from app.adapters.sms.base import SmsSender
from app.config import Settings
from app.services.clock import Clock


def build_sms_sender(settings: Settings, client: redis.Redis | None = None, clock: Clock | None = None) -> SmsSender:
    """`client` and `clock` serve the circuit breaker, which only several backends have."""
    providers = [build_backend(name, settings) for name in settings.sms_backends]
    if len(providers) == 1:
        return providers[0]
    if client is None or clock is None:
        raise ValueError("several SMS backends need a Redis client and a clock for their shared circuit breaker")
    from app.adapters.sms.failover import FailoverSmsSender
    from app.stores.breaker import BreakerPolicy, RedisBreakerStore
    from app.stores.keys import KeyNames
    from app.stores.scripts import Scripts

    policy = BreakerPolicy(
        failure_threshold=settings.SMS_BREAKER_FAILURE_THRESHOLD,
        window=settings.SMS_BREAKER_WINDOW_SECONDS,
        cooloff=settings.SMS_BREAKER_COOLDOWN_SECONDS,
        probe_lease=math.ceil(settings.SMS_TIMEOUT_SECONDS) + 1,
    )
    return FailoverSmsSender(
        providers,
        RedisBreakerStore(Scripts(client), KeyNames(settings.REDIS_KEY_PREFIX), policy),
        clock,
        attempt_timeout=settings.SMS_TIMEOUT_SECONDS,
        total_timeout=settings.SMS_TOTAL_TIMEOUT_SECONDS,
        routes=settings.SMS_ROUTES,
    )


def build_backend(name: str, settings: Settings) -> SmsSender:
    """One provider; SDKs are imported only when their backend is configured."""
    if name == "file":
        from app.adapters.sms.file import FileSmsSender

        return FileSmsSender(settings.SMS_OUTBOX_FILE)
    if name == "twilio":
        from app.adapters.sms.twilio import TwilioSmsSender

        return TwilioSmsSender(
            settings.TWILIO_ACCOUNT_SID,
            settings.TWILIO_AUTH_TOKEN,
            from_number=settings.TWILIO_FROM_NUMBER,
            messaging_service_sid=settings.TWILIO_MESSAGING_SERVICE_SID,
            timeout_seconds=settings.SMS_TIMEOUT_SECONDS,
            api_base_url=settings.TWILIO_API_BASE_URL,
        )
    if name == "sns":
        from app.adapters.sms.sns import SnsSmsSender

        return SnsSmsSender(
            region=settings.SNS_REGION,
            endpoint_url=settings.SNS_ENDPOINT_URL,
            sender_id=settings.SNS_SENDER_ID,
            sms_type=settings.SNS_SMS_TYPE,
            origination_number=settings.SNS_ORIGINATION_NUMBER,
            timeout_seconds=settings.SMS_TIMEOUT_SECONDS,
        )
    if name == "webhook":
        from app.adapters.sms.webhook import WebhookSmsSender

        return WebhookSmsSender(settings.SMS_WEBHOOK_URL, settings.SMS_WEBHOOK_SECRET,
                                timeout_seconds=settings.SMS_TIMEOUT_SECONDS)
    from app.adapters.sms.console import ConsoleSmsSender

    return ConsoleSmsSender()
