"""Managing a signed-in account's second factors: an authenticator app and recovery codes."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from app.models import User
from app.problems import InvalidToken, ValidationFailed
from app.services import recovery_code_factor, totp
from app.services.clock import Clock, to_datetime
from app.services.events import Recorder
from app.services.factor_ports import FactorRecords, SecondStepStore
from app.services.phones import phone_hint
from app.services.recovery_code_factor import RecoveryCodeHasher
from app.services.secret_box import SealedSecretUnreadable, SecretBox
from app.services.users import UserService

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TotpEnrolment:
    secret: str
    otpauth_uri: str
    qr_svg: str


@dataclass(frozen=True)
class FactorSummary:
    phone_hint: str
    totp_enabled: bool
    recovery_codes_left: int


class FactorService:
    def __init__(self, *, records: FactorRecords, users: UserService, box: SecretBox, hasher: RecoveryCodeHasher,
                 steps: SecondStepStore, clock: Clock, events: Recorder, issuer: str) -> None:
        self._records = records
        self._users = users
        self._box = box
        self._hasher = hasher
        self._steps = steps
        self._clock = clock
        self._events = events
        self._issuer = issuer

    def summary(self, user_id: str) -> FactorSummary:
        user = self._user(user_id)
        return FactorSummary(phone_hint(user.phone), bool(user.totp_enabled), int(user.recovery_codes_left or 0))

    def enrol_totp(self, user_id: str) -> TotpEnrolment:
        """A new secret, pending until a code from it is confirmed; an app already enabled keeps working
        until then, so starting over on a new phone never leaves the account without its app."""
        user = self._user(user_id)
        secret = totp.new_secret()
        self._records.save_pending_totp(user_id, self._box.seal(secret, user_id))
        uri = totp.provisioning_uri(secret, user.email, self._issuer)
        return TotpEnrolment(secret, uri, totp.qr_svg(uri))

    def confirm_totp(self, user_id: str, code: str) -> None:
        _, pending = self._records.sealed_totp(user_id)
        secret = self._open(pending, user_id)
        if secret is None:
            raise ValidationFailed({"code": ["No authenticator app is waiting to be confirmed: "
                                             "start with POST /api/v1/factors/totp."]})
        step = totp.matching_step(secret, code, self._clock.now())
        if step is None:
            raise ValidationFailed({"code": ["That is not the app's current code; check the device's clock "
                                             "and send the code it shows now."]})
        # The code that confirmed the app cannot then sign in a second time.
        self._steps.remember_step(user_id, step)
        self._records.confirm_totp(user_id, self._box.seal(secret, user_id), to_datetime(self._clock.now()))
        self._events.factor_changed("totp_enrolled", user_id)

    def remove_totp(self, user_id: str) -> None:
        if self._records.remove_totp(user_id):
            self._events.factor_changed("totp_removed", user_id)

    def new_recovery_codes(self, user_id: str) -> list[str]:
        """Ten new codes, shown this once; the previous set stops working."""
        codes = [recovery_code_factor.new_code() for _ in range(recovery_code_factor.COUNT)]
        digests = [self._hasher.digest(user_id, code) for code in codes]
        self._records.replace_recovery_codes(user_id, digests, to_datetime(self._clock.now()))
        self._events.factor_changed("recovery_codes_created", user_id)
        return codes

    def _user(self, user_id: str) -> User:
        user = self._users.get(user_id)
        if user is None:
            raise InvalidToken("The account behind this token no longer exists.")
        return user

    def _open(self, sealed: str | None, user_id: str) -> str | None:
        if sealed is None:
            return None
        try:
            return self._box.open(sealed, user_id)[0]
        except SealedSecretUnreadable:
            log.warning("a TOTP secret no configured key opens", extra={"user_id": user_id})
            return None
