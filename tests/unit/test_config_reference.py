"""The committed config reference is what the models' docstrings say today."""

from pathlib import Path

from skafu_tui.config.models import Config
from skafu_tui.config.reference import render_reference

DOC = Path(__file__).resolve().parents[2] / "docs" / "config-reference.md"


def test_committed_reference_is_current() -> None:
    assert DOC.read_text(encoding="utf-8") == render_reference(), (
        "docs/config-reference.md is out of date: python -m skafu_tui.config.reference > docs/config-reference.md"
    )


def test_every_top_level_field_is_documented() -> None:
    text = render_reference()
    for name, field in Config.model_fields.items():
        assert field.description, f"{name} has no docstring"
        assert f"| `{field.alias or name}` |" in text
