"""The current Flask request as the services' recorder sees it (app/services/ports.RequestScope)."""

from __future__ import annotations

from flask import g, has_request_context, request


class FlaskRequestScope:
    def client(self) -> tuple[str | None, str | None]:
        if not has_request_context():
            return None, None
        # remote_addr is the client's parsed address (app/http/client_ip.py), never text a client made up.
        return request.remote_addr, request.headers.get("User-Agent")

    def identify(self, user_id: str) -> None:
        if has_request_context():
            g.user_id = user_id

    def request_id(self) -> str:
        return str(g.get("request_id", "")) if has_request_context() else ""
