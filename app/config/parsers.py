"""Parsers of environment values, each `parser(env, NAME, default) -> value`.

An unset or blank variable means the default (`NAME=` in an env file or a Helm
value left blank must not change behaviour). A bad value raises ConfigError
with one line that names the variable.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import TypeVar

import phonenumbers

from app.config.base import ConfigError, Parser

N = TypeVar("N", int, float)
_RATE = re.compile(r"^\s*\d+\s*(/|\s+per\s+)\s*(\d+\s+)?(second|minute|hour|day)s?\s*$", re.I)
_HOST_PORT = re.compile(r"\[([0-9A-Fa-f:.]+)\]:(\d{1,5})|([^\s:\[\]]+):(\d{1,5})")


def _given(env: Mapping[str, str], name: str) -> str | None:
    """The raw value, or None when the variable is unset or blank."""
    raw = env.get(name)
    return None if raw is None or not raw.strip() else raw


def _number(env: Mapping[str, str], name: str, convert: Callable[[str], N], kind: str) -> N | None:
    raw = _given(env, name)
    if raw is None:
        return None
    try:
        return convert(raw.strip())
    except ValueError:
        raise ConfigError(f"{name} must be {kind}, got {raw!r}") from None


def text(env: Mapping[str, str], name: str, default: str) -> str:
    return (env.get(name) or default).strip()


def lower_text(env: Mapping[str, str], name: str, default: str) -> str:
    return text(env, name, default).lower()


def integer(minimum: int = 1, maximum: int | None = None) -> Parser[int]:
    def parse(env: Mapping[str, str], name: str, default: int) -> int:
        value = _number(env, name, int, "a whole number")
        if value is None:
            return default
        if value < minimum:
            raise ConfigError(f"{name} must be at least {minimum}, got {value}")
        if maximum is not None and value > maximum:
            raise ConfigError(f"{name} must be at most {maximum}, got {value}")
        return value

    return parse


def seconds(env: Mapping[str, str], name: str, default: float) -> float:
    """A timeout: more than 0 and at most 60 seconds."""
    value = _number(env, name, float, "a number of seconds")
    if value is None:
        return default
    if not 0 < value <= 60:
        raise ConfigError(f"{name} must be between 0 and 60 seconds, got {value}")
    return value


def boolean(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = _given(env, name)
    if raw is None:
        return default
    lowered = raw.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{name} must be true or false, got {raw!r}")


def choice(*choices: str, shown: Callable[[str], str] = str.lower) -> Parser[str]:
    """One of `choices` (compared in lower case), returned as `shown` spells it."""

    def parse(env: Mapping[str, str], name: str, default: str) -> str:
        value = text(env, name, default).lower()
        if value not in choices:
            raise ConfigError(f"{name} must be one of {', '.join(choices)}, got {value!r}")
        return shown(value)

    return parse


def rate(env: Mapping[str, str], name: str, default: str) -> str:
    """A limit in the `limits` syntax: `30/minute`, `100 per hour`."""
    value = text(env, name, default)
    if not _RATE.match(value):
        raise ConfigError(f"{name} must look like '30/minute' or '100 per hour', got {value!r}")
    return value


def csv(env: Mapping[str, str], name: str, default: tuple[str, ...]) -> tuple[str, ...]:
    """Comma-separated items, blanks dropped; unset means `default`."""
    return tuple(item.strip() for item in text(env, name, "").split(",") if item.strip()) or default


def sentinels(env: Mapping[str, str], name: str,
              default: tuple[tuple[str, int], ...]) -> tuple[tuple[str, int], ...]:
    """`host:port,[::1]:26379` → (("host", port), ("::1", 26379))."""
    found: list[tuple[str, int]] = []
    for item in csv(env, name, ()):
        match = _HOST_PORT.fullmatch(item)
        port = int((match.group(2) or match.group(4)) if match else 0)
        if not match or not 0 < port < 65536:
            raise ConfigError(f"{name} entries must look like host:port or [ipv6]:port, got {item!r}")
        found.append((match.group(1) or match.group(3), port))
    return tuple(found) or default


def region(env: Mapping[str, str], name: str, default: str) -> str:
    """An ISO 3166 region code phonenumbers knows, upper-cased, or ""."""
    value = text(env, name, default).upper()
    if value and value not in phonenumbers.SUPPORTED_REGIONS:
        raise ConfigError(f"{name} is not an ISO 3166 region code: {value!r}")
    return value


def regions(env: Mapping[str, str], name: str, default: frozenset[str]) -> frozenset[str]:
    """A set of ISO 3166 region codes, upper-cased."""
    codes = {code.upper() for code in csv(env, name, ())}
    unknown = sorted(codes - phonenumbers.SUPPORTED_REGIONS)
    if unknown:
        raise ConfigError(f"{name} has unknown ISO 3166 region codes: {', '.join(unknown)}")
    return frozenset(codes) or default


def first_of(*also: str) -> Parser[str]:
    """Text read from NAME, else from the first of `also` that is set (another tool's variable)."""

    def parse(env: Mapping[str, str], name: str, default: str) -> str:
        for candidate in (name, *also):
            value = text(env, candidate, "")
            if value:
                return value
        return default

    return parse
