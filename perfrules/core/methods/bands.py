"""``bands``: 区间计分 — the band the value falls in gives the score (部门整体支出 共性指标).

The value is the actual (``on = "actual"``) or its deviation |a − t| ÷ t ×
100 (``on = "deviation"``). The spec guarantees the bands cover every value
≥ 0 exactly once with scores on the score grid, so nothing is clamped or
rounded. Also the budget row's ``method`` (bands on the rate).
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from perfrules._errors import PathKey
from perfrules.core import _citations as cite
from perfrules.core._citations import Citation
from perfrules.core._exact import frac, on_grid, show, show_dec
from perfrules.core._fullmarks import FullMarks, fm
from perfrules.core._scoring import Scored, band_holds, finish, make_step
from perfrules.core._text import band_text
from perfrules.core.methods._rule import Ask, Inputs, Issue, Issues, MethodRule
from perfrules.model import Band, BandBasis, Bands, QuantitativeTarget, Rounding


def score_bands(
    *,
    weight: Decimal,
    target: QuantitativeTarget,
    actual: Fraction,
    actual_text: str,
    method: Bands,
    rounding: Rounding,
    citation: Citation | None = cite.BANDS,
) -> Scored:
    """区间计分: the band the value falls in gives the score."""
    t, a = frac(target.value), actual
    tgt = str(target)
    steps = [
        make_step(
            "input",
            f"年度指标值 {tgt}；实际完成值 {actual_text}；分值 {show_dec(weight)}分",
            f"target {tgt}; actual {actual_text}; weight {show_dec(weight)}",
        )
    ]
    if method.on is BandBasis.DEVIATION:
        value = abs(a - t) / t * 100 if t != 0 else (Fraction(0) if a == 0 else Fraction(10**9))
        steps.append(
            make_step(
                "formula",
                f"偏离度 = |实际完成值 − 指标值| ÷ 指标值 × 100% = |{show(a)} − {show(t)}| ÷ {show(t)} × 100% = {show(value, 6)}%",
                f"deviation = |actual − target| / target × 100% = {show(value, 6)}%",
            )
        )
        what_zh, what_en = f"偏离度{show(value, 2)}%", f"deviation {show(value, 2)}%"
    else:
        value = a
        what_zh, what_en = f"实际完成值{actual_text}", f"actual {actual_text}"
    band = next(
        b for b in method.bands if band_holds(b, value)
    )  # validate_spec: the bands cover every value
    table = "；".join(f"{band_text(b)}计{show_dec(b.score)}分" for b in method.bands)
    steps.append(
        make_step(
            "compare",
            f"计分区间：{table}。{what_zh}落在“{band_text(band)}”，计{show_dec(band.score)}分",
            f"{what_en} falls in band {band_text(band)}: {show_dec(band.score)} points",
        )
    )
    met = target.comparator.holds(a, t)
    return finish(
        frac(band.score),
        weight,
        rounding.score,
        steps,
        met=met,
        method="bands",
        citation=citation,
        why_zh=f"{what_zh}落在“{band_text(band)}”区间，计{show_dec(band.score)}分",
        why_en=f"{what_en} falls in band {band_text(band)}",
    )


def _quoted(method: Bands, target: QuantitativeTarget) -> Citation | None:
    """BANDS where the row's table is the one it quotes (重点支出安排率, on the actual in %)."""
    if method.on is not BandBasis.ACTUAL:
        return None
    table = tuple((b.min, b.max, b.min_inclusive, b.max_inclusive, b.score) for b in method.bands)
    return cite.BANDS if cite.bands_quote(table, target.unit) else None


def check_band_table(method: Bands, weight: Decimal, q: Decimal) -> Issues:
    """A band table covers every value ≥ 0 exactly once, its scores in [0, weight] on the score grid."""
    c = Issues()
    path: PathKey = ("bands",)
    bands = method.bands
    if not bands:
        c.add(
            "bands",
            path,
            en="a band table needs at least one band",
            zh="区间计分表至少需要一个区间",
        )
        return c
    for i, b in enumerate(bands):
        if not (0 <= b.score <= weight):
            c.add(
                "bands",
                (*path, i, "score"),
                en=f"band score {show_dec(b.score)} lies outside 0..{show_dec(weight)}",
                zh=f"区间得分{show_dec(b.score)}超出0至{show_dec(weight)}分",
            )
        elif not on_grid(b.score, q):
            c.add(
                "bands",
                (*path, i, "score"),
                en=f"band score {show_dec(b.score)} is finer than rounding.score",
                zh=f"区间得分{show_dec(b.score)}的小数位多于 rounding.score",
            )
        if (
            b.min is not None
            and b.max is not None
            and (b.min > b.max or (b.min == b.max and not (b.min_inclusive and b.max_inclusive)))
        ):
            c.add(
                "bands",
                (*path, i),
                en=f"band {i + 1}: min {show_dec(b.min)} must be below max {show_dec(b.max)}",
                zh=f"第{i + 1}个区间的下限{show_dec(b.min)}须小于上限{show_dec(b.max)}",
            )
            return c

    # The bands must cover every value ≥ 0 exactly once: walk them from the lowest edge up.
    def lo_key(b: Band) -> tuple[int, Fraction, int]:
        if b.min is None:
            return (0, Fraction(0), 0)
        return (1, frac(b.min), 0 if b.min_inclusive else 1)

    order = sorted(range(len(bands)), key=lambda i: lo_key(bands[i]))
    cursor: tuple[Fraction, bool] | None = (
        Fraction(0),
        True,
    )  # next uncovered value, and whether it is included
    for i in order:
        b = bands[i]
        if b.min is None and i != order[0]:
            c.add(
                "bands",
                (*path, i),
                en=f"band {i + 1} and band {order[0] + 1} are both unbounded below: they overlap",
                zh=f"第{i + 1}个区间与第{order[0] + 1}个区间均无下限，相互重叠",
            )
            return c
        if cursor is None:
            c.add(
                "bands",
                (*path, i),
                en=f"band {i + 1} overlaps an earlier band that is unbounded above",
                zh=f"第{i + 1}个区间与无上限的区间重叠",
            )
            return c
        value, incl = cursor
        if b.min is not None:
            lo, lo_incl = frac(b.min), b.min_inclusive
            if lo > value or (lo == value and incl and not lo_incl):
                c.add(
                    "bands",
                    (*path, i),
                    en=f"values from {show(value)} up to {show(lo)} fall in no band (a gap)",
                    zh=f"{show(value)}至{show(lo)}之间的值不属于任何区间（区间有缺口）",
                )
                return c
            if lo < value or (lo == value and lo_incl and not incl):
                if not (lo < 0 and value == 0 and incl):
                    c.add(
                        "bands",
                        (*path, i),
                        en=f"band {i + 1} overlaps the band below it at {show(max(lo, Fraction(0)))}",
                        zh=f"第{i + 1}个区间与下方区间在{show(max(lo, Fraction(0)))}处重叠",
                    )
                    return c
        cursor = None if b.max is None else (frac(b.max), not b.max_inclusive)
    if cursor is not None:
        c.add(
            "bands",
            path,
            en=f"values from {show(cursor[0])} upward fall in no band (declare a band without max)",
            zh=f"{show(cursor[0])}及以上的值不属于任何区间（请设置无上限的区间）",
        )
    return c


class BandsRule(MethodRule[Bands]):
    cls = Bands
    name = "bands"
    citations = (cite.BANDS,)
    table_refusal = (
        "bands-in-table",
        "method 'bands' needs a band table, which only a spec file can hold: declare this indicator in a spec "
        "file (and name it in the spec column), or choose another method",
        "区间计分（bands）需要区间表，只能在规范文件中声明：请在规范文件中声明该指标（并在 spec 列引用），或改用其他计分方法",
    )

    def check(
        self, method: Bands, *, weight: Decimal, quantum: Decimal, target: QuantitativeTarget | None
    ) -> list[Issue]:
        c = check_band_table(method, weight, quantum)
        if method.on is BandBasis.DEVIATION and target is not None and target.value == 0:
            c.add(
                "method-params",
                ("on",),
                en="deviation bands need a target above 0",
                zh="按偏离度分档计分要求指标值大于0",
            )
        return c

    def reads_below_zero(self, method: Bands | None) -> bool:
        # a band unbounded below scores an actual below 0
        return (
            method is not None
            and method.on is BandBasis.ACTUAL
            and any(b.min is None for b in method.bands)
        )

    def score(self, method: Bands | None, inputs: Inputs) -> Scored:
        assert method is not None
        target, actual = inputs.quantity()
        return score_bands(
            weight=inputs.weight,
            target=target,
            actual=actual,
            actual_text=inputs.actual_text,
            method=method,
            rounding=inputs.rounding,
            citation=inputs.citation or _quoted(method, target),
        )

    def why_not(self, method: Bands | None, ask: Ask) -> FullMarks | None:
        assert method is not None
        target = ask.target
        if target is None:
            return None
        t, u, w, what_zh, what_en = (
            frac(target.value),
            target.unit,
            ask.weight,
            ask.what_zh,
            ask.what_en,
        )
        full = [b for b in method.bands if b.score == w]
        if not full:
            return FullMarks(
                threshold=None,
                comparator=None,
                zh="计分区间中没有满分档",
                en="no band gives the full weight",
            )
        where = "、".join(band_text(b) for b in full)
        if (
            method.on is BandBasis.DEVIATION
        ):  # a range around the target: no single bound on the actual
            return FullMarks(
                threshold=None,
                comparator=None,
                zh=f"偏离度（|实际完成值 − 指标值| ÷ 指标值）在“{where}”区间即可得满分",
                en=f"full marks with a deviation from the target {show(t)}{u} in band(s) {where}",
            )
        if len(full) == 1 and (full[0].min is None) != (
            full[0].max is None
        ):  # one half-open band: one bound
            b = full[0]
            if b.min is not None:
                return fm(frac(b.min), "≥" if b.min_inclusive else ">", u, what_zh, what_en)
            assert b.max is not None
            return fm(frac(b.max), "≤" if b.max_inclusive else "<", u, what_zh, what_en)
        return FullMarks(
            threshold=None,
            comparator=None,
            zh=f"{what_zh}在“{where}”区间即可得满分",
            en=f"full marks with {what_en} in band(s) {where}",
        )


RULE = BandsRule()
