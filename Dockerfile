# syntax=docker/dockerfile:1
# otp-auth: a slim, non-root image that serves the API with gunicorn on port 8080.
# Build:   docker build -t otp-auth:0.1.0 .
# Migrate: docker run --rm --env-file prod.env otp-auth:0.1.0 flask --app app db upgrade
# Serve:   docker run --rm -p 8080:8080 --env-file prod.env otp-auth:0.1.0

# Pinned to a patch release (bump deliberately); both stages use the same base
# so the virtualenv built in the first runs unchanged in the second. Another
# base must be a Debian bookworm with python3 (3.11), python3-venv and
# ca-certificates: the image test builds on such a stand-in (docs/deploy.md).
ARG PYTHON_IMAGE=python:3.11.13-slim-bookworm

# ---- Stage 1: build the dependencies into a virtualenv -----------------------
FROM ${PYTHON_IMAGE} AS builder

# No pip cache in the layer; no pip self-update check at build time. (pip
# still compiles the dependencies' bytecode, which the read-only runtime needs.)
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# A virtualenv is one directory to copy into the runtime stage, nothing else leaks.
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH

WORKDIR /src

# Dependencies first, in their own layer: it is rebuilt only when the lock
# changes, not on every source edit. requirements.txt (`make lock`) pins every
# package, transitive ones included, with the hashes of its files: each build
# of a commit installs the same bits, and a file that differs from the one
# locked is refused. Every dependency ships a manylinux wheel, so no compiler
# or apt package is needed.
COPY requirements.txt ./
RUN pip install --no-cache-dir --require-hashes --no-deps --requirement requirements.txt

# ---- Stage 2: the runtime image -----------------------------------------------
FROM ${PYTHON_IMAGE} AS runtime

# Unbuffered output reaches `kubectl logs` at once; no .pyc writes on a
# read-only root filesystem; the app imports from /app; production by default,
# so a container started without configuration refuses to run instead of
# running in development mode.
ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PATH=/opt/venv/bin:$PATH \
    PYTHONPATH=/app \
    APP_ENV=production

# A fixed non-root UID/GID (10001) that the chart's runAsUser matches; no home,
# no login shell.
RUN groupadd --system --gid 10001 otp \
    && useradd --system --uid 10001 --gid otp --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin otp

# The dependencies, owned by root: the app user can read but not change them.
COPY --from=builder /opt/venv /opt/venv

WORKDIR /app

# The application, its migrations (the chart's hook Job runs
# `flask --app app db upgrade` from this image), the OpenAPI document it
# serves at /openapi.yaml and /docs, and the gunicorn settings.
COPY app ./app
COPY migrations ./migrations
COPY openapi.yaml ./
COPY gunicorn.conf.py ./

# Bytecode compiled at build time, since the running container cannot write it;
# and whatever umask the checkout was made with (0077 leaves folders 0700), the
# app user can read the code and only root can change it.
RUN chmod -R a+rX,go-w /app \
    && python -m compileall -q /app/app /app/migrations

# From here on nothing runs as root.
USER 10001:10001

# gunicorn's bind address in gunicorn.conf.py.
EXPOSE 8080

# Exec form: gunicorn is PID 1 and receives SIGTERM directly for a graceful stop.
CMD ["gunicorn", "--config", "gunicorn.conf.py", "app:create_app()"]
