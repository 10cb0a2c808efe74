"""Reads the Dockerfile's instructions, so tests and the local topology use
the image's own command instead of a copy of it."""

from __future__ import annotations

import json
import re

from tests.deploy.chart import ROOT

DOCKERFILE = ROOT / "Dockerfile"


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with line continuations joined and comments dropped."""
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text())
    found = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            found.append((word.upper(), rest.strip()))
    return found


def image_command() -> list[str]:
    """The exec-form CMD the container runs."""
    return list(json.loads(next(args for word, args in instructions() if word == "CMD")))
