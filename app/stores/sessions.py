"""Sessions in Redis: one record per refresh chain, written by the sign-in and refresh scripts.

A session is `session:<sid>` (who, created_at, last_used_at, ip, user_agent, amr, kind), living
as long as its chain; the user's chain set lists their sids. Reading and ending them are one
script each, so a session is never half ended.
"""

from __future__ import annotations

import builtins

from app.services.ports import SessionRecord
from app.stores.keys import Keys
from app.stores.scripts import Scripts, as_text

_FIELDS = 7  # id, created_at, last_used_at, ip, user_agent, amr, kind (sessions_list.lua)


class RedisSessionStore:
    def __init__(self, keys: Keys, scripts: Scripts) -> None:
        self._keys = keys
        self._scripts = scripts

    def list(self, user_id: str, now: float) -> builtins.list[SessionRecord]:
        """The user's live sessions, newest first."""
        flat = [as_text(value) for value in self._scripts.sessions_list(
            keys=[self._keys.user_chains(user_id)], args=[repr(now), *self._keys.script_names()])]
        records = [_record(flat[at:at + _FIELDS]) for at in range(0, len(flat), _FIELDS)]
        return sorted(records, key=lambda record: (record.created_at, record.id), reverse=True)

    def end(self, user_id: str, session_id: str, now: float) -> bool:
        answer = self._scripts.session_end(keys=[self._keys.user_chains(user_id)],
                                           args=[repr(now), user_id, session_id, *self._keys.script_names()])
        return as_text(answer) == "ok"

    def end_all(self, user_id: str, keep: str = "") -> builtins.list[str]:
        """Ends every session of the user but `keep`, and their logins in progress; returns the ids ended."""
        ended = self._scripts.revoke_user(keys=[self._keys.user_chains(user_id), self._keys.user_pre_tokens(user_id)],
                                          args=[user_id, keep, *self._keys.script_names()])
        return [as_text(sid) for sid in ended]


def _record(values: list[str]) -> SessionRecord:
    sid, created, used, ip, user_agent, amr, kind = values
    return SessionRecord(id=sid, created_at=float(created), last_used_at=float(used or created), ip=ip,
                         user_agent=user_agent, amr=tuple(filter(None, amr.split(","))), kind=kind)
