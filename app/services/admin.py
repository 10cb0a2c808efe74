"""What the admin commands do (app/cli/accounts.py): one method a command, each on real stores."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session, scoped_session

from app.models import AuthEvent, User
from app.services.clock import Clock, to_datetime
from app.services.emails import email_lookup_forms
from app.services.erasure import AccountErasure
from app.services.events import Recorder
from app.services.ports import AuditHistory, SessionRecord
from app.services.sessions import SessionService
from app.services.tokens import TokenService
from app.services.users import UserService


class UnknownUser(LookupError):
    """No account has this email."""


class AdminService:
    # scoped_session[Any]: Flask-SQLAlchemy's db.session is scoped over its own Session subclass.
    def __init__(self, *, session: Session | scoped_session[Any], users: UserService, tokens: TokenService,
                 sessions: SessionService, erasure: AccountErasure, audit: AuditHistory, events: Recorder,
                 clock: Clock) -> None:
        self._session = session
        self._users = users
        self._tokens = tokens
        self._sessions = sessions
        self._erasure = erasure
        self._audit = audit
        self._events = events
        self._clock = clock

    def user(self, email: str) -> User:
        user = self._users.find_by_email(email)
        if user is None:
            raise UnknownUser(f"no account with email {email_lookup_forms(email)[0]}")
        return user

    def disable(self, email: str) -> tuple[User, int]:
        """Disables the account and cuts its sessions; returns it and how many sessions were cut.

        Running it again on a disabled account keeps the first date and cuts sessions again,
        so a run interrupted between the database and Redis can simply be repeated."""
        user = self.user(email)
        if user.disabled_at is None:
            user.disabled_at = to_datetime(self._clock.now())
        self._events.stage("user_disabled", user.id, by="cli")
        self._session.commit()  # the database refuses new logins from here on
        self._tokens.block_logins(str(user.id))
        return user, len(self._sessions.end_all(str(user.id), "admin"))

    def enable(self, email: str) -> User:
        user = self.user(email)
        user.disabled_at = None
        self._events.stage("user_enabled", user.id, by="cli")
        self._session.commit()
        self._tokens.unblock_logins(str(user.id))
        return user

    def verify_email(self, email: str) -> User:
        """Marks the address verified (support checked it another way); the event says who did."""
        user = self.user(email)
        user.email_verified = True
        self._events.stage("email_verified", user.id, by="cli")
        self._session.commit()
        return user

    def revoke_sessions(self, email: str) -> int:
        """Ends every session (access and refresh tokens) of the account; returns how many."""
        return len(self._sessions.end_all(str(self.user(email).id), "admin"))

    def delete(self, email: str) -> tuple[str, int]:
        """Erases the account as DELETE /api/v1/me does; returns its id and how many sessions ended."""
        user = self.user(email)
        return str(user.id), self._erasure.erase(user, by="admin")

    def sessions(self, email: str) -> list[SessionRecord]:
        """The account's live sessions, newest first."""
        return self._sessions.of_user(str(self.user(email).id))

    def events(self, email: str, limit: int) -> list[AuthEvent]:
        return self._audit.latest(self.user(email).id, limit)

    def purge_events(self, older_than: timedelta) -> tuple[int, datetime]:
        """Deletes events older than `older_than`; returns how many and the cut-off."""
        before = to_datetime(self._clock.now()) - older_than
        return self._audit.purge(before), before
