"""What the recovery endpoints cost in Redis round trips and SQL statements, counted, not timed
(like test_request_costs.py). An unknown email costs /password/forgot what a known one does."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from bench.counters import metered
from tests.support.flow import AuthFlow, bearer

# endpoint → (Redis round trips, SQL reads, SQL writes) per request.
EXPECTED = {
    # IP limit (checked, then counted); the user read; the request opened under the account's cap; the SMS
    # reserved and finished by send_reserve/send_finish (per-phone cap, per-IP cap, SMS budget); the
    # request settled (the old one revoked); password_reset_requested on the stream.
    "forgot": (7, 1, 0),
    # The same, for an address nobody has: the cap, then as many reads as the rest would cost.
    "forgot-unknown": (7, 1, 0),
    # The request's owner; the user; one script judging both codes and ending every session; the
    # session_ended event; the new hash (UPDATE); the end_all that catches a login begun meanwhile.
    "reset": (4, 1, 1),
    # IP limit (2); the token tried as a pre-OTP token, then as an access token; the user; then the
    # request opened, its SMS reserved and finished, the request settled.
    "phone-change": (8, 1, 0),
    # As reset: owner, verdict (sessions ended), session_ended, end_all; the new phone (UPDATE).
    "phone-confirm": (4, 1, 1),
    # The access token, the code reserved (cooldown, hourly cap, account window), email_code_sent.
    "email-verification": (3, 1, 0),
    # The access token, the code checked (with its event); email_verified (UPDATE).
    "email-verify": (2, 1, 1),
}


def _measure(meter: Any, send: Callable[[], Any], ok: int) -> tuple[float, float, float]:
    def one(_: int) -> None:
        response = send()
        assert response.status_code == ok, response.get_json()
    row = meter.measure(1, one)
    return row["redis_round_trips"], row["sql_reads"], row["sql_writes"]


@pytest.fixture
def counted(make_app, sms, email) -> dict[str, tuple[float, float, float]]:  # type: ignore[no-untyped-def]
    app = make_app()
    client = app.test_client()
    flow = AuthFlow(client, sms)
    warm, user, changer = flow.signed_in(), flow.signed_in(), flow.signed_in()
    table: dict[str, tuple[float, float, float]] = {}
    with metered(app, app.extensions["otp_auth"].redis, server_is_private=False) as meter:
        # Warm-up: the counting connections open and the scripts load outside the counts.
        warm_token = client.post("/api/v1/password/forgot", json={"email": warm["user"]["email"]}).get_json()
        warm_codes = {"email_code": email.last_code(warm["user"]["email"]),
                      "sms_code": sms.last_code(warm["user"]["phone"])}
        for codes in ({"email_code": "000000", "sms_code": "000000"}, warm_codes):
            client.post("/api/v1/password/reset", headers=bearer(warm_token["reset_token"]),
                        json={**codes, "new_password": "a warm-up passphrase"})
        warm = flow.signed_in()
        client.post("/api/v1/email/verification", headers=bearer(warm["access_token"]))
        client.post("/api/v1/email/verify", headers=bearer(warm["access_token"]), json={"code": "000000"})
        reset_token: list[str] = []

        def forgot() -> Any:
            response = client.post("/api/v1/password/forgot", json={"email": user["user"]["email"]})
            reset_token.append(response.get_json()["reset_token"])
            return response
        table["forgot"] = _measure(meter, forgot, 202)
        table["forgot-unknown"] = _measure(
            meter, lambda: client.post("/api/v1/password/forgot", json={"email": "nobody@example.com"}), 202)
        body = {"email_code": email.last_code(user["user"]["email"]), "sms_code": sms.last_code(user["user"]["phone"]),
                "new_password": "a counted new passphrase"}
        table["reset"] = _measure(
            meter, lambda: client.post("/api/v1/password/reset", headers=bearer(reset_token[0]), json=body), 204)
        change_token: list[str] = []

        def change() -> Any:
            response = client.post("/api/v1/phone/change", headers=bearer(changer["access_token"]),
                                   json={"phone": "+14155550155"})
            change_token.append(response.get_json()["change_token"])
            return response
        table["phone-change"] = _measure(meter, change, 202)
        (by_email,) = re.findall(r"\b(\d{6})\b", email.to(changer["user"]["email"])[-1].body)
        codes = {"email_code": by_email, "sms_code": sms.last_code("+14155550155")}
        table["phone-confirm"] = _measure(
            meter, lambda: client.post("/api/v1/phone/confirm", headers=bearer(change_token[0]), json=codes), 200)
        fresh = flow.signed_in()
        table["email-verification"] = _measure(
            meter, lambda: client.post("/api/v1/email/verification", headers=bearer(fresh["access_token"])), 202)
        code = {"code": email.last_code(fresh["user"]["email"])}
        table["email-verify"] = _measure(
            meter, lambda: client.post("/api/v1/email/verify", headers=bearer(fresh["access_token"]), json=code), 200)
    app.extensions["otp_auth"].after_response.drain()
    return table


def test_each_recovery_endpoint_costs_what_it_should(counted):  # type: ignore[no-untyped-def]
    assert counted == EXPECTED


def test_an_unknown_email_costs_forgot_what_a_known_one_does(counted):  # type: ignore[no-untyped-def]
    assert counted["forgot-unknown"] == counted["forgot"]
