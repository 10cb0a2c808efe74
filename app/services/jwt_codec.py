"""Access tokens as JWTs (RFC 9068 shape), through joserfc: signed by the first of JWT_SIGNING_KEYS,
verified by any of them, published as a JWK Set.

Verification picks the key by `kid` and demands that key's own algorithm, so
`alg: none`, an HMAC keyed with a public key, or a token of another key never
reaches a signature check that could pass.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import ECKey, OKPKey, import_key
from joserfc.jws import JWSRegistry

from app.config.signing_keys import ALGORITHMS

TOKEN_TYPE = "at+jwt"  # noqa: S105 - RFC 9068: a JWT access token, never an ID token or another JWT of the same key


@dataclass(frozen=True)
class AccessClaims:
    user_id: str  # sub
    session_id: str  # sid
    token_id: str  # jti
    issued_at: int  # iat
    expires_at: int  # exp
    amr: tuple[str, ...]


@dataclass(frozen=True)
class _Key:
    key: OKPKey | ECKey
    alg: str


class _PublishedAlgorithms(JWSRegistry):
    """EdDSA and ES256 only, and, unlike joserfc's own registry, no warning on EdDSA: RFC 9864
    prefers the name "Ed25519", but the verifiers in the wild (jose, PyJWT, Go, Java) know
    "EdDSA", which is what API.md promises. _key_for ties each key to its one algorithm."""

    def get_alg(self, name: str) -> Any:
        if name not in ALGORITHMS.values():
            raise JoseError(f"algorithm {name!r} is not accepted")
        return self.algorithms[name]


_REGISTRY = _PublishedAlgorithms(algorithms=list(ALGORITHMS.values()))


class JwtCodec:
    def __init__(self, keys: tuple[str, ...], issuer: str, audience: str) -> None:
        self._keys: dict[str, _Key] = {}
        for text in keys:
            jwk = json.loads(text)
            key = import_key(jwk, jwk["kty"])
            alg = ALGORITHMS[(jwk["kty"], jwk["crv"])]
            self._keys[key.thumbprint()] = _Key(key, alg)
        self._signing_kid = next(iter(self._keys))
        self._issuer = issuer
        self._audience = audience

    def sign(self, claims: AccessClaims) -> str:
        signer = self._keys[self._signing_kid]
        header = {"alg": signer.alg, "kid": self._signing_kid, "typ": TOKEN_TYPE}
        payload = {
            "iss": self._issuer,
            "sub": claims.user_id,
            "aud": self._audience,
            "iat": claims.issued_at,
            "exp": claims.expires_at,
            "jti": claims.token_id,
            "sid": claims.session_id,
            "amr": list(claims.amr),
        }
        return jwt.encode(header, payload, signer.key, registry=_REGISTRY)

    def verify(self, token: str, now: float) -> AccessClaims | None:
        """The claims of a token this service signed with a published key, live at `now`; else None."""
        try:
            found = jwt.decode(token, self._key_for, registry=_REGISTRY)
            claims = found.claims
            if found.header.get("typ") != TOKEN_TYPE or claims.get("iss") != self._issuer \
                    or claims.get("aud") != self._audience:
                return None
            expires_at = claims["exp"]
            if not isinstance(expires_at, int) or expires_at <= now:
                return None
            amr = claims.get("amr", [])
            return AccessClaims(str(claims["sub"]), str(claims["sid"]), str(claims["jti"]), int(claims["iat"]),
                                expires_at, tuple(str(item) for item in amr))
        except (JoseError, ValueError, KeyError, TypeError):
            return None

    def _key_for(self, token: Any) -> OKPKey | ECKey:
        """The published key the token names; its algorithm must be the key's own."""
        header = token.headers()
        entry = self._keys.get(header.get("kid"))
        if entry is None or header.get("alg") != entry.alg:
            raise JoseError("unknown key or algorithm")
        return entry.key

    def jwks(self) -> dict[str, list[dict[str, Any]]]:
        """Every key's public half (never `d`), named by its thumbprint."""
        return {"keys": [{**entry.key.as_dict(private=False), "kid": kid, "alg": entry.alg, "use": "sig"}
                         for kid, entry in self._keys.items()]}
