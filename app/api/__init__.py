"""Blueprints: HTTP in, one service call, HTTP out."""

from flask import Flask

from app import web
from app.api import account, auth, docs, factors, jwks, ops, otp, recovery, session


def register_blueprints(app: Flask) -> None:
    for module in (auth, otp, session, account, factors, recovery, ops, docs, jwks):
        app.register_blueprint(module.bp)
    web.register(app, app.config["OTP_AUTH_SETTINGS"])
