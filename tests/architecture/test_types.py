"""app/ type-checks clean under mypy with the settings of [tool.mypy] in pyproject.toml.

`make lint` runs the same check; this test keeps it in `make test`, so CI holds it too."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.architecture.app_modules import APP_DIR, python_files

# A first run, with no .mypy_cache, reads every stub package: about a minute on a busy 2-core machine.
pytestmark = pytest.mark.timeout(300)


def test_mypy_finds_no_error_in_app():
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "app"],
        cwd=APP_DIR.parent, capture_output=True, text=True, timeout=280, check=False,
    )
    assert result.returncode == 0, f"mypy app (exit {result.returncode}):\n{result.stdout}{result.stderr}"
    # Every module of app/ was checked, none skipped.
    assert f"no issues found in {len(python_files())} source files" in result.stdout, result.stdout
