"""Find the config file and load it into a validated `Config`, or fail with located problems."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from skafu_tui.config.locate import ConfigOrigin, locate_config
from skafu_tui.config.models import Config, ConsistencyError
from skafu_tui.config.problems import (
    ConfigError,
    Problem,
    from_consistency,
    from_duplicates,
    from_validation,
    show_value,
)
from skafu_tui.config.yaml_source import YamlSyntaxError, parse_yaml

__all__ = ["LoadedConfig", "load_config", "parse_config"]

@dataclass(frozen=True)
class LoadedConfig:
    """A validated config and where it came from."""

    config: Config
    """The validated configuration."""
    path: Path
    """The file it was read from."""
    origin: ConfigOrigin = ConfigOrigin.EXPLICIT
    """How that file was chosen."""


def _read_text(path: Path, file: str) -> str:
    def fail(message: str) -> ConfigError:
        return ConfigError([Problem(file, None, "", message)])

    if path.is_dir():
        raise fail("is a directory, not a config file")
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise fail("no such file") from None
    except PermissionError:
        raise fail("permission denied") from None
    except OSError as error:
        raise fail(f"cannot be read: {error.strerror or error}") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise ConfigError([Problem(file, line, "", "is not UTF-8 text")]) from None


def parse_config(text: str, file: str, base_dir: Path | None = None) -> Config:
    """Validate config text; `file` is the name problems carry, `base_dir` resolves relative paths."""
    try:
        document = parse_yaml(text)
    except YamlSyntaxError as error:
        problem = Problem(file, error.line, "", f"invalid YAML: {error.message}", error.column)
        raise ConfigError([problem]) from None
    if document.data is None:
        raise ConfigError([Problem(file, None, "", "is empty; it needs at least `platform` and `services`")])
    if not isinstance(document.data, dict):
        kind = "a list" if isinstance(document.data, list) else f"a single value {show_value(document.data)}"
        message = f"must be a mapping of settings at the top level, not {kind}"
        raise ConfigError([Problem(file, 1, "", message)])
    problems = from_duplicates(document, file)
    try:
        config = Config.model_validate(document.data, context={"base_dir": base_dir})
    except ValidationError as error:
        raise ConfigError(problems + from_validation(error, document, file)) from None
    except ConsistencyError as error:
        raise ConfigError(problems + from_consistency(error, document, file)) from None
    if problems:
        raise ConfigError(problems)
    return config


def load_config(path: Path | None) -> LoadedConfig:
    """Find (see `find_config_path`), read and validate the config; raises `ConfigError`."""
    found, origin = locate_config(path)
    file = str(found)
    config = parse_config(_read_text(found, file), file, base_dir=found.parent)
    return LoadedConfig(config=config, path=found, origin=origin)
