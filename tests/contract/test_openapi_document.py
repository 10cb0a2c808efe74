"""openapi.yaml itself: a valid OpenAPI 3.1 document, complete, with honest examples, served as is."""

from __future__ import annotations

import re

import pytest
from openapi_spec_validator import OpenAPIV31SpecValidator

from app.problems import Problem
from tests.contract.spec import DOCUMENT, OPENAPI_PATH, resolve, validate

# Every path of the HTTP contract.
API_MD_PATHS = {
    "/api/v1/signup", "/api/v1/login", "/api/v1/send-otp", "/api/v1/validate-otp", "/api/v1/me",
    "/api/v1/token/refresh", "/api/v1/logout", "/api/v1/auth/check",
    "/healthz", "/readyz", "/metrics", "/openapi.yaml", "/docs",
}
HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


def test_document_is_valid_openapi_3_1():
    assert DOCUMENT["openapi"].startswith("3.1")
    errors = [error.message for error in OpenAPIV31SpecValidator(DOCUMENT).iter_errors()]
    assert errors == []


def test_every_path_of_the_contract_is_documented():
    assert API_MD_PATHS <= set(DOCUMENT["paths"])


def _flask_path(rule: str) -> str:
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule)


def test_every_route_of_the_app_is_documented(app):
    routed = {_flask_path(rule.rule) for rule in app.url_map.iter_rules()}
    assert routed - set(DOCUMENT["paths"]) == set()


def test_every_documented_operation_is_routed(app):
    adapter = app.url_map.bind("localhost")
    missing = []
    for path, item in DOCUMENT["paths"].items():
        concrete = path.replace("{asset}", "swagger-ui.css")
        for method in HTTP_METHODS & set(item):
            if not adapter.test(concrete, method=method.upper()):
                missing.append(f"{method.upper()} {path}")
    assert missing == []


def test_operations_that_take_a_token_name_its_kind():
    kinds = {}
    for path, item in DOCUMENT["paths"].items():
        for method in HTTP_METHODS & set(item):
            for requirement in item[method].get("security", []):
                kinds[f"{method.upper()} {path}"] = set(requirement)
    assert kinds["POST /api/v1/send-otp"] == kinds["POST /api/v1/validate-otp"] == {"preOtpToken"}
    for operation in ("GET /api/v1/me", "POST /api/v1/logout", "GET /api/v1/auth/check", "GET /api/v1/sessions",
                      "DELETE /api/v1/sessions", "DELETE /api/v1/sessions/{id}",
                      "POST /api/v1/password/change", "DELETE /api/v1/me"):
        assert kinds[operation] == {"accessToken"}
    for operation in ("POST /api/v1/email/verification", "POST /api/v1/email/verify"):
        assert kinds[operation] == {"accessToken"}
    assert kinds["POST /api/v1/password/reset"] == {"resetToken"}
    assert kinds["POST /api/v1/phone/confirm"] == {"changeToken"}
    # Either kind: each requirement is an alternative.
    change = DOCUMENT["paths"]["/api/v1/phone/change"]["post"]["security"]
    assert change == [{"preOtpToken": []}, {"accessToken": []}]
    assert "security" not in DOCUMENT["paths"]["/api/v1/password/forgot"]["post"]


def test_request_bodies_refuse_unknown_fields():
    for name in ("SignupRequest", "LoginRequest", "EmptyRequest", "ValidateOtpRequest", "RefreshRequest",
                 "PasswordChangeRequest", "DeleteAccountRequest", "EmailCodeRequest", "ForgotPasswordRequest",
                 "ResetPasswordRequest", "PhoneChangeRequest", "PhoneConfirmRequest"):
        assert DOCUMENT["components"]["schemas"][name]["additionalProperties"] is False


def test_problem_codes_are_the_contracts():
    codes = set(DOCUMENT["components"]["schemas"]["ProblemCode"]["enum"])
    assert codes == {problem.code for problem in Problem}
    assert codes == {
        "bad_request", "invalid_json", "unsupported_media_type", "validation_error", "email_taken",
        "invalid_credentials",
        "invalid_token", "otp_invalid", "otp_expired", "otp_attempts_exceeded", "rate_limited",
        "sms_unavailable", "email_unavailable", "service_unavailable", "not_found", "method_not_allowed",
        "payload_too_large",
        "internal_error",
    }


def test_every_429_and_503_documents_retry_after():
    for path, item in DOCUMENT["paths"].items():
        for method in HTTP_METHODS & set(item):
            for status, response in item[method]["responses"].items():
                if status in ("429", "503"):
                    definition, _ = resolve(response, "")
                    assert "Retry-After" in definition["headers"], f"{method.upper()} {path} {status}"


def _examples():
    """(where, schema pointer, value) for every example of a JSON request or response body."""
    for path, item in DOCUMENT["paths"].items():
        for method in HTTP_METHODS & set(item):
            operation = item[method]
            escaped = path.replace("~", "~0").replace("/", "~1")
            bodies = []
            if "requestBody" in operation:
                bodies.append((operation["requestBody"], f"#/paths/{escaped}/{method}/requestBody"))
            for status, response in operation["responses"].items():
                bodies.append(resolve(response, f"#/paths/{escaped}/{method}/responses/{status}"))
            for body, pointer in bodies:
                for media_type, content in body.get("content", {}).items():
                    if not media_type.endswith("json"):
                        continue
                    schema_pointer = f"{pointer}/content/{media_type.replace('/', '~1')}/schema"
                    for name, example in content.get("examples", {}).items():
                        example, _ = resolve(example, "")
                        yield f"{method.upper()} {path} {pointer.rsplit('/', 1)[-1]} {name}", schema_pointer, example


@pytest.mark.parametrize(("where", "schema_pointer", "example"), list(_examples()), ids=lambda v: str(v)[:60])
def test_examples_match_their_schemas(where, schema_pointer, example):
    validate(schema_pointer, example["value"])


def test_the_image_ships_the_document():
    # app/api/docs.py reads it beside app/, as the image lays the files out (/app/openapi.yaml).
    dockerfile = (OPENAPI_PATH.parent / "Dockerfile").read_text()
    assert re.search(r"^COPY openapi\.yaml \./$", dockerfile, re.MULTILINE)


def test_served_document_is_the_file(client):
    response = client.get("/openapi.yaml")
    assert response.status_code == 200
    assert response.mimetype == "application/yaml"
    assert response.get_data() == OPENAPI_PATH.read_bytes()


def test_docs_page_loads_only_bundled_assets(client):
    page = client.get("/docs")
    assert page.status_code == 200
    assert page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    references = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert references, html
    assert all(not re.match(r"^[a-z]+:|^//", ref) for ref in references), references
    for reference in references:
        with client.get("/" + reference) as asset:
            assert asset.status_code == 200, reference
            assert len(asset.get_data()) > 0
    assert client.get("/docs/oauth2-redirect.html").status_code == 404
