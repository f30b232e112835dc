"""Fixed-share qualitative tiers (min = max, max_inclusive): A/B/C/D = 100/80/60/0 % of the weight."""

from __future__ import annotations

from decimal import Decimal

import pytest

import perfrules
from perfrules.loading import loads_actuals, loads_spec

TIERS = "".join(
    f'\n[[tiers]]\nname = "{n}"\nmin = {s}\nmax = {s}\nmax_inclusive = {inc}\n'
    for n, s, inc in (
        ("A", "1", "true"),
        ("B", "0.8", "true"),
        ("C", "0.6", "true"),
        ("D", "0", "true"),
    )
)
SPEC = """
[meta]
id = "fixed-tiers"
title = "t"
unit = "u"
year = 2024
kind = "项目支出"
{tiers}
[[categories]]
id = "c"
name = "满意度指标"
weight = 100

[[indicators]]
id = "q1"
name = "服务对象满意度"
category = "c"
weight = 62.5
target_text = "满意"

[[indicators]]
id = "q2"
name = "社会公众满意度"
category = "c"
weight = 37.5
target_text = "满意"
"""


@pytest.mark.parametrize(
    ("tier", "expected"), [("A", "62.50"), ("B", "50.00"), ("C", "37.50"), ("D", "0.00")]
)
def test_a_fixed_share_tier_scores_exactly_its_share(tier: str, expected: str) -> None:
    spec = loads_spec(SPEC.format(tiers=TIERS), file="spec.toml")
    acts = loads_actuals(
        f'[indicators]\nq1 = {{ tier = "{tier}" }}\nq2 = {{ tier = "B" }}\n',
        file="a.toml",
        spec=spec,
    )
    ev = perfrules.evaluate(spec, acts)
    assert str(ev.indicator("q1").score) == expected
    assert ev.indicator("q1").met is (tier == "A")
    assert ev.indicator("q2").score == Decimal("30.00")


def test_equal_bounds_without_max_inclusive_are_still_an_error() -> None:
    bad = TIERS.replace(
        'name = "B"\nmin = 0.8\nmax = 0.8\nmax_inclusive = true',
        'name = "B"\nmin = 0.8\nmax = 0.8\nmax_inclusive = false',
    )
    with pytest.raises(perfrules.SpecError) as info:
        loads_spec(SPEC.format(tiers=bad), file="spec.toml")
    problems = sorted((p.code, p.path) for p in info.value.problems)
    # the tier itself, and no score fits the empty range [0.8 w, 0.8 w) on either indicator
    assert problems == [("tier-precision", ("indicators", i, "weight")) for i in (0, 1)] + [
        ("tiers", ("tiers", 1))
    ]
