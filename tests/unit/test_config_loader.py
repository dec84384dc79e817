"""Where the config comes from: --config, then $SKAFU_TUI_CONFIG, then the user dir, then the package."""

from __future__ import annotations

from pathlib import Path

import platformdirs
import pytest

from skafu_tui.cli import main
from skafu_tui.config import (
    ENV_VAR,
    ConfigError,
    ConfigOrigin,
    find_config_path,
    load_config,
    packaged_config_path,
)

VALID = """\
platform: {name: %s}
services:
  - name: api
    feature: F
    metrics:
      requests: {namespace: N, metric: Count, stat: Sum}
      errors: {namespace: N, metric: Errors, stat: Sum}
      latency: {namespace: N, metric: Latency, stat: p95}
"""


@pytest.fixture
def user_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty user config dir standing in for platformdirs', and no $SKAFU_TUI_CONFIG."""
    directory = tmp_path / "user-config"
    directory.mkdir()

    def user_config_dir(appname: str | None = None, *args: object, **kwargs: object) -> str:
        assert appname == "skafu-tui"
        return str(directory)

    monkeypatch.setattr(platformdirs, "user_config_dir", user_config_dir)
    monkeypatch.delenv(ENV_VAR, raising=False)
    return directory


def write(path: Path, name: str) -> Path:
    path.write_text(VALID % name, encoding="utf-8")
    return path


def test_packaged_default_when_nothing_else(user_dir: Path) -> None:
    loaded = load_config(None)
    assert loaded.path == packaged_config_path()
    assert loaded.origin is ConfigOrigin.PACKAGED
    assert loaded.config.platform.name == "Skafu"


def test_user_config_dir_beats_the_packaged_default(user_dir: Path) -> None:
    write(user_dir / "config.yaml", "FromUserDir")
    loaded = load_config(None)
    assert (loaded.path, loaded.origin) == (user_dir / "config.yaml", ConfigOrigin.USER)
    assert loaded.config.platform.name == "FromUserDir"


def test_environment_beats_the_user_dir(
    user_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(user_dir / "config.yaml", "FromUserDir")
    monkeypatch.setenv(ENV_VAR, str(write(tmp_path / "env.yaml", "FromEnv")))
    loaded = load_config(None)
    assert (loaded.origin, loaded.config.platform.name) == (ConfigOrigin.ENVIRONMENT, "FromEnv")


def test_explicit_path_beats_everything(
    user_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(user_dir / "config.yaml", "FromUserDir")
    monkeypatch.setenv(ENV_VAR, str(write(tmp_path / "env.yaml", "FromEnv")))
    explicit = write(tmp_path / "explicit.yaml", "Explicit")
    assert find_config_path(explicit) == explicit
    assert load_config(explicit).config.platform.name == "Explicit"


def test_a_named_file_that_is_missing_is_an_error_not_a_fallback(
    user_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "gone.yaml"))
    with pytest.raises(ConfigError) as raised:
        load_config(None)
    assert [str(problem) for problem in raised.value.problems] == [f"{tmp_path / 'gone.yaml'}: no such file"]


def test_check_config_without_path_follows_the_search_order(
    user_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check-config"]) == 0
    assert capsys.readouterr().out.startswith(f"{packaged_config_path()} (packaged default): OK — Skafu, ")
    global_flag = write(tmp_path / "global.yaml", "ViaFlag")
    assert main(["--config", str(global_flag), "check-config"]) == 0
    assert capsys.readouterr().out.startswith(f"{global_flag}: OK — ViaFlag, 1 service, ")


def test_relative_ca_bundle_is_resolved_next_to_the_config(tmp_path: Path) -> None:
    (tmp_path / "ca.pem").write_text("-----BEGIN CERTIFICATE-----\n")
    config_file = tmp_path / "c.yaml"
    config_file.write_text(VALID % "X" + "aws: {ca_bundle: ca.pem}\n")
    assert load_config(config_file).config.aws.ca_bundle == tmp_path / "ca.pem"
    config_file.write_text(VALID % "X" + "aws: {ca_bundle: missing.pem}\n")
    with pytest.raises(ConfigError) as raised:
        load_config(config_file)
    assert [problem.field for problem in raised.value.problems] == ["aws.ca_bundle"]
    assert raised.value.problems[0].line == len((VALID % "X").splitlines()) + 1  # the aws line
