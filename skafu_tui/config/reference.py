"""The config reference (docs/config-reference.md), generated from the models' docstrings.

One source of truth: a field's documentation lives on the field; this renders it. A test keeps
the committed file equal to what this produces.
"""

from __future__ import annotations

import typing
from typing import Any

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from skafu_tui.config.models import Config


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    out: list[type[BaseModel]] = []
    for arg in typing.get_args(annotation):
        out.extend(_models_in(arg))
    return out


def _type_name(annotation: Any) -> str:
    if typing.get_origin(annotation) is typing.Annotated:
        return _type_name(typing.get_args(annotation)[0])
    origin = typing.get_origin(annotation)
    if origin in (list, tuple, dict) or (origin is not None and str(origin).startswith("typing.Union")):
        args = ", ".join(_type_name(a) for a in typing.get_args(annotation))
        return f"{getattr(origin, '__name__', 'union')}[{args}]"
    text = str(annotation) if not isinstance(annotation, type) else annotation.__name__
    for prefix in ("typing.", "skafu_tui.config.", "models.", "kpis.", "metrics.", "incidents.", "operations."):
        text = text.replace(prefix, "")
    for module in ("_base.", "platform_settings."):
        text = text.replace(module, "")
    return text


def _default(field: Any) -> str:
    if field.is_required():
        return "required"
    if field.default_factory is not None:
        return "(built-in default)"
    value = field.default
    if value is PydanticUndefined:
        return "required"
    text = repr(value)
    return f"`{text}`" if len(text) < 40 else "(built-in default)"


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def render_reference() -> str:
    lines = [
        "# config.yaml reference",
        "",
        "Generated from the configuration models: `python -m skafu_tui.config.reference > docs/config-reference.md`.",
        "Validate a file with `skafu-tui check-config PATH`.",
        "",
    ]
    seen: set[type[BaseModel]] = set()
    queue: list[tuple[str, type[BaseModel]]] = [("Config (top level)", Config)]
    while queue:
        title, model = queue.pop(0)
        if model in seen:
            continue
        seen.add(model)
        lines.extend([f"## {title}", ""])
        if model.__doc__:
            lines.extend([_cell(model.__doc__), ""])
        lines.extend(["| field | type | default | meaning |", "|---|---|---|---|"])
        for name, field in model.model_fields.items():
            key = field.alias or name
            lines.append(
                f"| `{key}` | {_cell(_type_name(field.annotation))} | {_cell(_default(field))} "
                f"| {_cell(field.description or '')} |"
            )
            for nested in _models_in(field.annotation):
                if nested not in seen:
                    queue.append((nested.__name__, nested))
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    print(render_reference(), end="")
