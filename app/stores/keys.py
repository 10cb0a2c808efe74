"""Redis key names. Secrets never appear in a key: tokens, emails and phones
are replaced by a keyed hash (HMAC-SHA256 under a key derived from SECRET_KEY).

Rotation: records are always written under the current SECRET_KEY; a token
look-up that misses under it is retried under each SECRET_KEY_FALLBACKS entry,
so sessions made before the rotation live on until they expire (docs/security.md).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from app.services.ports import AccessRef, Jti
from app.stores.keyed_hash import KeyedHasher

T = TypeVar("T")


# Stands where an id or a prefix goes in a key name handed to the Lua scripts (around_slot).
_ID_SLOT = "\x00"


class KeyNames:
    """The names of keys that hide nothing (user and session ids, provider names, clock hours).

    Every key the service writes is named here or in `Keys`, under the configured prefix.
    """

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self._script_names: list[str] = []

    def chain(self, session_id: str) -> str:
        """The set of token keys of one refresh chain (one session)."""
        return f"{self.prefix}chain:{session_id}"

    def user_chains(self, user_id: str) -> str:
        return f"{self.prefix}user:{user_id}:chains"

    def session(self, session_id: str) -> str:
        """What one session (one refresh chain) is: who, since when, last used, from where."""
        return f"{self.prefix}session:{session_id}"

    def user_devices(self, user_id: str) -> str:
        """The devices and networks a user signed in from lately: keyed hash -> last sign-in time."""
        return f"{self.prefix}user:{user_id}:devices"

    def user_pre_tokens(self, user_id: str) -> str:
        """The keys of a user's pre-OTP tokens, so that ending an account reaches logins in progress."""
        return f"{self.prefix}user:{user_id}:pre"

    def user_disabled(self, user_id: str) -> str:
        return f"{self.prefix}user:{user_id}:disabled"

    def otp_account_failures(self, user_id: str) -> str:
        return f"{self.prefix}otpfail:{user_id}"

    def totp_step(self, user_id: str) -> str:
        """The newest authenticator-app time step the account has used (each code works once)."""
        return f"{self.prefix}totpstep:{user_id}"

    def sms_budget(self, hour: int) -> str:
        """The service-wide SMS counter of one clock hour (hours since the epoch)."""
        return f"{self.prefix}smsbudget:{hour}"

    def sms_breaker(self, provider: str) -> str:
        return f"{self.prefix}smsbreaker:{provider}"

    def sms_breaker_failures(self, provider: str) -> str:
        return f"{self.sms_breaker(provider)}:fails"

    def sms_guard(self, prefix: str) -> str:
        """The SMS guard's sent and verified counts of one destination prefix (app/stores/lua/sms_guard.lua)."""
        return f"{self.prefix}smsguard:{prefix}"

    def sms_guard_block(self, prefix: str) -> str:
        """Present while a prefix is blocked (or, in record mode, would be); its value is the deciding mode."""
        return f"{self.prefix}smsguard:{prefix}:block"

    def sms_guard_allowed(self) -> str:
        """Prefixes an admin allowed (`flask sms-guard allow`), scored by the time the allowance ends."""
        return f"{self.prefix}smsguard-allowed"

    def ip_limiter(self) -> str:
        """Flask-Limiter's key prefix for the per-IP limits of /signup and /login."""
        return f"{self.prefix}iplimit"

    # The event keys carry no TTL: a TTL could drop events no worker has taken yet. The stream and
    # the dead letters are bounded by MAXLEN (EVENTS_STREAM_MAXLEN), the retries by
    # EVENT_WEBHOOK_MAX_AGE_SECONDS (a retry older than that becomes a dead letter).
    def events(self) -> str:
        """The Redis Stream of auth events (consumer groups "audit" and "webhooks")."""
        return f"{self.prefix}events"

    def webhook_retries(self) -> str:
        """Events whose webhook failed, scored by the time of their next attempt."""
        return f"{self.prefix}events:webhooks:retry"

    def webhook_dead_letters(self) -> str:
        """A stream of the events the webhook never accepted within its max age."""
        return f"{self.prefix}events:webhooks:dead"

    def script_names(self) -> list[str]:
        """What the scripts need to name the keys of ids they read inside Redis (a chain's
        session id, a token's user id): the text before and after the id in a chain key, a
        user's chain set, a session record and a user's devices. common.lua's `names_from`
        reads them from ARGV. The prefix never changes, so they are worked out once."""
        if not self._script_names:
            for name in (self.chain, self.user_chains, self.session, self.user_devices):
                self._script_names += around_slot(name)
        return self._script_names


def around_slot(name: Callable[[str], str]) -> list[str]:
    """The text before and after the variable part of the key names `name` makes, for a script
    that fills in the variable part itself."""
    before, _, after = name(_ID_SLOT).rpartition(_ID_SLOT)
    return [before, after]


class Keys(KeyNames):
    """KeyNames, plus the names built from secrets: those carry a keyed hash, never the value."""

    def __init__(self, prefix: str, hasher: KeyedHasher) -> None:
        super().__init__(prefix)
        self._hasher = hasher

    @property
    def hasher(self) -> KeyedHasher:
        """The keyed hash behind these names, for values stored elsewhere (recovery codes in the database)."""
        return self._hasher

    def token(self, token: AccessRef) -> str:
        """A token's record: under the keyed hash of the token itself, or of a JWT's jti, hashed
        for a purpose of its own so that no presented string can name a JWT's record."""
        if isinstance(token, Jti):
            return f"{self.prefix}tok:{self._hasher.digest('jti', token.value)}"
        return f"{self.prefix}tok:{self._hasher.digest('token', token)}"

    def login_failures(self, email: str) -> str:
        return f"{self.prefix}loginfail:{self._hasher.digest('email', email)}"

    def erased(self, user_id: str) -> str:
        """Marks a deleted account for the drain (app/stores/erasures.py); named by a keyed hash,
        so nothing left in Redis names the account."""
        return f"{self.prefix}erased:{self._hasher.digest('erased', user_id)}"

    def ip_subject(self, client_bucket: str) -> str:
        """How a client's address (its rate-limit bucket, app/http/client_ip.py) appears in key names."""
        return self._hasher.digest("ip", client_bucket)

    def ip_sends(self, client_bucket: str) -> str:
        if not client_bucket:
            # Outside HTTP there is no address and the send script checks no IP cap: a name it never writes.
            return f"{self.prefix}ipsends:none"
        return f"{self.prefix}ipsends:{self.ip_subject(client_bucket)}"

    def ip_countries(self, client_bucket: str, day: int) -> str:
        """The calling codes a client asked codes for on one UTC day (days since the epoch)."""
        return f"{self.prefix}ipcountries:{self.ip_subject(client_bucket)}:{day}"

    def phone_sends(self, phone: str) -> str:
        return f"{self.prefix}phonesends:{self._hasher.digest('phone', phone)}"

    def device(self, fingerprint: str) -> str:
        """A field of `user_devices`: the kind of device and its network, never the network itself."""
        return self._hasher.digest("device", fingerprint)

    def recovery(self, kind: str, subject: str) -> str:
        """Account-recovery state of one kind (app/stores/recovery.py): a user's live request or email code,
        its send and request windows; `subject` (a user id or an email) appears only as a keyed hash."""
        return f"{self.prefix}recovery:{kind}:{self._hasher.digest('recovery', subject)}"

    def email_code_digest(self, record_key: str, code: str) -> str:
        """The stored form of an email code, bound to its record like an SMS code to its login."""
        return self._hasher.digest("email_code", f"{record_key}:{code}")

    def otp_digest(self, token_key: str, code: str) -> str:
        """The stored form of a code, bound to its login so equal codes never hash alike."""
        return self._hasher.digest("otp", f"{token_key}:{code}")


def first_hit(keysets: Sequence[Keys], attempt: Callable[[Keys], T], hit: Callable[[T], bool]) -> T:
    """Runs `attempt` under each key set until `hit` says it found the record.

    The current keys come first, so a live token costs one round trip; only a
    miss pays for the fallbacks.
    """
    result = attempt(keysets[0])
    for keys in keysets[1:]:
        if hit(result):
            break
        result = attempt(keys)
    return result
