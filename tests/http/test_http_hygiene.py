"""HTTP hygiene (issue 20, finding 9): the Authorization separator, CORS answers, HSTS, /docs framing."""

import pytest

from tests.support.flow import bearer

ME = "/api/v1/me"
LOGIN = "/api/v1/login"
APP_ORIGIN = "https://app.example.com"


@pytest.mark.parametrize("separator", ["\t", "\xa0", "\x85", "\x0b", "\x0c", " \t", "\t "],
                         ids=["tab", "nbsp", "nel", "vt", "ff", "space-tab", "tab-space"])
def test_only_spaces_separate_the_scheme_from_the_token(flow, client, separator):
    token = flow.signed_in()["access_token"]
    response = client.get(ME, headers={"Authorization": f"Bearer{separator}{token}"})
    assert response.status_code == 401
    assert response.get_json()["code"] == "invalid_token"


def test_one_or_more_spaces_and_any_case_of_the_scheme_are_accepted(flow, client):
    token = flow.signed_in()["access_token"]
    assert client.get(ME, headers=bearer(token)).status_code == 200
    for value in (f"Bearer   {token}", f"bearer {token}", f"BEARER {token} "):
        assert client.get(ME, headers={"Authorization": value}).status_code == 200, value


@pytest.fixture
def cors_client(make_app):
    return make_app(CORS_ORIGINS=APP_ORIGIN).test_client()


def test_every_api_answer_varies_by_origin(cors_client):
    for headers in ({}, {"Origin": APP_ORIGIN}, {"Origin": "https://evil.example"}):
        response = cors_client.post(LOGIN, json={}, headers=headers)
        assert "origin" in {value.strip().lower() for value in response.headers.get("Vary", "").split(",")}, headers


def test_no_origin_header_gets_no_grant(cors_client):
    response = cors_client.post(LOGIN, json={})
    assert "Access-Control-Allow-Origin" not in response.headers
    assert "Access-Control-Expose-Headers" not in response.headers


def preflight(client, path, method):
    return client.options(path, headers={"Origin": APP_ORIGIN, "Access-Control-Request-Method": method,
                                         "Access-Control-Request-Headers": "authorization, content-type"})


@pytest.mark.parametrize(("path", "method", "allowed"), [
    (LOGIN, "POST", "POST"), (ME, "GET", "DELETE, GET"), ("/api/v1/auth/check", "GET", "GET"),
    ("/api/v1/logout", "POST", "POST"),
])
def test_a_preflight_lists_only_the_methods_of_its_route(cors_client, path, method, allowed):
    response = preflight(cors_client, path, method)
    assert response.headers["Access-Control-Allow-Origin"] == APP_ORIGIN
    assert response.headers["Access-Control-Allow-Methods"] == allowed
    assert response.headers["Access-Control-Max-Age"] == "600"
    assert "Origin" in response.headers["Vary"]


def test_a_preflight_for_a_method_the_route_lacks_grants_no_method(cors_client):
    response = preflight(cors_client, LOGIN, "DELETE")
    assert "Access-Control-Allow-Methods" not in response.headers
    assert "Access-Control-Allow-Headers" not in response.headers


def test_no_hsts_by_default(client):
    assert "Strict-Transport-Security" not in client.get("/healthz").headers


def test_hsts_when_configured(make_app):
    client = make_app(HSTS_MAX_AGE_SECONDS="31536000").test_client()
    for response in (client.get("/healthz"), client.post(LOGIN, json={}), client.get("/docs")):
        assert response.headers["Strict-Transport-Security"] == "max-age=31536000"


def test_docs_page_cannot_be_framed(client):
    response = client.get("/docs")
    assert response.status_code == 200
    policy = [part.strip() for part in response.headers["Content-Security-Policy"].split(";")]
    assert "frame-ancestors 'none'" in policy
    assert response.headers["X-Frame-Options"] == "DENY"
