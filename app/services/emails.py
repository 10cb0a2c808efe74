"""Email addresses: one stored form each, so two accounts never look alike (docs/security.md).

The rule, checked at signup:
- surrounding whitespace is dropped; control, format (zero-width, direction
  marks and overrides), other invisible characters and spaces inside are refused;
- the text is NFC-normalised (a Kelvin sign becomes K, composed and decomposed
  accents become one);
- the part before @ must be ASCII: letters of other scripts that look like ASCII
  ones (a dotless ı, a Cyrillic а) are refused, not guessed at;
- a domain with non-ASCII letters is mapped (UTS 46: full-width letters, case)
  and validated as IDNA 2008, then stored as its ASCII A-label (`xn--…`), so a
  look-alike domain reads differently wherever an address is shown;
- everything is lower-cased. Syntax only: no DNS.

Accounts made before this rule keep their stored form; logins look an email up
under its new form and under the old one (`email_lookup_forms`).
"""

from __future__ import annotations

import unicodedata

import idna

# Default-ignorable code points outside the categories refused below: they render as nothing
# (Hangul fillers, Khmer inherent vowels, variation selectors, the combining grapheme joiner).
_INVISIBLE = frozenset((0x034F, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x3164, 0xFFA0,
                        *range(0x180B, 0x1810), *range(0xFE00, 0xFE10), *range(0xE0100, 0xE01F0)))
# Control, format, surrogate, private-use and unassigned characters; spaces and line separators.
_REFUSED_CATEGORIES = frozenset(("Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp"))


class EmailRejected(ValueError):
    """The address cannot be used; the message says why, for the person typing it."""


def canonical_email(raw: str) -> str:
    """The stored form of an address, or EmailRejected."""
    text = raw.strip()
    if any(_hidden(char) for char in text):
        raise EmailRejected("Contains a space, an invisible or a control character (such as a zero-width space "
                            "or a direction mark); type the address again.")
    local, at, domain = unicodedata.normalize("NFC", text).rpartition("@")
    if not at or not local or not domain:
        raise EmailRejected("Not a valid email address.")
    if not local.isascii():
        raise EmailRejected("The part before @ may only use ASCII letters, digits and punctuation: letters of "
                            "other alphabets can look like those and are not accepted.")
    return f"{local.lower()}@{_ascii_domain(domain)}"


def _hidden(char: str) -> bool:
    return ord(char) in _INVISIBLE or unicodedata.category(char) in _REFUSED_CATEGORIES


def _ascii_domain(domain: str) -> str:
    if domain.isascii():
        return domain.lower()  # as before: the email validator checks its syntax
    try:
        return idna.encode(domain, uts46=True).decode("ascii").lower()
    except idna.IDNAError:
        raise EmailRejected("The part after @ is not a valid domain name.") from None


def email_lookup_forms(raw: str) -> tuple[str, ...]:
    """The stored forms an account for `raw` may have: the canonical one first, then the form
    stored before the rule above (trimmed and lower-cased), when it differs. Never raises:
    an address the rule refuses can only match an account made before it."""
    legacy = raw.strip().lower()
    try:
        canonical = canonical_email(raw)
    except EmailRejected:
        return (legacy,)
    return (canonical,) if canonical == legacy else (canonical, legacy)


def email_hint(email: str) -> str:
    """What an answer may show of an address: its first character and its domain (`a***@example.com`)."""
    local, _, domain = email.rpartition("@")
    return f"{local[:1]}***@{domain}"
