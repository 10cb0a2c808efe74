"""Phone numbers: E.164 by libphonenumber rules, regions, test numbers, and the hint shown at login."""

from __future__ import annotations

import re

import pytest

from app.services.phones import PhonePolicy, PhoneRejected, phone_hint

FICTIONAL = "+15555550100"


@pytest.mark.parametrize(("raw", "e164"), [
    ("+91-9876543210", "+919876543210"),
    ("+91 98765 43210", "+919876543210"),
    ("  +919876543210  ", "+919876543210"),
    ("+1 (650) 253-0000", "+16502530000"),
    ("+44 7400 123456", "+447400123456"),
])
def test_international_formats_become_e164(raw: str, e164: str) -> None:
    assert PhonePolicy().normalize(raw) == e164


@pytest.mark.parametrize("raw", ["9876543210", "09876543210", "(650) 253-0000"])
def test_national_format_is_refused_without_a_default_region(raw: str) -> None:
    with pytest.raises(PhoneRejected, match="country code"):
        PhonePolicy().normalize(raw)


@pytest.mark.parametrize(("region", "raw", "e164"), [
    ("IN", "9876543210", "+919876543210"),
    ("IN", "09876543210", "+919876543210"),
    ("US", "(650) 253-0000", "+16502530000"),
    ("US", "+919876543210", "+919876543210"),  # an explicit country code still wins
])
def test_national_format_is_read_in_the_default_region(region: str, raw: str, e164: str) -> None:
    assert PhonePolicy(default_region=region).normalize(raw) == e164


@pytest.mark.parametrize("raw", ["hello", "+", "+91", "+91 12345", "+999 1234567890", ""])
def test_non_numbers_are_refused_with_a_reason(raw: str) -> None:
    with pytest.raises(PhoneRejected) as raised:
        PhonePolicy().normalize(raw)
    assert str(raised.value).endswith(".")


def test_fictional_number_is_refused_unless_listed_as_a_test_number() -> None:
    with pytest.raises(PhoneRejected, match="not valid"):
        PhonePolicy().normalize(FICTIONAL)
    assert PhonePolicy(test_numbers=frozenset({FICTIONAL})).normalize("+1 555-555-0100") == FICTIONAL
    # Listing one fictional number does not open the others.
    with pytest.raises(PhoneRejected):
        PhonePolicy(test_numbers=frozenset({FICTIONAL})).normalize("+15555550101")


def test_allowed_countries_refuse_the_others() -> None:
    policy = PhonePolicy(allowed_countries=frozenset({"IN", "GB"}))
    assert policy.normalize("+919876543210") == "+919876543210"
    assert policy.normalize("+447400123456") == "+447400123456"
    with pytest.raises(PhoneRejected, match="US"):
        policy.normalize("+16502530000")


def test_no_allowed_countries_means_all() -> None:
    assert PhonePolicy().normalize("+4915123456789") == "+4915123456789"


@pytest.mark.parametrize(("e164", "hint"), [
    ("+919876543210", "+91******3210"),
    ("+16502530000", "+1******0000"),
    ("+447400123456", "+44******3456"),
    ("+4915123456789", "+49*******6789"),
    (FICTIONAL, "+1******0100"),
])
def test_phone_hint_shows_the_calling_code_and_last_four_digits_only(e164: str, hint: str) -> None:
    assert phone_hint(e164) == hint
    calling_code = re.match(r"\+\d+", hint)[0]  # type: ignore[index]
    assert re.sub(r"\D", "", hint[len(calling_code):]) == e164[-4:]


@pytest.mark.parametrize("raw", ["+1 415 555 0123 ext. 55", "+14155550123x55", "+1 (415) 555-0123 extension 7",
                                 "+44 20 7946 0958 #123", "+15555550100 ext 1"])
def test_a_number_with_an_extension_is_refused_not_cut_short(raw: str) -> None:
    # libphonenumber reads the extension apart and E.164 has no room for it: the SMS would reach the main line.
    policy = PhonePolicy(test_numbers=frozenset({"+15555550100"}))
    with pytest.raises(PhoneRejected, match="extension"):
        policy.normalize(raw)
