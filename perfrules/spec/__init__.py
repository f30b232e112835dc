"""Reading and writing specs and actuals as TOML, strictly and with located errors.

Specs may ``extends`` shared frameworks (docs/frameworks.md); loading flattens
them into one spec. Framework ids are found in local ``specs/`` folders, in
installed framework packages (entry points ``perfrules.frameworks``) and among
the frameworks shipped with perfrules (``available_frameworks`` lists them).
"""

from perfrules._names import ACTUALS_FILE, SPEC_FILE
from perfrules.spec._discovery import ENTRY_POINT_GROUP, SPECS_DIR, FrameworkFile, Place, available
from perfrules.spec._extends import framework_dirs
from perfrules.spec._load import (
    dumps_actuals,
    dumps_spec,
    load_actuals,
    load_example,
    load_spec,
    loads_actuals,
    loads_spec,
)

available_frameworks = available

__all__ = [
    "ACTUALS_FILE",
    "ENTRY_POINT_GROUP",
    "FrameworkFile",
    "Place",
    "SPEC_FILE",
    "SPECS_DIR",
    "available_frameworks",
    "dumps_actuals",
    "dumps_spec",
    "framework_dirs",
    "load_actuals",
    "load_example",
    "load_spec",
    "loads_actuals",
    "loads_spec",
]
