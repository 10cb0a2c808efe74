"""Erasing an account: what `DELETE /api/v1/me` and `flask users delete` both do.

The user row goes; every Redis record of the account goes (sessions and their tokens, logins
in progress, counters named by its id, email or phone); its audit rows stay, under the user id
only, with the IP, user agent and any trace of the email or phone cleared. The email is free
for a new signup as soon as the row is gone.
"""

from __future__ import annotations

from sqlalchemy import delete
from sqlalchemy.orm import Session, scoped_session

from app.models import User
from app.services.events import Recorder
from app.services.ports import AccountRecords, AuditHistory


class AccountErasure:
    def __init__(self, *, session: Session | scoped_session[Session], records: AccountRecords, audit: AuditHistory,
                 events: Recorder) -> None:
        self._session = session
        self._records = records
        self._audit = audit
        self._events = events

    def erase(self, user: User, by: str) -> int:
        """Erases the account; `by` (user | admin) goes on the `account_deleted` event. Returns the
        number of sessions it ended."""
        user_id, email, phone = str(user.id), user.email, user.phone
        # Redis first, so no token outlives the row; a failure here leaves the account whole to retry.
        ended = self._records.purge(user_id, email, phone)
        self._audit.forget(user_id, (email, phone, phone.lstrip("+")))
        self._session.execute(delete(User).where(User.id == user.id))
        self._events.account_deleted(user_id, by=by, sessions=len(ended))
        self._session.commit()
        # Again after the commit: a login that was past its password check meanwhile leaves nothing either.
        self._records.purge(user_id, email, phone)
        return len(ended)
