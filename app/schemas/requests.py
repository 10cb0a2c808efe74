"""Request bodies. Schemas that enforce policies get them at construction."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, post_load, validate, validates, validates_schema

from app.schemas.captcha import CaptchaSchema
from app.schemas.fields import StrictBoolean, StrictString, TrimmedEmail
from app.schemas.recovery import RecoverySchemas
from app.services import recovery_code_factor, totp
from app.services.captcha import CaptchaCheck
from app.services.passwords import PasswordPolicy
from app.services.phones import PhonePolicy, PhoneRejected
from app.services.second_step import RECOVERY_CODE, SMS, TOTP
from app.services.sms_text import LocaleRejected, SmsTexts


class SignupSchema(CaptchaSchema):
    email = TrimmedEmail(required=True)
    password = StrictString(required=True)
    phone = StrictString(required=True, validate=validate.Length(min=1, max=32))
    # Optional BCP 47 tag for the SMS language; null means no preference.
    locale = StrictString(required=False, allow_none=True, validate=validate.Length(min=1, max=35))

    def __init__(self, phones: PhonePolicy, passwords: PasswordPolicy, texts: SmsTexts | None = None,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)  # captcha= (CaptchaSchema)
        self._phones = phones
        self._passwords = passwords
        self._texts = texts

    @validates("phone")
    def _check_phone(self, value: str, **_: Any) -> None:
        try:
            self._phones.normalize(value)
        except PhoneRejected as error:
            raise ValidationError(str(error)) from None

    @validates("locale")
    def _check_locale(self, value: str | None, **_: Any) -> None:
        if value is not None and self._texts is not None:
            try:
                self._texts.normalize(value)
            except LocaleRejected as error:
                raise ValidationError(str(error)) from None

    @validates_schema(skip_on_field_errors=False)
    def _check_password(self, data: dict[str, Any], **_: Any) -> None:
        password = data.get("password")
        if isinstance(password, str):
            problems = self._passwords.problems(password, data.get("email"))
            if problems:
                raise ValidationError(problems, field_name="password")

    @post_load
    def _normalize(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        data["phone"] = self._phones.normalize(data["phone"])
        if data.get("locale") and self._texts is not None:
            data["locale"] = self._texts.normalize(data["locale"])
        return data


class LoginSchema(Schema):
    # Any string is accepted here: a malformed email simply fails to log in.
    email = StrictString(required=True, validate=validate.Length(min=1, max=254))
    password = StrictString(required=True, validate=validate.Length(min=1, max=1024))
    # A remembered device's token (validate-otp with "remember_device": true): skips the second factor.
    device_token = StrictString(validate=validate.Length(min=1, max=512))


class EmptySchema(Schema):
    """For endpoints that take no fields: `{}` or no body at all."""


class SendOtpSchema(CaptchaSchema):
    """`{}`, no body, or `{"captcha_token"}` (required when CAPTCHA_PROVIDER is set)."""


class ValidateOtpSchema(Schema):
    """`{"otp"}` (SMS), `{"otp", "factor": "totp"}` or `{"recovery_code"}`; loads as {"factor", "answer"}."""

    otp = StrictString()
    factor = StrictString(validate=validate.OneOf([SMS, TOTP]))
    recovery_code = StrictString(validate=validate.Length(min=1, max=64))
    remember_device = StrictBoolean()

    def __init__(self, otp_length: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._otp_length = otp_length

    @validates_schema(skip_on_field_errors=False, pass_original=True)
    def _check_answer(self, data: dict[str, Any], original: Any, **_: Any) -> None:
        errors: dict[str, list[str]] = {}
        otp, code = data.get("otp"), data.get("recovery_code")
        if "otp" in data and "recovery_code" in data:
            errors["recovery_code"] = ["Send either otp or recovery_code, not both."]
        elif code is not None:
            if "factor" in data:
                errors["factor"] = ["A recovery code needs no factor; factor goes with otp."]
            if recovery_code_factor.normalize(code) is None:
                errors["recovery_code"] = ["Send a recovery code as it was given, like 7k3m9-q2x4c."]
        elif otp is not None:
            digits = totp.DIGITS if data.get("factor") == TOTP else self._otp_length
            if len(otp) != digits or not otp.isascii() or not otp.isdigit():
                errors["otp"] = [f"Send the {digits}-digit code as a string of digits."]
        elif not (isinstance(original, dict) and {"otp", "recovery_code"} & set(original)):
            # (A field sent but refused on its own, a number or a null, is named already.)
            errors["otp"] = ["Missing data for required field: send the code as otp, or a recovery_code."]
        if errors:
            raise ValidationError(errors)

    @post_load
    def _as_answer(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        remember = data.get("remember_device", False)
        if "recovery_code" in data:
            return {"factor": RECOVERY_CODE, "answer": data["recovery_code"], "remember_device": remember}
        return {"factor": data.get("factor", SMS), "answer": data["otp"], "remember_device": remember}


class ConfirmTotpSchema(Schema):
    code = StrictString(required=True)

    @validates("code")
    def _check_code(self, value: str, **_: Any) -> None:
        if len(value) != totp.DIGITS or not value.isascii() or not value.isdigit():
            raise ValidationError(f"Send the {totp.DIGITS}-digit code the app shows, as a string of digits.")


class RefreshSchema(Schema):
    refresh_token = StrictString(required=True, validate=validate.Length(min=1, max=512))


class PasswordChangeSchema(Schema):
    # The new password's rules need the account's email: the service checks them (422 new_password).
    current_password = StrictString(required=True, validate=validate.Length(min=1, max=1024))
    new_password = StrictString(required=True, validate=validate.Length(min=1, max=1024))


class DeleteAccountSchema(Schema):
    password = StrictString(required=True, validate=validate.Length(min=1, max=1024))


class RequestSchemas:
    """The schema instances of one app, built from its settings."""

    def __init__(self, phones: PhonePolicy, passwords: PasswordPolicy, otp_length: int,
                 texts: SmsTexts | None = None, captcha: CaptchaCheck | None = None) -> None:
        self.signup = SignupSchema(phones, passwords, texts, captcha=captcha)
        self.send_otp = SendOtpSchema(captcha=captcha)
        self.login = LoginSchema()
        self.empty = EmptySchema()
        self.validate_otp = ValidateOtpSchema(otp_length)
        self.refresh = RefreshSchema()
        self.confirm_totp = ConfirmTotpSchema()
        self.password_change = PasswordChangeSchema()
        self.delete_account = DeleteAccountSchema()
        self.recovery = RecoverySchemas(phones, otp_length, captcha)
