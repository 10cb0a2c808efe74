"""The `captcha_token` of requests that can make the service send an SMS (the CAPTCHA step).

To require it on another endpoint: derive its schema from `CaptchaSchema` and build it with
`captcha=` in RequestSchemas. With CAPTCHA_PROVIDER unset the field is accepted and ignored.
"""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, post_load, validate, validates_schema

from app.schemas.fields import StrictString
from app.services.captcha import CaptchaCheck, CaptchaRefused

# Turnstile's tokens are up to 2048 characters; hCaptcha's are shorter.
TOKEN_MAX = 4096


class CaptchaSchema(Schema):
    captcha_token = StrictString(validate=validate.Length(min=1, max=TOKEN_MAX))

    def __init__(self, *args: Any, captcha: CaptchaCheck | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._captcha = captcha

    @validates_schema(skip_on_field_errors=True)
    def _check_captcha(self, data: dict[str, Any], **_: Any) -> None:
        # After the other fields: a request refused anyway costs the provider no call.
        if self._captcha is not None:
            try:
                self._captcha.require(data.get("captcha_token"))
            except CaptchaRefused as error:
                raise ValidationError(str(error), field_name="captcha_token") from None

    @post_load
    def _drop_token(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        data.pop("captcha_token", None)
        return data
