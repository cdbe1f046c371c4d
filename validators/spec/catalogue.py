"""Read every spec under specs/ into one typed Catalogue; schema problems as file:line:column."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from .model import Codelist, Request, Source
from .suggest import suggestion
from .yamlpos import Located, Problem, format_path, load_located

KINDS: dict[str, type[BaseModel]] = {"codelists": Codelist, "sources": Source, "requests": Request}


@dataclass
class Catalogue:
    root: Path
    requests: dict[str, Request] = field(default_factory=dict)
    sources: dict[str, Source] = field(default_factory=dict)
    codelists: dict[str, Codelist] = field(default_factory=dict)
    files: dict[tuple[str, str], str] = field(default_factory=dict)  # (kind, id) -> shown path
    located: dict[tuple[str, str], Located] = field(default_factory=dict)
    hashes: dict[str, str] = field(default_factory=dict)  # shown path -> sha256

    def request_hash(self, request_id: str) -> str:
        return self.hashes[self.files[("requests", request_id)]]


def _field_names(model: type[BaseModel]) -> list[str]:
    return [f.alias or name for name, f in model.model_fields.items()]


def _submodel(model: type[BaseModel], loc: tuple) -> type[BaseModel] | None:
    """The pydantic model that owns the last key of `loc`, to suggest its field names."""
    current: Any = model
    for part in loc[:-1]:
        if isinstance(part, int) or not (isinstance(current, type) and issubclass(current, BaseModel)):
            continue
        info = next((f for n, f in current.model_fields.items() if part in (n, f.alias)), None)
        if info is None:
            return None
        annotation = info.annotation
        args = getattr(annotation, "__args__", ())
        candidates = [a for a in (annotation, *args) if isinstance(a, type) and issubclass(a, BaseModel)]
        nested = [a for arg in args for a in getattr(arg, "__args__", ()) if isinstance(a, type) and issubclass(a, BaseModel)]
        current = (candidates or nested or [None])[0]
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def pydantic_problems(err: ValidationError, located: Located, shown: str, model: type[BaseModel]) -> list[Problem]:
    out = []
    for e in err.errors():
        loc = tuple(p for p in e["loc"] if not (isinstance(p, str) and p.startswith(("function-", "str", "dict["))))
        loc = tuple(p for p in loc if p not in ("json-or-python[json=function-after[_date_or_anchor(), str],python=function-after[_date_or_anchor(), str]]",))
        kind = e["type"]
        if kind == "extra_forbidden":
            owner = _submodel(model, loc)
            names = _field_names(owner) if owner else []
            line, col = located.where_key(loc)
            msg = f"unknown key '{loc[-1]}'" + (suggestion(loc[-1], names) if names else "; remove it")
        elif kind == "missing":
            line, col = located.where(loc[:-1])
            msg = f"missing required key '{loc[-1]}'"
        else:
            line, col = located.where(loc)
            text = e["msg"].removeprefix("Value error, ")
            msg = text[0].lower() + text[1:] if text else kind
        out.append(Problem(shown, line, col, format_path(loc), msg))
    return out


def _shown(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root.parent))
    except ValueError:
        return str(path)


def read_specs(root: Path) -> tuple[Catalogue, list[Problem]]:
    """Parse and type-check every YAML file under root (the specs/ folder)."""
    catalogue = Catalogue(root=root)
    problems: list[Problem] = []
    for kind, model in KINDS.items():
        for path in sorted((root / kind).glob("*.y*ml")):
            shown = _shown(path, root)
            catalogue.hashes[shown] = hashlib.sha256(path.read_bytes()).hexdigest()
            located = load_located(path, shown)
            problems.extend(located.problems)
            if located.data is None:
                continue
            if not isinstance(located.data, dict):
                problems.append(Problem(shown, 1, 1, "", f"expected a mapping of keys (a {model.__name__} spec)"))
                continue
            try:
                spec = model.model_validate(located.data)
            except ValidationError as err:
                problems.extend(pydantic_problems(err, located, shown, model))
                continue
            if spec.id != path.stem:
                line, col = located.where(("id",))
                problems.append(Problem(shown, line, col, "id", f"id '{spec.id}' differs from the file name; rename the file to {spec.id}{path.suffix} or the id to '{path.stem}'"))
            getattr(catalogue, kind)[spec.id] = spec
            catalogue.files[(kind, spec.id)] = shown
            catalogue.located[(kind, spec.id)] = located
    return catalogue, problems
