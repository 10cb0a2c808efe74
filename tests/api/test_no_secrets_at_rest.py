"""After a full flow, no password, code or token is readable in Redis (the event stream too), the
database (the drained audit rows too) or the logs."""

import base64
import logging
import re

from sqlalchemy import text

from app.extensions import db
from tests.support.app_state import drain, redis_dump
from tests.support.factors import answer, enrolled, recovery_codes, totp_code
from tests.support.flow import bearer


def test_no_plaintext_secrets_anywhere(app, flow, client, caplog, clock):
    caplog.set_level(logging.DEBUG)
    user = flow.signup(password="a very particular passphrase 42")
    pre = flow.login(user)
    flow.send_otp(pre)
    code = flow.code_for(user)
    pair = flow.validate(pre, code).get_json()
    refreshed = client.post("/api/v1/token/refresh", json={"refresh_token": pair["refresh_token"]}).get_json()
    client.get("/api/v1/me", headers=bearer(refreshed["access_token"]))
    # Second factors: an authenticator app (its secret) and recovery codes, one of them used.
    factors = enrolled(flow, clock, {**refreshed, "user": user})
    totp_secret = factors["totp_secret"]
    codes = recovery_codes(flow, factors)
    assert answer(flow, flow.login(user), {"recovery_code": codes[0]}).status_code == 200
    remembered = answer(flow, flow.login(user), {"otp": totp_code(totp_secret, clock), "factor": "totp",
                                                 "remember_device": True}).get_json()
    device_token = remembered["device_token"]
    on_device = client.post("/api/v1/login", json={"email": user["email"], "password": user["password"],
                                                   "device_token": device_token}).get_json()
    assert on_device["otp_required"] is False
    secrets = [
        user["password"],
        pre,
        pair["access_token"],
        pair["refresh_token"],
        refreshed["access_token"],
        refreshed["refresh_token"],
        totp_secret,
        device_token,
        on_device["access_token"],
        on_device["refresh_token"],
        totp_secret.lower(),
        base64.b32decode(totp_secret).hex(),  # the secret's raw bytes, as a hex dump would show them
        *codes,
        *(code.replace("-", "") for code in codes),
    ]

    dump = redis_dump(app)
    assert dump, "the flow left nothing in Redis to inspect"

    drain(app)
    with app.app_context():
        for table in ("users", "totp_factors", "recovery_codes", "auth_events"):
            rows = db.session.execute(text(f"SELECT * FROM {table}")).all()
            assert rows, f"the flow left nothing in {table} to inspect"
            dump.extend(str(value) for row in rows for value in row)

    dump.extend(record.getMessage() + str(record.__dict__) for record in caplog.records)
    haystack = "\n".join(dump)
    for secret in secrets:
        assert secret not in haystack
    # A 6-digit code could occur by chance inside a hex digest or a timestamp; only a
    # free-standing occurrence would be the code itself.
    assert not re.search(rf"(?<![0-9a-f.]){code}(?![0-9a-f.])", haystack)
    assert user["email"] in haystack  # the scan did read the user row


def _email_codes(email, address):
    return [match for message in email.to(address) for match in re.findall(r"\b(\d{6})\b", message.body)]


def test_no_recovery_secret_anywhere(app, flow, client, caplog, email, sms):
    """Email codes, reset tokens and change tokens, while live and once spent: only keyed hashes at rest."""
    caplog.set_level(logging.DEBUG)
    session = flow.signed_in()
    user = session["user"]
    client.post("/api/v1/email/verification", headers=bearer(session["access_token"]))
    reset = client.post("/api/v1/password/forgot", json={"email": user["email"]}).get_json()["reset_token"]
    unknown = client.post("/api/v1/password/forgot", json={"email": "ghost@example.com"}).get_json()["reset_token"]
    change = client.post("/api/v1/phone/change", headers=bearer(session["access_token"]),
                         json={"phone": "+14155550177"}).get_json()["change_token"]
    codes = _email_codes(email, user["email"]) + [re.search(r"\d{6}", body).group(0) for _, body in sms.messages]
    assert len(codes) == 6  # emails: verification, reset, change; SMS: the sign-in, reset, change
    live = redis_dump(app)
    spent = client.post("/api/v1/password/reset", headers=bearer(reset), json={
        "email_code": codes[1], "sms_code": sms.last_code(user["phone"]), "new_password": "a reset passphrase 9"})
    assert spent.status_code == 204
    dump = live + redis_dump(app)
    drain(app)
    with app.app_context():
        rows = db.session.execute(text("SELECT * FROM auth_events")).all()
        dump.extend(str(value) for row in rows for value in row)
    dump.extend(record.getMessage() + str(record.__dict__) for record in caplog.records)
    haystack = "\n".join(dump)
    for secret in (reset, unknown, change, "a reset passphrase 9"):
        assert secret not in haystack
    for code in codes:
        assert not re.search(rf"(?<![0-9a-f.]){code}(?![0-9a-f.])", haystack), code
