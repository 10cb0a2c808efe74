"""Finding 8 of issue 20: the chart's Ingress publishes the API and the login page, nothing else by default."""

from __future__ import annotations

import pytest

from tests.deploy import chart
from tests.deploy.chart import SCENARIOS, find, objects

BASE = SCENARIOS["defaults"]


def published(**ingress: object) -> dict[str, list[tuple[str, str]]]:
    """host → [(path, pathType)] of the rendered Ingress, with ingress values merged over enabled defaults."""
    config = ingress.pop("config", None)
    values = {**BASE, "ingress": {"enabled": True, **ingress}}
    if config is not None:
        values["config"] = config
    rules = find(objects(values), "Ingress")["spec"]["rules"]
    return {rule["host"]: [(p["path"], p["pathType"]) for p in rule["http"]["paths"]] for rule in rules}


def test_by_default_only_the_api_and_the_login_page_are_published():
    assert published() == {"otp-auth.example.com": [("/api", "Prefix"), ("/login", "Exact")]}


def test_docs_metrics_and_probes_are_published_only_when_asked_for():
    paths = published(expose={"docs": True, "metrics": True, "probes": True})["otp-auth.example.com"]
    assert paths == [("/api", "Prefix"), ("/login", "Exact"), ("/docs", "Prefix"), ("/openapi.yaml", "Exact"),
                     ("/metrics", "Exact"), ("/healthz", "Exact"), ("/readyz", "Exact")]
    assert published(expose={"docs": True})["otp-auth.example.com"][2:] == [("/docs", "Prefix"),
                                                                           ("/openapi.yaml", "Exact")]


@pytest.mark.parametrize(("login_path", "expected"), [
    ("/signin", [("/api", "Prefix"), ("/signin", "Exact")]),
    ("", [("/api", "Prefix")]),  # the page is turned off: nothing to route
])
def test_the_login_page_follows_web_login_path(login_path, expected):
    assert published(config={"WEB_LOGIN_PATH": login_path}) == {"otp-auth.example.com": expected}


def test_a_host_that_lists_its_paths_gets_exactly_those():
    hosts = [{"host": "a.example.com", "paths": [{"path": "/api/v1", "pathType": "Prefix"}]},
             {"host": "b.example.com"}]
    assert published(hosts=hosts, expose={"metrics": True}) == {
        "a.example.com": [("/api/v1", "Prefix")],
        "b.example.com": [("/api", "Prefix"), ("/login", "Exact"), ("/metrics", "Exact")],
    }


def test_unknown_expose_keys_are_refused():
    with pytest.raises(Exception, match="swagger"):
        chart.render({**BASE, "ingress": {"enabled": True, "expose": {"swagger": True}}})


def test_values_file_documents_the_default_and_the_switches():
    text = (chart.CHART_DIR / "values.yaml").read_text()
    assert "/api and the web login page" in text
    for switch in ("docs: false", "metrics: false", "probes: false"):
        assert switch in text
