"""Debug mode can never be switched on in production.

Flask's debug flag can come from FLASK_DEBUG, `flask run --debug` (which sets
`app.debug` after the factory returns) or `app.run(debug=True)`. In production
the app class pins it off, whichever path tries.
"""

from __future__ import annotations

from flask import Flask

from app.config import Settings


class ProductionFlask(Flask):
    @property
    def debug(self) -> bool:
        return False

    @debug.setter
    def debug(self, value: bool) -> None:
        self.config["DEBUG"] = False


def flask_class(settings: Settings) -> type[Flask]:
    return ProductionFlask if settings.is_production else Flask
