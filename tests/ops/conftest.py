"""Fixtures of the operations tests."""

from __future__ import annotations

import pytest
from flask import Flask

from tests.support.flow import AuthFlow


@pytest.fixture
def app_and_flow(make_app, sms):  # type: ignore[no-untyped-def]
    """`app_and_flow(**settings)` -> (app, AuthFlow on it), for tests that change a setting."""

    def build(**overrides: str) -> tuple[Flask, AuthFlow]:
        app = make_app(**overrides)
        return app, AuthFlow(app.test_client(), sms)

    return build
