"""Blueprints: HTTP in, one service call, HTTP out."""

from flask import Flask

from app.api import auth, ops, otp, session


def register_blueprints(app: Flask) -> None:
    for module in (auth, otp, session, ops):
        app.register_blueprint(module.bp)
