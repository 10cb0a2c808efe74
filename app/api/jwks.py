"""The public keys that verify JWT access tokens, for services that verify them themselves."""

from flask import Blueprint, jsonify

from app.container import services

bp = Blueprint("jwks", __name__)


@bp.get("/.well-known/jwks.json")
def jwks():  # type: ignore[no-untyped-def]
    svc = services()
    response = jsonify(svc.tokens.jwks())
    # Verifiers may cache the set this long; the key rotation procedure (docs/deploy.md) waits it out.
    response.headers["Cache-Control"] = f"public, max-age={svc.settings.JWKS_MAX_AGE_SECONDS}"
    return response
