"""Signed-in endpoints: who am I, refresh, logout, and the check for other services."""

from typing import Any

from flask import Blueprint, Response

from app.container import services
from app.http.request_input import bearer_token, json_body
from app.problems import InvalidToken
from app.schemas.responses import token_pair_body, user_body

bp = Blueprint("session", __name__, url_prefix="/api/v1")


@bp.get("/me")
def me() -> dict[str, Any]:
    svc = services()
    claims = svc.tokens.access_claims(bearer_token())
    user = svc.users.get(claims.user_id)
    if user is None:
        raise InvalidToken("The account behind this token no longer exists.")
    return user_body(user)


@bp.post("/token/refresh")
def refresh() -> dict[str, Any]:
    svc = services()
    data = json_body(svc.schemas.refresh)
    return token_pair_body(svc.tokens.refresh(data["refresh_token"]))


@bp.post("/logout")
def logout() -> Response:
    svc = services()
    token = bearer_token()
    json_body(svc.schemas.empty)
    svc.tokens.logout(token)
    return Response(status=204)


@bp.route("/auth/check", methods=["GET", "HEAD"])
def auth_check() -> Response:
    svc = services()
    checked = svc.tokens.check(bearer_token())
    headers = {"X-User-Id": checked.user_id}
    if checked.forwarded_jwt:
        headers[svc.settings.AUTH_CHECK_JWT_HEADER] = checked.forwarded_jwt
    return Response(status=204, headers=headers)
