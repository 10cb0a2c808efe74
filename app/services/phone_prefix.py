"""The destination prefix of a phone number, as the SMS-pumping guard counts it (docs/security.md).

A prefix is the country calling code and the national destination code libphonenumber finds
(its first `NDC_DIGITS` digits at most; the first national digit when it finds none), e.g.
`+44 740`, `+1 212`, `+33 6`, `+91 987`. Toll-fraud rings rent ranges of one expensive prefix,
so their numbers share it while an ordinary population spreads over many.
"""

from __future__ import annotations

from functools import lru_cache

import phonenumbers

from app.config.sms_guard import PREFIX_DIGITS

# Finer than this and a ring spreads its numbers over many prefixes; coarser and a block takes in
# a whole country's mobiles.
NDC_DIGITS = PREFIX_DIGITS


@lru_cache(maxsize=4096)  # a parse costs ~20 µs a login (docs/benchmarks.md); accounts sign in again
def guard_prefix(e164: str) -> str:
    """`+447400123456` → `+44 740`; '' for a number libphonenumber cannot parse."""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return ""
    national = phonenumbers.national_significant_number(number)
    if not national:
        return ""
    size = phonenumbers.length_of_national_destination_code(number) or 1
    return f"+{number.country_code} {national[:min(size, NDC_DIGITS)]}"
