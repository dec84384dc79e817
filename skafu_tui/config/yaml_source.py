"""Parse YAML while remembering the line of every key and list item, so errors can name lines."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from skafu_tui.config.models import Loc

#: Nodes indexed before giving up on line numbers (guards against alias bombs fanning out).
_MAX_INDEXED = 100_000
_MAX_DEPTH = 64


class YamlSyntaxError(Exception):
    """The text is not valid YAML (or is too deeply nested to read)."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None) -> None:
        self.message = message
        self.line = line
        self.column = column
        super().__init__(message)


@dataclass(frozen=True)
class DuplicateKey:
    """A key written twice in one mapping: YAML keeps the last, which hides a mistake."""

    loc: Loc
    line: int
    first_line: int


@dataclass
class YamlDocument:
    """The parsed data and where each part of it was written (1-based lines)."""

    data: Any
    lines: dict[Loc, int] = field(default_factory=dict)
    duplicates: list[DuplicateKey] = field(default_factory=list)

    def line_of(self, loc: Loc) -> int | None:
        """The line of `loc`, or of its nearest written ancestor (e.g. for a missing key)."""
        for end in range(len(loc), -1, -1):
            line = self.lines.get(loc[:end])
            if line is not None:
                return line
        return None


class _Indexer:
    def __init__(self, document: YamlDocument) -> None:
        self.document = document
        self.active: set[int] = set()

    def visit(self, node: yaml.Node, loc: Loc) -> None:
        lines = self.document.lines
        if len(lines) >= _MAX_INDEXED or len(loc) > _MAX_DEPTH or id(node) in self.active:
            return
        self.active.add(id(node))
        try:
            if isinstance(node, yaml.MappingNode):
                self._mapping(node, loc)
            elif isinstance(node, yaml.SequenceNode):
                for index, item in enumerate(node.value):
                    lines.setdefault((*loc, index), item.start_mark.line + 1)
                    self.visit(item, (*loc, index))
        finally:
            self.active.discard(id(node))

    def _mapping(self, node: yaml.MappingNode, loc: Loc) -> None:
        lines = self.document.lines
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = str(key_node.value)
            line = key_node.start_mark.line + 1
            if key in seen:
                self.document.duplicates.append(DuplicateKey((*loc, key), line, seen[key]))
                continue
            seen[key] = line
            lines[(*loc, key)] = line
            self.visit(value_node, (*loc, key))


# libyaml's loader is about ten times faster and keeps the same marks; PyYAML's is the fallback.
_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _unreadable(error: yaml.reader.ReaderError, text: str) -> YamlSyntaxError:
    character = error.character
    shown = f"U+{character:04X}" if isinstance(character, int) else repr(character)
    line = text.count("\n", 0, error.position) + 1
    return YamlSyntaxError(f"character {shown} is not allowed in YAML", line)


def parse_yaml(text: str) -> YamlDocument:
    """Parse one YAML document with the safe loader; raises YamlSyntaxError with line and column."""
    try:
        loader = _Loader(text)
    except yaml.reader.ReaderError as error:  # the pure-Python reader checks characters up front
        raise _unreadable(error, text) from error
    try:
        node = loader.get_single_node()
        if node is None:
            return YamlDocument(data=None)
        document = YamlDocument(data=None, lines={(): node.start_mark.line + 1})
        _Indexer(document).visit(node, ())
        document.data = loader.construct_document(node)
        return document
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        parts = [part for part in (error.context, error.problem) if part]
        message = ", ".join(parts) or "invalid YAML"
        if mark is None:
            raise YamlSyntaxError(message) from error
        raise YamlSyntaxError(message, mark.line + 1, mark.column + 1) from error
    except yaml.reader.ReaderError as error:
        raise _unreadable(error, text) from error
    except yaml.YAMLError as error:
        raise YamlSyntaxError(str(error).replace("\n", " ")) from error
    except RecursionError as error:
        raise YamlSyntaxError("nested too deeply to read") from error
    finally:
        loader.dispose()
