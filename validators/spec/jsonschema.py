"""Export the spec models as JSON Schema, for editors (YAML language server) to autocomplete."""

from __future__ import annotations

import json
from pathlib import Path

from .model import Codelist, Request, Source

MODELS = {"request": Request, "source": Source, "codelist": Codelist}


def schema_of(name: str) -> dict:
    schema = MODELS[name].model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = f"loipr-stats {name} spec"
    return schema


def write_schemas(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name in MODELS:
        path = folder / f"{name}.schema.json"
        path.write_text(json.dumps(schema_of(name), indent=2, ensure_ascii=False) + "\n")
        paths.append(path)
    return paths
