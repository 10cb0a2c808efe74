"""A bad setting stops a real start-up with one line naming it (what an operator sees in `kubectl logs`)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]


def start(tmp_path: Path, settings: dict[str, str]) -> subprocess.CompletedProcess[str]:
    # Only what a container would have: no inherited APP_ENV, REDIS_URL, ... from the developer's shell.
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path), "LANG": "C.UTF-8", **settings}
    return subprocess.run(
        [sys.executable, "-c", "from app import create_app; create_app()"],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=60, check=False,
    )


@pytest.mark.parametrize(("settings", "named"), [
    ({"OTP_LENGTH": "six"}, "OTP_LENGTH"),
    # Argon2 refuses under 8 KiB a lane: once a traceback from the first hash, now a config line.
    ({"ARGON2_MEMORY_COST_KIB": "1", "SECRET_KEY": "k" * 32, "REDIS_URL": "redis://127.0.0.1:1/0",
      "DATABASE_URL": "sqlite:///:memory:"}, "ARGON2_MEMORY_COST_KIB"),
    # Production never signs JWTs with a key it made up.
    ({"APP_ENV": "production", "SECRET_KEY": "k" * 32, "REDIS_URL": "redis://127.0.0.1:1/0",
      "SMS_BACKEND": "file", "SMS_OUTBOX_FILE": "/tmp/outbox.jsonl", "ACCESS_TOKEN_FORMAT": "jwt"},
     "JWT_SIGNING_KEYS"),
])
def test_bad_setting_exits_non_zero_with_one_line_naming_it(tmp_path: Path, settings: dict[str, str],
                                                            named: str) -> None:
    result = start(tmp_path, settings)

    assert result.returncode != 0
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert named in lines[0]
    assert "Traceback" not in result.stderr
