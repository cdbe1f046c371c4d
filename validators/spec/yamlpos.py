"""Safe YAML loading that remembers where every value stood, and finds every duplicate key.

ruamel's composer gives nodes with their marks; we build plain Python values from them ourselves
so that a duplicate key is reported (with both lines) instead of stopping the whole load, and so
that every message can name file:line:column.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.constructor import ConstructorError
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

KeyPath = tuple[str | int, ...]

# Bounds: a spec is a few kilobytes; anything far larger is refused at once, before it costs memory.
MAX_BYTES = 1 << 20     # 1 MiB per spec file
MAX_DEPTH = 50          # nesting of mappings and lists
MAX_VALUES = 100_000    # values once aliases (*x) are expanded: stops "billion laughs"


class TooLarge(ValueError):
    """The document exceeds a bound; the message says which and what to do."""


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
        text = f"{where} {self.path}: {self.message}" if self.path else f"{where} {self.message}"
        return " ".join(text.split())  # one line per problem, even if a value holds a line break


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


def _plain_tag(tag: str | None) -> bool:
    """YAML's own types only: a python/... or custom (!name) tag is never honoured."""
    return not tag or (tag.startswith("tag:yaml.org,2002:") and "python" not in tag)


def _mark(node: Node) -> tuple[int, int]:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


class _Builder:
    def __init__(self, file: str, yaml: YAML) -> None:
        self.file = file
        self.scalars = yaml.constructor  # bound to a loader, so it knows the YAML version's rules
        self.out = Located(data=None)
        self.values = 0

    def build(self, node: Node, path: KeyPath) -> object:
        self.values += 1
        if self.values > MAX_VALUES:
            raise TooLarge(f"the document expands to more than {MAX_VALUES:,} values (aliases *name repeat what "
                           f"&name anchors); write the values out, without nested aliases")
        if len(path) > MAX_DEPTH:
            raise TooLarge(f"the document is nested more than {MAX_DEPTH} levels deep; a spec needs far fewer")
        self.out.positions[path] = _mark(node)
        if not isinstance(node, ScalarNode) and not _plain_tag(node.tag):
            line, col = _mark(node)
            self.out.problems.append(Problem(self.file, line, col, format_path(path), (
                f"the tag {node.tag} is not allowed in a spec; remove it and write the value plainly")))
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
        try:
            value = self.scalars.construct_object(node, deep=True)
        except (ConstructorError, ValueError, TypeError) as bad:
            return self._unreadable(node, path, bad)
        # Dates stay text: specs compare them as ISO strings and YAML's implicit dates surprise stewards.
        return value.isoformat() if hasattr(value, "isoformat") else value


    def _unreadable(self, node: ScalarNode, path: KeyPath, bad: Exception) -> str:
        """A scalar that cannot be built (a tag, an impossible date): a problem, and its text as written."""
        line, col = _mark(node)
        if not _plain_tag(node.tag):
            message = f"the tag {node.tag} is not allowed in a spec; remove it and write the value plainly"
        elif "timestamp" in (node.tag or "") or "day" in str(bad) or "month" in str(bad):
            message = f"'{node.value}' is not a date of the calendar ({bad}); write a real date, e.g. '2024-02-29'"
        else:
            message = f"'{node.value}' cannot be read ({bad}); quote it or correct it"
        self.out.problems.append(Problem(self.file, line, col, format_path(path), message))
        return str(node.value)


def _flow_depth_exceeded(text: str) -> bool:
    """Flow collections ([ {) nested past MAX_DEPTH, outside quotes: a cheap scan before parsing."""
    depth, quote = 0, ""
    for ch in text:
        if ch == "\n" and depth == 0:
            quote = ""  # an apostrophe in plain text ("Peru's") ends with its line
        elif quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return True
        elif ch in "]}":
            depth = max(depth - 1, 0)
    return False


def load_located(path: Path, display: str | None = None) -> Located:
    """Parse one YAML file safely. Syntax errors and exceeded bounds become a Problem, never an exception."""
    shown = display or str(path)
    yaml = YAML(typ="safe", pure=True)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            return Located(data=None, problems=[Problem(shown, 1, 1, "", (
                f"the file is {size:,} bytes, more than the {MAX_BYTES:,} a spec may have; "
                f"split it or remove what is not a spec"))])
        text = path.read_text(encoding="utf-8")
        if _flow_depth_exceeded(text):
            raise RecursionError
        node = yaml.compose(text)
    except RecursionError:
        return Located(data=None, problems=[Problem(shown, 1, 1, "", (
            f"the document is nested more than {MAX_DEPTH} levels deep; a spec needs far fewer"))])
    except MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        return Located(data=None, problems=[Problem(shown, line, col, "", f"not valid YAML: {err.problem}; check indentation and quotes")])
    except UnicodeDecodeError as bad:
        line = path.read_bytes()[:bad.start].count(b"\n") + 1
        return Located(data=None, problems=[Problem(shown, line, 1, "", "not UTF-8 text; save the file as UTF-8")])
    except YAMLError as err:  # e.g. more than one document in the file
        return Located(data=None, problems=[Problem(shown, 1, 1, "", f"not valid YAML: {err}; one spec per file")])
    if node is None:
        return Located(data=None, problems=[Problem(shown, 1, 1, "", "the file is empty")])
    builder = _Builder(shown, yaml)
    try:
        builder.out.data = builder.build(node, ())
    except (TooLarge, RecursionError) as big:
        message = str(big) if isinstance(big, TooLarge) else f"the document is nested more than {MAX_DEPTH} levels deep"
        return Located(data=None, problems=[Problem(shown, 1, 1, "", message)])
    return builder.out
