"""Config problems as a user reads them: `file:line: field.path: message`."""

from __future__ import annotations

import difflib
import types
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from skafu_tui.config._base import ERROR_TYPE
from skafu_tui.config.models import Config, ConsistencyError, Loc, format_loc
from skafu_tui.config.yaml_source import YamlDocument


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a config file, located as precisely as the file allows."""

    file: str
    """The file as the user named it."""
    line: int | None
    """1-based line, when known."""
    field: str
    """Dotted path of the setting, e.g. `services[2].metrics.latency.stat`; empty for the whole file."""
    message: str
    """What is wrong, in words."""
    column: int | None = None
    """1-based column, for YAML syntax errors."""

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


class ConfigError(Exception):
    """The config could not be loaded; `problems` says why, one line each."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(problem) for problem in problems))


# Friendlier wording for pydantic's most common complaints about a value's type.
_SHOULD_BE = {
    "model_type": "should be a mapping of keys",
    "model_attributes_type": "should be a mapping of keys",
    "dict_type": "should be a mapping of keys",
    "list_type": "should be a list",
    "string_type": "should be text",
    "int_type": "should be a whole number",
    "int_parsing": "should be a whole number",
    "int_from_float": "should be a whole number",
    "float_type": "should be a number",
    "float_parsing": "should be a number",
    "bool_type": "should be true or false",
    "bool_parsing": "should be true or false",
    "string_too_short": "should not be empty",
}


def show_value(value: Any) -> str:
    """A short, safe rendering of a value from the file."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _unwrap(annotation: Any) -> Any:
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            members = [arg for arg in get_args(annotation) if arg is not type(None)]
            if len(members) != 1:
                return annotation
            annotation = members[0]
        else:
            return annotation


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _model_at(loc: Loc) -> type[BaseModel] | None:
    """The model that validates the mapping at `loc`, walking Config's annotations."""
    current: Any = Config
    for part in loc:
        current = _unwrap(current)
        if _is_model(current):
            fields = {info.alias or name: info for name, info in current.model_fields.items()}
            if not isinstance(part, str) or part not in fields:
                return None
            current = fields[part].annotation
        elif get_origin(current) is list and isinstance(part, int):
            current = get_args(current)[0]
        elif get_origin(current) is dict:
            current = get_args(current)[1]
        else:
            return None
    current = _unwrap(current)
    return current if _is_model(current) else None


def accepted_keys(loc: Loc) -> list[str]:
    """The keys the mapping at `loc` accepts (empty when it is free-form or unknown)."""
    model = _model_at(loc)
    if model is None:
        return []
    return [info.alias or name for name, info in model.model_fields.items()]


def _suggestion(loc: Loc) -> str | None:
    """The accepted key closest to the unknown key at `loc`, if any is close."""
    close = difflib.get_close_matches(str(loc[-1]), accepted_keys(loc[:-1]), n=1)
    return close[0] if close else None


def _describe(error: ErrorDetails, loc: Loc) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind == ERROR_TYPE:
        return error["msg"]
    if kind == "extra_forbidden":
        close = _suggestion(loc)
        return f"unknown key, did you mean {close!r}?" if close else "unknown key"
    if kind == "missing":
        return "required key missing"
    if kind in ("literal_error", "enum"):
        return f"{show_value(error['input'])} is not allowed; expected {ctx.get('expected', '')}".rstrip()
    if kind in ("too_short", "too_long"):
        bound = ctx.get("min_length") if kind == "too_short" else ctx.get("max_length")
        word = "at least" if kind == "too_short" else "at most"
        return f"needs {word} {bound} item{'' if bound == 1 else 's'} (got {ctx.get('actual_length')})"
    if kind == "recursion_loop":
        return "refers to itself (a YAML alias loop)"
    message = _SHOULD_BE.get(kind) or error["msg"]
    if message.startswith("Input should"):
        message = message.replace("Input should", "should", 1)
    return f"{message} (got {show_value(error['input'])})"


def _sorted(problems: Iterable[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda problem: (problem.line or 0, problem.field))


def from_validation(error: ValidationError, document: YamlDocument, file: str) -> list[Problem]:
    """Turn pydantic's errors into problems located in `document`."""
    located: list[tuple[Loc, str, str]] = []
    for details in error.errors(include_url=False):
        loc: Loc = tuple(details["loc"])
        field = (details.get("ctx") or {}).get("field")
        if details["type"] == ERROR_TYPE and field:
            loc = (*loc, field)
        # pydantic marks an error in a mapping's key (rather than its value) with a "[key]" step.
        is_key = bool(loc) and loc[-1] == "[key]"
        loc = loc[:-1] if is_key else loc
        message = _describe(details, loc)
        located.append((loc, details["type"], f"key {message}" if is_key else message))
    # A misspelt required key shows up twice: as unknown and as missing. The unknown one, with its
    # did-you-mean, says it all.
    suggested = {
        (*loc[:-1], close)
        for loc, kind, _ in located
        if kind == "extra_forbidden" and (close := _suggestion(loc)) is not None
    }
    return _sorted(
        Problem(file, document.line_of(loc), format_loc(loc), message)
        for loc, kind, message in located
        if not (kind == "missing" and loc in suggested)
    )


def from_consistency(error: ConsistencyError, document: YamlDocument, file: str) -> list[Problem]:
    """Turn cross-section issues into problems; each names the other place involved."""
    problems = []
    for issue in error.issues:
        message = issue.message
        if issue.related is not None:
            first = document.line_of(issue.related)
            message += f" (first at line {first})" if first else f" (first at {format_loc(issue.related)})"
        problems.append(Problem(file, document.line_of(issue.loc), format_loc(issue.loc), message))
    return _sorted(problems)


def from_duplicates(document: YamlDocument, file: str) -> list[Problem]:
    """Keys written twice in one mapping."""
    return [
        Problem(file, dup.line, format_loc(dup.loc), f"duplicate key (first at line {dup.first_line})")
        for dup in document.duplicates
    ]
