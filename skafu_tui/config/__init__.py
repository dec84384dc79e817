"""The platform description: typed, documented settings read from config.yaml.

    loaded = load_config(None)          # search order: --config, $SKAFU_TUI_CONFIG, user dir, packaged
    loaded.config.services[0].metrics.latency.stat

The names below are imported on first use: the schema (pydantic) costs ~0.2 s to import, and the
dashboard paints its first frame before it needs it (see :mod:`skafu_tui.config.locate`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from skafu_tui.lazy_names import lazy_names

if TYPE_CHECKING:
    from skafu_tui.config.loader import LoadedConfig, load_config, parse_config
    from skafu_tui.config.locate import (
        ENV_VAR,
        ConfigOrigin,
        find_config_path,
        locate_config,
        packaged_config_path,
        user_config_path,
    )
    from skafu_tui.config.models import Config, ConsistencyError
    from skafu_tui.config.problems import ConfigError, Problem

_WHERE = {
    "ENV_VAR": "skafu_tui.config.locate",
    "ConfigOrigin": "skafu_tui.config.locate",
    "find_config_path": "skafu_tui.config.locate",
    "locate_config": "skafu_tui.config.locate",
    "packaged_config_path": "skafu_tui.config.locate",
    "user_config_path": "skafu_tui.config.locate",
    "LoadedConfig": "skafu_tui.config.loader",
    "load_config": "skafu_tui.config.loader",
    "parse_config": "skafu_tui.config.loader",
    "Config": "skafu_tui.config.models",
    "ConsistencyError": "skafu_tui.config.models",
    "ConfigError": "skafu_tui.config.problems",
    "Problem": "skafu_tui.config.problems",
}

__all__ = [
    "ENV_VAR",
    "Config",
    "ConfigError",
    "ConfigOrigin",
    "ConsistencyError",
    "LoadedConfig",
    "Problem",
    "find_config_path",
    "load_config",
    "locate_config",
    "packaged_config_path",
    "parse_config",
    "user_config_path",
]


__getattr__ = lazy_names(__name__, _WHERE, globals())
