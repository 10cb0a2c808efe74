"""Self-service for a signed-in user: sessions, password change, account deletion."""

from flask import Blueprint, Response

from app.container import services
from app.http.request_input import bearer_token, json_body
from app.schemas.responses import sessions_body

bp = Blueprint("account", __name__, url_prefix="/api/v1")


@bp.get("/sessions")
def list_sessions():  # type: ignore[no-untyped-def]
    sessions, current = services().sessions.list(bearer_token())
    return sessions_body(sessions, current)


@bp.delete("/sessions/<id>")
def end_session(id: str):  # type: ignore[no-untyped-def]  # the contract names it {id}
    svc = services()
    token = bearer_token()
    json_body(svc.schemas.empty)
    svc.sessions.end(token, id)
    return Response(status=204)


@bp.delete("/sessions")
def end_other_sessions():  # type: ignore[no-untyped-def]
    svc = services()
    token = bearer_token()
    json_body(svc.schemas.empty)
    svc.sessions.end_others(token)
    return Response(status=204)


@bp.post("/password/change")
def change_password():  # type: ignore[no-untyped-def]
    svc = services()
    token = bearer_token()
    data = json_body(svc.schemas.password_change)
    svc.account.change_password(token, data["current_password"], data["new_password"])
    return Response(status=204)


@bp.delete("/me")
def delete_account():  # type: ignore[no-untyped-def]
    svc = services()
    token = bearer_token()
    data = json_body(svc.schemas.delete_account)
    svc.account.delete(token, data["password"])
    return Response(status=204)
