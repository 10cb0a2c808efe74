"""What a whole sign-in really leaves in Redis: namespaced keys, each with a TTL (the event stream is
bounded by its length instead), no secret in any name."""

from __future__ import annotations

from typing import Any

import redis
from flask import Flask

from app.stores.keys import KeyNames
from tests.support.flow import AuthFlow


def test_a_full_sign_in_leaves_only_namespaced_expiring_keys_without_secrets(
    app: Flask, flow: AuthFlow, env: dict[str, str],
) -> None:
    user = flow.signup()
    failed_login = flow.client.post("/api/v1/login", json={"email": user["email"], "password": "wrong password!"})
    assert failed_login.status_code == 401
    session: dict[str, Any] = flow.signed_in(user)
    pre_token = flow.login(user)
    assert flow.send_otp(pre_token).status_code == 200
    secrets = [user["email"], user["phone"], user["phone"].lstrip("+"), user["password"], pre_token,
               session["access_token"], session["refresh_token"], flow.code_for(user)]

    client: redis.Redis = app.extensions["otp_auth"].redis
    prefix = env["REDIS_KEY_PREFIX"]
    names = [key.decode() if isinstance(key, bytes) else key for key in client.scan_iter(match=f"{prefix}*")]
    assert len(names) >= 5  # tokens, login failures, phone sends, chains, ...

    streams = {KeyNames(prefix).events()}  # bounded by MAXLEN instead of a TTL (app/stores/keys.py)
    assert streams <= set(names)
    for name in names:
        if name in streams:
            assert client.type(name) == b"stream"
        else:
            assert client.ttl(name) > 0, name
        for secret in secrets:
            assert secret not in name, name


def test_account_recovery_leaves_only_namespaced_expiring_keys_without_secrets(
    app: Flask, flow: AuthFlow, env: dict[str, str], email: Any, sms: Any,
) -> None:
    session: dict[str, Any] = flow.signed_in()
    user = session["user"]
    access = {"Authorization": f"Bearer {session['access_token']}"}
    flow.client.post("/api/v1/email/verification", headers=access)
    flow.client.post("/api/v1/email/verify", headers=access, json={"code": "000000"})  # a wrong one: counted
    change = flow.client.post("/api/v1/phone/change", headers=access, json={"phone": "+14155550144"}).get_json()
    reset = flow.client.post("/api/v1/password/forgot", json={"email": user["email"]}).get_json()
    ghost = flow.client.post("/api/v1/password/forgot", json={"email": "ghost@example.com"}).get_json()
    secrets = [user["email"], "ghost@example.com", user["phone"], "+14155550144", change["change_token"],
               reset["reset_token"], ghost["reset_token"], session["access_token"]]

    client: redis.Redis = app.extensions["otp_auth"].redis
    prefix = env["REDIS_KEY_PREFIX"]
    names = [key.decode() if isinstance(key, bytes) else key for key in client.scan_iter(match=f"{prefix}*")]
    assert any(":recovery:" in name for name in names)
    for name in names:
        if name != KeyNames(prefix).events():
            assert client.ttl(name) > 0, name
        for secret in secrets:
            assert secret not in name, name
