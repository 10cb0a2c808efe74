"""Bare extension objects; the app factory binds them to an app."""

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
# Per-IP limits only; the account, login and phone rules live in services/.
# remote_addr is already the real client once ProxyFix has applied TRUSTED_PROXY_COUNT.
limiter = Limiter(key_func=get_remote_address, strategy="moving-window", headers_enabled=False)
