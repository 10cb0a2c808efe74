"""Builds the app's services from its settings and hands them to the views."""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

import redis
from flask import Flask, current_app

from app.adapters.email.base import EmailSender
from app.adapters.sms.base import SmsSender
from app.adapters.sms.factory import build_sms_sender
from app.config import Settings
from app.config.sms_templates import load_catalog
from app.extensions import db
from app.http.after_response import AfterResponse
from app.http.request_scope import FlaskRequestScope
from app.observability.metrics import Metrics
from app.observability.readiness import Readiness
from app.observability.sms_budget import SmsBudgetMonitor
from app.schemas.requests import RequestSchemas
from app.services.account import AccountService
from app.services.admin import AdminService
from app.services.audit import AuditTrail
from app.services.breached_passwords import BreachedPasswords
from app.services.captcha import CaptchaCheck
from app.services.clock import Clock, SystemClock
from app.services.events import Recorder
from app.services.factors import FactorService
from app.services.login import LoginService
from app.services.notices import Mailer, Notices
from app.services.otp import OtpService, OtpSettings
from app.services.passwords import PasswordPolicy, Passwords
from app.services.phones import PhonePolicy
from app.services.second_factor import SecondFactorService
from app.services.sessions import SessionService
from app.services.sign_in_alerts import SignInAlerts
from app.services.sms_text import SmsTexts
from app.services.tokens import TokenService
from app.services.users import UserService
from app.stores.event_stream import RedisEventStream
from app.stores.keyed_hash import KeyedHasher
from app.stores.keys import Keys
from app.stores.login_throttle import RedisLoginThrottle
from app.stores.otp import RedisOtpStore
from app.stores.scripts import Scripts
from app.wiring.email import build_email
from app.wiring.factors import build_factors
from app.wiring.otp_limits import otp_limits
from app.wiring.recovery import Recovery, build_recovery
from app.wiring.selfservice import build_selfservice
from app.wiring.sms_guard import build_captcha
from app.wiring.tokens import build_tokens

EXTENSION_KEY = "otp_auth"


@dataclass
class Services:
    settings: Settings
    redis: redis.Redis
    clock: Clock
    sms: SmsSender
    schemas: RequestSchemas
    users: UserService
    tokens: TokenService
    otp: OtpService
    login: LoginService
    factors: FactorService
    second_factor: SecondFactorService
    metrics: Metrics
    events: Recorder
    admin: AdminService
    readiness: Readiness
    mailer: Mailer
    notices: Notices
    after_response: AfterResponse
    sessions: SessionService
    account: AccountService
    recovery: Recovery
    captcha: CaptchaCheck


def build_services(settings: Settings, client: redis.Redis, *, clock: Clock | None = None,
                   sms: SmsSender | None = None, email: EmailSender | None = None) -> Services:
    """Every service of one app. `clock`, `sms` and `email` are for tests; production gets the
    system clock and the senders SMS_BACKENDS and EMAIL_BACKEND name."""
    clock = clock or SystemClock()
    sms = sms or build_sms_sender(settings, client, clock)
    metrics = Metrics(settings.PROMETHEUS_MULTIPROC_DIR, sms.name)
    channel = build_email(settings, sms=sms, metrics=metrics, sender=email)
    keys = Keys(settings.REDIS_KEY_PREFIX, KeyedHasher(settings.SECRET_KEY))
    stream = RedisEventStream(client, keys, settings.EVENTS_STREAM_MAXLEN)
    audit = AuditTrail(db.session)
    events = Recorder(metrics=metrics, stream=stream, audit=audit, scope=FlaskRequestScope(), clock=clock)
    old_keys = tuple(Keys(settings.REDIS_KEY_PREFIX, KeyedHasher(old)) for old in settings.SECRET_KEY_FALLBACKS)
    scripts = Scripts(client)
    passwords = Passwords(settings.ARGON2_TIME_COST, settings.ARGON2_MEMORY_COST_KIB, settings.ARGON2_PARALLELISM)
    users = UserService(session=db.session, passwords=passwords, events=events)
    tokens = build_tokens(settings, client=client, keys=keys, old_keys=old_keys, scripts=scripts, stream=stream,
                          clock=clock, events=events)
    texts = _sms_texts(settings)
    limits = otp_limits(settings)
    after_response = AfterResponse()
    alerts = SignInAlerts(users=users, notices=channel.notices, events=events, run_later=after_response.run_later,
                          notify=settings.notify_new_sign_in)
    otp = OtpService(
        store=RedisOtpStore(keys=keys, scripts=scripts, limits=limits, stream=stream, fallbacks=old_keys),
        tokens=tokens,
        sender=sms,
        clock=clock,
        settings=OtpSettings(settings.OTP_LENGTH, settings.OTP_TTL_SECONDS, settings.OTP_RESEND_COOLDOWN_SECONDS,
                             settings.SMS_SENDER_NAME),
        events=events,
        texts=texts,
        budget=SmsBudgetMonitor(limit=settings.SMS_MAX_PER_HOUR, registry=metrics.registry),
        alerts=alerts,
    )
    throttle = RedisLoginThrottle(client=client, keys=keys, scripts=scripts,
                                  window=settings.LOGIN_FAILURE_WINDOW_SECONDS, limit=settings.LOGIN_MAX_FAILURES)
    factors = build_factors(settings, keys=keys, old_keys=old_keys, scripts=scripts, limits=limits, users=users,
                            tokens=tokens, otp=otp, clock=clock, events=events, alerts=alerts,
                            notices=channel.notices, run_later=after_response.run_later)
    login = LoginService(users=users, passwords=passwords, throttle=throttle, tokens=tokens, otp=otp, clock=clock,
                         test_numbers=settings.TEST_PHONE_NUMBERS, send_on_login=settings.OTP_SEND_ON_LOGIN,
                         events=events, devices=factors.devices)
    policy = _password_policy(settings)
    captcha = build_captcha(settings, metrics)
    selfservice = build_selfservice(session=db.session, client=client, keys=keys, old_keys=old_keys, scripts=scripts,
                                    users=users, passwords=passwords, policy=policy, throttle=throttle, tokens=tokens,
                                    audit=audit, clock=clock, events=events)
    recovery = build_recovery(settings, client=client, keys=keys, old_keys=old_keys, scripts=scripts, limits=limits,
                              stream=stream, users=users, tokens=tokens, otp=otp, sessions=selfservice.sessions,
                              policy=policy, mailer=channel.mailer, notices=channel.notices,
                              run_later=after_response.run_later, clock=clock, events=events)
    return Services(
        settings=settings,
        redis=client,
        clock=clock,
        sms=sms,
        schemas=_request_schemas(settings, texts, policy, captcha),
        users=users,
        tokens=tokens,
        otp=otp,
        login=login,
        factors=factors.factors,
        second_factor=factors.second_factor,
        metrics=metrics,
        events=events,
        admin=AdminService(session=db.session, users=users, tokens=tokens, sessions=selfservice.sessions,
                           erasure=selfservice.erasure, audit=audit, events=events, clock=clock),
        readiness=Readiness(engine=lambda: db.engine, client=client, metrics=metrics),
        mailer=channel.mailer,
        notices=channel.notices,
        after_response=after_response,
        sessions=selfservice.sessions,
        account=selfservice.account,
        recovery=recovery,
        captcha=captcha,
    )


def _sms_texts(settings: Settings) -> SmsTexts:
    return SmsTexts(load_catalog(settings.SMS_TEMPLATES_DIR), default_locale=settings.SMS_DEFAULT_LOCALE,
                    sender=settings.SMS_SENDER_NAME, ttl_seconds=settings.OTP_TTL_SECONDS,
                    webotp_domain=settings.SMS_WEBOTP_DOMAIN, android_app_hash=settings.SMS_ANDROID_APP_HASH)


def _password_policy(settings: Settings) -> PasswordPolicy:
    breaches = (BreachedPasswords(settings.PASSWORD_BREACH_API_URL, settings.PASSWORD_BREACH_TIMEOUT_SECONDS)
                if settings.PASSWORD_BREACH_CHECK else None)
    return PasswordPolicy(settings.PASSWORD_MIN_LENGTH, settings.PASSWORD_MAX_LENGTH, breaches)


def _request_schemas(settings: Settings, texts: SmsTexts, policy: PasswordPolicy,
                     captcha: CaptchaCheck) -> RequestSchemas:
    phones = PhonePolicy(settings.DEFAULT_PHONE_REGION, settings.SMS_ALLOWED_COUNTRIES,
                         frozenset(settings.TEST_PHONE_NUMBERS))
    return RequestSchemas(phones=phones, passwords=policy, otp_length=settings.OTP_LENGTH, texts=texts,
                          captcha=captcha)


def install(app: Flask, services: Services) -> None:
    app.extensions[EXTENSION_KEY] = services


def services() -> Services:
    # Flask's extensions dict holds Any; install() put the Services there.
    return cast(Services, current_app.extensions[EXTENSION_KEY])
