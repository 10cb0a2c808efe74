"""Builds account recovery: email verification, the password reset and the phone change."""

from __future__ import annotations

from dataclasses import dataclass

import redis

from app.adapters.factor_records import SqlFactorRecords
from app.config import Settings
from app.extensions import db
from app.models.types import utc_now
from app.services.clock import Clock
from app.services.email_verification import EmailVerification
from app.services.events import Recorder
from app.services.notices import Mailer, Notices
from app.services.otp import OtpService
from app.services.passwords import PasswordPolicy
from app.services.phone_change import PhoneChange
from app.services.recovery import PasswordRecovery
from app.services.recovery_code_factor import RecoveryCodeHasher
from app.services.recovery_requests import RecoveryRequests, RequestSettings
from app.services.sessions import SessionService
from app.services.sign_in_alerts import RunLater
from app.services.tokens import TokenService
from app.services.users import UserService
from app.stores.event_stream import RedisEventStream
from app.stores.keys import Keys
from app.stores.otp import OtpLimits
from app.stores.recovery import RedisRecoveryStore
from app.stores.scripts import Scripts


@dataclass(frozen=True)
class Recovery:
    requests: RecoveryRequests
    email: EmailVerification
    password: PasswordRecovery
    phone: PhoneChange


class SpendRecoveryCode:
    """One of the account's recovery codes, spent and committed (the reset's alternative to the SMS code)."""

    def __init__(self, records: SqlFactorRecords, hasher: RecoveryCodeHasher) -> None:
        self._records = records
        self._hasher = hasher

    def spend(self, user_id: str, code: str) -> bool:
        spent = self._records.spend_recovery_code(user_id, self._hasher.candidates(user_id, code), utc_now())
        self._records.commit()
        return spent


def build_recovery(settings: Settings, *, client: redis.Redis, keys: Keys, old_keys: tuple[Keys, ...],
                   scripts: Scripts, limits: OtpLimits, stream: RedisEventStream, users: UserService,
                   tokens: TokenService, otp: OtpService, sessions: SessionService, policy: PasswordPolicy,
                   mailer: Mailer, notices: Notices, run_later: RunLater, clock: Clock,
                   events: Recorder) -> Recovery:
    store = RedisRecoveryStore(client, keys, scripts, limits, stream)
    request_settings = RequestSettings(ttl=settings.OTP_TTL_SECONDS, code_length=settings.OTP_LENGTH,
                                       max_per_hour=settings.PASSWORD_RESET_MAX_PER_HOUR,
                                       test_numbers=settings.TEST_PHONE_NUMBERS)
    requests = RecoveryRequests(store=store, otp=otp, mailer=mailer, clock=clock, events=events,
                                settings=request_settings)
    codes = SpendRecoveryCode(SqlFactorRecords(db.session),
                              RecoveryCodeHasher([keys.hasher, *(old.hasher for old in old_keys)]))
    return Recovery(
        requests=requests,
        email=EmailVerification(store=store, users=users, tokens=tokens, mailer=mailer, clock=clock, events=events,
                                code_length=settings.OTP_LENGTH, ttl=settings.OTP_TTL_SECONDS,
                                cooldown=settings.OTP_RESEND_COOLDOWN_SECONDS),
        password=PasswordRecovery(requests=requests, users=users, policy=policy, codes=codes, sessions=sessions,
                                  notices=notices, run_later=run_later, events=events),
        phone=PhoneChange(requests=requests, users=users, tokens=tokens, sessions=sessions, notices=notices,
                          run_later=run_later, events=events),
    )
