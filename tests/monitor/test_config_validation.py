"""Settings validation: every setting refuses wrong types and out-of-range values with a
ConfigError naming the key; file and path problems are ConfigErrors too, never tracebacks."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from monitor.config import SETTINGS, ConfigError, Setting, load_settings

_GENERIC_INVALID = ({"a": 1}, [1])  # for a parser without its own list: no setting is a table


def _toml(value: Any) -> str:
    """A TOML literal for a test value (strings via JSON escapes, which TOML shares)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and not math.isfinite(value):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} = {_toml(v)}" for k, v in value.items()) + "}"
    return "[" + ", ".join(_toml(v) for v in value) + "]"


def _invalid(setting: Setting) -> tuple[Any, ...]:
    examples = getattr(setting.parse, "invalid", None)
    return tuple(examples()) if examples else _GENERIC_INVALID


CASES = [(s, v) for s in SETTINGS for v in _invalid(s)]


@pytest.mark.parametrize(
    ("setting", "value"), CASES, ids=[f"{s.name}={v!r}" for s, v in CASES]
)
def test_invalid_value_in_pantau_toml_is_refused_naming_the_key(
    tmp_path: Path, setting: Setting, value: Any
) -> None:
    config = tmp_path / "pantau.toml"
    config.write_text(f"[{setting.section}]\n{setting.key} = {_toml(value)}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(config, environ={}, cwd=tmp_path)
    assert setting.name in str(caught.value) and str(config) in str(caught.value)


ENV_CASES = [(s, v) for s, v in CASES if isinstance(v, str)]


@pytest.mark.parametrize(
    ("setting", "value"), ENV_CASES, ids=[f"{s.env}={v!r}" for s, v in ENV_CASES]
)
def test_invalid_value_in_the_environment_is_refused_naming_the_variable(
    tmp_path: Path, setting: Setting, value: str
) -> None:
    if "\x00" in value:
        pytest.skip("an environment variable cannot hold NUL")
    with pytest.raises(ConfigError) as caught:
        load_settings(environ={setting.env: value}, cwd=tmp_path)
    assert setting.env in str(caught.value) and setting.name in str(caught.value)


def test_every_setting_lists_values_it_refuses() -> None:
    for setting in SETTINGS:
        examples = _invalid(setting)
        assert examples, setting.name


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("[scrape]\nmax_retries = 0", ("scrape.max_retries", 0)),
        ("[scrape]\nmax_retries = 10", ("scrape.max_retries", 10)),
        ('[scrape]\ntimeout = "5m"', ("scrape.timeout", 300.0)),
        ('[scrape]\nmax_retry_after = "2h"', ("scrape.max_retry_after", 7200.0)),
        ("[scrape]\nrequest_deadline = 30", ("scrape.request_deadline", 30.0)),
        ("[classifier]\nrecall_target = 1", ("classifier.recall_target", 1.0)),
        ("[web]\nport = 65535", ("web.port", 65535)),
    ],
)
def test_valid_values_are_accepted(tmp_path: Path, line: str, expected: tuple[str, Any]) -> None:
    config = tmp_path / "pantau.toml"
    config.write_text(line + "\n", encoding="utf-8")
    name, value = expected
    assert load_settings(config, environ={}, cwd=tmp_path).get(name) == value


def test_environment_numbers_are_read_from_text(tmp_path: Path) -> None:
    env = {"PANTAU_SCRAPE__MAX_RETRIES": "0", "PANTAU_SCRAPE__TIMEOUT": "1.5s",
           "PANTAU_CLASSIFIER__RECALL_TARGET": "0.9", "PANTAU_SCRAPE__RESPECT_ROBOTS": "off"}
    settings = load_settings(environ=env, cwd=tmp_path)
    assert settings.get("scrape.max_retries") == 0 and settings.get("scrape.timeout") == 1.5
    assert settings.get("classifier.recall_target") == 0.9
    assert settings.get("scrape.respect_robots") is False


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("scrape = 5", r"\[scrape\] must be a table"),
        ("web = [1, 2]", r"\[web\] must be a table"),
        ("[scrape]\nnot_a_setting = 1", "unknown setting"),
        ("[nope]\nx = 1", "unknown section"),
        ("sources = 5", "array of tables"),
        ('[[sources]]\nname = "a"\ntype = "rss"\nurl = "http://x/"\nregion = 5', r"sources\[0\]\.region must be a string"),
        ('[[sources]]\nname = {a = 1}\ntype = "rss"\nurl = "http://x/"', r"sources\[0\]\.name must be a string"),
        ('[[sources]]\nname = "a"\ntype = 7\nurl = "http://x/"', r"sources\[0\]\.type must be a string"),
        ('[[sources]]\nname = "a"\ntype = "rss"\nurl = ["http://x/"]', r"sources\[0\]\.url must be a string"),
        ('[[sources]]\nname = "a"\ntype = "rss"\nurl = "http://x/"\ninterval = "soon"', r"sources\[0\]\.interval"),
        ('[[sources]]\nname = "a"\ntype = "rss"\nurl = "http://x/"\ninterval = 0', r"sources\[0\]\.interval"),
        ('[[sources]]\nname = "a"\ntype = "rss"\nurl = "http://x/"\noptions = 3', r"options must be a table"),
        ('[[sources]]\nname = "a\\nb"\ntype = "rss"\nurl = "http://x/"', "control characters"),
        ('[[sources]]\nname = ""\ntype = "rss"\nurl = "http://x/"', "missing name"),
        ("[scrape\n", "invalid TOML"),
    ],
)
def test_malformed_files_are_config_errors(tmp_path: Path, text: str, message: str) -> None:
    config = tmp_path / "pantau.toml"
    config.write_text(text + "\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_settings(config, environ={}, cwd=tmp_path)


def test_invalid_utf8_in_pantau_toml_is_a_config_error(tmp_path: Path) -> None:
    config = tmp_path / "pantau.toml"
    config.write_bytes(b'[scrape]\ncontact_url = "caf\xe9"\n')
    with pytest.raises(ConfigError, match="not valid UTF-8"):
        load_settings(config, environ={}, cwd=tmp_path)


def test_config_path_problems_are_config_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        load_settings(tmp_path / "absent.toml", environ={}, cwd=tmp_path)
    with pytest.raises(ConfigError, match="cannot read"):
        load_settings(tmp_path, environ={}, cwd=tmp_path)  # a directory


def test_pantau_home_must_be_a_directory(tmp_path: Path) -> None:
    afile = tmp_path / "afile"
    afile.write_text("x")
    with pytest.raises(ConfigError, match="PANTAU_HOME .* is a file"):
        load_settings(environ={"PANTAU_HOME": str(afile)}, cwd=tmp_path)
    with pytest.raises(ConfigError, match="lies under the file"):
        load_settings(environ={"PANTAU_HOME": str(afile / "data")}, cwd=tmp_path)
    with pytest.raises(ConfigError, match="not a usable path"):
        load_settings(environ={"PANTAU_HOME": "bad\x00path"}, cwd=tmp_path)
    fresh = tmp_path / "new" / "home"
    assert load_settings(environ={"PANTAU_HOME": str(fresh)}, cwd=tmp_path).home == fresh


def test_allow_private_networks_flag_is_checked(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="PANTAU_ALLOW_PRIVATE_NETWORKS"):
        load_settings(environ={"PANTAU_ALLOW_PRIVATE_NETWORKS": "maybe"}, cwd=tmp_path)
