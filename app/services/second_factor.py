"""Finishing a login with the factor the person chose: an SMS code, an authenticator-app code or a
recovery code. Every answer, whatever the factor, is settled under the same counters."""

from __future__ import annotations

import logging
import secrets

from app.services import second_step, totp
from app.services.clock import Clock, to_datetime
from app.services.events import Recorder
from app.services.otp import OtpService
from app.services.ports import FactorRecords, SecondStepStore, StoreAnswer
from app.services.recovery_codes import RecoveryCodeHasher
from app.services.secret_box import SealedSecretUnreadable, SecretBox
from app.services.tokens import MintedPair, TokenPair, TokenService

log = logging.getLogger(__name__)


class SecondFactorService:
    def __init__(self, *, otp: OtpService, store: SecondStepStore, records: FactorRecords, tokens: TokenService,
                 box: SecretBox, hasher: RecoveryCodeHasher, clock: Clock, events: Recorder) -> None:
        self._otp = otp
        self._store = store
        self._records = records
        self._tokens = tokens
        self._box = box
        self._hasher = hasher
        self._clock = clock
        self._events = events

    def verify(self, pre_token: str, factor: str, answer: str) -> TokenPair:
        """Spends the pre-OTP token for a session when `answer` is right for `factor`, else counts a wrong one."""
        if factor == second_step.TOTP:
            return self._verify_totp(pre_token, answer)
        if factor == second_step.RECOVERY_CODE:
            return self._verify_recovery_code(pre_token, answer)
        return self._otp.verify(pre_token, answer)

    def _verify_totp(self, pre_token: str, code: str) -> TokenPair:
        user_id = self._tokens.pre_otp_user(pre_token)
        now = self._clock.now()
        secret = self._totp_secret(user_id)
        # An account without an app gets the answer a wrong code gets, and pays for it the same.
        step = totp.matching_step(secret, code, now) if secret else None
        return self._settle(pre_token, user_id, second_step.TOTP, step is not None, step, now)

    def _verify_recovery_code(self, pre_token: str, code: str) -> TokenPair:
        user_id = self._tokens.pre_otp_user(pre_token)
        now = self._clock.now()
        try:
            # The code is marked used first, uncommitted: of concurrent spenders the database lets one
            # through; it is committed only when Redis accepts the login, else given back.
            spent = self._records.spend_recovery_code(user_id, self._hasher.candidates(user_id, code),
                                                      to_datetime(now))
            minted = self._tokens.mint_pair()
            answer = self._answer(pre_token, user_id, second_step.RECOVERY_CODE, spent, None, now, minted)
        except BaseException:
            self._records.rollback()
            raise
        if answer.status == "ok":
            self._records.commit()
        else:
            self._records.rollback()
        return self._outcome(answer, second_step.RECOVERY_CODE, minted)

    def _settle(self, pre_token: str, user_id: str, factor: str, right: bool, step: int | None,
                now: float) -> TokenPair:
        minted = self._tokens.mint_pair()
        return self._outcome(self._answer(pre_token, user_id, factor, right, step, now, minted), factor, minted)

    def _answer(self, pre_token: str, user_id: str, factor: str, right: bool, step: int | None, now: float,
                minted: MintedPair) -> StoreAnswer:
        return self._store.settle(pre_token, user_id, right, step, now, secrets.token_hex(8), minted.session_id,
                                  minted.access_token, minted.refresh_token, minted.access_expires_at,
                                  minted.refresh_expires_at, second_step.session_amr(factor))

    def _outcome(self, answer: StoreAnswer, factor: str, minted: MintedPair) -> TokenPair:
        user_id = second_step.report(self._events, answer, factor)
        if answer.status == "ok":
            return minted.as_pair(user_id, self._tokens.ttls)
        raise second_step.refusal(answer)

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
