"""Cross-origin access to /api/* for the browser origins CORS_ORIGINS names.

An answer grants an origin only when the request's Origin is one of them
(exact, case-insensitive: no `null`, no look-alike host, no other scheme); a
request without Origin gets no grant. Every /api/ answer says `Vary: Origin`,
since what it carries depends on that header and a shared cache must not hand
one origin's answer to another. A preflight lists the methods of the route it
asks about, nothing more.
"""

from __future__ import annotations

from flask import Flask, Response, current_app, request

from app.config import Settings

ALLOW_HEADERS = "Authorization, Content-Type, X-Request-ID"
EXPOSE_HEADERS = "Retry-After, X-Request-ID"
PREFLIGHT_MAX_AGE_SECONDS = 600
# Answered by Flask itself for every route; listing them grants nothing.
_IMPLIED_METHODS = frozenset(("HEAD", "OPTIONS"))


def register_cors(app: Flask, settings: Settings) -> None:
    if not settings.CORS_ORIGINS:  # with no origin allowed nothing depends on Origin: skip the per-request work
        return
    app.after_request(CorsPolicy(settings.CORS_ORIGINS).apply)


class CorsPolicy:
    def __init__(self, origins: tuple[str, ...]) -> None:
        self._origins = frozenset(origin.lower() for origin in origins)

    def apply(self, response: Response) -> Response:
        if not request.path.startswith("/api/"):
            return response
        response.vary.add("Origin")
        origin = request.headers.get("Origin")
        if origin is None or origin.lower() not in self._origins:
            return response
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Expose-Headers"] = EXPOSE_HEADERS
        asked = request.headers.get("Access-Control-Request-Method")
        if request.method == "OPTIONS" and asked:
            _answer_preflight(response, asked)
        return response


def _answer_preflight(response: Response, asked: str) -> None:
    methods = _route_methods()
    if asked not in methods:  # the browser then refuses the call: nothing more to say
        return
    response.headers["Access-Control-Allow-Methods"] = ", ".join(sorted(methods))
    response.headers["Access-Control-Allow-Headers"] = ALLOW_HEADERS
    response.headers["Access-Control-Max-Age"] = str(PREFLIGHT_MAX_AGE_SECONDS)


def _route_methods() -> set[str]:
    """The methods the requested path answers, as its Allow header lists them."""
    adapter = current_app.url_map.bind_to_environ(request.environ)
    return set(adapter.allowed_methods()) - _IMPLIED_METHODS
