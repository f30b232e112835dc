"""perfrules.testing: a hypothesis kit for specs and the scoring rules.

Strategies that draw valid specs (:func:`specs`), valid actuals for any
spec — yours included — with values near the rules' boundaries
(:func:`actuals_for`), and both together (:func:`cases`); and stock
properties, plain functions that raise :class:`AssertionError` saying what
broke (:func:`check_all` runs them all)::

    import perfrules
    from hypothesis import given
    from perfrules.testing import actuals_for, check_all

    spec = perfrules.load_spec("examples/hunan-2024-general-office/spec.toml")

    @given(actuals_for(spec))
    def test_my_spec(actuals):
        check_all(spec, actuals)

hypothesis is a test dependency, not a runtime one: install it with the
``test`` extra (``pip install 'perfrules[test]'``), or the ``testing`` extra
that holds only what the kit needs. See docs/testing.md.
"""

try:
    import hypothesis  # noqa: F401
except ImportError as exc:  # pragma: no cover - exercised in a subprocess by the tests
    from perfrules._errors import MissingExtraError

    raise MissingExtraError(
        "testing",
        "perfrules.testing needs hypothesis",
        "perfrules.testing 需要 hypothesis",
        module="hypothesis",
    ) from exc

from perfrules.testing._properties import (
    DEFAULT_DELTAS,
    PROPERTIES,
    Evaluate,
    check_all,
    check_deterministic,
    check_explained,
    check_grade,
    check_monotone,
    check_rescaling,
    check_round_trip,
    check_score_bounds,
    check_subtotals,
    check_total,
)
from perfrules.testing._strategies import (
    BUDGET_KINDS,
    METHOD_NAMES,
    Case,
    actuals_for,
    cases,
    specs,
)

__all__ = [
    "BUDGET_KINDS",
    "DEFAULT_DELTAS",
    "METHOD_NAMES",
    "PROPERTIES",
    "Case",
    "Evaluate",
    "actuals_for",
    "cases",
    "check_all",
    "check_deterministic",
    "check_explained",
    "check_grade",
    "check_monotone",
    "check_rescaling",
    "check_round_trip",
    "check_score_bounds",
    "check_subtotals",
    "check_total",
    "specs",
]
