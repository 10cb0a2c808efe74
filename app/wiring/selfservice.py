"""Builds the self-service area: sessions, password change, account erasure."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session, scoped_session

from app.services.account import AccountService
from app.services.audit import AuditTrail
from app.services.clock import Clock
from app.services.erasure import AccountErasure
from app.services.events import Recorder
from app.services.passwords import PasswordPolicy, Passwords
from app.services.ports import LoginThrottle
from app.services.sessions import SessionService
from app.services.tokens import TokenService
from app.services.users import UserService
from app.stores.accounts import RedisAccountRecords
from app.stores.keys import Keys
from app.stores.scripts import Scripts
from app.stores.sessions import RedisSessionStore


@dataclass(frozen=True)
class SelfService:
    sessions: SessionService
    account: AccountService
    erasure: AccountErasure


def build_selfservice(*, session: Session | scoped_session[Any], keys: Keys, old_keys: tuple[Keys, ...],
                      scripts: Scripts, users: UserService, passwords: Passwords, policy: PasswordPolicy,
                      throttle: LoginThrottle, tokens: TokenService, audit: AuditTrail, clock: Clock,
                      events: Recorder) -> SelfService:
    sessions = SessionService(store=RedisSessionStore(keys=keys, scripts=scripts), tokens=tokens, clock=clock,
                              events=events)
    erasure = AccountErasure(session=session, records=RedisAccountRecords(keys=keys, scripts=scripts,
                                                                          fallbacks=old_keys),
                             audit=audit, events=events)
    account = AccountService(users=users, passwords=passwords, policy=policy, throttle=throttle, tokens=tokens,
                             sessions=sessions, erasure=erasure, clock=clock, events=events)
    return SelfService(sessions=sessions, account=account, erasure=erasure)
