"""openapi.yaml as a test oracle: does this response match what the document promises?

Checks the status is documented for the operation, the required headers are
there with documented values, the content type is documented, and the body
validates against the documented JSON Schema (2020-12, with the document's own
$refs resolved).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

REPO_ROOT = Path(__file__).resolve().parents[2]
OPENAPI_PATH = REPO_ROOT / "openapi.yaml"
DOCUMENT: dict[str, Any] = yaml.safe_load(OPENAPI_PATH.read_text(encoding="utf-8"))

# The numbers the contract suites sign up with: no SMS is sent and the fixed code works.
TEST_PHONE = "+15555550100"
TEST_CODE = "123456"
TEST_PHONE_NUMBERS = "+15555550100=123456,+15555550101=123456,+15555550102=123456"

_BASE = "urn:otp-auth:openapi"
_REGISTRY = Registry().with_resource(_BASE, Resource.from_contents(DOCUMENT, default_specification=DRAFT202012))


def _escape(part: str) -> str:
    return part.replace("~", "~0").replace("/", "~1")


def resolve(node: dict[str, Any], pointer: str) -> tuple[dict[str, Any], str]:
    """Follows a Reference Object; returns the target and its JSON pointer ("#/...")."""
    while "$ref" in node:
        pointer = node["$ref"]
        node = DOCUMENT
        for part in pointer.removeprefix("#/").split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
    return node, pointer


def validate(schema_pointer: str, value: Any) -> None:
    """Raises jsonschema.ValidationError unless `value` matches the schema at `schema_pointer`."""
    Draft202012Validator({"$ref": _BASE + schema_pointer}, registry=_REGISTRY).validate(value)


def response_definition(path: str, method: str, status: int) -> tuple[dict[str, Any], str]:
    operation = DOCUMENT["paths"][path][method.lower()]
    documented = operation["responses"]
    assert str(status) in documented, f"{method.upper()} {path} answered {status}, documented: {sorted(documented)}"
    pointer = f"#/paths/{_escape(path)}/{method.lower()}/responses/{status}"
    return resolve(documented[str(status)], pointer)


def _header_value(raw: str, schema: dict[str, Any]) -> Any:
    return int(raw) if schema.get("type") == "integer" and raw.isdigit() else raw


def assert_documented(path: str, method: str, response: Any) -> Any:
    """Checks a Flask test-client response; returns its JSON body (or None)."""
    status = response.status_code
    definition, pointer = response_definition(path, method, status)
    for name, header in definition.get("headers", {}).items():
        header, _ = resolve(header, "")
        if header.get("required"):
            assert name in response.headers, f"{method.upper()} {path} {status}: missing header {name}"
            Draft202012Validator(header["schema"]).validate(_header_value(response.headers[name], header["schema"]))
    content = definition.get("content")
    body = response.get_data()
    if not content or method.lower() == "head":
        assert not body, f"{method.upper()} {path} {status}: undocumented body"
        return None
    mimetype = response.headers.get("Content-Type", "").split(";")[0].strip()
    assert mimetype in content, f"{method.upper()} {path} {status}: {mimetype} not in {sorted(content)}"
    if not mimetype.endswith("json"):
        return None
    value = json.loads(body)
    validate(f"{pointer}/content/{_escape(mimetype)}/schema", value)
    return value
