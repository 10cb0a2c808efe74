"""What a signed-in user does to their own account: change the password, delete the account.

Both prove the current password first, on the login's own path: the same Argon2 verify and
the same per-account failure window (LOGIN_MAX_FAILURES), so a stolen access token cannot
be used to guess the password faster than the login form allows.
"""

from __future__ import annotations

import secrets

from app.models import User
from app.problems import InvalidCredentials, InvalidToken, RateLimited, ValidationFailed
from app.services.clock import Clock
from app.services.erasure import AccountErasure
from app.services.events import Recorder
from app.services.passwords import PasswordPolicy, Passwords
from app.services.ports import LoginThrottle, TokenRecord
from app.services.rate_limits import RateLimitRule
from app.services.sessions import SessionService
from app.services.tokens import TokenService
from app.services.users import UserService


class AccountService:
    def __init__(self, *, users: UserService, passwords: Passwords, policy: PasswordPolicy,
                 throttle: LoginThrottle, tokens: TokenService, sessions: SessionService, erasure: AccountErasure,
                 clock: Clock, events: Recorder) -> None:
        self._users = users
        self._passwords = passwords
        self._policy = policy
        self._throttle = throttle
        self._tokens = tokens
        self._sessions = sessions
        self._erasure = erasure
        self._clock = clock
        self._events = events

    def change_password(self, raw_access: str, current_password: str, new_password: str) -> User:
        """Replaces the password and ends every other session (and logins in progress)."""
        claims, user = self._signed_in(raw_access)
        problems = self._policy.problems(new_password, user.email)
        if not problems and new_password == current_password:
            problems = ["Choose a password different from the current one."]
        if problems:  # refused before the current password is tried: a 422 spends nothing
            raise ValidationFailed({"new_password": problems})
        self._prove(user, current_password, "password_change")
        self._events.stage("password_changed", user.id)
        self._users.set_password(user, new_password)
        self._sessions.end_all(claims.user_id, "password_change", keep=claims.session_id)
        return user

    def delete(self, raw_access: str, password: str) -> None:
        """Deletes the account: its row, every Redis record of it, personal data on its audit rows."""
        _, user = self._signed_in(raw_access)
        self._prove(user, password, "account_deletion")
        self._erasure.erase(user, by="user")

    def _signed_in(self, raw_access: str) -> tuple[TokenRecord, User]:
        claims = self._tokens.access_claims(raw_access)
        user = self._users.get(claims.user_id)
        if user is None:
            raise InvalidToken("The account behind this token no longer exists.")
        return claims, user

    def _prove(self, user: User, password: str, during: str) -> None:
        """The password check of a login: counted against the account's failure window before it runs."""
        attempt = secrets.token_hex(8)
        wait = self._throttle.begin(user.email, self._clock.now(), attempt)
        if wait > 0:
            self._events.rate_limited(RateLimitRule.LOGIN_ACCOUNT_FAILURES, str(user.id))
            raise RateLimited("Too many wrong passwords for this account; wait and try again.", retry_after=wait)
        if not self._passwords.verify(user.password_hash, password):
            self._events.write("login_failed", user.id, reason="wrong_password", during=during)
            raise InvalidCredentials("The password is not right.")
        self._throttle.succeeded(user.email)
