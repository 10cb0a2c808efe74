"""Field types shared by the request schemas."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, fields, validate


class TrimmedEmail(fields.Email):
    """An email checked for syntax only (no DNS), trimmed and lower-cased."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(validate=validate.Length(max=254), **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        if not isinstance(value, str):
            raise ValidationError("Not a valid email address.")
        return super()._deserialize(value.strip().lower(), attr, data, **kwargs)


class StrictString(fields.String):
    """A string that must really be a JSON string (no numbers coerced)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        if not isinstance(value, str):
            raise ValidationError("Not a valid string.")
        if not _is_unicode(value):
            raise ValidationError("Not valid Unicode text.")
        return super()._deserialize(value, attr, data, **kwargs)


def _is_unicode(value: str) -> bool:
    """False for a lone surrogate (JSON can escape one: "\\ud800"), which cannot be hashed or stored."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
