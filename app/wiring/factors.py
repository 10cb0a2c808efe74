"""Wiring of the second factors besides SMS: the authenticator app and recovery codes."""

from __future__ import annotations

from dataclasses import dataclass

from app.adapters.factor_records import SqlFactorRecords
from app.config import Settings
from app.extensions import db
from app.services import totp
from app.services.clock import Clock
from app.services.events import Recorder
from app.services.factors import FactorService
from app.services.notices import Notices
from app.services.otp import OtpService
from app.services.recovery_code_factor import RecoveryCodeHasher
from app.services.recovery_notices import RecoveryNotices
from app.services.remembered_devices import RememberedDevices
from app.services.second_factor import SecondFactorService
from app.services.secret_box import SecretBox
from app.services.sign_in_alerts import RunLater, SignInAlerts
from app.services.tokens import TokenService
from app.services.users import UserService
from app.stores.devices import RedisDeviceStore
from app.stores.keys import Keys
from app.stores.otp import OtpLimits
from app.stores.scripts import Scripts
from app.stores.second_step import RedisSecondStepStore


@dataclass(frozen=True)
class FactorServices:
    factors: FactorService
    second_factor: SecondFactorService
    devices: RememberedDevices


def build_factors(settings: Settings, *, keys: Keys, old_keys: tuple[Keys, ...], scripts: Scripts,
                  limits: OtpLimits, users: UserService, tokens: TokenService, otp: OtpService, clock: Clock,
                  events: Recorder, alerts: SignInAlerts, notices: Notices, run_later: RunLater) -> FactorServices:
    records = SqlFactorRecords(db.session)
    box = SecretBox(settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS)
    hasher = RecoveryCodeHasher([keys.hasher, *(old.hasher for old in old_keys)])
    steps = RedisSecondStepStore(keys, scripts, limits, totp.step_memory_seconds(), fallbacks=old_keys)
    devices = RememberedDevices(store=RedisDeviceStore(keys, scripts, fallbacks=old_keys), tokens=tokens, clock=clock,
                                events=events, alerts=alerts, days=settings.REMEMBER_DEVICE_DAYS)
    recovery_notices = RecoveryNotices(users=users, codes=records, notices=notices, run_later=run_later,
                                       low_at=settings.RECOVERY_CODES_LOW_AT)
    return FactorServices(
        factors=FactorService(records=records, users=users, box=box, hasher=hasher, steps=steps, clock=clock,
                              events=events, issuer=settings.SMS_SENDER_NAME),
        second_factor=SecondFactorService(otp=otp, store=steps, records=records, tokens=tokens, box=box,
                                          hasher=hasher, clock=clock, events=events, alerts=alerts,
                                          devices=devices, notices=recovery_notices),
        devices=devices,
    )
