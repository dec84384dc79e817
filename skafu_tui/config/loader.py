"""Find the config file and load it into a validated `Config`, or fail with located problems."""

from __future__ import annotations

import os
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import platformdirs
from pydantic import ValidationError

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

ENV_VAR = "SKAFU_TUI_CONFIG"
"""Environment variable naming the config file when `--config` is not given."""

APP_NAME = "skafu-tui"


class ConfigOrigin(StrEnum):
    """Where the config file was found."""

    EXPLICIT = "--config"
    ENVIRONMENT = "$" + ENV_VAR
    USER = "user config dir"
    PACKAGED = "packaged default"


def packaged_config_path() -> Path:
    """The default config shipped inside the package (a copy of the repository's config.yaml)."""
    return Path(__file__).resolve().parent.parent / "default_config.yaml"


def user_config_path() -> Path:
    """`config.yaml` in the user's config directory (e.g. ~/.config/skafu-tui/config.yaml)."""
    return Path(platformdirs.user_config_dir(APP_NAME)) / "config.yaml"


def locate_config(explicit: Path | None) -> tuple[Path, ConfigOrigin]:
    """The config path and how it was chosen: explicit, then $SKAFU_TUI_CONFIG, then user dir, then packaged.

    An explicit or environment path is returned even if it does not exist, so loading reports it
    instead of silently falling back to another file.
    """
    if explicit is not None:
        return explicit, ConfigOrigin.EXPLICIT
    from_env = os.environ.get(ENV_VAR, "").strip()
    if from_env:
        return Path(from_env).expanduser(), ConfigOrigin.ENVIRONMENT
    user = user_config_path()
    if user.is_file():
        return user, ConfigOrigin.USER
    return packaged_config_path(), ConfigOrigin.PACKAGED


def find_config_path(explicit: Path | None) -> Path:
    """The config file to use; see `locate_config` for the search order."""
    return locate_config(explicit)[0]


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
