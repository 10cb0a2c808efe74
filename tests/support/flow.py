"""AuthFlow: the whole sign-up → login → code → tokens walk, one call a step."""

from __future__ import annotations

import itertools
from typing import Any

from flask.testing import FlaskClient

from tests.support.sms import RecordingSmsSender

PASSWORD = "correct horse battery staple"
_counter = itertools.count(1)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


class AuthFlow:
    def __init__(self, client: FlaskClient, sms: RecordingSmsSender) -> None:
        self.client = client
        self.sms = sms

    def new_identity(self) -> dict[str, str]:
        n = next(_counter)
        return {"email": f"user{n}@example.com", "password": PASSWORD, "phone": f"+1415555{n % 10000:04d}"}

    def signup(self, **overrides: Any) -> dict[str, Any]:
        body = {**self.new_identity(), **overrides}
        response = self.client.post("/api/v1/signup", json=body)
        assert response.status_code == 201, response.get_json()
        return {**body, **response.get_json()}

    def login(self, user: dict[str, Any]) -> str:
        response = self.client.post("/api/v1/login", json={"email": user["email"], "password": user["password"]})
        assert response.status_code == 200, response.get_json()
        return str(response.get_json()["pre_otp_token"])

    def send_otp(self, pre_token: str) -> Any:
        return self.client.post("/api/v1/send-otp", headers=bearer(pre_token))

    def validate(self, pre_token: str, code: str) -> Any:
        return self.client.post("/api/v1/validate-otp", headers=bearer(pre_token), json={"otp": code})

    def code_for(self, user: dict[str, Any]) -> str:
        return self.sms.last_code(user["phone"])

    def sessions(self, access_token: str) -> list[dict[str, Any]]:
        response = self.client.get("/api/v1/sessions", headers=bearer(access_token))
        assert response.status_code == 200, response.get_json()
        return list(response.get_json()["sessions"])

    def session_id(self, access_token: str) -> str:
        """The id of the session this access token belongs to."""
        (current,) = [item["id"] for item in self.sessions(access_token) if item["current"]]
        return str(current)

    def signed_in(self, user: dict[str, Any] | None = None) -> dict[str, Any]:
        """Signs up (unless given a user), logs in, sends and validates; returns the token pair body."""
        user = user or self.signup()
        pre = self.login(user)
        assert self.send_otp(pre).status_code == 200
        response = self.validate(pre, self.code_for(user))
        assert response.status_code == 200, response.get_json()
        return {**response.get_json(), "user": user}
