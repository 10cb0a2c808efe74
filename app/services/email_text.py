"""The texts of every message besides the SMS code itself: emails (subject and body) and SMS notices.

One JSON file per locale in app/data/email_templates/, in the SMS texts' locales
(en, es, fr, de, hi, pt). A file maps a template name to `{"subject", "body"}`;
names ending in `_sms` are text messages and have a body only. Adding a message
is one entry in each file. Placeholders are plain names (`{code}`, `{service}`,
`{minutes}`, `{phone_hint}`, ...) filled from what the caller passes: no
attribute or index access, so a template cannot reach into Python objects.
A locale's file may lack a template: English stands in for it.
"""

from __future__ import annotations

import json
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources

from app.config.sms_templates import TemplateError, choose_locale, lookup, standard_tag

FALLBACK_LOCALE = "en"
SMS_SUFFIX = "_sms"


@dataclass(frozen=True)
class MessageText:
    subject: str  # "" for text messages
    body: str


def placeholders(template: str) -> set[str]:
    """The names a template uses; TemplateError for anything but a plain `{name}`."""
    names = set()
    try:
        fields = [(field, spec, conversion) for _, field, spec, conversion in string.Formatter().parse(template)]
    except ValueError as error:  # an unmatched brace
        raise TemplateError(str(error)) from None
    for field, spec, conversion in fields:
        if field is None:
            continue
        if not field.isidentifier() or spec or conversion:
            raise TemplateError(f"placeholder {{{field}}} must be a plain name such as {{code}}")
        names.add(field)
    return names


def load_email_catalog() -> dict[str, dict[str, MessageText]]:
    """locale -> template name -> text, from the bundled files; TemplateError names a faulty one."""
    folder = resources.files("app.data").joinpath("email_templates")
    catalog: dict[str, dict[str, MessageText]] = {}
    for entry in sorted(folder.iterdir(), key=lambda item: item.name):
        if entry.name.endswith(".json"):
            locale = standard_tag(entry.name.removesuffix(".json"))
            if locale is None:
                raise TemplateError(f"{entry.name}: the file name must be a BCP 47 locale such as es.json")
            catalog[locale] = _parse(entry.name, entry.read_text(encoding="utf-8"))
    if FALLBACK_LOCALE not in catalog:
        raise TemplateError(f"email templates need {FALLBACK_LOCALE}.json, the fallback of every locale")
    return catalog


def _parse(name: str, text: str) -> dict[str, MessageText]:
    try:
        data = json.loads(text)
    except ValueError as error:
        raise TemplateError(f"{name}: not valid JSON ({error})") from None
    if not isinstance(data, dict):
        raise TemplateError(f'{name}: expected {{"<template>": {{"subject": "...", "body": "..."}}, ...}}')
    return {template: _entry(f"{name} {template}", template, fields) for template, fields in data.items()}


def _entry(where: str, template: str, fields: object) -> MessageText:
    keys = {"body"} if template.endswith(SMS_SUFFIX) else {"subject", "body"}
    if not isinstance(fields, dict) or set(fields) != keys or not all(isinstance(v, str) for v in fields.values()):
        raise TemplateError(f"{where}: expected exactly {sorted(keys)} as strings")
    try:
        for value in fields.values():
            placeholders(value)
    except TemplateError as error:
        raise TemplateError(f"{where}: {error}") from None
    return MessageText(fields.get("subject", ""), fields["body"])


class EmailTexts:
    """Renders the catalogue's messages in the locale a person reads."""

    def __init__(self, catalog: Mapping[str, Mapping[str, MessageText]], *, default_locale: str = FALLBACK_LOCALE,
                 service: str = "otp-auth", ttl_seconds: int = 300) -> None:
        self._catalog = catalog
        # SMS_DEFAULT_LOCALE may name a language only the operator's SMS templates have.
        self.default_locale = lookup(catalog, default_locale) or FALLBACK_LOCALE
        self._common = {"service": service, "minutes": max(1, -(-ttl_seconds // 60))}

    def choose(self, saved: str | None, accepted: Iterable[tuple[str, float]] = ()) -> str:
        return choose_locale(self._catalog, self.default_locale, saved, accepted)

    def render(self, template: str, locale: str | None = None, **context: object) -> MessageText:
        """KeyError when no locale has `template` or it needs a placeholder `context` lacks."""
        chosen = lookup(self._catalog, locale or "") or self.default_locale
        text = self._catalog[chosen].get(template) or self._catalog[FALLBACK_LOCALE][template]
        values = {**self._common, **context}
        return MessageText(text.subject.format_map(values), text.body.format_map(values))
