"""The stored form of an email (app/services/emails.py; issue 20, finding 4)."""

import pytest

from app.services.emails import EmailRejected, canonical_email, email_lookup_forms

INVISIBLE = {
    "zero-width space": "\u200b", "zero-width joiner": "\u200d", "zero-width non-joiner": "\u200c",
    "byte order mark": "\ufeff", "word joiner": "\u2060", "soft hyphen": "\u00ad",
    "left-to-right mark": "\u200e", "right-to-left override": "\u202e", "first strong isolate": "\u2068",
    "tab": "\t", "escape": "\x1b", "DEL": "\x7f", "NEL": "\x85", "no-break space": "\u00a0",
    "ideographic space": "\u3000", "line separator": "\u2028", "hangul filler": "\u3164",
    "variation selector": "\ufe0f", "combining grapheme joiner": "\u034f", "private use": "\ue000",
    "tag character": "\U000e0041",
}


@pytest.mark.parametrize("char", INVISIBLE.values(), ids=INVISIBLE.keys())
@pytest.mark.parametrize("where", ["kim@example.com{}", "k{}im@example.com", "kim@exa{}mple.com"])
def test_invisible_and_control_characters_are_refused(char, where):
    if char.isspace() and where.endswith("{}"):
        assert canonical_email(where.format(char)) == "kim@example.com"  # surrounding whitespace is trimmed
        return
    with pytest.raises(EmailRejected, match="invisible"):
        canonical_email(where.format(char))


@pytest.mark.parametrize("local", ["k\u0131m", "k\u0456m", "\uff4bim", "kim\u00e9"], ids=["dotless i", "cyrillic i",
                                                                                         "full-width k", "accent"])
def test_letters_of_other_alphabets_before_the_at_are_refused(local):
    with pytest.raises(EmailRejected, match="ASCII"):
        canonical_email(f"{local}@example.com")


def test_ascii_addresses_keep_the_form_they_always_had():
    assert canonical_email("  Kim.O'Neil+tag@Example.COM \n") == "kim.o'neil+tag@example.com"


def test_nfc_folds_a_kelvin_sign_into_k():
    assert canonical_email("\u212aim@example.com") == "kim@example.com"


def test_a_unicode_domain_is_stored_as_its_a_label():
    assert canonical_email("kim@B\u00fccher.de") == "kim@xn--bcher-kva.de"
    assert canonical_email("kim@bu\u0308cher.de") == "kim@xn--bcher-kva.de"  # decomposed ü, NFC first
    assert canonical_email("kim@\uff45\uff58\uff41\uff4d\uff50\uff4c\uff45.com") == "kim@example.com"  # full-width
    # A Cyrillic а in the domain: a different domain, and it now reads like one.
    assert canonical_email("kim@ex\u0430mple.com") == "kim@xn--exmple-4nf.com"


@pytest.mark.parametrize("raw", ["kim@exa\u2603mple.com", "kim@\u00e9xample..com", "kim", "@example.com", "kim@"])
def test_what_is_no_address_is_refused(raw):
    with pytest.raises(EmailRejected):
        canonical_email(raw)


def test_lookups_try_the_stored_form_of_accounts_made_before_the_rule():
    assert email_lookup_forms(" Kim@Example.com") == ("kim@example.com",)
    assert email_lookup_forms("kim@B\u00fccher.de") == ("kim@xn--bcher-kva.de", "kim@b\u00fccher.de")
    assert email_lookup_forms("k\u0131m@example.com") == ("k\u0131m@example.com",)
    assert email_lookup_forms("kim@example.com\u200b") == ("kim@example.com\u200b",)
