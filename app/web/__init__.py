"""The reference web login page: one self-contained HTML file, served at WEB_LOGIN_PATH.

The same file works from any static host on another origin: set `data-api-base`
on its <html> element to the API's URL and list the page's origin in CORS_ORIGINS.
"""

from __future__ import annotations

from functools import lru_cache
from html import escape
from importlib import resources

from flask import Flask, Response

from app.config import Settings

PAGE_FILE = "login.html"
# Each CAPTCHA provider's widget script, and the class its script renders a widget into.
CAPTCHA_SCRIPTS = {"turnstile": "https://challenges.cloudflare.com/turnstile/v0/api.js",
                   "hcaptcha": "https://js.hcaptcha.com/1/api.js"}
CAPTCHA_WIDGETS = {"turnstile": "cf-turnstile", "hcaptcha": "h-captcha"}


@lru_cache(maxsize=1)
def page_html() -> str:
    return resources.files(__name__).joinpath(PAGE_FILE).read_text(encoding="utf-8")


def render_page(settings: Settings) -> str:
    """The page, with the CAPTCHA provider's widget (signup, "Forgot password?", "Send code") and script
    when one is set."""
    provider = settings.CAPTCHA_PROVIDER
    if not provider:
        return page_html()
    key = escape(settings.CAPTCHA_SITE_KEY)
    widget = f'<div class="captcha {CAPTCHA_WIDGETS[provider]}" data-sitekey="{key}"></div>'
    script = f'<script src="{CAPTCHA_SCRIPTS[provider]}" async defer></script>'
    return page_html().replace("<!--captcha-widget-->", widget).replace("<!--captcha-script-->", script)


def register(app: Flask, settings: Settings) -> None:
    """Serves the page at WEB_LOGIN_PATH; an empty setting leaves it out."""
    if settings.WEB_LOGIN_PATH:
        page = render_page(settings)
        app.add_url_rule(settings.WEB_LOGIN_PATH, "web_login", lambda: _login_page(page), methods=["GET"])


def _login_page(page: str) -> Response:
    # A login form must not be framed by another site (clickjacking).
    return Response(page, mimetype="text/html", headers={
        "Cache-Control": "no-cache",
        "Content-Security-Policy": "frame-ancestors 'none'",
        "Referrer-Policy": "no-referrer",
    })
