"""Every Lua script of the service, registered here and nowhere else, each with the shared
helpers of common.lua and the SMS guard's of sms_guard.lua prepended."""

from __future__ import annotations

from importlib import resources

import redis
from redis.commands.core import Script

# One entry a file of lua/ (the PRELUDE aside, which every script starts with).
SCRIPT_NAMES = ("login_begin", "send_reserve", "send_finish", "otp_verify", "refresh", "logout", "revoke_user",
                "breaker_acquire", "breaker_report", "sessions_list", "session_end", "webhook_claim", "factor_verify",
                "totp_step", "device_remember", "device_sign_in", "recovery_begin", "recovery_settle",
                "recovery_verify", "email_code_send", "email_code_undo", "email_code_verify")


PRELUDE = ("common", "sms_guard")


def _load(client: redis.Redis, name: str) -> Script:
    lua = resources.files("app.stores").joinpath("lua")
    parts = [lua.joinpath(f"{part}.lua").read_text(encoding="utf-8") for part in (*PRELUDE, name)]
    return client.register_script("\n".join(parts))


class Scripts:
    """Registered scripts; redis-py runs them by SHA and reloads after a Redis restart.
    Registering costs no round trip: the SHA is computed here, the script sent on first use."""

    def __init__(self, client: redis.Redis) -> None:
        for name in SCRIPT_NAMES:
            setattr(self, name, _load(client, name))

    login_begin: Script
    send_reserve: Script
    send_finish: Script
    otp_verify: Script
    refresh: Script
    logout: Script
    revoke_user: Script
    breaker_acquire: Script
    breaker_report: Script
    factor_verify: Script
    totp_step: Script
    device_remember: Script
    device_sign_in: Script
    sessions_list: Script
    session_end: Script
    webhook_claim: Script
    recovery_begin: Script
    recovery_settle: Script
    recovery_verify: Script
    email_code_send: Script
    email_code_undo: Script
    email_code_verify: Script


def as_text(value: bytes | str | int) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def found(result: list[bytes]) -> bool:
    """A token script found its token unless it answered 'no_token' (unknown, expired or the wrong kind)."""
    return as_text(result[0]) != "no_token"
