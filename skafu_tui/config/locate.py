"""Where the config file is, and the little the dashboard's first frame shows before validation.

No pydantic, no YAML library: the dashboard locates the file and peeks at the platform name here,
paints, and validates the whole file (:func:`skafu_tui.config.load_config`) after its first frame.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

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
    import platformdirs  # ~10 ms: only when neither --config nor $SKAFU_TUI_CONFIG names the file

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


# `platform:` at the top level, then its `name:` one indentation deeper (block style), or
# `platform: {name: X, ...}` (flow style). Anything else: no peek, the validated name follows.
_BLOCK_NAME = re.compile(
    r"^platform:[ \t]*(?:#.*)?\n"  # the key, maybe a comment
    r"(?:[ \t]*(?:#.*)?\n)*?"  # blank or comment lines
    r"([ \t]+)(?:\S.*\n\1)*?"  # its indentation, sibling keys at that indentation
    r"name:[ \t]*(.+)$",
    re.M,
)
_FLOW_NAME = re.compile(r"^platform:[ \t]*\{[^}\n]*?\bname:[ \t]*([^,}\n]+)", re.M)
_QUOTED = re.compile(r"""^(?:"([^"\\]*)"|'([^']*)')""")


@dataclass(frozen=True)
class ConfigPeek:
    """What the first frame shows before the config is validated."""

    path: Path
    origin: ConfigOrigin
    platform_name: str
    """The platform's name as written, or empty when it could not be read without a YAML parser."""


def _scalar(raw: str) -> str:
    raw = raw.strip()
    quoted = _QUOTED.match(raw)
    if quoted:
        return quoted.group(1) if quoted.group(1) is not None else quoted.group(2)
    value = raw.split(" #", 1)[0].strip()
    # Anything YAML would read as more than a plain word or phrase: leave it to the validation.
    return "" if not value or value[0] in "&*!|>[{'\"%@`" else value


def peek_platform_name(text: str) -> str:
    """The platform name in config text, without parsing YAML; empty when unsure."""
    found = _FLOW_NAME.search(text) or _BLOCK_NAME.search(text)
    if found is None:
        return ""
    name = _scalar(found.group(found.lastindex or 1))
    return "".join(ch for ch in name if ch.isprintable())[:80]


def peek_config(explicit: Path | None) -> ConfigPeek | None:
    """Locate and read the config file; None when it cannot be read (then the full load says why)."""
    path, origin = locate_config(explicit)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None
    return ConfigPeek(path, origin, peek_platform_name(text))
