"""Fixtures of the settings tests."""

# The SMS settings tests build real boto3 clients, which must not look for credentials on this machine.
from tests.adapters.sms.conftest import aws_test_credentials  # noqa: F401 - autouse fixture, applied here too
