"""Reading and writing specs and actuals as TOML, strictly and with located errors.

Specs may ``extends`` shared frameworks (docs/frameworks.md); loading flattens
them into one spec. Framework ids are found in local ``specs/`` folders, in
installed framework packages (entry points ``perfrules.frameworks``) and among
the frameworks shipped with perfrules (``available_frameworks`` lists them).

The whole loader (:func:`load_spec`, :func:`loads_spec`, :func:`load_actuals`,
:func:`loads_actuals`, :func:`load_example`) is made of public stages
(docs/spec-format.md, "Loading in stages")::

    data, source = read_toml("spec.toml")          # or parse_toml_text(text, file="spec.toml")
    spec = load_data(data, source)                 # extends resolved, strict structure, validation
    actuals = load_data(*read_toml("actuals.toml"), Actuals, spec=spec)
    data, info, problems = resolve_framework("hunan-department", {"year": 2024})

and the pieces other readers of TOML-shaped data share: the strict
:data:`converter` and its value hooks, :func:`structure_problems`,
:func:`resolve_extends` (the framework merge), the decoding helpers and the
key-path index.

This package was called ``perfrules.spec``; that name still works, with a
:class:`DeprecationWarning`.
"""

from perfrules._names import ACTUALS_FILE, SPEC_FILE
from perfrules.loading._converter import (
    COMPARATOR_ALIASES,
    AtKey,
    ValueProblem,
    converter,
    strict_bool,
    strict_decimal,
    strict_str,
    wrong_type,
)
from perfrules.loading._decode import as_gbk, decode_text, encoding_problem
from perfrules.loading._discovery import (
    ENTRY_POINT_GROUP,
    SPECS_DIR,
    FrameworkFile,
    Place,
    available,
    framework_entry,
    package_places,
)
from perfrules.loading._extends import (
    FRAMEWORK_KEYS,
    PERIOD_KEYS,
    SPEC_FIELDS,
    SPECIAL_KEYS,
    VERSION_KEYS,
    Reader,
    Resolved,
    SpecField,
    Structural,
    framework_dirs,
    resolve_extends,
    uses_frameworks,
)
from perfrules.loading._load import (
    STRUCTURE_ERRORS,
    dumps_actuals,
    dumps_spec,
    load_actuals,
    load_data,
    load_example,
    load_spec,
    loads_actuals,
    loads_spec,
    parse_toml_text,
    read_text,
    read_toml,
    resolve_framework,
    structural_problems,
    structure_problems,
)
from perfrules.loading._toml_index import LazyPositions, index_positions, read_bytes

available_frameworks = available

__all__ = [
    "ACTUALS_FILE",
    "COMPARATOR_ALIASES",
    "ENTRY_POINT_GROUP",
    "FRAMEWORK_KEYS",
    "PERIOD_KEYS",
    "SPEC_FIELDS",
    "SPEC_FILE",
    "SPECIAL_KEYS",
    "SPECS_DIR",
    "STRUCTURE_ERRORS",
    "VERSION_KEYS",
    "AtKey",
    "FrameworkFile",
    "LazyPositions",
    "Place",
    "Reader",
    "Resolved",
    "SpecField",
    "Structural",
    "ValueProblem",
    "as_gbk",
    "available_frameworks",
    "framework_entry",
    "converter",
    "decode_text",
    "dumps_actuals",
    "dumps_spec",
    "encoding_problem",
    "framework_dirs",
    "index_positions",
    "load_actuals",
    "load_data",
    "load_example",
    "load_spec",
    "loads_actuals",
    "loads_spec",
    "package_places",
    "parse_toml_text",
    "read_bytes",
    "read_text",
    "read_toml",
    "resolve_extends",
    "resolve_framework",
    "strict_bool",
    "strict_decimal",
    "strict_str",
    "structural_problems",
    "structure_problems",
    "uses_frameworks",
    "wrong_type",
]
