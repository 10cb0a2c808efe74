"""The session tests, the happy path, the refresh race and the no-secrets scan again, with
ACCESS_TOKEN_FORMAT=jwt: every promise about access tokens holds for JWTs too."""

from __future__ import annotations

import pytest

from tests.api.test_happy_path import test_signup_login_code_me
from tests.api.test_no_secrets_at_rest import test_no_plaintext_secrets_anywhere
from tests.api.test_races import test_concurrent_refresh_one_winner_without_a_grace
from tests.api.test_session import (
    test_access_token_expires,
    test_auth_check_for_ingress,
    test_logout_kills_access_and_refresh,
    test_logout_refuses_pre_otp_token,
    test_me_requires_an_access_token,
    test_refresh_rejects_other_kinds_and_expiry,
    test_refresh_rotates_and_reuse_revokes_the_chain,
)
from tests.support.jwt_tokens import ed25519_pem, jwt_settings

KEY = ed25519_pem()

__all__ = [
    "test_access_token_expires",
    "test_auth_check_for_ingress",
    "test_concurrent_refresh_one_winner_without_a_grace",
    "test_logout_kills_access_and_refresh",
    "test_logout_refuses_pre_otp_token",
    "test_me_requires_an_access_token",
    "test_no_plaintext_secrets_anywhere",
    "test_refresh_rejects_other_kinds_and_expiry",
    "test_refresh_rotates_and_reuse_revokes_the_chain",
    "test_signup_login_code_me",
]


@pytest.fixture
def app(make_app):  # type: ignore[no-untyped-def]
    app = make_app(**jwt_settings(KEY))
    assert app.extensions["otp_auth"].settings.issues_jwts
    return app
