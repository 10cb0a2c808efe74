"""gunicorn settings for the container image and the Helm chart.

Sizing comes from the environment so the chart (or `docker run -e`) can tune a
replica without rebuilding the image. Every name here is a gunicorn setting;
tests/deploy/test_gunicorn_conf.py checks that against gunicorn's own list.
"""

import os

from app.observability.gunicorn_hooks import child_exit, on_starting  # noqa: F401 - gunicorn server hooks
from app.observability.logs import gunicorn_logconfig_dict as _json_logconfig
from app.server.master import when_ready  # noqa: F401 - gunicorn server hook: the development Redis
from app.server.worker import buffering_worker as _buffering_worker


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    return int(raw) if raw else default


# The container port the chart's Service, probes and NetworkPolicy point at.
bind = "0.0.0.0:8080"  # noqa: S104 - the pod's own network namespace; the Service maps 80 to it

# Processes x threads: Argon2 verifies hold the GIL only briefly, Redis and
# database waits release it, so a few threads per worker use a core well.
workers = _env_int("GUNICORN_WORKERS", 2)
threads = _env_int("GUNICORN_THREADS", 4)
# gthread, except that each request is read whole by the event loop before a thread takes it:
# a client that dribbles its request holds no thread, and one that has not sent it whole after
# GUNICORN_REQUEST_READ_TIMEOUT seconds is answered 408 (app/server/worker.py, docs/security.md).
worker_class = _buffering_worker(_env_int("GUNICORN_REQUEST_READ_TIMEOUT", 10))

# A request that takes longer than this is stuck, not slow: the worker is recycled.
timeout = _env_int("GUNICORN_TIMEOUT", 30)
# After SIGTERM, in-flight requests get this long to finish; keep it below the
# pod's terminationGracePeriodSeconds (the chart checks that).
graceful_timeout = _env_int("GUNICORN_GRACEFUL_TIMEOUT", 20)
# Longer than typical load-balancer idle timeouts would be wasted; shorter causes resets.
keepalive = _env_int("GUNICORN_KEEPALIVE", 5)

# The app writes one JSON line per request (request id, route, status, duration,
# client ip, user id), so gunicorn's own access log stays off; its boot, signal and
# worker lines are JSON too. The container runtime collects stdout and stderr.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
logconfig_dict = _json_logconfig()

# gunicorn >= 25 opens a control socket under $HOME or $XDG_RUNTIME_DIR; the
# image runs with a read-only root filesystem and no home, and nothing uses it.
control_socket_disable = True

