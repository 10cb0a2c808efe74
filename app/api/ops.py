"""Liveness, readiness and metrics for orchestrators and Prometheus."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify

from app.container import services

bp = Blueprint("ops", __name__)

READY_RETRY_AFTER_SECONDS = 5


@bp.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@bp.get("/readyz")
def readyz() -> dict[str, Any] | Response:
    checks = services().readiness.check()
    ok = all(result == "ok" for result in checks.values())
    if ok:
        return {"status": "ok", "checks": checks}
    # Like every 503: the wait in the Retry-After header and, for a UI or a script, in the body.
    response: Response = jsonify({"status": "fail", "checks": checks, "retry_after": READY_RETRY_AFTER_SECONDS})
    response.status_code = 503
    response.headers["Retry-After"] = str(READY_RETRY_AFTER_SECONDS)
    return response


@bp.get("/metrics")
def metrics() -> Response:
    body, content_type = services().metrics.exposition()
    return Response(body, content_type=content_type)
