"""gunicorn.conf.py: only real gunicorn settings, sized from the environment."""

from __future__ import annotations

import runpy

import pytest
from gunicorn.config import Config

from tests.deploy.chart import ROOT

CONF = str(ROOT / "gunicorn.conf.py")


def load(monkeypatch: pytest.MonkeyPatch, **env: str) -> dict:
    for name in ("GUNICORN_WORKERS", "GUNICORN_THREADS", "GUNICORN_TIMEOUT", "GUNICORN_GRACEFUL_TIMEOUT",
                 "GUNICORN_KEEPALIVE", "GUNICORN_LOG_LEVEL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return {k: v for k, v in runpy.run_path(CONF).items() if not k.startswith("_") and k != "os"}


def test_every_name_is_a_gunicorn_setting(monkeypatch):
    settings = load(monkeypatch)
    known = Config().settings
    assert set(settings) - set(known) == set()


def test_defaults_match_the_chart_and_the_image(monkeypatch):
    config = Config()
    for name, value in load(monkeypatch).items():
        config.set(name, value)
    assert config.bind == ["0.0.0.0:8080"]
    assert config.control_socket_disable is True
    # The app's JSON request log replaces gunicorn's access log (docs/operations.md).
    assert config.accesslog is None
    assert config.child_exit.__module__ == "app.observability.gunicorn_hooks"
    assert (config.workers, config.threads, config.graceful_timeout) == (2, 4, 20)


def test_sizing_comes_from_the_environment(monkeypatch):
    settings = load(monkeypatch, GUNICORN_WORKERS="3", GUNICORN_THREADS="8", GUNICORN_GRACEFUL_TIMEOUT="12")
    assert (settings["workers"], settings["threads"], settings["graceful_timeout"]) == (3, 8, 12)
