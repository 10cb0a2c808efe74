"""The README's settings table names every setting the service reads."""

import dataclasses
import re
from pathlib import Path

from app.config import Settings

README = Path(__file__).resolve().parents[2] / "README.md"


def test_every_setting_is_documented_in_the_readme():
    text = README.read_text(encoding="utf-8")
    rows = [line for line in text.splitlines() if line.startswith("| `")]
    documented = {name for row in rows for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", row.split("|")[1])}
    missing = {field.name for field in dataclasses.fields(Settings)} - documented
    assert not missing, f"README settings table lacks: {sorted(missing)}"
