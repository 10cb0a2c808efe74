"""Account recovery: a verified email, a forgotten password, a lost or new phone (API.md)."""

from flask import Blueprint, Response, request

from app.container import services
from app.http.client_ip import client_bucket
from app.http.request_input import bearer_token, json_body
from app.schemas.responses import change_body, reset_body, sent_body, user_body

bp = Blueprint("recovery", __name__, url_prefix="/api/v1")


@bp.post("/email/verification")
def email_verification():  # type: ignore[no-untyped-def]
    svc = services()
    token = bearer_token()
    json_body(svc.schemas.empty)
    return sent_body(svc.recovery.email.send(token, request.accept_languages)), 202


@bp.post("/email/verify")
def email_verify():  # type: ignore[no-untyped-def]
    svc = services()
    token = bearer_token()
    data = json_body(svc.schemas.recovery.email_verify)
    return user_body(svc.recovery.email.verify(token, data["code"]))


@bp.post("/password/forgot")
def password_forgot():  # type: ignore[no-untyped-def]
    svc = services()
    data = json_body(svc.schemas.recovery.forgot)
    return reset_body(svc.recovery.password.forgot(data["email"], request.accept_languages, client_bucket())), 202


@bp.post("/password/reset")
def password_reset():  # type: ignore[no-untyped-def]
    svc = services()
    token = bearer_token()
    data = json_body(svc.schemas.recovery.reset)
    svc.recovery.password.reset(token, data["email_code"], data["second"], data["new_password"])
    return Response(status=204)


@bp.post("/phone/change")
def phone_change():  # type: ignore[no-untyped-def]
    svc = services()
    token = bearer_token()
    data = json_body(svc.schemas.recovery.phone_change)
    return change_body(svc.recovery.phone.change(token, data["phone"], request.accept_languages,
                                                 client_bucket())), 202


@bp.post("/phone/confirm")
def phone_confirm():  # type: ignore[no-untyped-def]
    svc = services()
    token = bearer_token()
    data = json_body(svc.schemas.recovery.phone_confirm)
    return user_body(svc.recovery.phone.confirm(token, data["email_code"], data["sms_code"]))
