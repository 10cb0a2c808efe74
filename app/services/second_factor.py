"""Finishing a login with the factor the person chose: an SMS code, an authenticator-app code or a
recovery code. Every answer, whatever the factor, is settled under the same counters."""

from __future__ import annotations

import logging
import secrets
from dataclasses import replace

from app.services import second_step, totp
from app.services.clock import Clock, to_datetime
from app.services.events import Recorder
from app.services.factor_ports import FactorRecords, SecondStepStore
from app.services.otp import OtpService
from app.services.ports import SessionOrigin, StoreAnswer
from app.services.recovery_code_factor import RecoveryCodeHasher
from app.services.recovery_notices import RecoveryNotices
from app.services.remembered_devices import RememberedDevices
from app.services.secret_box import SealedSecretUnreadable, SecretBox
from app.services.sign_in_alerts import SignInAlerts
from app.services.tokens import MintedPair, TokenPair, TokenService

log = logging.getLogger(__name__)


class SecondFactorService:
    def __init__(self, *, otp: OtpService, store: SecondStepStore, records: FactorRecords, tokens: TokenService,
                 box: SecretBox, hasher: RecoveryCodeHasher, clock: Clock, events: Recorder,
                 alerts: SignInAlerts, devices: RememberedDevices, notices: RecoveryNotices) -> None:
        self._otp = otp
        self._store = store
        self._records = records
        self._tokens = tokens
        self._box = box
        self._hasher = hasher
        self._clock = clock
        self._events = events
        self._alerts = alerts
        self._devices = devices
        self._notices = notices

    def verify(self, pre_token: str, factor: str, answer: str, client: tuple[str, str] = ("", ""),
               remember_device: bool = False) -> TokenPair:
        """Spends the pre-OTP token for a session (recorded with the client's IP and user agent) when
        `answer` is right for `factor`, else counts a wrong one. With `remember_device` the pair comes
        with a device token that lets this device skip the second factor for REMEMBER_DEVICE_DAYS."""
        origin = second_step.session_origin(*client, second_step.amr_of(factor))
        if factor == second_step.SMS:
            pair = self._otp.verify(pre_token, answer, *client)
        elif factor == second_step.TOTP:
            pair = self._verify_totp(pre_token, answer, origin)
        else:
            pair = self._verify_recovery_code(pre_token, answer, origin)
        if not remember_device:
            return pair
        return replace(pair, device_token=self._devices.remember(pair.user_id, origin))

    def _verify_totp(self, pre_token: str, code: str, origin: SessionOrigin) -> TokenPair:
        user_id = self._tokens.pre_otp_user(pre_token)
        now = self._clock.now()
        secret = self._totp_secret(user_id)
        # An account without an app gets the answer a wrong code gets, and pays for it the same.
        step = totp.matching_step(secret, code, now) if secret else None
        minted = self._tokens.mint_pair(amr=origin.amr)
        answer = self._settle(pre_token, user_id, step is not None, step, now, minted, origin)
        return self._outcome(answer, second_step.TOTP, minted, origin, now)

    def _verify_recovery_code(self, pre_token: str, code: str, origin: SessionOrigin) -> TokenPair:
        user_id = self._tokens.pre_otp_user(pre_token)
        now = self._clock.now()
        minted = self._tokens.mint_pair(amr=origin.amr)
        try:
            # The code is marked used first, uncommitted: of concurrent spenders the database lets one
            # through; it is committed only when Redis accepts the login, else given back.
            spent = self._records.spend_recovery_code(user_id, self._hasher.candidates(user_id, code),
                                                      to_datetime(now))
            answer = self._settle(pre_token, user_id, spent, None, now, minted, origin)
        except BaseException:
            self._records.rollback()
            raise
        if answer.status != "ok":
            self._records.rollback()
            return self._outcome(answer, second_step.RECOVERY_CODE, minted, origin, now)
        self._records.commit()
        pair = self._outcome(answer, second_step.RECOVERY_CODE, minted, origin, now)
        self._notices.code_used(pair.user_id, origin.ip, now)
        return pair

    def _settle(self, pre_token: str, user_id: str, right: bool, step: int | None, now: float, minted: MintedPair,
                origin: SessionOrigin) -> StoreAnswer:
        return self._store.settle(pre_token, user_id, right, step, now, secrets.token_hex(8), minted.session_id,
                                  minted.access_ref, minted.refresh_token, minted.access_expires_at,
                                  minted.refresh_expires_at, origin)

    def _outcome(self, answer: StoreAnswer, factor: str, minted: MintedPair, origin: SessionOrigin,
                 now: float) -> TokenPair:
        user_id = second_step.report(self._events, answer, factor)
        if answer.status != "ok":
            raise second_step.refusal(answer)
        if answer.values[0] == "1":  # a device and network this account has not signed in from lately
            self._alerts.new_device(user_id, origin, now)
        return self._tokens.issue(minted, user_id)

    def _totp_secret(self, user_id: str) -> str | None:
        sealed, _ = self._records.sealed_totp(user_id)
        if sealed is None:
            return None
        try:
            secret, stale = self._box.open(sealed, user_id)
        except SealedSecretUnreadable:
            log.warning("a TOTP secret no configured key opens", extra={"user_id": user_id})
            return None
        if stale:  # sealed under a SECRET_KEY_FALLBACKS key: seal it under the current one
            self._records.reseal_totp(user_id, self._box.seal(secret, user_id))
        return secret
