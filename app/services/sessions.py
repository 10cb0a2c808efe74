"""A signed-in user's sessions: list them, end one, end all but the current one."""

from __future__ import annotations

import builtins

from app.problems import NotFound
from app.services.clock import Clock
from app.services.events import Recorder
from app.services.ports import SessionRecord, SessionStore
from app.services.tokens import TokenService


class SessionService:
    def __init__(self, *, store: SessionStore, tokens: TokenService, clock: Clock, events: Recorder) -> None:
        self._store = store
        self._tokens = tokens
        self._clock = clock
        self._events = events

    def list(self, raw_access: str) -> tuple[list[SessionRecord], str]:
        """The caller's live sessions, newest first, and the id of the one this access token belongs to."""
        claims = self._tokens.access_claims(raw_access)
        return self.of_user(claims.user_id), claims.session_id

    def end(self, raw_access: str, session_id: str) -> None:
        """Ends one of the caller's sessions (the current one too, like a logout)."""
        claims = self._tokens.access_claims(raw_access)
        if not self._store.end(claims.user_id, session_id, self._clock.now()):
            raise NotFound("No live session of yours has this id.")
        self._events.sessions_ended(claims.user_id, "user", [session_id])

    def end_others(self, raw_access: str) -> int:
        """Ends every session of the caller but the current one; returns how many."""
        claims = self._tokens.access_claims(raw_access)
        return len(self.end_all(claims.user_id, "user", keep=claims.session_id))

    def end_all(self, user_id: str, by: str, keep: str = "") -> builtins.list[str]:
        """Ends every session of the user but `keep`, and their logins in progress; `by` names who ended them."""
        ended = self._store.end_all(user_id, keep)
        self._events.sessions_ended(user_id, by, ended)
        return ended

    def of_user(self, user_id: str) -> builtins.list[SessionRecord]:
        """A user's live sessions, newest first."""
        return self._store.list(user_id, self._clock.now())
