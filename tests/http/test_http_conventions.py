"""Conventions of the HTTP contract (openapi.yaml) that hold for every endpoint."""

import pytest
import redis
from werkzeug.exceptions import BadRequest

from app.problems import Problem
from tests.support.flow import bearer

PROBLEM_FIELDS = {"type", "title", "status", "detail", "code", "request_id"}


def assert_problem(response, status, code):
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert PROBLEM_FIELDS <= set(body)
    assert body["status"] == status
    assert body["code"] == code
    assert body["request_id"] == response.headers["X-Request-ID"]
    return body


def test_request_id_is_echoed_when_well_formed(client):
    response = client.get("/healthz", headers={"X-Request-ID": "abc.DEF-123_x"})
    assert response.headers["X-Request-ID"] == "abc.DEF-123_x"


@pytest.mark.parametrize("given", ["", "has space", "x" * 129, "semi;colon", "ünï"])
def test_bad_request_id_is_replaced(client, given):
    response = client.get("/healthz", headers={"X-Request-ID": given})
    fresh = response.headers["X-Request-ID"]
    assert fresh and fresh != given and len(fresh) <= 128


def test_every_response_has_nosniff(client):
    for response in (client.get("/healthz"), client.get("/nope"), client.post("/api/v1/login", json={})):
        assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_flask_errors_are_problem_json(client):
    assert_problem(client.get("/api/v1/nope"), 404, "not_found")
    body = assert_problem(client.get("/api/v1/login"), 405, "method_not_allowed")
    assert "detail" in body
    assert_problem(client.post("/api/v1/login", data="{", content_type="application/json"), 400, "invalid_json")
    assert_problem(client.post("/api/v1/login", data="a=b", content_type="text/plain"), 415, "unsupported_media_type")
    assert_problem(
        client.post("/api/v1/login", data="x" * (64 * 1024 + 1), content_type="application/json"),
        413,
        "payload_too_large",
    )


def test_a_malformed_request_that_is_not_json_is_bad_request(app):
    """Werkzeug's own 400s (a bad request line, header or form) are not `invalid_json`."""
    with app.test_request_context("/api/v1/login", method="POST"):
        response = app.handle_user_exception(BadRequest("The Content-Disposition header is malformed."))
    body = response.get_json()
    assert (response.status_code, response.mimetype) == (400, "application/problem+json")
    assert (body["code"], body["title"]) == ("bad_request", Problem.BAD_REQUEST.title)
    assert body["detail"] == "The Content-Disposition header is malformed."


def test_the_outage_answer_comes_from_the_catalogue(app):
    with app.test_request_context("/api/v1/login", method="POST"):
        response = app.handle_user_exception(redis.exceptions.ConnectionError("connection refused"))
    body = response.get_json()
    assert (response.status_code, body["code"], body["title"]) == (503, "service_unavailable",
                                                                  Problem.SERVICE_UNAVAILABLE.title)
    assert body["retry_after"] == int(response.headers["Retry-After"]) >= 1


@pytest.mark.parametrize("raw", ["NaN", "[1, 2]", '"text"', "null", "123"])
def test_non_object_json_is_rejected(client, raw):
    response = client.post("/api/v1/login", data=raw, content_type="application/json")
    assert response.status_code in (400, 422)
    assert response.mimetype == "application/problem+json"


def test_server_error_leaks_nothing(make_app, sms):
    app = make_app()

    @app.get("/boom")
    def boom():
        raise RuntimeError("SELECT secret FROM users -- password=hunter2")

    response = app.test_client().get("/boom")
    body = assert_problem(response, 500, "internal_error")
    text = response.get_data(as_text=True)
    assert "hunter2" not in text and "SELECT" not in text and "Traceback" not in text
    assert body["detail"] == "Something went wrong on our side."


def test_cors_only_for_configured_origins(make_app):
    client = make_app(CORS_ORIGINS="https://app.example.com").test_client()
    preflight = client.options(
        "/api/v1/login",
        headers={
            "Origin": "https://app.example.com",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "Content-Type, Authorization",
        },
    )
    assert preflight.headers["Access-Control-Allow-Origin"] == "https://app.example.com"
    assert "authorization" in preflight.headers["Access-Control-Allow-Headers"].lower()
    denied = client.post("/api/v1/login", json={}, headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in denied.headers
    allowed = client.post("/api/v1/login", json={}, headers={"Origin": "https://app.example.com"})
    assert "Retry-After" in allowed.headers["Access-Control-Expose-Headers"]


def test_token_responses_are_not_cached(flow, client):
    pair = flow.signed_in()
    me = client.get("/api/v1/me", headers=bearer(pair["access_token"]))
    assert me.headers["Cache-Control"] == "no-store"
    login = client.post("/api/v1/login", json={"email": pair["user"]["email"], "password": pair["user"]["password"]})
    assert login.headers["Cache-Control"] == "no-store"


def test_healthz_and_readyz(client):
    assert client.get("/healthz").status_code == 200
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.get_json() == {"status": "ok", "checks": {"database": "ok", "redis": "ok"}}


def test_request_id_appears_in_the_request_log_lines(client, caplog):
    import logging

    caplog.set_level(logging.INFO)
    client.post(
        "/api/v1/login", json={"email": "x@example.com", "password": "whatever1"}, headers={"X-Request-ID": "trace-42"}
    )
    access = [r for r in caplog.records if r.name == "otp_auth.access"]
    assert access and all(getattr(r, "request_id", None) == "trace-42" for r in access)


def test_no_endpoint_sets_cookies(flow, client):
    pair = flow.signed_in()
    responses = [
        client.get("/api/v1/me", headers=bearer(pair["access_token"])),
        client.post("/api/v1/token/refresh", json={"refresh_token": pair["refresh_token"]}),
        client.post("/api/v1/login", json={"email": pair["user"]["email"], "password": pair["user"]["password"]}),
    ]
    assert all("Set-Cookie" not in r.headers for r in responses)


def test_email_is_checked_for_syntax_only(client):
    # A domain that resolves nowhere is still a well-formed address: no DNS look-ups.
    response = client.post(
        "/api/v1/signup",
        json={"email": "someone@no-such-domain.invalid", "password": "a long passphrase", "phone": "+14155550143"},
    )
    assert response.status_code == 201
