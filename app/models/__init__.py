"""SQLAlchemy models. Import them here so Alembic sees every table."""

from app.models.auth_event import AuthEvent
from app.models.factors import RecoveryCode, TotpFactor
from app.models.user import User

__all__ = ["AuthEvent", "RecoveryCode", "TotpFactor", "User"]
