"""Request helpers shared by the blueprints: JSON bodies and bearer tokens."""

from __future__ import annotations

import json
import re
from typing import Any, cast

from flask import request
from marshmallow import Schema, ValidationError

from app.problems import InvalidJson, InvalidToken, UnsupportedMediaType, ValidationFailed

# Room for a JWT access token with a long issuer and audience, well under any proxy's header cap.
_BEARER = re.compile(r"^Bearer\s+([A-Za-z0-9._~+/=-]{1,4096})\s*$", re.IGNORECASE)


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not valid JSON")


def json_body(schema: Schema) -> dict[str, Any]:
    """Parses the body as JSON and loads it through `schema`; no body counts as `{}`."""
    raw = request.get_data(cache=True)
    if not raw.strip():
        payload: Any = {}
    else:
        if request.mimetype != "application/json":
            raise UnsupportedMediaType()
        try:
            payload = json.loads(raw, parse_constant=_reject_constant)
        except (ValueError, RecursionError):
            # RecursionError: nesting deeper than the parser's stack ('[' * 50000 fits in 64 KiB).
            raise InvalidJson() from None
    try:
        # marshmallow types load() Any; these schemas load objects (no many=True).
        return cast("dict[str, Any]", schema.load(payload))
    except ValidationError as error:
        raise ValidationFailed(_flatten(error.messages)) from None


def _flatten(messages: Any) -> dict[str, list[str]]:
    if not isinstance(messages, dict):
        return {"_schema": [str(m) for m in (messages if isinstance(messages, list) else [messages])]}
    flat: dict[str, list[str]] = {}
    for field, value in messages.items():
        items = value if isinstance(value, list) else [value]
        flat[str(field)] = [str(item) for item in items]
    return flat


def bearer_token() -> str:
    match = _BEARER.match(request.headers.get("Authorization", ""))
    if not match:
        raise InvalidToken("Send the token as Authorization: Bearer <token>.")
    return match.group(1)
