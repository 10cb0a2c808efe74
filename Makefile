# The two commands of the README: `make run` and `make test`. Both set up .venv themselves.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
NPM ?= $(shell command -v npm)
export FLASK_APP := app

.PHONY: run test lint lock migrate clean cluster-up cluster-down soak reliability-figures bench

# Exactly the versions and files of requirements-dev.txt (hashes checked), then the app itself
# without dependencies. Reinstall only when the lock or pyproject.toml changes.
$(BIN)/.installed: pyproject.toml requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --require-hashes -r requirements-dev.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

# The lock files, resolved by uv for every platform and Python the project supports
# (docs/deploy.md#locked-dependencies). Existing pins are kept unless pyproject.toml needs
# others; `make lock LOCK_ARGS=--upgrade` (or --upgrade-package NAME) moves them on.
# requirements.txt is what the image installs; requirements-dev.txt adds the test tools
# at the same versions for everything the two share.
LOCK_FLAGS := --universal --generate-hashes --quiet --custom-compile-command "make lock" $(LOCK_ARGS)
lock: $(BIN)/.installed
	$(BIN)/uv pip compile pyproject.toml $(LOCK_FLAGS) -o requirements.txt
	$(BIN)/uv pip compile pyproject.toml --extra test -c requirements.txt $(LOCK_FLAGS) -o requirements-dev.txt

# Node tools of the test suite (newman), into ./node_modules exactly as package-lock.json says.
# Without npm the newman test skips and says why (with CI=true it fails instead).
node_modules/.installed: package.json package-lock.json
	$(NPM) ci --no-audit --no-fund --loglevel=error
	touch $@

migrate: $(BIN)/.installed
	$(BIN)/flask db upgrade

# Development server: embedded SQLite + embedded Redis + console SMS backend. gunicorn reads
# ./gunicorn.conf.py (the image's worker, which reads requests whole, and its hooks); the flags resize it.
run: migrate
	$(BIN)/gunicorn "app:create_app()" --bind $(HOST):$(PORT) --workers 1 --threads 8 \
		--no-control-socket --graceful-timeout 10

test: $(BIN)/.installed $(if $(NPM),node_modules/.installed)
	$(BIN)/pytest $(PYTEST_ARGS)

# The Helm chart's topology on this machine: 3 replicas + nginx + Redis (needs nginx).
cluster-up: $(BIN)/.installed
	$(BIN)/python scripts/cluster.py up

cluster-down:
	$(BIN)/python scripts/cluster.py down

# Mixed flows against gunicorn on a private PostgreSQL + Redis; fails on any 5xx or lost signup.
SOAK_SECONDS ?= 60
soak: $(BIN)/.installed
	SOAK_SECONDS=$(SOAK_SECONDS) $(BIN)/python -m tests.reliability.soak

# Latency of each outage answer and time to recover, for docs/reliability.md.
reliability-figures: $(BIN)/.installed
	$(BIN)/python -m tests.reliability.figures


# ruff; bandit (no medium or high finding); mypy over app/ ([tool.mypy] in pyproject.toml);
# pip-audit, which says so without failing when its vulnerability data cannot be reached
# (AUDIT_STRICT=1 makes that fatal).
lint: $(BIN)/.installed
	$(BIN)/ruff check app tests bench
	$(BIN)/bandit -q -r app bench scripts --severity-level medium
	$(BIN)/python -m mypy app
	$(BIN)/python scripts/audit_dependencies.py

# Benchmarks: one run of everything (about 3 minutes on a quiet 2-core machine), then
# docs/benchmarks.md and its charts from the results. See docs/benchmarks.md.
$(BIN)/.bench-installed: $(BIN)/.installed
	$(BIN)/pip install --quiet -e '.[test,bench]'
	touch $@

bench: $(BIN)/.bench-installed
	$(BIN)/python -m bench.run --out docs/bench-results.json
	$(BIN)/python -m bench.report docs/bench-results.json

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache .mypy_cache node_modules
