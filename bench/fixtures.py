"""Set-up for a run: accounts and tokens made in-process through the app's own
services (same settings, same Redis, same database as the server under test),
so each endpoint is measured on its own instead of behind a login."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask

from app import create_app
from app.config import Settings
from app.container import Services
from app.extensions import db
from app.models import User
from app.services.passwords import Passwords

PASSWORD = "bench passphrase 7d1c"  # noqa: S105 - a fixture account's password, not a secret


class CapturingSms:
    """Keeps the last message, so set-up can read the code it just had sent."""

    name = "bench"

    def __init__(self) -> None:
        self.last_body = ""

    def send(self, to: str, body: str) -> None:
        self.last_body = body


@dataclass(frozen=True)
class Account:
    id: str
    email: str
    phone: str
    password: str = PASSWORD

    def login_body(self) -> dict[str, str]:
        return {"email": self.email, "password": self.password}


class Fixtures:
    """Makes accounts and tokens through `app`'s services; `last_message` returns the body of
    the last SMS the app's sender took (set-up reads its codes there)."""

    def __init__(self, app: Flask, last_message: Callable[[], str]) -> None:
        self.app = app
        self.services: Services = app.extensions["otp_auth"]
        self.settings: Settings = self.services.settings
        self._last_message = last_message
        self._hash = Passwords(self.settings.ARGON2_TIME_COST, self.settings.ARGON2_MEMORY_COST_KIB,
                               self.settings.ARGON2_PARALLELISM).hash(PASSWORD)
        self._made = 0
        self._run = uuid.uuid4().hex[:6]  # emails never collide with an earlier set-up's

    @classmethod
    def start(cls, env: dict[str, str], log_level: str = "WARNING") -> Fixtures:
        """An app of its own on the settings `env` (those of the server under test)."""
        sms = CapturingSms()
        app = create_app(Settings.from_env(env).replace(LOG_LEVEL=log_level), sms=sms)
        return cls(app, lambda: sms.last_body)

    @staticmethod
    def tag() -> str:
        """A fresh tag for names that must not repeat across runs (signup emails)."""
        return uuid.uuid4().hex[:8]

    def accounts(self, count: int, tag: str) -> list[Account]:
        """`count` accounts with distinct emails and phones, all with PASSWORD (hashed once, defaults)."""
        made = []
        for _ in range(count):
            n = self._made
            self._made += 1
            made.append(Account(str(uuid.uuid4()), f"bench-{tag}-{self._run}-{n}@example.com", f"+1415{n:07d}"))
        with self.app.app_context():
            db.session.add_all(
                User(id=uuid.UUID(a.id), email=a.email, phone=a.phone, password_hash=self._hash) for a in made
            )
            db.session.commit()
            db.session.remove()
        return made

    def pre_tokens(self, accounts: list[Account], count: int) -> list[str]:
        issue = self.services.tokens.issue_pre_otp
        return [issue(a.id, a.phone) for a in _cycle(accounts, count)]

    def sent_tokens(self, accounts: list[Account], count: int) -> list[tuple[str, str]]:
        """(pre-OTP token, its live code) pairs."""
        pairs = []
        # The services write their audit rows through the app's database session.
        with self.app.app_context():
            for token in self.pre_tokens(accounts, count):
                self.services.otp.send(token)
                pairs.append((token, self._last_message().split()[0]))
        return pairs

    def sessions(self, accounts: list[Account], count: int) -> list[dict[str, str]]:
        """Signed-in sessions: {"access", "refresh"}."""
        verify = self.services.otp.verify
        sent = self.sent_tokens(accounts, count)
        with self.app.app_context():
            return [
                {"access": pair.access_token, "refresh": pair.refresh_token}
                for pair in (verify(token, code) for token, code in sent)
            ]

    def close(self) -> None:
        with self.app.app_context():
            db.session.remove()
            db.engine.dispose()
        self.services.redis.close()


def _cycle(items: list[Account], count: int) -> list[Account]:
    return [items[i % len(items)] for i in range(count)]
