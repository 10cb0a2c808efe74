"""gunicorn settings shared by every server the benchmark starts (service and baseline A).

Passed with --config, so a gunicorn.conf.py in the working directory never changes
a run; workers, worker class and threads come on the command line per run.
"""

loglevel = "warning"
# The service writes its own JSON access line per request; gunicorn's would be a second one.
accesslog = None
keepalive = 5
backlog = 2048
timeout = 60
graceful_timeout = 5
