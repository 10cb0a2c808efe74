"""Bare extension objects; the app factory binds them to an app."""

from flask import current_app
from flask_cors import CORS
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
cors = CORS()


def _client_key() -> str:
    """The client's IP, under the app's own key prefix.

    Flask-Limiter keeps the RATELIMIT_KEY_PREFIX of the first app it is bound to, so
    a second app in one process (tests, tools) would otherwise share its counters."""
    return f"{current_app.config['RATELIMIT_KEY_PREFIX']}:{get_remote_address()}"


# Per-IP limits only; the account, login and phone rules live in services/.
# remote_addr is already the real client once ProxyFix has applied TRUSTED_PROXY_COUNT.
limiter = Limiter(key_func=_client_key, strategy="moving-window", headers_enabled=False)
