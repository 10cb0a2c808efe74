"""The settings mechanism: one declaration per setting, one parse loop, each group's rules, no import cycle."""

from __future__ import annotations

import ast
import dataclasses
import subprocess
import sys
from pathlib import Path

import pytest

from app.config import ConfigError, Settings
from app.config.base import Group, setting
from app.config.core import CoreSettings
from app.config.parsers import integer

CONFIG_DIR = Path(__file__).resolve().parents[2] / "app" / "config"
FIELDS = dataclasses.fields(Settings)
GROUPS = [cls for cls in Settings.__mro__ if issubclass(cls, Group) and cls not in (Settings, Group)]
# Set but empty turns the page off, unlike every other setting where blank means the default.
BLANK_IS_A_VALUE = {"WEB_LOGIN_PATH"}


def test_every_setting_has_a_parser_and_a_default():
    for field in FIELDS:
        assert callable(field.metadata.get("parse")), field.name
        has_default = field.default is not dataclasses.MISSING or field.default_factory is not dataclasses.MISSING
        assert has_default, field.name
    assert Settings.from_env({}) == Settings()


@pytest.mark.parametrize("name", sorted(field.name for field in FIELDS if field.name not in BLANK_IS_A_VALUE))
def test_a_blank_variable_means_the_default(name):
    assert getattr(Settings.from_env({name: ""}), name) == getattr(Settings(), name)


def test_settings_are_the_fields_of_the_groups_and_nothing_else():
    declared = [name for group in GROUPS for name in group.__annotations__]
    assert sorted(declared) == sorted(field.name for field in FIELDS)
    assert len(set(declared)) == len(declared)  # no setting declared in two groups
    assert {group.__name__ for group in GROUPS} >= {"CoreSettings", "AuthSettings", "SmsSettings"}


def test_mutable_defaults_are_not_shared():
    first, second = Settings(), Settings()
    assert first.TEST_PHONE_NUMBERS == {} and first.TEST_PHONE_NUMBERS is not second.TEST_PHONE_NUMBERS


@pytest.mark.parametrize("name", sorted(field.name for field in FIELDS if field.type in ("int", "float", "bool")))
def test_one_bad_value_stops_with_one_line_naming_it(name):
    with pytest.raises(ConfigError) as raised:
        Settings.from_env({name: "not-a-value"})
    assert str(raised.value).startswith(name) and "\n" not in str(raised.value)


def test_every_group_has_its_own_validate():
    for group in GROUPS:
        assert "validate" in vars(group), f"{group.__name__} has no validate() of its own"


@pytest.mark.parametrize(("env", "named"), [
    ({"DATABASE_URL": "mysql://db/app"}, "DATABASE_URL"),  # core
    ({"PASSWORD_MIN_LENGTH": "20", "PASSWORD_MAX_LENGTH": "10"}, "PASSWORD_MIN_LENGTH"),  # auth
    ({"SMS_BACKEND": "file"}, "SMS_OUTBOX_FILE"),  # sms
    ({"REFRESH_REUSE_GRACE_SECONDS": "900"}, "REFRESH_REUSE_GRACE_SECONDS"),  # selfservice
])
def test_the_rules_of_each_group_run(env, named):
    with pytest.raises(ConfigError, match=named):
        Settings.from_env(env)
    with pytest.raises(ConfigError, match=named):  # replace() validates the same way
        Settings().replace(**{key: _parsed(key, value) for key, value in env.items()})


def _parsed(name, raw):
    field = next(field for field in FIELDS if field.name == name)
    return field.metadata["parse"]({name: raw}, name, field.default)


@dataclasses.dataclass(frozen=True)
class ProbeSettings(CoreSettings):
    """A new group, declared the way app/config/__init__.py says."""

    PROBE_LIMIT: int = setting(3, integer())

    def validate(self) -> None:
        super().validate()
        if self.PROBE_LIMIT > 5:
            raise ConfigError("PROBE_LIMIT must be at most 5")


@dataclasses.dataclass(frozen=True)
class WithProbe(ProbeSettings, Settings):
    pass


def test_a_new_group_is_one_class_and_one_base():
    assert WithProbe.from_env({"PROBE_LIMIT": "4"}).PROBE_LIMIT == 4
    assert WithProbe.from_env({}).OTP_LENGTH == 6
    with pytest.raises(ConfigError, match="PROBE_LIMIT must be a whole number"):
        WithProbe.from_env({"PROBE_LIMIT": "four"})
    with pytest.raises(ConfigError, match="PROBE_LIMIT must be at most 5"):
        WithProbe.from_env({"PROBE_LIMIT": "6"})
    # The other groups' rules still run, core first.
    with pytest.raises(ConfigError, match="DATABASE_URL"):
        WithProbe.from_env({"PROBE_LIMIT": "6", "DATABASE_URL": "mysql://db/app"})
    with pytest.raises(ConfigError, match="SMS_OUTBOX_FILE"):
        WithProbe.from_env({"SMS_BACKEND": "file"})


def test_config_imports_only_itself_from_the_app():
    for path in sorted(CONFIG_DIR.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = ([alias.name for alias in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            for name in names:
                assert not name.startswith("app") or name.startswith("app.config"), f"{path.name} imports {name}"


def test_importing_the_settings_loads_no_service_store_or_view():
    # A bare `app` package stands in for app/__init__.py, which builds the whole service.
    script = (
        "import sys, types, pathlib\n"
        "package = types.ModuleType('app')\n"
        f"package.__path__ = [{str(CONFIG_DIR.parent)!r}]\n"
        "sys.modules['app'] = package\n"
        "from app.config import Settings\n"
        "Settings.from_env({})\n"
        "print(' '.join(sorted(name for name in sys.modules if name.startswith('app'))))\n"
    )
    loaded = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout.split()
    assert "app.config" in loaded
    # app.data holds the bundled SMS templates (files, no code).
    assert [name for name in loaded if name not in ("app", "app.data") and not name.startswith("app.config")] == []
