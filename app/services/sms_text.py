"""The text of a code's SMS: the user's language, the expiry, and optional autofill lines."""

from __future__ import annotations

import math
from collections.abc import Iterable

from app.config.sms_templates import Template, choose_locale, lookup, standard_tag


class LocaleRejected(ValueError):
    """A locale no template serves, even by falling back to its base language."""


class SmsTexts:
    """Renders codes in the catalog's languages.

    The language is chosen by `choose_locale`: the locale saved at signup, then the
    request's Accept-Language (by q-value), then the default.
    """

    def __init__(self, catalog: dict[str, Template], *, default_locale: str = "en", sender: str = "otp-auth",
                 ttl_seconds: int = 300, webotp_domain: str = "", android_app_hash: str = "") -> None:
        self._catalog = catalog
        default = lookup(catalog, default_locale)
        if default is None:
            raise LocaleRejected(f"no template serves the default locale {default_locale!r}")
        self.default_locale = default
        self._sender = sender
        self._minutes = max(1, math.ceil(ttl_seconds / 60))
        self._webotp_domain = webotp_domain
        self._app_hash = android_app_hash

    @property
    def locales(self) -> list[str]:
        return sorted(self._catalog)

    def normalize(self, tag: str) -> str:
        """The standard form of a locale a user asks for, kept as given when a template serves it
        or its base language (`es-MX` stays `es-MX`, served by `es`); LocaleRejected otherwise."""
        standard = standard_tag(tag)
        if standard is None:
            raise LocaleRejected("Use a BCP 47 language tag such as en, es or pt-BR.")
        if lookup(self._catalog, standard) is None:
            raise LocaleRejected(f"No SMS texts for this language; supported: {', '.join(self.locales)}.")
        return standard

    def choose(self, saved: str | None, accepted: Iterable[tuple[str, float]] = ()) -> str:
        """The catalog locale to use: saved first, then Accept-Language by q-value, then the default."""
        return choose_locale(self._catalog, self.default_locale, saved, accepted)

    def render(self, code: str, locale: str | None = None) -> str:
        template = self._catalog[lookup(self._catalog, locale or "") or self.default_locale]
        text = template.message_one if self._minutes == 1 else template.message
        body = text.format(code=code, sender=self._sender, minutes=self._minutes)
        autofill = self.autofill_lines(code)
        return body + "\n\n" + "\n".join(autofill) if autofill else body

    def autofill_lines(self, code: str) -> list[str]:
        """Lines that let a phone fill the code in by itself, last line last.

        Android's SMS Retriever finds the app by its 11-character hash anywhere in the
        message; WebOTP insists on `@domain #code` being the very last line, so the hash
        goes on the line before it.
        """
        lines = []
        if self._app_hash:
            lines.append(self._app_hash)
        if self._webotp_domain:
            lines.append(f"@{self._webotp_domain} #{code}")
        return lines
