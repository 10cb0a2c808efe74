"""Cross-origin access to /api/* for the browser origins CORS_ORIGINS names."""

from __future__ import annotations

from flask import Flask

from app.config import Settings
from app.extensions import cors


def register_cors(app: Flask, settings: Settings) -> None:
    if not settings.CORS_ORIGINS:  # with no origin allowed, CORS adds no header: skip its per-request work
        return
    cors.init_app(
        app,
        resources={r"/api/*": {"origins": list(settings.CORS_ORIGINS)}},
        allow_headers=["Authorization", "Content-Type", "X-Request-ID"],
        expose_headers=["Retry-After", "X-Request-ID"],
        max_age=600,
    )
