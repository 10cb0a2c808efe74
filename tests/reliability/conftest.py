"""Fixtures of the fault suite: one private stack for the session, healed after each test."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask

from app import create_app
from tests.reliability.stack import Stack, dispose, running_stack
from tests.support.fake_sms_http import FakeSmsProvider
from tests.support.flow import AuthFlow
from tests.support.gunicorn import GunicornProcess
from tests.support.http_client import HttpClient
from tests.support.postgres_cluster import cluster_available
from tests.support.servers import in_ci


@pytest.fixture(scope="session")
def stack() -> Iterator[Stack]:
    if not cluster_available():
        if in_ci():
            pytest.fail("initdb/pg_ctl not found: .ci/run must install postgresql")
        pytest.skip("fault tests need PostgreSQL's initdb and pg_ctl (apt-get install postgresql)")
    with running_stack() as started:
        yield started


@pytest.fixture(autouse=True)
def healed(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    if "stack" in request.fixturenames:
        request.getfixturevalue("stack").heal()


@pytest.fixture(scope="session")
def server(stack: Stack) -> GunicornProcess:
    """One gunicorn (3 workers x 4 threads) shared by the HTTP fault, race, kill and soak tests."""
    return stack.gunicorn(workers=3, threads=4)


@pytest.fixture
def fake_sms(stack: Stack) -> FakeSmsProvider:
    return stack.sms


@pytest.fixture
def make_fault_app(stack: Stack) -> Iterator:
    """In-process apps on the private stack, for the Flask test-client variants."""
    apps: list[Flask] = []

    def build(**overrides: str) -> Flask:
        app = create_app(stack.settings(**overrides))
        apps.append(app)
        return app

    yield build
    for app in apps:
        dispose(app)



@dataclass
class Api:
    """One way in to the service: a client, an AuthFlow on it, and more clients for parallel calls."""

    client: Any
    flow: AuthFlow
    new_client: Callable[[], Any]


@pytest.fixture(params=["test_client", "gunicorn"])
def api(request: pytest.FixtureRequest, stack: Stack, make_fault_app) -> Iterator[Api]:  # type: ignore[no-untyped-def]
    """The in-process app (Flask test client) or the shared gunicorn; codes come from the fake provider."""
    if request.param == "test_client":
        app = make_fault_app()
        client = app.test_client()
        yield Api(client, AuthFlow(client, stack.sms), app.test_client)
        return
    url = request.getfixturevalue("server").url
    opened: list[HttpClient] = []

    def new_client() -> HttpClient:
        opened.append(HttpClient(url))
        return opened[-1]

    client = new_client()
    yield Api(client, AuthFlow(client, stack.sms), new_client)
    for http in opened:
        http.close()
