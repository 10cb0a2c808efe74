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
from app.services.emails import canonical_email, email_lookup_forms
from app.services.events import Recorder
from app.services.passwords import Passwords


class UserService:
    # scoped_session[Any]: Flask-SQLAlchemy's db.session is scoped over its own Session subclass.
    def __init__(self, *, session: Session | scoped_session[Any], passwords: Passwords, events: Recorder) -> None:
        self._session = session
        self._passwords = passwords
        self._events = events

    def register(self, email: str, phone: str, password: str, locale: str | None = None) -> User:
        """Creates the account; the commit is done before this returns, so a 201 is never lost."""
        user = User(id=uuid.uuid4(), email=canonical_email(email), phone=phone,
                    password_hash=self._passwords.hash(password), locale=locale, email_verified=False)
        self._session.add(user)
        # One commit writes the account and its audit row; the event goes on the stream after it.
        self._events.stage("signup", user.id)
        try:
            self._commit_keeping(user)
        except IntegrityError:
            # The unique index decides races between concurrent signups for one email.
            self._session.rollback()
            raise EmailTaken("An account with this email already exists.") from None
        self._events.signed_up()
        return user

    def find_by_email(self, email: str) -> User | None:
        """The account of `email` as typed: under its stored form, or the form an account made
        before the email rule has (app/services/emails.py); one SELECT either way."""
        forms = email_lookup_forms(email)
        if len(forms) == 1:
            return self._session.scalar(select(User).where(User.email == forms[0]))
        found = {user.email: user for user in self._session.scalars(select(User).where(User.email.in_(forms)))}
        return next((found[form] for form in forms if form in found), None)

    def get(self, user_id: str) -> User | None:
        try:
            key = uuid.UUID(user_id)
        except ValueError:
            return None
        return self._session.get(User, key)

    def record_login(self, user: User, password: str) -> None:
        """Stamps the login and upgrades a hash made with outdated Argon2 parameters."""
        if self._passwords.needs_rehash(user.password_hash):
            user.password_hash = self._passwords.hash(password)
        user.last_login_at = utc_now()
        self._commit_keeping(user)

    def set_password(self, user: User, password: str) -> None:
        """Replaces the password's hash; the commit also writes what the caller staged (its audit row)."""
        user.password_hash = self._passwords.hash(password)
        self._commit_keeping(user)

    def reset_password(self, user: User, password: str) -> None:
        """A reset proven by a code sent to the address: the new hash, and the address verified."""
        user.email_verified = True
        self.set_password(user, password)

    def change_phone(self, user: User, phone: str) -> None:
        """A phone change proven by codes sent to the new number and the address."""
        user.phone, user.email_verified = phone, True
        self._commit_keeping(user)

    def mark_email_verified(self, user: User) -> None:
        user.email_verified = True
        self._commit_keeping(user)

    def _commit_keeping(self, user: User) -> None:
        """Commits, leaving `user` readable as written. A commit expires what the session holds,
        and the next attribute read would cost a SELECT; detached first, the object keeps its values."""
        self._session.flush()
        self._session.expunge(user)
        self._session.commit()
