"""Hardening that the contract asks for and the integration tests do not already pin down."""

import io

import pytest
from flask.cli import ScriptInfo

from app import create_app
from app.config import Settings
from tests.support.flow import bearer

LOGIN = "/api/v1/login"


def production_settings(env, tmp_path):
    return Settings.from_env({**env, "APP_ENV": "production", "SMS_BACKEND": "file",
                              "SMS_OUTBOX_FILE": str(tmp_path / "outbox.jsonl"), "EMAIL_BACKEND": "file",
                              "EMAIL_OUTBOX_FILE": str(tmp_path / "email.jsonl")})


def test_debug_is_never_on_in_production(env, tmp_path, monkeypatch):
    monkeypatch.setenv("FLASK_DEBUG", "1")
    settings = production_settings(env, tmp_path)
    app = create_app(settings)
    assert app.debug is False
    app.debug = True  # what `app.run(debug=True)` does
    assert app.debug is False and app.config["DEBUG"] is False
    # `flask run` sets app.debug from FLASK_DEBUG after the factory returns.
    loaded = ScriptInfo(create_app=lambda: create_app(settings)).load_app()
    assert loaded.debug is False
    for each in (app, loaded):
        each.extensions["otp_auth"].redis.close()


def test_debug_follows_flask_outside_production(make_app, monkeypatch):
    monkeypatch.setenv("FLASK_DEBUG", "1")
    app = make_app()
    app.debug = True
    assert app.debug is True  # the guard is production-only, so local development keeps its debugger


def test_deeply_nested_json_is_400_not_500(client):
    response = client.post(LOGIN, data="[" * 60000, content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["code"] == "invalid_json"


@pytest.mark.parametrize("raw", ["\\u0000", "\\ud800", "\\udfff"])
@pytest.mark.parametrize("field", ["email", "password"])
def test_nul_and_lone_surrogates_are_422(client, raw, field):
    body = {"email": "someone@example.com", "password": "a good long password"}
    body[field] = f"ab{raw}cd-password"
    text = "{" + ", ".join(f'"{k}": "{v}"' for k, v in body.items()) + "}"
    response = client.post(LOGIN, data=text, content_type="application/json")
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == {field}


def chunked(client, body):
    # gunicorn de-chunks a body and says so with wsgi.input_terminated; there is no Content-Length.
    return client.post(
        LOGIN,
        input_stream=io.BytesIO(body),
        headers={"Transfer-Encoding": "chunked", "Content-Type": "application/json"},
        environ_overrides={"wsgi.input_terminated": True},
    )


def test_chunked_body_over_the_limit_is_413(client):
    response = chunked(client, b'{"email": "' + b"a" * (64 * 1024) + b'"}')
    assert response.status_code == 413
    assert response.get_json()["code"] == "payload_too_large"
    fits = b'{"email": "x@example.com", "password": "' + b"p" * 1000 + b'"}'
    assert chunked(client, fits.ljust(64 * 1024)).get_json()["code"] == "invalid_credentials"


def test_only_the_trusted_hops_of_x_forwarded_for_are_believed(make_app):
    client = make_app(TRUSTED_PROXY_COUNT="2", LOGIN_RATE_LIMIT_PER_IP="1/minute").test_client()

    def login(forwarded_for):
        return client.post(LOGIN, json={"email": "x@example.com", "password": "x" * 10},
                           headers={"X-Forwarded-For": forwarded_for}).status_code

    # Two trusted proxies: the client is the second address from the right; anything left of it is forgeable.
    assert login("198.51.100.1, 203.0.113.5, 10.0.0.1") == 401
    assert login("198.51.100.2, 203.0.113.5, 10.0.0.1") == 429  # same client, new forged prefix
    assert login("203.0.113.5, 10.0.0.1") == 429
    assert login("198.51.100.1, 203.0.113.6, 10.0.0.1") == 401  # another client


def test_every_token_bearing_response_is_no_store(flow, client):
    user = flow.signup()
    login = client.post(LOGIN, json={"email": user["email"], "password": user["password"]})
    pre = login.get_json()["pre_otp_token"]
    flow.send_otp(pre)
    validated = flow.validate(pre, flow.code_for(user))
    refreshed = client.post("/api/v1/token/refresh", json={"refresh_token": validated.get_json()["refresh_token"]})
    me = client.get("/api/v1/me", headers=bearer(refreshed.get_json()["access_token"]))
    for response in (login, validated, refreshed, me):
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "no-store"
        assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_null_origin_gets_no_cors_grant(make_app):
    client = make_app(CORS_ORIGINS="https://app.example.com").test_client()
    for origin in ("null", "https://app.example.com.evil.test", "http://app.example.com"):
        response = client.post(LOGIN, json={}, headers={"Origin": origin})
        assert "Access-Control-Allow-Origin" not in response.headers, origin
    granted = client.post(LOGIN, json={}, headers={"Origin": "https://app.example.com"})
    assert granted.headers["Access-Control-Allow-Origin"] == "https://app.example.com"
