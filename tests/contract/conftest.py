"""The contract suites: openapi.yaml against the running service."""

from tests.support.live_server import live_server  # noqa: F401 - a fixture, used by name
