"""Reads the lock files `make lock` writes (uv pip compile --universal --generate-hashes).

Each entry is `name==version [; marker] \\`, its `--hash=` lines, then uv's
`# via` annotation naming who needs it: `otp-auth (pyproject.toml)` for a
direct requirement, other locked packages, or `-c requirements.txt` (the
constraint that keeps the dev lock on the image's versions).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.deploy.chart import ROOT

RUNTIME_LOCK = ROOT / "requirements.txt"
DEV_LOCK = ROOT / "requirements-dev.txt"
PROJECT = "otp-auth (pyproject.toml)"
_PIN = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>\S+)(?:\s*;\s*(?P<marker>[^\\]+?))?\s*\\?$")


@dataclass
class Pin:
    name: str
    version: str
    marker: str | None
    hashes: list[str] = field(default_factory=list)
    via: list[str] = field(default_factory=list)


def read(path: Path) -> list[Pin]:
    pins: list[Pin] = []
    in_via = False
    for line in path.read_text().splitlines():
        stripped = line.strip()
        found = _PIN.match(line)
        if found:
            pins.append(Pin(canonicalize_name(found["name"]), found["version"], found["marker"]))
            in_via = False
        elif stripped.startswith("--hash="):
            pins[-1].hashes.append(stripped.removeprefix("--hash=").rstrip(" \\"))
        elif stripped.startswith("# via"):
            rest = stripped.removeprefix("# via").strip()
            in_via = not rest
            if rest:
                pins[-1].via.append(rest)
        elif in_via and stripped.startswith("#   "):
            pins[-1].via.append(stripped.removeprefix("#   ").strip())
        elif stripped and not stripped.startswith("#"):
            raise AssertionError(f"{path.name}: a line the lock reader does not know: {line!r}")
    return pins


def requirements(extras: tuple[str, ...] = ()) -> list[Requirement]:
    """pyproject.toml's dependencies plus those of `extras`."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    listed = list(project["dependencies"])
    for extra in extras:
        listed += project["optional-dependencies"][extra]
    return [Requirement(text) for text in listed]


def unneeded(pins: list[Pin], direct: set[str]) -> list[str]:
    """Pins that nothing leads to from pyproject.toml's requirements (`direct`, canonical names)."""
    needed = set()
    changed = True
    while changed:
        changed = False
        for pin in pins:
            if pin.name in needed:
                continue
            wanted_by_project = PROJECT in pin.via and pin.name in direct
            if wanted_by_project or any(canonicalize_name(parent) in needed for parent in pin.via):
                needed.add(pin.name)
                changed = True
    return sorted({pin.name for pin in pins} - needed)
