"""Remembered devices: after a second factor, a device may skip it on the next logins for a while.

A device token is opaque (256 bits), kept in Redis only under its keyed hash, and is a session
of its own: GET /api/v1/sessions lists it, DELETE ends it, and everything that ends every session
(ending all others, a password change or reset, a phone change) forgets every device. It never
replaces the password: login still checks that first.
"""

from __future__ import annotations

import uuid
from typing import Protocol

from app.services import second_step
from app.services.access_tokens import new_token
from app.services.clock import Clock
from app.services.events import Recorder
from app.services.ports import AccessRef, SessionOrigin, StoreAnswer
from app.services.sign_in_alerts import SignInAlerts
from app.services.tokens import TokenPair, TokenService

DAY = 86400
# The session of a login finished by a remembered device: the password, and the device's token.
DEVICE_AMR = ("pwd", "device")


class DeviceStore(Protocol):
    def remember(self, raw_token: str, user_id: str, session_id: str, now: float, expires_at: float,
                 origin: SessionOrigin) -> None: ...

    def sign_in(self, raw_token: str, user_id: str, now: float, session_id: str, new_access: AccessRef,
                new_refresh: str, access_exp: float, refresh_exp: float, origin: SessionOrigin) -> StoreAnswer: ...


class RememberedDevices:
    def __init__(self, *, store: DeviceStore, tokens: TokenService, clock: Clock, events: Recorder,
                 alerts: SignInAlerts, days: int) -> None:
        self._store = store
        self._tokens = tokens
        self._clock = clock
        self._events = events
        self._alerts = alerts
        self.days = days

    def remember(self, user_id: str, origin: SessionOrigin) -> str:
        """A new device token for the device `origin` describes; returned once, stored hashed."""
        token, session_id, now = new_token(), uuid.uuid4().hex, self._clock.now()
        self._store.remember(token, user_id, session_id, now, now + self.days * DAY, origin)
        self._events.write("device_remembered", user_id, session_id=session_id)
        return token

    def sign_in(self, device_token: str, user_id: str, ip: str, user_agent: str) -> TokenPair | None:
        """A session for a login whose password was right, when `device_token` is this user's live
        device token; None when it is not (unknown, another's, expired or forgotten)."""
        minted, now = self._tokens.mint_pair(amr=DEVICE_AMR), self._clock.now()
        origin = second_step.session_origin(ip, user_agent, minted.amr)
        answer = self._store.sign_in(device_token, user_id, now, minted.session_id, minted.access_ref,
                                     minted.refresh_token, minted.access_expires_at, minted.refresh_expires_at, origin)
        if answer.status != "ok":
            self._events.write("device_refused", user_id)
            return None
        self._events.write("device_sign_in", user_id)
        if answer.values[0] == "1":
            self._alerts.new_device(user_id, origin, now)
        return self._tokens.issue(minted, user_id)
