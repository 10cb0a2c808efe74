"""pyproject.toml and the lock files agree (`make lock` writes them; docs/deploy.md).

requirements.txt is what the image installs (--require-hashes --no-deps), so a
requirement missing from it is a crash in production and a pin outside a range
is a version the project never declared it supports. requirements-dev.txt is
what `make` installs into .venv: the tests run on the image's versions.
"""

from __future__ import annotations

import difflib
import shutil
import subprocess
from collections import defaultdict
from pathlib import Path

import pytest
from packaging.utils import canonicalize_name

from tests.deploy import lockfile
from tests.deploy.chart import ROOT
from tests.deploy.lockfile import DEV_LOCK, PROJECT, RUNTIME_LOCK
from tests.support.servers import in_ci

LOCKS = {"requirements.txt": (RUNTIME_LOCK, ()), "requirements-dev.txt": (DEV_LOCK, ("test",))}
VENV = ROOT / ".venv"


@pytest.mark.parametrize("lock", LOCKS)
def test_every_requirement_of_pyproject_is_pinned_within_its_range(lock):
    path, extras = LOCKS[lock]
    versions = defaultdict(list)
    for pin in lockfile.read(path):
        versions[pin.name].append(pin.version)
    for requirement in lockfile.requirements(extras):
        pinned = versions.get(canonicalize_name(requirement.name))
        assert pinned, f"{requirement} is not in {lock}: run `make lock`"
        outside = [v for v in pinned if not requirement.specifier.contains(v, prereleases=True)]
        assert not outside, f"{lock} pins {requirement.name}=={outside} outside {requirement}: run `make lock`"


@pytest.mark.parametrize("lock", LOCKS)
def test_every_pin_is_needed_and_hashed(lock):
    path, extras = LOCKS[lock]
    pins = lockfile.read(path)
    direct = {canonicalize_name(r.name) for r in lockfile.requirements(extras)}
    no_longer_required = sorted(p.name for p in pins if PROJECT in p.via and p.name not in direct)
    assert not no_longer_required, f"{lock} still pins what pyproject.toml dropped: run `make lock`"
    assert not lockfile.unneeded(pins, direct)
    assert [p.name for p in pins if not p.hashes] == []
    assert len({(p.name, p.marker) for p in pins}) == len(pins), "one pin per package and environment"


def test_the_dev_lock_pins_the_image_versions():
    runtime = {(p.name, p.version, p.marker): p.hashes for p in lockfile.read(RUNTIME_LOCK)}
    dev = {(p.name, p.version, p.marker): p.hashes for p in lockfile.read(DEV_LOCK)}
    assert sorted(set(runtime) - set(dev)) == []
    assert all(dev[key] == hashes for key, hashes in runtime.items())


def test_the_lock_reader_sees_every_entry():
    """Counted independently of the reader: one `name==version` line per pin."""
    for path, _ in LOCKS.values():
        entries = [line for line in path.read_text().splitlines() if "==" in line and not line.startswith(" ")]
        assert len(lockfile.read(path)) == len(entries) > 20


@pytest.mark.slow
def test_make_lock_on_this_pyproject_writes_exactly_these_files(tmp_path):
    """The resolver itself (uv, from PyPI) agrees: `make lock` keeps existing pins, so a
    lock that matches pyproject.toml comes back byte for byte; any other result is the
    change `make lock` would make."""
    uv = VENV / "bin" / "uv"
    if not uv.exists():
        pytest.fail("uv is not in .venv: `make` installs requirements-dev.txt, which has it")
    for name in ("pyproject.toml", "README.md", "requirements.txt", "requirements-dev.txt"):
        shutil.copy2(ROOT / name, tmp_path / name)
    # The Makefile's own recipe, in the copy; -o: never reinstall the venv from here.
    installed = f"{VENV}/bin/.installed"
    result = subprocess.run(["make", "--no-print-directory", "-f", str(ROOT / "Makefile"), "-C", str(tmp_path),
                             f"VENV={VENV}", "-o", installed, "lock"],
                            capture_output=True, text=True, timeout=300, check=False)
    if result.returncode != 0 and _unreachable(result.stderr) and not in_ci():
        pytest.skip(f"PyPI unreachable, the resolver cannot check the lock: {result.stderr.strip()[-300:]}")
    assert result.returncode == 0, result.stdout + result.stderr
    for name in ("requirements.txt", "requirements-dev.txt"):
        same = (ROOT / name).read_text() == (tmp_path / name).read_text()
        assert same, f"{name} is stale, `make lock` would change:\n{_diff(ROOT / name, tmp_path / name)}"


def _unreachable(stderr: str) -> bool:
    return any(word in stderr for word in ("Failed to fetch", "dns error", "error sending request", "Network"))


def _diff(expected: Path, got: Path) -> str:
    lines = difflib.unified_diff(expected.read_text().splitlines(), got.read_text().splitlines(),
                                 str(expected.name), "make lock", lineterm="", n=1)
    # Hash lines only when nothing else differs: a new version brings dozens of them.
    lines = list(lines)
    shown = [line for line in lines if "--hash=" not in line] if len(lines) > 60 else lines
    return "\n".join(shown)[:3000]
