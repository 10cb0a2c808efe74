"""POST /api/v1/signup: normalisation, validation, duplicates, limits."""

import uuid

import pytest

URL = "/api/v1/signup"


def body(**overrides):
    return {
        "email": f"{uuid.uuid4().hex[:8]}@example.com",
        "password": "correct horse battery",
        "phone": "+14155550123",
        **overrides,
    }


def test_created_with_uuid_and_utc_timestamp(client):
    response = client.post(URL, json=body(email="  Grace@Example.ORG"))
    assert response.status_code == 201
    data = response.get_json()
    assert set(data) == {"id", "email", "phone", "created_at", "email_verified"}
    assert data["email_verified"] is False
    assert uuid.UUID(data["id"])
    assert data["email"] == "grace@example.org"
    assert data["created_at"].endswith("Z")


def test_duplicate_email_ignoring_case_and_spaces_is_409(client):
    assert client.post(URL, json=body(email="dup@example.com")).status_code == 201
    response = client.post(URL, json=body(email=" DUP@Example.com "))
    assert response.status_code == 409
    assert response.get_json()["code"] == "email_taken"


@pytest.mark.parametrize(
    ("payload", "fields"),
    [
        ({}, {"email", "password", "phone"}),
        ({"email": 5, "password": ["x"], "phone": None}, {"email", "password", "phone"}),
        (body(extra="x", role="admin"), {"extra", "role"}),
        (body(email="not-an-email"), {"email"}),
        (body(phone="12345"), {"phone"}),
        (body(phone="+15555550100"), {"phone"}),
        (body(password="short"), {"password"}),
        (body(password="x" * 129), {"password"}),
        (body(password="Password1"), {"password"}),
        (body(email="long.enough.address@example.com", password="LONG.ENOUGH.ADDRESS@example.com"), {"password"}),
    ],
)
def test_schema_violations_are_422_naming_each_field(client, payload, fields):
    response = client.post(URL, json=payload)
    assert response.status_code == 422
    problem = response.get_json()
    assert response.mimetype == "application/problem+json"
    assert problem["code"] == "validation_error"
    assert set(problem["errors"]) == fields
    assert all(problem["errors"][field] for field in fields)


def test_weak_password_reason_is_actionable(client):
    problem = client.post(URL, json=body(password="short")).get_json()
    assert "at least 8 characters" in problem["errors"]["password"][0]


def test_unicode_and_spaces_allowed_in_password(client, flow):
    user = flow.signup(password="  pässwörd mit 🔑 und leerzeichen  ")
    assert flow.login(user)


def test_national_phone_needs_default_region(make_app):
    strict = make_app().test_client()
    assert strict.post(URL, json=body(phone="(415) 555-0123")).status_code == 422
    lenient = make_app(DEFAULT_PHONE_REGION="US").test_client()
    response = lenient.post(URL, json=body(phone="(415) 555-0123"))
    assert response.status_code == 201
    assert response.get_json()["phone"] == "+14155550123"


def test_test_phone_numbers_are_accepted_as_given(make_app):
    client = make_app(TEST_PHONE_NUMBERS="+15555550100=123456").test_client()
    response = client.post(URL, json=body(phone="+15555550100"))
    assert response.status_code == 201
    assert response.get_json()["phone"] == "+15555550100"


def test_allowed_countries_refuse_other_phones(make_app):
    client = make_app(SMS_ALLOWED_COUNTRIES="IN").test_client()
    assert client.post(URL, json=body(phone="+919876543210")).status_code == 201
    refused = client.post(URL, json=body(phone="+14155550123"))
    assert refused.status_code == 422
    assert "phone" in refused.get_json()["errors"]


def test_password_is_stored_as_argon2id_hash(app, flow):
    from app.extensions import db
    from app.models import User

    user = flow.signup()
    with app.app_context():
        stored = db.session.get(User, uuid.UUID(user["id"]))
        assert stored.password_hash.startswith("$argon2id$")
        assert user["password"] not in stored.password_hash


def test_per_ip_signup_limit(make_app):
    client = make_app(SIGNUP_RATE_LIMIT_PER_IP="3/hour").test_client()
    for _ in range(3):
        assert client.post(URL, json=body()).status_code == 201
    refused = client.post(URL, json=body())
    assert refused.status_code == 429
    problem = refused.get_json()
    assert problem["code"] == "rate_limited"
    assert int(refused.headers["Retry-After"]) == problem["retry_after"] >= 1


def test_a_phone_with_an_extension_is_422_naming_phone(client):
    response = client.post(URL, json=body(phone="+1 415 555 0123 ext. 55"))
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert set(errors) == {"phone"} and "extension" in errors["phone"][0]
