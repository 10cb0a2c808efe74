"""Phone numbers: parsing to E.164 with libphonenumber rules, and display hints."""

from __future__ import annotations

import phonenumbers


class PhoneRejected(ValueError):
    """The number cannot be used; the message says why, for the person typing it."""


class PhonePolicy:
    def __init__(
        self,
        default_region: str = "",
        allowed_countries: frozenset[str] = frozenset(),
        test_numbers: frozenset[str] = frozenset(),
    ) -> None:
        self.default_region = default_region or None
        self.allowed_countries = allowed_countries
        self.test_numbers = test_numbers

    def normalize(self, raw: str) -> str:
        """Return the E.164 form or raise PhoneRejected."""
        text = raw.strip()
        if not text.startswith("+") and self.default_region is None:
            raise PhoneRejected("Include the country code, for example +14155550123.")
        try:
            number = phonenumbers.parse(text, self.default_region)
        except phonenumbers.NumberParseException:
            raise PhoneRejected("This is not a phone number.") from None
        if number.extension:
            # E.164 has no extension and SMS cannot reach one: storing the number without it would text someone else.
            raise PhoneRejected("Phone numbers with an extension cannot receive SMS codes; give a direct number.")
        e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        # Test numbers are accepted as configured, even where libphonenumber calls them fictional.
        if e164 in self.test_numbers:
            return e164
        if not phonenumbers.is_valid_number(number):
            raise PhoneRejected("This phone number is not valid for its country.")
        region = phonenumbers.region_code_for_number(number)
        if self.allowed_countries and region not in self.allowed_countries:
            raise PhoneRejected(f"Phone numbers from {region or 'this country'} are not supported.")
        return e164


def phone_hint(e164: str) -> str:
    """`+919876543210` → `+91******3210`: the calling code and the last four digits."""
    country = _calling_code(e164) or e164[:2]
    national = e164[len(country):]
    visible = national[-4:]
    return country + "*" * max(len(national) - len(visible), 0) + visible


def _calling_code(e164: str) -> str | None:
    """`+919876543210` → `+91`. Calling codes are prefix-free, so the first 1 to 3 digits that
    name one are it, as in libphonenumber's own parsing; a lookup instead of a full parse,
    which cost a send-otp and a login about 20 µs each (docs/benchmarks.md)."""
    digits = e164[1:4]
    if not e164.startswith("+") or not digits.isdigit():
        return None
    for size in (1, 2, 3):
        if int(digits[:size]) in phonenumbers.COUNTRY_CODE_TO_REGION_CODE:
            return "+" + digits[:size]
    return None
