"""The reference web login page: one self-contained HTML file, served at WEB_LOGIN_PATH.

The same file works from any static host on another origin: set `data-api-base`
on its <html> element to the API's URL and list the page's origin in CORS_ORIGINS.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from flask import Flask, Response

from app.config import Settings

PAGE_FILE = "login.html"


@lru_cache(maxsize=1)
def page_html() -> str:
    return resources.files(__name__).joinpath(PAGE_FILE).read_text(encoding="utf-8")


def register(app: Flask, settings: Settings) -> None:
    """Serves the page at WEB_LOGIN_PATH; an empty setting leaves it out."""
    if settings.WEB_LOGIN_PATH:
        app.add_url_rule(settings.WEB_LOGIN_PATH, "web_login", _login_page, methods=["GET"])


def _login_page() -> Response:
    # A login form must not be framed by another site (clickjacking).
    return Response(page_html(), mimetype="text/html", headers={
        "Cache-Control": "no-cache",
        "Content-Security-Policy": "frame-ancestors 'none'",
        "Referrer-Policy": "no-referrer",
    })
