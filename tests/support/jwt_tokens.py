"""JWT helpers of the tests, on PyJWT: a JOSE implementation other than the service's (joserfc),
so a token is checked by code that shares nothing with the code that made it."""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519

ISSUER = "https://auth.example.com"  # as in docs/clients.md
AUDIENCE = "example-api"


def ed25519_pem() -> str:
    key = ed25519.Ed25519PrivateKey.generate()
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


def p256_pem() -> str:
    key = ec.generate_private_key(ec.SECP256R1())
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


def jwt_settings(*pems: str, **more: str) -> dict[str, str]:
    """Settings of an app that issues JWTs signed by the first of `pems`."""
    return {"ACCESS_TOKEN_FORMAT": "jwt", "JWT_SIGNING_KEYS": "\n".join(pems), "JWT_ISSUER": ISSUER,
            "JWT_AUDIENCE": AUDIENCE, **more}


def verify(token: str, jwks: dict[str, Any], **options: Any) -> dict[str, Any]:
    """PyJWT's verdict: the claims, or one of its exceptions. Checks signature, iss, aud, exp."""
    header = jwt.get_unverified_header(token)
    key = jwt.PyJWKSet.from_dict(jwks)[header["kid"]]
    return jwt.decode(token, key, algorithms=["EdDSA", "ES256"], audience=AUDIENCE, issuer=ISSUER,
                      options={"require": ["exp", "iat", "iss", "aud", "sub", "jti"], **options})


def thumbprint(jwk: dict[str, Any]) -> str:
    """RFC 7638, written out here: SHA-256 of the required members, sorted, without whitespace."""
    required = {"OKP": ("crv", "kty", "x"), "EC": ("crv", "kty", "x", "y")}[jwk["kty"]]
    canonical = json.dumps({name: jwk[name] for name in required}, separators=(",", ":"), sort_keys=True)
    return b64url(hashlib.sha256(canonical.encode()).digest())


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def parts(token: str) -> tuple[dict[str, Any], dict[str, Any], str]:
    """(header, payload, signature) of a compact JWS, read without checking anything."""
    header, payload, signature = token.split(".")
    return _json(header), _json(payload), signature


def compact(header: dict[str, Any], payload: dict[str, Any], signature: str) -> str:
    return ".".join([b64url(json.dumps(header).encode()), b64url(json.dumps(payload).encode()), signature])


def _json(segment: str) -> dict[str, Any]:
    return json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))  # type: ignore[no-any-return]
