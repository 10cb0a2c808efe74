"""The second factor: send a code, validate it."""

from typing import Any

from flask import Blueprint, request

from app.container import services
from app.http.client_ip import client_bucket
from app.http.request_input import bearer_token, json_body
from app.schemas.responses import sent_body, token_pair_body

bp = Blueprint("otp", __name__, url_prefix="/api/v1")


@bp.post("/send-otp")
def send_otp() -> dict[str, Any]:
    svc = services()
    token = bearer_token()
    json_body(svc.schemas.send_otp)
    return sent_body(svc.otp.send(token, request.accept_languages, client_bucket()))


@bp.post("/validate-otp")
def validate_otp() -> dict[str, Any]:
    svc = services()
    token = bearer_token()
    data = json_body(svc.schemas.validate_otp)
    client = (request.remote_addr or "", request.headers.get("User-Agent", ""))
    return token_pair_body(svc.second_factor.verify(token, data["factor"], data["answer"], client,
                                                    remember_device=data["remember_device"]))
