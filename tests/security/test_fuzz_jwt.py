"""Property-based abuse of JWT access tokens (ACCESS_TOKEN_FORMAT=jwt): headers and claims of any
shape and type, signed by the real key or by none, never make the service answer 5xx, and only
the token it issued passes."""

from __future__ import annotations

import json

import jwt as pyjwt
import pytest
from cryptography.hazmat.primitives import serialization
from hypothesis import given
from hypothesis import strategies as st

from tests.security.test_fuzz import FUZZ, assert_well_behaved
from tests.support.flow import AuthFlow, bearer
from tests.support.jwt_tokens import b64url, ed25519_pem, jwt_settings, parts

KEY = ed25519_pem()
PRIVATE = serialization.load_pem_private_key(KEY.encode(), password=None)
PATHS = [("GET", "/api/v1/auth/check"), ("GET", "/api/v1/me"), ("POST", "/api/v1/logout")]

json_scalar = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20)
json_value = st.recursive(json_scalar, lambda inner: st.lists(inner, max_size=3)
                          | st.dictionaries(st.text(max_size=8), inner, max_size=3), max_leaves=8)


@pytest.fixture
def signed_in(make_app, sms):  # type: ignore[no-untyped-def]
    app = make_app(**jwt_settings(KEY, AUTH_CHECK_FORWARD_JWT="true"))
    client = app.test_client()
    return client, AuthFlow(client, sms).signed_in()["access_token"]


def mutated(real_header: dict, real_claims: dict):  # type: ignore[no-untyped-def]
    """Header and claims: the real ones with members replaced by any JSON, dropped or added."""
    def change(real: dict):  # type: ignore[no-untyped-def]
        return st.fixed_dictionaries({name: st.just(value) | json_value for name, value in real.items()}).flatmap(
            lambda kept: st.dictionaries(st.sampled_from([*real, "crit", "jku", "x5u", "b64", "zip"]), json_value,
                                         max_size=2).map(lambda extra: {**kept, **extra}))
    return st.tuples(change(real_header), change(real_claims))


@pytest.mark.parametrize(("method", "path"), PATHS)
def test_any_header_and_claims_never_5xx_and_only_the_real_token_passes(signed_in, method, path):
    client, token = signed_in
    header, claims, signature = parts(token)

    @FUZZ
    @given(shape=mutated(header, claims), signing=st.sampled_from(["real key", "kept signature", "random"]),
           noise=st.binary(max_size=80))
    def attack(shape, signing, noise):  # type: ignore[no-untyped-def]
        head, body = shape
        if signing == "real key":  # what a bug in an old release could have signed: still no 5xx
            try:
                forged = pyjwt.encode(body, PRIVATE, algorithm="EdDSA", headers={**head, "alg": "EdDSA"})
            except (TypeError, ValueError, pyjwt.PyJWTError):
                return  # PyJWT will not encode it; nobody could have been issued it
        else:
            sig = signature if signing == "kept signature" else b64url(noise)
            forged = ".".join(b64url(json.dumps(part).encode()) for part in (head, body)) + "." + sig
        response = client.open(path, method=method, headers=bearer(forged))
        assert_well_behaved(response, method)
        if (head, body) != (header, claims) and response.status_code < 300:
            # Only the real key's signature over the real token's issuer, audience, user and id may pass.
            assert signing == "real key", (head, body)
            assert all(body.get(name) == claims[name] for name in ("iss", "aud", "sub", "jti")), body

    attack()
