"""Fixtures of the end-to-end tests."""

from tests.support.live_server import live_server  # noqa: F401 - a fixture, used by name
