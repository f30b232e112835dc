"""Reading and writing specs and actuals as TOML, strictly and with located errors.

Specs may ``extends`` shared frameworks (``specs/``, docs/frameworks.md); loading
flattens them into one spec.
"""

from perfrules.spec._extends import SPECS_DIR, framework_dirs
from perfrules.spec._load import (
    ACTUALS_FILE,
    SPEC_FILE,
    dumps_actuals,
    dumps_spec,
    load_actuals,
    load_example,
    load_spec,
    loads_actuals,
    loads_spec,
)

__all__ = [
    "ACTUALS_FILE",
    "SPEC_FILE",
    "SPECS_DIR",
    "dumps_actuals",
    "dumps_spec",
    "framework_dirs",
    "load_actuals",
    "load_example",
    "load_spec",
    "loads_actuals",
    "loads_spec",
]
