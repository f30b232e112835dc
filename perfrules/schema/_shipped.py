"""The shipped schema files: reading them, writing them from the model, finding the stale ones."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from perfrules._atomic import Transaction
from perfrules._resources import SCHEMA_NAMES, schema_path, schema_text
from perfrules.schema._generate import MODEL_SCHEMAS, generate

REGENERATE = "python -m perfrules.schema --write specs/schemas"


def dumps_schema(schema: dict[str, Any]) -> str:
    """A schema as the shipped files hold it: JSON, two-space indent, Chinese kept readable,
    final newline."""
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"


def shipped(name: str) -> dict[str, Any]:
    """The shipped JSON Schema ``name`` (one of ``spec``, ``actuals``, ``framework``, ``case``,
    ``evaluation``)."""
    result: dict[str, Any] = json.loads(schema_text(name))
    return result


def json_schema(name: str) -> dict[str, Any]:
    """The JSON Schema ``name``: generated from the model, except ``evaluation`` (hand-written: the
    shipped file).

    ``spec``, ``actuals``, ``framework`` and ``case`` describe the TOML files
    (draft-07, as taplo reads them); ``evaluation`` the JSON document
    ``perfrules.to_document`` writes (draft 2020-12).
    """
    if name not in SCHEMA_NAMES:
        raise ValueError(f"no schema {name!r}: choose one of {', '.join(SCHEMA_NAMES)}")
    if name == "evaluation":
        return shipped(name)
    return generate(name)


def schema_file(name: str, folder: str | os.PathLike[str]) -> Path:
    """Where schema ``name`` lives in ``folder``: ``<name>.schema.json``."""
    return Path(folder) / schema_path(name).name


def write_schemas(folder: str | os.PathLike[str]) -> list[Path]:
    """Write the schemas generated from the model into ``folder`` (which must exist); the paths
    written.

    ``evaluation.schema.json`` is hand-written and not touched.
    """
    written: list[Path] = []
    with Transaction() as tx:  # the changed schemas replace the old ones together, atomically
        for name in MODEL_SCHEMAS:
            path = schema_file(name, folder)
            text = dumps_schema(generate(name))
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                tx.add(path, text)
            written.append(path)
        tx.commit()
    return written


def stale_schemas(folder: str | os.PathLike[str]) -> list[str]:
    """The generated schemas whose file in ``folder`` is missing or differs from what the model
    gives now."""
    out: list[str] = []
    for name in MODEL_SCHEMAS:
        path = schema_file(name, folder)
        if not path.is_file() or path.read_text(encoding="utf-8") != dumps_schema(generate(name)):
            out.append(name)
    return out
