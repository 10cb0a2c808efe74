"""SECRET_KEY rotation: old sessions live on through SECRET_KEY_FALLBACKS and end when it is dropped."""

import pytest

from app.config import ConfigError, Settings
from tests.support.flow import AuthFlow, bearer

OLD = "old-secret-key-0123456789-0123456789-abcdef"
NEW = "new-secret-key-9876543210-9876543210-fedcba"


def me(client, access):
    return client.get("/api/v1/me", headers=bearer(access))


def test_rotation_keeps_live_sessions_and_dropping_the_fallback_ends_them(make_app, sms):
    before = AuthFlow(make_app(SECRET_KEY=OLD).test_client(), sms)
    session = before.signed_in()
    user = session["user"]
    pending = before.login(user)  # a login in flight, its code sent under the old key
    before.send_otp(pending)
    code = before.code_for(user)

    rotated = make_app(SECRET_KEY=NEW, SECRET_KEY_FALLBACKS=OLD).test_client()
    during = AuthFlow(rotated, sms)
    assert me(rotated, session["access_token"]).status_code == 200
    assert during.validate(pending, code).status_code == 200
    renewed = rotated.post("/api/v1/token/refresh", json={"refresh_token": session["refresh_token"]})
    assert renewed.status_code == 200
    fresh = during.signed_in(user)

    after = make_app(SECRET_KEY=NEW).test_client()
    # Tokens made before the rotation are gone; the ones issued since (under the new key) work.
    assert me(after, session["access_token"]).status_code == 401
    assert me(after, renewed.get_json()["access_token"]).status_code == 200
    assert me(after, fresh["access_token"]).status_code == 200
    assert after.post("/api/v1/token/refresh", json={"refresh_token": fresh["refresh_token"]}).status_code == 200


def test_fallback_tokens_can_still_be_revoked(make_app, sms):
    session = AuthFlow(make_app(SECRET_KEY=OLD).test_client(), sms).signed_in()
    rotated = make_app(SECRET_KEY=NEW, SECRET_KEY_FALLBACKS=OLD).test_client()
    assert rotated.post("/api/v1/logout", headers=bearer(session["access_token"])).status_code == 204
    assert me(rotated, session["access_token"]).status_code == 401
    assert rotated.post("/api/v1/token/refresh", json={"refresh_token": session["refresh_token"]}).status_code == 401


def test_without_a_fallback_a_new_key_ends_every_session(make_app, sms):
    session = AuthFlow(make_app(SECRET_KEY=OLD).test_client(), sms).signed_in()
    assert me(make_app(SECRET_KEY=NEW).test_client(), session["access_token"]).status_code == 401


def test_short_fallback_key_is_refused_in_production():
    env = {"APP_ENV": "production", "SECRET_KEY": NEW, "REDIS_URL": "redis://127.0.0.1:1/0",
           "SMS_BACKEND": "file", "SMS_OUTBOX_FILE": "/dev/null", "EMAIL_BACKEND": "file",
           "EMAIL_OUTBOX_FILE": "/dev/null", "SECRET_KEY_FALLBACKS": f"{OLD},short"}
    with pytest.raises(ConfigError, match="SECRET_KEY_FALLBACKS"):
        Settings.from_env(env)
    assert Settings.from_env({**env, "SECRET_KEY_FALLBACKS": OLD}).SECRET_KEY_FALLBACKS == (OLD,)


def test_rotation_keeps_authenticator_apps_and_recovery_codes(make_app, sms, clock):
    from sqlalchemy import select

    from app.extensions import db
    from app.models import TotpFactor
    from tests.support.factors import answer, enrolled, recovery_codes, totp_code

    before_app = make_app(SECRET_KEY=OLD)
    before = AuthFlow(before_app.test_client(), sms)
    pair = enrolled(before, clock)
    codes = recovery_codes(before, pair)

    def sealed() -> str:
        with before_app.app_context():
            value = db.session.scalar(select(TotpFactor.secret))
            db.session.remove()
            return str(value)

    sealed_under_old = sealed()
    during = AuthFlow(make_app(SECRET_KEY=NEW, SECRET_KEY_FALLBACKS=OLD).test_client(), sms)
    code = totp_code(pair["totp_secret"], clock)
    assert answer(during, during.login(pair["user"]), {"otp": code, "factor": "totp"}).status_code == 200
    assert sealed() != sealed_under_old  # opened with the fallback, so sealed again under the new key
    assert answer(during, during.login(pair["user"]), {"recovery_code": codes[0]}).status_code == 200

    # Without the fallback the app's secret (resealed) still opens; codes hashed under the old key do not.
    after = AuthFlow(make_app(SECRET_KEY=NEW).test_client(), sms)
    clock.advance(30)
    code = totp_code(pair["totp_secret"], clock)
    assert answer(after, after.login(pair["user"]), {"otp": code, "factor": "totp"}).status_code == 200
    assert answer(after, after.login(pair["user"]), {"recovery_code": codes[1]}).status_code == 401
