"""The destination prefix the SMS guard counts a number under (app/services/phone_prefix.py)."""

import pytest

from app.services.phone_prefix import guard_prefix


@pytest.mark.parametrize(("phone", "prefix"), [
    ("+447400123456", "+44 740"),  # UK mobile: national destination code 7400, cut to 3 digits
    ("+12125550123", "+1 212"),  # NANP: the area code
    ("+33612345678", "+33 6"),  # France: one-digit mobile code
    ("+919876543210", "+91 987"),
    ("+4915112345678", "+49 151"),
    ("+79161234567", "+7 916"),
    ("+35799123456", "+357 99"),
])
def test_calling_code_and_the_next_digits(phone, prefix):
    assert guard_prefix(phone) == prefix


def test_numbers_of_one_range_share_a_prefix_and_other_ranges_do_not():
    assert guard_prefix("+447400123456") == guard_prefix("+447400999999") != guard_prefix("+447700900123")


def test_unparseable_numbers_have_none():
    assert guard_prefix("not a number") == ""
    assert guard_prefix("+") == ""
