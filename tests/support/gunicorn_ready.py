"""gunicorn hooks for tests: each worker says when its app is loaded and it serves."""

READY_LINE = "otp-auth test worker ready pid="


def post_worker_init(worker):  # type: ignore[no-untyped-def]
    worker.log.info("%s%s", READY_LINE, worker.pid)
