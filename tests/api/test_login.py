"""POST /api/v1/login: credentials, enumeration, account and IP limits, rehash."""

import uuid

from app.extensions import db
from app.models import User
from app.services.passwords import Passwords

URL = "/api/v1/login"


def attempt(client, email, password, **kwargs):
    return client.post(URL, json={"email": email, "password": password}, **kwargs)


def test_unknown_email_and_wrong_password_answer_alike(client, flow):
    user = flow.signup()
    wrong = attempt(client, user["email"], "not the password")
    unknown = attempt(client, "nobody@example.com", "not the password")
    assert wrong.status_code == unknown.status_code == 401
    strip = lambda r: {k: v for k, v in r.get_json().items() if k != "request_id"}  # noqa: E731
    assert strip(wrong) == strip(unknown)
    assert wrong.get_json()["code"] == "invalid_credentials"


def test_sixth_attempt_refused_even_with_right_password(client, flow, clock):
    user = flow.signup()
    for _ in range(5):
        assert attempt(client, user["email"], "wrong password!").status_code == 401
    refused = attempt(client, user["email"], user["password"])
    assert refused.status_code == 429
    assert refused.get_json()["code"] == "rate_limited"
    assert 1 <= int(refused.headers["Retry-After"]) <= 900
    clock.advance(901)
    assert attempt(client, user["email"], user["password"]).status_code == 200


def test_success_clears_the_failure_window(client, flow):
    user = flow.signup()
    for _ in range(4):
        attempt(client, user["email"], "wrong password!")
    assert attempt(client, user["email"], user["password"]).status_code == 200
    for _ in range(4):
        assert attempt(client, user["email"], "wrong password!").status_code == 401
    assert attempt(client, user["email"], user["password"]).status_code == 200


def test_unknown_emails_are_throttled_too(client):
    for _ in range(5):
        assert attempt(client, "ghost@example.com", "whatever123").status_code == 401
    assert attempt(client, "ghost@example.com", "whatever123").status_code == 429


def test_per_ip_limit_and_trusted_proxies(make_app, flow):
    client = make_app(LOGIN_RATE_LIMIT_PER_IP="2/minute").test_client()
    spoof = {"X-Forwarded-For": "203.0.113.9"}
    for _ in range(2):
        assert attempt(client, "a@example.com", "x" * 10, headers=spoof).status_code == 401
    # With no trusted proxy, a forged X-Forwarded-For does not dodge the limit.
    assert attempt(client, "a@example.com", "x" * 10, headers={"X-Forwarded-For": "198.51.100.1"}).status_code == 429

    proxied = make_app(LOGIN_RATE_LIMIT_PER_IP="2/minute", TRUSTED_PROXY_COUNT="1").test_client()
    for _ in range(2):
        assert (
            attempt(proxied, "b@example.com", "x" * 10, headers={"X-Forwarded-For": "203.0.113.10"}).status_code == 401
        )
    assert attempt(proxied, "b@example.com", "x" * 10, headers={"X-Forwarded-For": "203.0.113.10"}).status_code == 429
    # Behind one trusted proxy the right-most address is the client: a new client is not limited.
    other = attempt(proxied, "b2@example.com", "x" * 10, headers={"X-Forwarded-For": "1.1.1.1, 203.0.113.11"})
    assert other.status_code == 401


def test_outdated_hash_is_rehashed_on_login(app, client, flow):
    user = flow.signup()
    old = Passwords(time_cost=2, memory_cost_kib=2048, parallelism=1).hash(user["password"])
    with app.app_context():
        row = db.session.get(User, uuid.UUID(user["id"]))
        row.password_hash = old
        db.session.commit()
    assert attempt(client, user["email"], user["password"]).status_code == 200
    with app.app_context():
        row = db.session.get(User, uuid.UUID(user["id"]))
        assert row.password_hash != old
        assert "m=1024,t=1,p=1" in row.password_hash
        assert row.last_login_at is not None


def test_send_on_login(make_app, sms):
    client = make_app(OTP_SEND_ON_LOGIN="true").test_client()
    client.post(
        "/api/v1/signup", json={"email": "s@example.com", "password": "a fine password", "phone": "+14155550199"}
    )
    response = attempt(client, "s@example.com", "a fine password")
    assert response.status_code == 200
    assert response.get_json()["otp_sent"] is True
    assert sms.messages and sms.messages[-1][0] == "+14155550199"
    # The login's one cooldown is now running: an immediate resend is refused.
    token = response.get_json()["pre_otp_token"]
    assert client.post("/api/v1/send-otp", headers={"Authorization": f"Bearer {token}"}).status_code == 429


def test_send_on_login_failure_keeps_the_login(make_app, sms):
    client = make_app(OTP_SEND_ON_LOGIN="true").test_client()
    client.post(
        "/api/v1/signup", json={"email": "f@example.com", "password": "a fine password", "phone": "+14155550198"}
    )
    sms.fail_next = 1
    response = attempt(client, "f@example.com", "a fine password")
    assert response.status_code == 200
    assert response.get_json()["otp_sent"] is False
    token = response.get_json()["pre_otp_token"]
    assert client.post("/api/v1/send-otp", headers={"Authorization": f"Bearer {token}"}).status_code == 200
