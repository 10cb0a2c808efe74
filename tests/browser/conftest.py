"""Browser suites: headless Debian Chromium driven by Playwright (it never downloads a browser)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.static_site import StaticSite
from tests.support.gunicorn import ROOT
from tests.support.live_server import live_server  # noqa: F401 - a fixture, used by name
from tests.support.servers import in_ci

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture
def browser() -> Iterator:  # type: ignore[type-arg]
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing: install the Debian package `chromium` (.ci/run does)"
        if in_ci():
            pytest.fail(f"CI=true and {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True,
            args=["--headless", "--no-sandbox", "--disable-background-networking", "--disable-dev-shm-usage"],
        )
        yield launched
        launched.close()


@pytest.fixture
def artifacts() -> Path:
    """test-artifacts/ (gitignored): screenshots a person can look at after the run."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def site() -> Iterator[StaticSite]:
    """A second origin serving the reference web page (tests/browser/static_site.py)."""
    site = StaticSite()
    yield site
    site.stop()
