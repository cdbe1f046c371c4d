"""Safe YAML loading that remembers where every value stood, and finds every duplicate key.

ruamel's composer gives nodes with their marks; we build plain Python values from them ourselves
so that a duplicate key is reported (with both lines) instead of stopping the whole load, and so
that every message can name file:line:column.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

KeyPath = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    """One thing wrong in one spec file, placed as precisely as the YAML allows."""

    file: str
    line: int
    column: int
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}"
        return f"{where} {self.path}: {self.message}" if self.path else f"{where} {self.message}"


@dataclass
class Located:
    """A YAML document as plain data, plus the (line, column) of each key path (1-based)."""

    data: object
    positions: dict[KeyPath, tuple[int, int]] = field(default_factory=dict)
    key_positions: dict[KeyPath, tuple[int, int]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def where(self, path: KeyPath) -> tuple[int, int]:
        """Position of the value at `path`, or of its nearest located ancestor."""
        for cut in range(len(path), -1, -1):
            if path[:cut] in self.positions:
                return self.positions[path[:cut]]
        return (1, 1)

    def where_key(self, path: KeyPath) -> tuple[int, int]:
        return self.key_positions.get(path) or self.where(path)


def format_path(path: KeyPath) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _mark(node: Node) -> tuple[int, int]:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


class _Builder:
    def __init__(self, file: str, yaml: YAML) -> None:
        self.file = file
        self.scalars = yaml.constructor  # bound to a loader, so it knows the YAML version's rules
        self.out = Located(data=None)

    def build(self, node: Node, path: KeyPath) -> object:
        self.out.positions[path] = _mark(node)
        if isinstance(node, MappingNode):
            result: dict[object, object] = {}
            first_seen: dict[object, int] = {}
            for key_node, value_node in node.value:
                key = self.build(key_node, path + ("<key>",))
                if not isinstance(key, (str, int, float, bool)) or key is None:
                    key = str(key)
                if key in first_seen:
                    line, col = _mark(key_node)
                    self.out.problems.append(Problem(
                        self.file, line, col, format_path(path + (str(key),)),
                        f"duplicate key '{key}' (first at line {first_seen[key]}); keep one of them",
                    ))
                    continue
                first_seen[key] = _mark(key_node)[0]
                self.out.key_positions[path + (key,)] = _mark(key_node)
                result[key] = self.build(value_node, path + (key,))
            self.out.positions.pop(path + ("<key>",), None)
            return result
        if isinstance(node, SequenceNode):
            return [self.build(item, path + (i,)) for i, item in enumerate(node.value)]
        assert isinstance(node, ScalarNode)
        value = self.scalars.construct_object(node, deep=True)
        # Dates stay text: specs compare them as ISO strings and YAML's implicit dates surprise stewards.
        return value.isoformat() if hasattr(value, "isoformat") else value


def load_located(path: Path, display: str | None = None) -> Located:
    """Parse one YAML file safely. Syntax errors become a Problem, never an exception."""
    shown = display or str(path)
    yaml = YAML(typ="safe", pure=True)
    try:
        text = path.read_text(encoding="utf-8")
        node = yaml.compose(text)
    except MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        return Located(data=None, problems=[Problem(shown, line, col, "", f"not valid YAML: {err.problem}; check indentation and quotes")])
    except UnicodeDecodeError:
        return Located(data=None, problems=[Problem(shown, 1, 1, "", "not UTF-8 text; save the file as UTF-8")])
    if node is None:
        return Located(data=None, problems=[Problem(shown, 1, 1, "", "the file is empty")])
    builder = _Builder(shown, yaml)
    builder.out.data = builder.build(node, ())
    return builder.out
