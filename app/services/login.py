"""Password login: the first factor, ending in a pre-OTP token."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, replace

from app.models import User
from app.problems import ApiError, InvalidCredentials, RateLimited
from app.services.clock import Clock
from app.services.emails import email_lookup_forms
from app.services.events import Recorder
from app.services.otp import OtpService
from app.services.passwords import Passwords
from app.services.phones import phone_hint
from app.services.ports import LoginThrottle
from app.services.rate_limits import RateLimitRule
from app.services.remembered_devices import RememberedDevices
from app.services.second_step import RECOVERY_CODE, SMS, TOTP
from app.services.tokens import TokenPair, TokenService
from app.services.users import UserService

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LoginResult:
    pre_otp_token: str
    expires_in: int
    phone_hint: str
    user_id: str
    otp_sent: bool | None = None  # None: no send was attempted
    factors: tuple[str, ...] = ("sms",)  # the second factors the account has (API names)
    signed_in: TokenPair | None = None  # a remembered device finished the login: the session's pair


class LoginService:
    def __init__(self, *, users: UserService, passwords: Passwords, throttle: LoginThrottle, tokens: TokenService,
                 otp: OtpService, clock: Clock, test_numbers: dict[str, str], send_on_login: bool,
                 events: Recorder, devices: RememberedDevices) -> None:
        self._users = users
        self._passwords = passwords
        self._throttle = throttle
        self._tokens = tokens
        self._otp = otp
        self._clock = clock
        self._test_numbers = test_numbers
        self._send_on_login = send_on_login
        self._events = events
        self._devices = devices

    def login(self, email: str, password: str, languages: Iterable[tuple[str, float]] = (), device_token: str = "",
              client: tuple[str, str] = ("", "")) -> LoginResult:
        """`languages` (Accept-Language) pick the SMS text when OTP_SEND_ON_LOGIN sends one. A live
        `device_token` of this account finishes the login at once (`client`: IP and user agent)."""
        account = email_lookup_forms(email)[0]  # what the per-account failure window counts
        # The attempt is reserved before the password is checked, so parallel guesses
        # cannot slip past the limit; a success clears the window.
        attempt = secrets.token_hex(8)
        wait = self._throttle.begin(account, self._clock.now(), attempt)
        if wait > 0:
            self._events.rate_limited(RateLimitRule.LOGIN_ACCOUNT_FAILURES)
            self._events.login("locked")
            raise RateLimited("Too many failed logins for this account; wait and try again.", retry_after=wait)
        user, valid = self._check_password(email, account, password, attempt)
        if not valid or user is None:
            self._events.login("invalid_credentials", user.id if user else None)
            raise InvalidCredentials("The email or password is not right.")
        if user.disabled_at is not None:
            # Answered exactly like a wrong password, so the response tells nothing about the account;
            # the attempt stays counted against the account's failure window.
            self._events.login("disabled", user.id)
            raise InvalidCredentials("The email or password is not right.")
        self._throttle.succeeded(account)
        first_login = user.last_login_at is None
        self._users.record_login(user, password)
        self._events.login("ok")
        if device_token:
            pair = self._devices.sign_in(device_token, str(user.id), *client)
            if pair is not None:
                self._events.write("login_ok", user.id)  # no pre-OTP token to record it with
                return LoginResult("", 0, phone_hint(user.phone), str(user.id), signed_in=pair)
        # login_ok is recorded with the pre-OTP token it reports, in one MULTI.
        token = self._tokens.issue_pre_otp(str(user.id), user.phone, self._test_numbers.get(user.phone), user.locale,
                                           first_login, event=self._events.event("login_ok", user.id))
        result = LoginResult(token, self._tokens.ttls.pre_otp, phone_hint(user.phone), str(user.id),
                             factors=factors_of(user))
        if not self._send_on_login:
            return result
        try:
            self._otp.send(token, languages)
        except ApiError as refusal:
            # The login stands; the client can ask for the code with /send-otp.
            log.info("code not sent on login", extra={"code": refusal.code})
            return replace(result, otp_sent=False)
        return replace(result, otp_sent=True)

    def _check_password(self, email: str, account: str, password: str, attempt: str) -> tuple[User | None, bool]:
        judged = False
        try:
            user = self._users.find_by_email(email)
            # Unknown emails are verified against a dummy hash: same answer, same cost.
            valid = self._passwords.verify(user.password_hash if user else None, password)
            judged = True
        finally:
            if not judged:
                # The database failed, not the password: give the attempt back, or a user
                # retrying through an outage would be locked out once it ends.
                self._throttle.release(account, attempt)
        return user, valid


def factors_of(user: User) -> tuple[str, ...]:
    """The factors that can finish this account's login (read with the user, at no extra query)."""
    factors = [SMS]
    if user.totp_enabled:
        factors.append(TOTP)
    if user.recovery_codes_left:
        factors.append(RECOVERY_CODE)
    return tuple(factors)
