"""The platform description: typed, documented settings read from config.yaml.

    loaded = load_config(None)          # search order: --config, $SKAFU_TUI_CONFIG, user dir, packaged
    loaded.config.services[0].metrics.latency.stat
"""

from skafu_tui.config.loader import (
    ENV_VAR,
    ConfigOrigin,
    LoadedConfig,
    find_config_path,
    load_config,
    locate_config,
    packaged_config_path,
    parse_config,
    user_config_path,
)
from skafu_tui.config.models import Config, ConsistencyError
from skafu_tui.config.problems import ConfigError, Problem

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
