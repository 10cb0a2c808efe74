"""The email (and notice SMS) texts: every bundled locale has every message, placeholders are plain
names, and the locale is chosen as for SMS codes."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from app.config.sms_templates import TemplateError, load_catalog
from app.services.email_text import (
    FALLBACK_LOCALE,
    EmailTexts,
    MessageText,
    _parse,
    load_email_catalog,
    placeholders,
)

# What callers pass; a template may use any of these and nothing else.
CONTEXT = {"code": "493817", "phone_hint": "+91******3210", "email_hint": "a***@example.com", "when": "now",
           "ip": "203.0.113.9", "device": "Firefox on Linux", "codes_left": "2"}


def test_every_bundled_locale_has_every_message_of_english():
    catalog = load_email_catalog()
    names = set(catalog[FALLBACK_LOCALE])
    for locale, messages in catalog.items():
        assert set(messages) == names, locale


def test_the_email_locales_are_the_sms_locales():
    assert set(load_email_catalog()) == set(load_catalog())


def test_each_message_renders_in_each_locale_with_only_known_placeholders():
    catalog = load_email_catalog()
    texts = EmailTexts(catalog, service="Acme", ttl_seconds=300)
    for locale, messages in catalog.items():
        for name, text in messages.items():
            assert placeholders(text.subject) | placeholders(text.body) <= {"service", "minutes", *CONTEXT}
            rendered = texts.render(name, locale, **CONTEXT)
            assert "{" not in rendered.subject + rendered.body
            assert "Acme" in rendered.subject + rendered.body, (locale, name)
            assert name.endswith("_sms") == (rendered.subject == "")


def test_code_messages_carry_the_code_and_its_minutes():
    texts = EmailTexts(load_email_catalog(), service="Acme", ttl_seconds=240)
    for name in ("email_code", "password_reset_code", "phone_change_code"):
        body = texts.render(name, "de", **CONTEXT).body
        assert "493817" in body and "4 Minuten" in body


def test_locale_choice_and_fallbacks():
    texts = EmailTexts(load_email_catalog(), default_locale="es")
    assert texts.choose("pt-BR") == "pt"
    assert texts.choose(None, [("fr-CA", 0.9), ("de", 1.0)]) == "de"
    assert texts.choose(None, [("nl", 1.0)]) == "es"
    # A default only the operator's SMS templates serve falls back to English.
    assert EmailTexts(load_email_catalog(), default_locale="nl").default_locale == "en"
    assert texts.render("email_code", "pt-BR", code="1").subject.startswith("Confirme")


def test_a_locale_lacking_a_message_gets_the_english_one():
    catalog = {"en": {"hello": MessageText("Hi {service}", "Body")}, "fr": {}}
    assert EmailTexts(catalog).render("hello", "fr").subject == "Hi otp-auth"


@pytest.mark.parametrize(("entry", "fault"), [
    ({"x": {"subject": "s"}}, "expected exactly"),
    ({"x": {"subject": "s", "body": "b", "extra": "e"}}, "expected exactly"),
    ({"x_sms": {"subject": "s", "body": "b"}}, "expected exactly"),
    ({"x": {"subject": "{user.password}", "body": "b"}}, "plain name"),
    ({"x": {"subject": "{code!r}", "body": "b"}}, "plain name"),
    ({"x": {"subject": "{0}", "body": "b"}}, "plain name"),
    ({"x": {"subject": "{", "body": "b"}}, "Single"),
    (["not", "a", "map"], "expected"),
])
def test_faulty_template_files_are_refused_naming_the_fault(entry, fault):
    with pytest.raises(TemplateError, match=fault):
        _parse("xx.json", json.dumps(entry))


def test_bundled_files_are_valid_json_maps():
    folder = resources.files("app.data").joinpath("email_templates")
    names = sorted(entry.name for entry in folder.iterdir())
    assert names == ["de.json", "en.json", "es.json", "fr.json", "hi.json", "pt.json"]
