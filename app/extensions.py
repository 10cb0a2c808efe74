"""Bare extension objects; the app factory binds them to an app."""

from typing import TYPE_CHECKING

from flask_cors import CORS
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
cors = CORS()

# The models' base class. flask-sqlalchemy builds db.Model at run time (a subclass of Base), so
# mypy cannot take it as a base class; it checks the models against Base, which declares all they use.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model
