"""Liveness and readiness for orchestrators."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

from flask import Blueprint, Response, jsonify
from sqlalchemy import text

from app.container import services
from app.extensions import db

bp = Blueprint("ops", __name__)

CHECK_TIMEOUT_SECONDS = 1.0
_pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="readyz")


@bp.get("/healthz")
def healthz():  # type: ignore[no-untyped-def]
    return {"status": "ok"}


@bp.get("/readyz")
def readyz():  # type: ignore[no-untyped-def]
    from flask import current_app

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    client = services().redis

    def database() -> None:
        with app.app_context():
            with db.engine.connect() as connection:
                connection.execute(text("SELECT 1"))

    checks = {"database": _run(database), "redis": _run(client.ping)}
    ok = all(result == "ok" for result in checks.values())
    response: Response = jsonify({"status": "ok" if ok else "fail", "checks": checks})
    if not ok:
        response.status_code = 503
        response.headers["Retry-After"] = "5"
    return response


def _run(check) -> str:  # type: ignore[no-untyped-def]
    """Runs one dependency check, giving up after CHECK_TIMEOUT_SECONDS."""
    future = _pool.submit(check)
    try:
        future.result(timeout=CHECK_TIMEOUT_SECONDS)
    except FutureTimeout:
        return "fail"
    except Exception:  # noqa: BLE001 - any failure of the dependency means "not ready"
        return "fail"
    return "ok"
