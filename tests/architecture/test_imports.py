"""No import cycles in app/: each module can be read, and imported, after the ones it uses."""

from __future__ import annotations

from tests.architecture.app_modules import cycles, import_graph

# Known cycles, each a set of modules, until the branch named beside it lands. Keep this empty.
ALLOWED_CYCLES: list[set[str]] = []


def test_app_has_no_import_cycle():
    found = [cycle for cycle in cycles(import_graph()) if set(cycle) not in ALLOWED_CYCLES]
    assert not found, "import cycles in app/:\n" + "\n".join(" -> ".join(cycle) for cycle in found)


def test_the_graph_sees_relative_absolute_and_function_level_imports():
    graph = import_graph()
    # `from app.problems import ...` at module level.
    assert "app.problems" in graph["app.services.otp"]
    # `from app.api import auth, ...`: the names are modules of the package.
    assert {"app.api.auth", "app.api.otp", "app.web"} <= graph["app.api"]
    # Imported inside build_backend() only when that backend is configured.
    assert "app.adapters.sms.twilio" in graph["app.adapters.sms.factory"]


def test_a_cycle_is_reported_as_a_closed_path():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c", "a"]]
    assert cycles({"a": {"b"}, "b": set()}) == []
