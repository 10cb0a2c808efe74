"""The gunicorn settings the operations tests run with: what gunicorn.conf.py is expected to import."""

from app.observability.gunicorn_hooks import child_exit, on_starting  # noqa: F401 - gunicorn reads the hooks by name
from app.observability.logs import gunicorn_logconfig_dict

logconfig_dict = gunicorn_logconfig_dict()
