"""Every row of docs/security.md's requirements table names tests, and every named test exists.

The names are checked in the test files' syntax trees (no import, no collection
run); `make test` runs them, so a row can only name a test that passes.
"""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "security.md"
HEADING = "## Requirements and the tests that show them"
TEST_REF = re.compile(r"`(tests/[\w/]+\.py)::(\w+)`")


def table_rows() -> list[str]:
    text = DOC.read_text(encoding="utf-8")
    section = text.split(HEADING, 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("|")]
    return rows[2:]  # after the header and its |---| line


@cache
def defined_tests(path: str) -> frozenset[str]:
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    return frozenset(node.name for node in ast.walk(tree)
                     if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith("test_"))


def test_the_table_is_there_and_substantial():
    assert len(table_rows()) >= 25


def test_every_row_names_at_least_one_test():
    bare = [row[:80] for row in table_rows() if not TEST_REF.search(row)]
    assert bare == []


def test_every_named_test_exists():
    missing = []
    for row in table_rows():
        for path, name in TEST_REF.findall(row):
            if not (ROOT / path).is_file() or name not in defined_tests(path):
                missing.append(f"{path}::{name}")
    assert missing == []


def test_every_test_named_anywhere_in_the_document_exists():
    """The threat model's rows (account recovery's among them) name tests too."""
    text = DOC.read_text(encoding="utf-8")
    named = TEST_REF.findall(text)
    assert any("test_password_reset.py" in path for path, _ in named)
    missing = [f"{path}::{name}" for path, name in named
               if not (ROOT / path).is_file() or name not in defined_tests(path)]
    assert missing == []
