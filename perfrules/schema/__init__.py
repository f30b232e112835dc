"""JSON Schemas of perfrules' files, for editors and other tools (docs/editors.md).

``spec``, ``actuals``, ``framework`` and ``case`` describe the TOML files — keys,
types, enumerations and required keys, with a description of every key in
Chinese and English — and are generated from the attrs model, so that they
cannot drift from what the loader reads (``tests/test_schemas.py`` compares
them with the shipped files). ``evaluation`` describes the JSON document of an
evaluation and is written by hand. The shipped files are
``specs/schemas/<name>.schema.json`` (package data ``perfrules._specs.schemas``);
``perfrules schema NAME`` prints one. After changing the model, regenerate
them::

    python -m perfrules.schema --write specs/schemas

The schemas check structure only; what they pass, ``perfrules check`` may
still refuse (weights that do not add up, an unknown category, …).
"""

from perfrules._resources import SCHEMA_NAMES
from perfrules.schema._generate import DRAFT, MODEL_SCHEMAS
from perfrules.schema._shipped import (
    REGENERATE,
    dumps_schema,
    json_schema,
    schema_file,
    shipped,
    stale_schemas,
    write_schemas,
)

__all__ = [
    "DRAFT",
    "MODEL_SCHEMAS",
    "REGENERATE",
    "SCHEMA_NAMES",
    "dumps_schema",
    "json_schema",
    "schema_file",
    "shipped",
    "stale_schemas",
    "write_schemas",
]
