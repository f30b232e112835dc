"""File names and suffixes every layer shares (standard library only: the command line imports it
at start-up)."""

SPEC_FILE = "spec.toml"
ACTUALS_FILE = "actuals.toml"
CASE_SUFFIX = ".case.toml"
