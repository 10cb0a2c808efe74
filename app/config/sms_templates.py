"""SMS templates, one JSON file per BCP 47 locale: the bundled ones and an operator's overrides.

A file `<locale>.json` holds `{"message": "...", "message_one": "..."}`; `message_one`
(optional) is used when the code lives exactly one minute. Placeholders: `{code}`
(required), `{sender}`, `{minutes}`; nothing else, so a template cannot reach into
Python objects the way a free-form format string could.

The templates are operator configuration (SMS_TEMPLATES_DIR), so they are read
and checked here, with the other settings, before the service starts.
"""

from __future__ import annotations

import json
import string
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import langcodes

PLACEHOLDERS = frozenset({"code", "sender", "minutes"})
_KEYS = frozenset({"message", "message_one"})


class TemplateError(ValueError):
    """A template file is unusable; the message names the file and the fault."""


@dataclass(frozen=True)
class Template:
    message: str
    message_one: str


def standard_tag(tag: str) -> str | None:
    """`pt_br` → `pt-BR`; None for anything that is not a valid BCP 47 tag."""
    tag = tag.strip().replace("_", "-")
    if not tag or len(tag) > 35 or not langcodes.tag_is_valid(tag):
        return None
    return langcodes.standardize_tag(tag)


def lookup(supported: Collection[str], tag: str) -> str | None:
    """RFC 4647 lookup: `pt-BR` → `pt-BR` if supported, else `pt`; None when nothing fits."""
    standard = standard_tag(tag)
    parts = standard.split("-") if standard else []
    while parts:
        candidate = "-".join(parts)
        if candidate in supported:
            return candidate
        parts.pop()
        if parts and len(parts[-1]) == 1:  # never end on a singleton such as `x` or `u`
            parts.pop()
    return None


def choose_locale(supported: Collection[str], default: str, saved: str | None,
                  accepted: Iterable[tuple[str, float]] = ()) -> str:
    """The supported locale to write in: the one saved at signup, then Accept-Language by q-value,
    then `default`. A saved locale wins because the person chose it, while Accept-Language
    describes whichever browser or backend happens to make the request."""
    if saved:
        found = lookup(supported, saved)
        if found:
            return found
    wanted = sorted(((tag, q) for tag, q in accepted if q > 0 and tag != "*"), key=lambda item: -item[1])
    for tag, _ in wanted:
        found = lookup(supported, tag)
        if found:
            return found
    return default


def load_catalog(override_dir: str = "") -> dict[str, Template]:
    """The bundled templates, with each file of `override_dir` replacing or adding its locale."""
    bundled = resources.files("app.data").joinpath("sms_templates")
    catalog = _read_all((entry.name, entry.read_text(encoding="utf-8")) for entry in bundled.iterdir()
                        if entry.name.endswith(".json"))
    if override_dir:
        folder = Path(override_dir)
        if not folder.is_dir():
            raise TemplateError(f"{override_dir} is not a directory")
        catalog.update(_read_all((path.name, path.read_text(encoding="utf-8")) for path in folder.glob("*.json")))
    return catalog


def _read_all(files: Iterable[tuple[str, str]]) -> dict[str, Template]:
    catalog: dict[str, Template] = {}
    for name, text in sorted(files):
        locale = standard_tag(name.removesuffix(".json"))
        if locale is None:
            raise TemplateError(f"{name}: the file name must be a BCP 47 locale such as es.json or pt-BR.json")
        catalog[locale] = _parse(name, text)
    return catalog


def _parse(name: str, text: str) -> Template:
    try:
        data = json.loads(text)
    except ValueError as error:
        raise TemplateError(f"{name}: not valid JSON ({error})") from None
    if not isinstance(data, dict) or not isinstance(data.get("message"), str) or set(data) - _KEYS:
        raise TemplateError(f'{name}: expected {{"message": "...", "message_one": "..."}} and nothing else')
    message = _checked(name, data["message"])
    return Template(message, _checked(name, data.get("message_one", message)))


def _checked(name: str, template: object) -> str:
    if not isinstance(template, str):
        raise TemplateError(f"{name}: templates must be strings")
    try:
        fields = [(field, spec, conv) for _, field, spec, conv in string.Formatter().parse(template)
                  if field is not None]
    except ValueError as error:
        raise TemplateError(f"{name}: {error}") from None
    for field, spec, conversion in fields:
        if field not in PLACEHOLDERS or spec or conversion:
            raise TemplateError(f"{name}: unknown placeholder {{{field}}}; use {{code}}, {{sender}}, {{minutes}}")
    if "code" not in {field for field, _, _ in fields}:
        raise TemplateError(f"{name}: every template must contain {{code}}")
    return template
