"""Second factors in tests: authenticator-app codes computed with pyotp at the test clock's time."""

from __future__ import annotations

from typing import Any

import pyotp

from app.services.clock import ManualClock
from tests.support.flow import AuthFlow, bearer


def totp_code(secret: str, clock: ManualClock, steps: int = 0) -> str:
    """The code an authenticator app shows at the clock's time, `steps` 30-second steps away."""
    return pyotp.TOTP(secret).at(clock.now() + 30 * steps)


def enrolled(flow: AuthFlow, clock: ManualClock, pair: dict[str, Any] | None = None) -> dict[str, Any]:
    """A signed-in user with a confirmed authenticator app; the pair plus "totp_secret"."""
    pair = pair or flow.signed_in()
    access = bearer(pair["access_token"])
    enrolment = flow.client.post("/api/v1/factors/totp", headers=access)
    assert enrolment.status_code == 201, enrolment.get_json()
    secret = enrolment.get_json()["secret"]
    confirm = flow.client.post("/api/v1/factors/totp/confirm", headers=access,
                               json={"code": totp_code(secret, clock)})
    assert confirm.status_code == 204, confirm.get_json()
    clock.advance(30)  # the confirming code is spent; the next sign-in uses the next step's
    return {**pair, "totp_secret": secret}


def recovery_codes(flow: AuthFlow, pair: dict[str, Any]) -> list[str]:
    response = flow.client.post("/api/v1/factors/recovery-codes", headers=bearer(pair["access_token"]))
    assert response.status_code == 201, response.get_json()
    return list(response.get_json()["recovery_codes"])


def answer(flow: AuthFlow, pre_token: str, body: dict[str, Any]) -> Any:
    return flow.client.post("/api/v1/validate-otp", headers=bearer(pre_token), json=body)
