"""What the image is built from and what it must (not) hold.

The build context is a copy of the working tree (tracked and untracked files,
not git-ignored ones) plus the clutter a developer's checkout has: a venv,
node_modules, instance data with a database and a secret key, an .env, stale
bytecode of a module that no longer exists. CI's fresh clone has none of it,
so without these planted files a .dockerignore that lets them through would
pass unnoticed.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path, PurePosixPath

from tests.deploy.chart import ROOT

# Planted in the build context; none of them may reach the image.
CLUTTER = {
    ".git/config": "[core]\n",
    ".venv/bin/python": "#!/bin/sh\n",
    "node_modules/newman/package.json": "{}\n",
    "instance/otp-auth.db": "sqlite",
    "instance/secret_key": "not-a-real-key",
    ".env": "SECRET_KEY=not-a-real-key\n",
    "app/.env": "SECRET_KEY=not-a-real-key\n",
    "app/leftover.db": "sqlite",
    "app/__pycache__/removed_module.cpython-311.pyc": "stale",
    ".pytest_cache/v/cache/lastfailed": "{}\n",
    "test-artifacts/trace.zip": "zip",
}

# Directory and file names that never belong in the image's /app.
FORBIDDEN_PARTS = {"tests", ".git", ".venv", "venv", "node_modules", "instance", ".pytest_cache", ".ruff_cache",
                   ".hypothesis", "test-artifacts", ".env", "secret_key"}
FORBIDDEN_SUFFIXES = (".db", ".sqlite3", ".egg-info")

# What the app reads from its own files at run time, by name (the listing test
# also requires every tracked file under app/ and migrations/).
NEEDED = ("app/__init__.py", "openapi.yaml", "gunicorn.conf.py", "migrations/env.py", "migrations/alembic.ini",
          "app/data/common-passwords.txt", "app/web/login.html")
NEEDED_GLOBS = ("migrations/versions/*.py", "app/data/sms_templates/*.json", "app/stores/lua/*.lua")


def make_context(dest: Path) -> Path:
    """Copies the working tree (as git sees it) to `dest` and plants CLUTTER there."""
    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"], cwd=ROOT,
                            capture_output=True, text=True, check=True).stdout
    for relative in filter(None, listed.split("\0")):
        source = ROOT / relative
        if source.is_file():  # a tracked file deleted in the working tree is skipped
            (dest / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / relative)
    for relative, text in CLUTTER.items():
        (dest / relative).parent.mkdir(parents=True, exist_ok=True)
        (dest / relative).write_text(text)
    return dest


def tracked_app_files() -> set[str]:
    listed = subprocess.run(["git", "ls-files", "app", "migrations"], cwd=ROOT, capture_output=True, text=True,
                            check=True).stdout.split()
    return {path for path in listed if (ROOT / path).is_file()}


def needed_files() -> set[str]:
    globbed = {str(path.relative_to(ROOT)) for pattern in NEEDED_GLOBS for path in ROOT.glob(pattern)}
    assert globbed, "the globs of NEEDED_GLOBS match nothing in the repository"
    return set(NEEDED) | globbed | tracked_app_files()


def unwanted(files: set[str]) -> list[str]:
    """Paths under /app (relative) that should not have shipped."""
    found = []
    for path in sorted(files):
        parts = PurePosixPath(path).parts
        if FORBIDDEN_PARTS & set(parts) or path.endswith(FORBIDDEN_SUFFIXES) or path in CLUTTER:
            found.append(path)
        elif "__pycache__" in parts and not _compiled_from_a_shipped_source(path, files):
            found.append(path)
    return found


def _compiled_from_a_shipped_source(pyc: str, files: set[str]) -> bool:
    """The image byte-compiles its own sources; bytecode without one came from somewhere else."""
    path = PurePosixPath(pyc)
    module = path.name.split(".")[0]
    return str(path.parent.parent / f"{module}.py") in files
