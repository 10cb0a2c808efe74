"""Signup and password login."""

from typing import Any

from flask import Blueprint, request

from app.container import services
from app.http.request_input import json_body
from app.schemas.responses import login_body, user_body

bp = Blueprint("auth", __name__, url_prefix="/api/v1")


@bp.post("/signup")
def signup() -> tuple[dict[str, Any], int]:
    svc = services()
    data = json_body(svc.schemas.signup)
    user = svc.users.register(data["email"], data["phone"], data["password"], data.get("locale"))
    return user_body(user), 201


@bp.post("/login")
def login() -> dict[str, Any]:
    svc = services()
    data = json_body(svc.schemas.login)
    client = (request.remote_addr or "", request.headers.get("User-Agent", ""))
    return login_body(svc.login.login(data["email"], data["password"], request.accept_languages,
                                      data.get("device_token", ""), client))
