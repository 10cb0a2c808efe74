"""JWT_SIGNING_KEYS: PEM blocks or JWKs, read and checked once at start-up, kept as JWK JSON.

Accepted: Ed25519 keys (signing with EdDSA) and P-256 keys (ES256). The first key
signs, so it must be a private key; the others only verify and may be public
keys. Several keys are several PEM blocks one after another, or a JSON array /
JWK Set (`{"keys": [...]}`). A `kid` given in a JWK is ignored: the service
always names a key by its RFC 7638 thumbprint.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from joserfc.jwk import import_key

from app.config.base import ConfigError

# (kty, crv) → the JWS alg that key signs with.
ALGORITHMS = {("OKP", "Ed25519"): "EdDSA", ("EC", "P-256"): "ES256"}
_PEM = re.compile(r"-----BEGIN ([A-Z0-9 ]+)-----.+?-----END \1-----", re.S)


def signing_keys(env: Mapping[str, str], name: str, default: tuple[str, ...]) -> tuple[str, ...]:
    raw = (env.get(name) or "").strip()
    if not raw:
        return default
    return read_keys(raw, name)


def read_keys(raw: str, name: str = "JWT_SIGNING_KEYS") -> tuple[str, ...]:
    """The keys of `raw` as JWK JSON strings (private ones with `d`), first one private."""
    if "\\n" in raw and "\n" not in raw:  # a PEM squeezed onto one line of an env file
        raw = raw.replace("\\n", "\n")
    jwks = [_jwk(item, name, position) for position, item in enumerate(_items(raw, name), start=1)]
    if not jwks:
        raise ConfigError(f"{name} holds no key")
    if "d" not in jwks[0]:
        raise ConfigError(f"{name}: the first key signs, so it must be a private key")
    thumbprints = [import_key(jwk, jwk["kty"]).thumbprint() for jwk in jwks]
    if len(set(thumbprints)) != len(thumbprints):
        raise ConfigError(f"{name} lists one key twice")
    return tuple(json.dumps(jwk, sort_keys=True) for jwk in jwks)


def generate_pem() -> str:
    """A new Ed25519 private key in PKCS#8 PEM (the development key kept under instance/)."""
    key = ed25519.Ed25519PrivateKey.generate()
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


def _items(raw: str, name: str) -> list[str | dict[str, Any]]:
    if raw.startswith(("{", "[")):
        try:
            parsed = json.loads(raw)
        except ValueError:
            raise ConfigError(f"{name} is neither PEM nor valid JSON (a JWK, a list of JWKs or a JWK Set)") from None
        if isinstance(parsed, dict):
            parsed = parsed["keys"] if "keys" in parsed else [parsed]
        if not isinstance(parsed, list) or not all(isinstance(item, dict) for item in parsed):
            raise ConfigError(f"{name} must be a JWK, a list of JWKs or a JWK Set")
        return list(parsed)
    blocks = [match.group(0) for match in _PEM.finditer(raw)]
    if not blocks:
        raise ConfigError(f"{name} must hold PEM keys (-----BEGIN PRIVATE KEY----- ...) or JWKs")
    return list(blocks)


def _jwk(item: str | dict[str, Any], name: str, position: int) -> dict[str, Any]:
    """One key as a JWK dict, checked to be an Ed25519 or P-256 key."""
    kty = _pem_type(item, name, position) if isinstance(item, str) else str(item.get("kty"))
    curve = item.get("crv") if isinstance(item, dict) else None
    if isinstance(item, dict) and (kty, curve) not in ALGORITHMS:
        raise ConfigError(f"{name} key {position}: only Ed25519 (OKP) and P-256 (EC) keys are supported")
    try:
        key = import_key(item, kty)  # type: ignore[call-overload]  # joserfc overloads want a Literal key type
        jwk = key.as_dict(private=key.is_private)
    except ValueError as error:
        raise ConfigError(f"{name} key {position} cannot be read: {str(error)[:80] or 'bad key data'}") from None
    return {field: jwk[field] for field in ("kty", "crv", "x", "y", "d") if field in jwk}


def _pem_type(block: str, name: str, position: int) -> str:
    data = block.encode()
    try:
        if "PRIVATE KEY" in block:
            key: Any = serialization.load_pem_private_key(data, password=None)
        else:
            key = serialization.load_pem_public_key(data)
    except (ValueError, TypeError):
        raise ConfigError(f"{name} key {position} is not a readable unencrypted PEM key") from None
    if isinstance(key, ed25519.Ed25519PrivateKey | ed25519.Ed25519PublicKey):
        return "OKP"
    if isinstance(key, ec.EllipticCurvePrivateKey | ec.EllipticCurvePublicKey) and key.curve.name == "secp256r1":
        return "EC"
    raise ConfigError(f"{name} key {position}: only Ed25519 and P-256 keys are supported")
