"""A signed-in account's second factors: the authenticator app and recovery codes."""

from flask import Blueprint, Response

from app.container import services
from app.http.request_input import bearer_token, json_body
from app.schemas.responses import factors_body, totp_enrolment_body

bp = Blueprint("factors", __name__, url_prefix="/api/v1/factors")


def _user_id() -> str:
    return services().tokens.access_claims(bearer_token()).user_id


@bp.get("")
def list_factors():  # type: ignore[no-untyped-def]
    return factors_body(services().factors.summary(_user_id()))


@bp.post("/totp")
def enrol_totp():  # type: ignore[no-untyped-def]
    svc = services()
    user_id = _user_id()
    json_body(svc.schemas.empty)
    return totp_enrolment_body(svc.factors.enrol_totp(user_id)), 201


@bp.post("/totp/confirm")
def confirm_totp():  # type: ignore[no-untyped-def]
    svc = services()
    user_id = _user_id()
    data = json_body(svc.schemas.confirm_totp)
    svc.factors.confirm_totp(user_id, data["code"])
    return Response(status=204)


@bp.delete("/totp")
def remove_totp():  # type: ignore[no-untyped-def]
    services().factors.remove_totp(_user_id())
    return Response(status=204)


@bp.post("/recovery-codes")
def new_recovery_codes():  # type: ignore[no-untyped-def]
    svc = services()
    user_id = _user_id()
    json_body(svc.schemas.empty)
    return {"recovery_codes": svc.factors.new_recovery_codes(user_id)}, 201
