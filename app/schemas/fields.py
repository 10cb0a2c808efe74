"""Field types shared by the request schemas."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, fields, validate

from app.services.emails import EmailRejected, canonical_email


class TrimmedEmail(fields.Email):
    """An email in its stored form (app/services/emails.py: trimmed, NFC, ASCII before the @,
    an IDNA A-label domain, lower-cased), then checked for syntax only (no DNS)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(validate=validate.Length(max=254), **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        if not isinstance(value, str):
            raise ValidationError("Not a valid email address.")
        try:
            canonical = canonical_email(value)
        except EmailRejected as error:
            raise ValidationError(str(error)) from None
        return super()._deserialize(canonical, attr, data, **kwargs)


class StrictString(fields.String):
    """A string that must really be a JSON string (no numbers coerced) of storable text.

    JSON can carry NUL and lone surrogates (`"\\u0000"`, `"\\ud800"`); neither can be
    encoded to UTF-8 or stored in PostgreSQL, so they are refused here as 422
    instead of failing deep inside hashing or the database.
    """

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        if not isinstance(value, str):
            raise ValidationError("Not a valid string.")
        if "\x00" in value or not _encodable(value):
            raise ValidationError("Contains characters that cannot be used (NUL or an unpaired surrogate).")
        return super()._deserialize(value, attr, data, **kwargs)


def _encodable(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class StrictBoolean(fields.Boolean):
    """JSON true or false only: no "yes", 1 or "true" (1 == True in Python, so a truthy set would let 1 in)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise ValidationError("Not a valid boolean: send true or false.")
        return value
