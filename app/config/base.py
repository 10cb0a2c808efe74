"""The declaration mechanism: a setting is one dataclass field, read by one loop.

`setting(default, parser)` declares it; `Group.from_env` parses every field of
the class with its parser, then `validate()` runs each group's cross-setting
rules. Nothing here knows a setting by name.
"""

from __future__ import annotations

import copy
import dataclasses
import os
from collections.abc import Callable, Mapping
from typing import Any, Self, TypeVar

T = TypeVar("T")

# parser(env, NAME, default) -> value; raises ConfigError with one line naming NAME.
Parser = Callable[[Mapping[str, str], str, T], T]


class ConfigError(ValueError):
    """A setting is missing or malformed; the message names the setting."""


def setting(default: T, parse: Parser[T]) -> T:
    """One setting: its default and the parser of its environment variable (the field name)."""
    metadata = {"parse": parse}
    if isinstance(default, dict | list | set):  # mutable: each instance gets its own copy
        return dataclasses.field(default_factory=lambda: copy.copy(default), metadata=metadata)
    return dataclasses.field(default=default, metadata=metadata)


def default_of(field: dataclasses.Field[Any]) -> Any:
    if field.default_factory is not dataclasses.MISSING:
        return field.default_factory()
    return field.default


@dataclasses.dataclass(frozen=True)
class Group:
    """Base of every settings group; `Settings` inherits all groups, so these work on it too."""

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Self:
        """Parse and validate; raises ConfigError naming the first bad setting."""
        env = os.environ if env is None else env
        values = {field.name: field.metadata["parse"](env, field.name, default_of(field))
                  for field in dataclasses.fields(cls)}
        settings = cls(**values)
        settings.validate()
        return settings

    def replace(self, **changes: object) -> Self:
        """A validated copy with some settings changed (used by tests and tools)."""
        updated = dataclasses.replace(self, **changes)
        updated.validate()
        return updated

    def validate(self) -> None:
        """Cross-setting rules. Each group overrides this, calling super().validate() first."""
