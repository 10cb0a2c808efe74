"""Accounts: registration, look-up and login bookkeeping."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, scoped_session

from app.models import User
from app.models.types import utc_now
from app.problems import EmailTaken
from app.services.events import Recorder
from app.services.passwords import Passwords


def normalize_email(email: str) -> str:
    return email.strip().lower()


class UserService:
    # scoped_session[Any]: Flask-SQLAlchemy's db.session is scoped over its own Session subclass.
    def __init__(self, *, session: Session | scoped_session[Any], passwords: Passwords, events: Recorder) -> None:
        self._session = session
        self._passwords = passwords
        self._events = events

    def register(self, email: str, phone: str, password: str, locale: str | None = None) -> User:
        """Creates the account; the commit is done before this returns, so a 201 is never lost."""
        user = User(id=uuid.uuid4(), email=normalize_email(email), phone=phone,
                    password_hash=self._passwords.hash(password), locale=locale)
        self._session.add(user)
        self._events.stage("signup", user.id)  # one commit writes the account and its audit row
        try:
            self._commit_keeping(user)
        except IntegrityError:
            # The unique index decides races between concurrent signups for one email.
            self._session.rollback()
            raise EmailTaken("An account with this email already exists.") from None
        self._events.signed_up()
        return user

    def find_by_email(self, email: str) -> User | None:
        return self._session.scalar(select(User).where(User.email == normalize_email(email)))

    def get(self, user_id: str) -> User | None:
        try:
            key = uuid.UUID(user_id)
        except ValueError:
            return None
        return self._session.get(User, key)

    def record_login(self, user: User, password: str) -> None:
        """Stamps the login and upgrades a hash made with outdated Argon2 parameters.

        The commit also writes whatever the caller staged (the login_ok audit row)."""
        if self._passwords.needs_rehash(user.password_hash):
            user.password_hash = self._passwords.hash(password)
        user.last_login_at = utc_now()
        self._commit_keeping(user)

    def set_password(self, user: User, password: str) -> None:
        """Replaces the password's hash; the commit also writes what the caller staged (its audit row)."""
        user.password_hash = self._passwords.hash(password)
        self._commit_keeping(user)

    def _commit_keeping(self, user: User) -> None:
        """Commits, leaving `user` readable as written. A commit expires what the session holds,
        and the next attribute read would cost a SELECT; detached first, the object keeps its values."""
        self._session.flush()
        self._session.expunge(user)
        self._session.commit()
