"""Typed settings, read from the environment once and validated at start-up.

`Settings` is one frozen dataclass composed of groups, one module each: `core`
(environment, secrets, database, Redis, logging, HTTP edges), `auth` (codes,
tokens, login, passwords), `sms`, `tokens` (access-token format, JWT keys), `email`,
`selfservice` (what a signed-in user is told), `events` (the event stream, its drain and
webhooks) and `sms_guard` (the SMS-pumping guard and the CAPTCHA step). Every setting has a
default or fails start-up with one line that names it. Tests build their own with
`Settings.from_env({...})` or `settings.replace(...)`; nothing reads
`os.environ` after start-up.

To add a setting: one line in the class of its group, named like its
environment variable, e.g. `OTP_LENGTH: int = setting(6, integer(minimum=4))`
(parsers live in `parsers.py`; a parser only one group needs lives in that
group's module). A rule involving other settings goes in that group's
`validate()`. Then add a row to README's settings table and the value to the
Helm chart (tests check both).

To add a group: a module here with `@dataclass(frozen=True) class XSettings(CoreSettings)`
holding its settings and a `validate()` that calls `super().validate()` first;
then add it as the first base of `Settings` below. Groups validate after core,
from the rightmost base to the leftmost.
"""

from dataclasses import dataclass

from app.config.auth import AuthSettings
from app.config.base import ConfigError
from app.config.email import EmailSettings
from app.config.events import EventSettings
from app.config.factors import FactorSettings
from app.config.selfservice import SelfServiceSettings
from app.config.sms import SmsSettings
from app.config.sms_guard import SmsGuardSettings
from app.config.tokens import TokenSettings

__all__ = ["ConfigError", "Settings"]


@dataclass(frozen=True)
class Settings(SmsGuardSettings, EventSettings, FactorSettings, SelfServiceSettings, EmailSettings, TokenSettings,
               SmsSettings, AuthSettings):
    """Every setting the service reads, typed. Field names match the env vars."""
