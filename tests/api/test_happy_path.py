"""The whole sign-in flow through the Flask test client."""

from tests.support.flow import bearer


def test_signup_login_code_me(flow, client):
    user = flow.signup(email="  Ada@Example.COM ", phone="+91-9876543210")
    assert user["email"] == "ada@example.com"
    assert user["phone"] == "+919876543210"

    login = client.post("/api/v1/login", json={"email": "ADA@example.com", "password": user["password"]})
    assert login.status_code == 200
    body = login.get_json()
    assert body["token_type"] == "Bearer"
    assert body["otp_required"] is True
    assert body["expires_in"] == 600
    assert body["phone_hint"] == "+91******3210"

    sent = flow.send_otp(body["pre_otp_token"])
    assert sent.status_code == 200
    assert sent.get_json() == {"sent_to": "+91******3210", "expires_in": 300, "resend_after": 30}

    tokens = flow.validate(body["pre_otp_token"], flow.code_for(user))
    assert tokens.status_code == 200
    pair = tokens.get_json()
    assert pair["token_type"] == "Bearer"
    assert pair["expires_in"] == 900
    assert pair["refresh_expires_in"] == 2592000
    assert tokens.headers["Cache-Control"] == "no-store"

    me = client.get("/api/v1/me", headers=bearer(pair["access_token"]))
    assert me.status_code == 200
    assert me.get_json() == {
        "id": user["id"],
        "email": "ada@example.com",
        "phone": "+919876543210",
        "created_at": user["created_at"],
        "email_verified": False,
    }
