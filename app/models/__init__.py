"""SQLAlchemy models. Import them here so Alembic sees every table."""

from app.models.user import User

__all__ = ["User"]
