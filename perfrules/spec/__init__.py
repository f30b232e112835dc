"""Reading and writing specs and actuals as TOML, strictly and with located errors."""

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
    "dumps_actuals",
    "dumps_spec",
    "load_actuals",
    "load_example",
    "load_spec",
    "loads_actuals",
    "loads_spec",
]
