"""The gunicorn settings the operations tests run with: what gunicorn.conf.py is expected to import."""

from app.log_config import gunicorn_logconfig_dict
from app.metrics_gunicorn import child_exit, on_starting  # noqa: F401 - gunicorn reads the hooks by name

logconfig_dict = gunicorn_logconfig_dict()
