"""Request bodies of account recovery: email verification, password reset, phone change."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, post_load, validate, validates, validates_schema

from app.schemas.captcha import CaptchaSchema
from app.schemas.fields import StrictString, TrimmedEmail
from app.services import recovery_code_factor
from app.services.captcha import CaptchaCheck
from app.services.phones import PhonePolicy, PhoneRejected
from app.services.second_step import RECOVERY_CODE, SMS


def _digits(value: str, length: int) -> bool:
    return len(value) == length and value.isascii() and value.isdigit()


class _Codes(Schema):
    """The email code and the SMS code of a request, each OTP_LENGTH digits."""

    email_code = StrictString(required=True)
    sms_code = StrictString()

    def __init__(self, otp_length: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._length = otp_length

    @validates("email_code")
    def _check_email_code(self, value: str, **_: Any) -> None:
        if not _digits(value, self._length):
            raise ValidationError(f"Send the {self._length}-digit code from the email as a string of digits.")

    @validates("sms_code")
    def _check_sms_code(self, value: str, **_: Any) -> None:
        if not _digits(value, self._length):
            raise ValidationError(f"Send the {self._length}-digit code from the SMS as a string of digits.")


class PhoneConfirmSchema(_Codes):
    sms_code = StrictString(required=True)


class ResetSchema(_Codes):
    """`{"email_code", "sms_code", "new_password"}` or `{"email_code", "recovery_code", "new_password"}`;
    loads `second` as (factor, answer)."""

    recovery_code = StrictString(validate=validate.Length(min=1, max=64))
    # The password rules need the account's email: the service checks them (422 new_password).
    new_password = StrictString(required=True, validate=validate.Length(min=1, max=1024))

    @validates_schema(skip_on_field_errors=False, pass_original=True)
    def _one_second_code(self, data: dict[str, Any], original: Any, **_: Any) -> None:
        sent = set(original) if isinstance(original, dict) else set()
        if {"sms_code", "recovery_code"} <= sent:
            raise ValidationError(["Send either sms_code or recovery_code, not both."], field_name="recovery_code")
        if not {"sms_code", "recovery_code"} & sent:
            raise ValidationError(["Missing data for required field: send sms_code, or a recovery_code."],
                                  field_name="sms_code")
        code = data.get("recovery_code")
        if code is not None and recovery_code_factor.normalize(code) is None:
            raise ValidationError(["Send a recovery code as it was given, like 7k3m9-q2x4c."],
                                  field_name="recovery_code")

    @post_load
    def _second(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        if "recovery_code" in data:
            data["second"] = (RECOVERY_CODE, data.pop("recovery_code"))
        else:
            data["second"] = (SMS, data.pop("sms_code"))
        return data


class ForgotSchema(CaptchaSchema):
    """`{"email"}`, plus `captcha_token` when CAPTCHA_PROVIDER is set (forgot texts a code)."""

    email = TrimmedEmail(required=True)


class PhoneChangeSchema(Schema):
    """The new phone, parsed and allowed exactly as at signup."""

    phone = StrictString(required=True, validate=validate.Length(min=1, max=32))

    def __init__(self, phones: PhonePolicy, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._phones = phones

    @validates("phone")
    def _check_phone(self, value: str, **_: Any) -> None:
        try:
            self._phones.normalize(value)
        except PhoneRejected as error:
            raise ValidationError(str(error)) from None

    @post_load
    def _normalize(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        data["phone"] = self._phones.normalize(data["phone"])
        return data


class EmailCodeSchema(Schema):
    code = StrictString(required=True)

    def __init__(self, otp_length: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._length = otp_length

    @validates("code")
    def _check_code(self, value: str, **_: Any) -> None:
        if not _digits(value, self._length):
            raise ValidationError(f"Send the {self._length}-digit code from the email as a string of digits.")


class RecoverySchemas:
    def __init__(self, phones: PhonePolicy, otp_length: int, captcha: CaptchaCheck | None = None) -> None:
        self.forgot = ForgotSchema(captcha=captcha)
        self.reset = ResetSchema(otp_length)
        self.phone_change = PhoneChangeSchema(phones)
        self.phone_confirm = PhoneConfirmSchema(otp_length)
        self.email_verify = EmailCodeSchema(otp_length)
