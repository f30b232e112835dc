"""The golden-case file model: what a ``*.case.toml`` file holds, as frozen attrs objects.

Format (docs/golden-cases.md)::

    spec = ".."                      # optional defaults for every case
    actuals = "../actuals.toml"
    tolerance = 0.005

    [[cases]]
    name = "published report: 99 优"
    [cases.expect]
    total = 99
    grade = "优"
    budget_execution = 9
    [cases.expect.indicators]
    counsellor_proposals = 3
    [cases.expect.subtotals]
    output = 50
    [cases.expect.warnings]
    counsellor_proposals = ["overshoot"]
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, TypeAlias

import attrs

from perfrules.model import SourceMap

# A spec or actuals source in a case file: a path (relative to the case file) or an inline table.
Source: TypeAlias = str | dict[str, Any]

# The key warnings not tied to one indicator are expected under.
NO_INDICATOR = "*"


@attrs.frozen(kw_only=True)
class Expect:
    """The expected results of one case; only what is given is checked.

    ``warnings`` is complete when given: an indicator it does not name must
    have no warning (``warnings = {}`` expects none at all).
    """

    total: Decimal | None = None
    grade: str | None = None
    budget_execution: Decimal | None = None
    indicators: Mapping[str, Decimal] = attrs.field(factory=dict)
    subtotals: Mapping[str, Decimal] = attrs.field(factory=dict)
    warnings: Mapping[str, tuple[str, ...]] | None = None

    @property
    def empty(self) -> bool:
        """Whether nothing at all is expected."""
        return (
            self.total is None
            and self.grade is None
            and self.budget_execution is None
            and not self.indicators
            and not self.subtotals
            and self.warnings is None
        )


@attrs.frozen(kw_only=True)
class Case:
    """One golden case: a spec, actuals and what evaluating them must give."""

    name: str
    expect: Expect
    description: str | None = None
    spec: Source | None = None  # None: the file's default
    # None: the file's default, else actuals.toml in the spec's folder
    actuals: Source | None = None
    tolerance: Decimal | None = None  # None: the file's default, else 0 (exact)


@attrs.frozen(kw_only=True)
class CaseFile:
    """A whole case file: defaults and its cases, with the position of every key."""

    cases: tuple[Case, ...]
    spec: Source | None = None
    actuals: Source | None = None
    tolerance: Decimal | None = None
    source: SourceMap = attrs.field(factory=lambda: SourceMap(None), eq=False, repr=False)

    @property
    def file(self) -> str | None:
        """The case file's name as given (``None`` for text without a file)."""
        return self.source.file

    def line_of(self, index: int) -> int | None:
        """The line of the ``index``-th case's ``[[cases]]`` header."""
        return self.source.locate(("cases", index))[0]
