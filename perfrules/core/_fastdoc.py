"""A unit's evaluation document written straight from its spec and actuals (the full-document batch).

:func:`unit_document` gives exactly ``document_line(evaluate(spec, actuals),
unit)`` — byte for byte — and what the batch's result tables read of the
evaluation, without making the evaluation: each row is scored to text by its
method's fast branch (``fast_texts`` at the end of the method's module,
:mod:`perfrules.core._template`), with the render functions the Step path
formats its steps with, and the line is written from those texts. It covers
the common rows — a number under ``ratio`` and ``inverse_ratio``, a tier
(and an entered score) under ``qualitative``, a number under ``step``, with or
without a text, a note, a declared rule or ``round_to``; for anything else —
another method, the linear rule, a zero target, a derived value, a deduction,
a warning, a budget row, bonus or veto, partial mode — it
returns ``None`` and the caller evaluates the unit as always. Validation is
the same :func:`~perfrules.core._evaluate.check` (a :class:`~perfrules.SpecError`
alike). ``tests/test_fastdoc.py`` holds the line equal to the evaluation's.
"""

from __future__ import annotations

import itertools
from decimal import Decimal
from fractions import Fraction
from typing import Any, NamedTuple

import attrs

from perfrules.core import _citations as cite
from perfrules.core._citations import Citation
from perfrules.core._digest import spec_sha256
from perfrules.core._document import (
    _HEAD,
    _HEADS,
    _STEP_HEADS,
    _citation_json,
    _compact,
    _dec,
    _enc,
    _encode_str,
    _fr,
    _full_json,
    _indicator_head,
    _policies_json,
    _scalar,
    _str,
)
from perfrules.core._document import (
    _rule_json as _rule_json_of,
)
from perfrules.core._evaluate import (
    _act_id,
    _category_path,
    _grade_texts,
    _policies,
    _shown,
    _total_rounded,
    check,
    full_score,
    own_rule_texts,
    plain_actual,
    round_to_texts,
)
from perfrules.core._exact import (
    _SHOWN_DEC,
    Quantum,
    exact_ratio,
    frac,
    quantum_of,
    show_dec,
    show_ratio,
    show_ratio_once,
)
from perfrules.core._fill import Fill, pieces
from perfrules.core._fullmarks import bound_ratio, fm_texts
from perfrules.core._scoring import _rule
from perfrules.core._template import RowTexts, StepText
from perfrules.core._whynot import (
    ACTUAL_EN,
    ACTUAL_ZH,
    full_marks,
    full_marks_of,
    weight_on_grid,
)
from perfrules.core.methods import _ratio_family as family
from perfrules.core.methods import qualitative, rule_of, step
from perfrules.core.methods._rule import MethodRule
from perfrules.model import (
    Actuals,
    Indicator,
    NegativeRule,
    Policy,
    QuantitativeTarget,
    Rounding,
    Spec,
    StepDeduction,
    category_tree,
    first_by,
    format_decimal,
)

__all__ = [
    "DocumentPlan",
    "Number",
    "RowValues",
    "UnitDocument",
    "checked_document",
    "compile_document",
    "number",
    "unit_document",
]


class RowResult(NamedTuple):
    """What the batch's indicators table reads of one row (as of an :class:`~perfrules.core.IndicatorResult`)."""

    id: str
    name: str
    category: str
    weight: Decimal
    score: Decimal
    met: bool | None

    @property
    def lost(self) -> Decimal:
        return self.weight - self.score


class CategoryRow(NamedTuple):
    """What the batch's categories table reads of one subtotal (as of a :class:`~perfrules.core.CategoryResult`)."""

    id: str
    name: str
    level: int
    weight: Decimal
    score: Decimal


class RowColumns(NamedTuple):
    """A unit's rows as the batch's indicators table reads them, column by column (the ids, names
    and categories those of its shape, the weights, scores and met flags its own)."""

    ids: tuple[str, ...]
    names: tuple[str, ...]
    categories: tuple[str, ...]
    weights: list[Decimal]
    scores: list[Decimal]
    mets: list[bool | None]

    @classmethod
    def of(cls, rows: list[RowResult]) -> RowColumns:
        """The columns of ``rows``."""
        return cls(
            tuple(r.id for r in rows),
            tuple(r.name for r in rows),
            tuple(r.category for r in rows),
            [r.weight for r in rows],
            [r.score for r in rows],
            [r.met for r in rows],
        )

    def results(self) -> tuple[RowResult, ...]:
        """The rows, one :class:`RowResult` each."""
        return tuple(
            map(
                RowResult,
                self.ids,
                self.names,
                self.categories,
                self.weights,
                self.scores,
                self.mets,
            )
        )


@attrs.frozen(eq=False)
class UnitDocument:
    """A unit's document line and what the batch's tables read of its evaluation (no budget row, no warning)."""

    data: bytes  # the line's UTF-8 and a newline, as the audit file holds it
    total: Decimal
    grade: str | None
    total_weight: Decimal
    lost: Decimal
    rows: RowColumns
    categories: tuple[CategoryRow, ...]
    warnings: tuple[()] = ()
    budget_execution: None = None

    @property
    def line(self) -> str:
        """The document line (compact JSON, no newline): ``document_line`` of the evaluation."""
        return self.data[:-1].decode()

    @property
    def indicators(self) -> tuple[RowResult, ...]:
        """The rows, one :class:`RowResult` each (as an evaluation's indicators)."""
        return self.rows.results()


def unit_document(spec: Spec, actuals: Actuals, unit: str | None = None) -> UnitDocument | None:
    """``document_line(evaluate(spec, actuals), unit)`` and the evaluation's table values; ``None`` if not covered.

    Raises :class:`~perfrules.SpecError` exactly as :func:`~perfrules.core.evaluate` does.
    """
    check(spec, actuals)
    return checked_document(spec, actuals, unit)


def _unit_covered(spec: Spec, actuals: Actuals) -> bool:
    """Whether the document writers cover the unit as a whole: not partial, no bonus or veto, no
    budget row (its rows are then each a writer's or not)."""
    return not (
        spec.meta.partial is not None
        or actuals.bonus
        or actuals.vetoes
        or (spec.budget_execution is not None and actuals.budget is not None)
    )


def checked_document(spec: Spec, actuals: Actuals, unit: str | None = None) -> UnitDocument | None:
    """:func:`unit_document` of a spec and actuals known to pass ``check`` (not checked again).

    For a caller that has proved them valid another way (the batch's shape writer,
    :mod:`perfrules.batch._shape`): what it gives for invalid ones is undefined.
    """
    if not _unit_covered(spec, actuals):
        return None
    acts = first_by(actuals, "indicators", actuals.indicators, _act_id)
    policy = spec.policy
    rounding = spec.rounding
    limit = policy.overshoot_warning
    paths: dict[str, tuple[str, ...]] = {}
    shared = _shared(spec)
    rows: list[RowResult] = []
    parts: list[str] = []
    for ind in spec.indicators:
        act = acts.get(ind.id)
        if not plain_actual(act) or ind.derive is not None:
            return None
        path = paths.get(ind.category)
        if path is None:
            path = paths[ind.category] = _category_path(spec, ind.category)
        quantum = rounding.score if ind.round_to is None else ind.round_to
        memo: tuple[Any, ...] | None = None
        if ind.target is None:  # a qualitative row: its whole text depends on a few values
            memo = (
                ind,
                path,
                act.tier,
                act.score,
                act.text,
                act.note,
                shared,
                quantum.as_tuple(),  # equal quanta written apart round to scores written apart
            )
            hit = _ROW_TEXTS.get(memo)
            if hit is not None:
                text, score, met = hit
                parts.append(text)
                rows.append(RowResult(ind.id, ind.name, ind.category, ind.weight, score, met))
                continue
        rule: MethodRule[Any] = rule_of(ind)
        row: RowTexts | None = None
        full_json: str | None = None  # the "full_marks" JSON, when the row's branch wrote it
        target = ind.target
        weight = ind.weight
        if rule.qualitative:
            if rule is not qualitative.RULE or act.tier is None:
                return None
            tier = spec.tier(act.tier)
            row = qualitative.fast_texts(
                weight, ind.target_display, quantum, tier, act.score, act.text
            )
            actual, actual_value, tier_name = act.text or tier.name, None, tier.name
        else:
            value = act.value
            if value is None or target is None:
                return None
            a = frac(value)
            if limit is not None and target.comparator.direction != "negative":
                if _overshoots(limit, target.value, a):
                    return None  # the overshoot warning: the Step path writes it
            name = rule.name
            if name == "ratio" or name == "inverse_ratio":
                forced = NegativeRule.INVERSE_RATIO if name == "inverse_ratio" else None
                plan = family.fast_plan(forced, target, weight, quantum, policy, a)
                if plan is None or _strict_warning(plan.met, target, a):
                    return None
                score, met, method = plan.score, plan.met, plan.method
                said, cited = _family_json(plan, ind, rounding.score)
                if score < weight:
                    full_json = _family_full_json(forced, target, weight, quantum, policy)
            else:
                if name != "step" or not isinstance(ind.method, StepDeduction):
                    return None
                scored_at = (
                    rounding if ind.round_to is None else attrs.evolve(rounding, score=quantum)
                )
                row = step.fast_texts(ind.method, target, weight, scored_at, a)
                if _strict_warning(row.met, target, a):
                    return None
            actual, actual_value, tier_name = act.text or f"{_shown(value)}{target.unit}", a, None
        if row is not None:
            score, met, method, steps, citation, reason, reason_en = row
            said, cited = _row_json(steps, citation, reason, reason_en, ind, rounding.score)
        key = (ind.id, ind.name, ind.category, path)
        head = _HEADS.get(key)
        if head is None:
            head = _indicator_head(key)
        if score >= weight:
            full_json = "null"
        elif full_json is None:
            fm = full_marks(spec, ind)
            full_json = "null" if fm is None else _full_json(fm)
        text = (
            f'{head}"{show_dec(weight)}","target":{_str(ind.target_display)},'
            f'"actual":{_enc(actual)},"actual_value":{_fr(actual_value)},'
            f'"tier":{_str(tier_name)},"method":{_enc(method)},"met":{_scalar(met)},'
            f'"score":"{show_dec(score)}","lost":"{show_dec(weight - score)}",'
            f'{said},"note":{_str(act.note)},{cited},"warnings":[],"applicable":true,'
            f'"rule":{"null" if ind.rule is None else _rule_json_of(ind.rule)},'
            f'"full_marks":{full_json},'
            '"stated":null,"own_score":null}'
        )
        parts.append(text)
        if memo is not None:
            if len(_ROW_TEXTS) >= _ROWS_KEPT:
                _ROW_TEXTS.clear()
            _ROW_TEXTS[memo] = (text, score, met)
        rows.append(RowResult(ind.id, ind.name, ind.category, weight, score, met))

    # subtotals: every category sums its own indicators, then a category with children sums theirs
    zero = Decimal(0)
    scores: dict[str, Decimal] = {}
    weights: dict[str, Decimal] = {}
    for c in spec.categories:
        scores[c.id] = zero
        weights[c.id] = zero
    for r in rows:
        scores[r.category] += r.score
        weights[r.category] += r.weight
    tree = category_tree(spec.categories)
    kids: dict[str, list[str]] = {}
    for c, _ in tree:
        if c.parent is not None:
            kids.setdefault(c.parent, []).append(c.id)
    for c, _ in sorted(tree, key=lambda x: -x[1]):
        below = kids.get(c.id)
        if below:
            scores[c.id] = sum([scores[k] for k in below], zero)
            weights[c.id] = sum([weights[k] for k in below], zero)
    cats: list[CategoryRow] = []
    cat_parts: list[str] = []
    top: list[tuple[str, Decimal, str]] = []
    for c, level in tree:
        score = scores[c.id]
        applicable = weights[c.id] if weights[c.id] != c.weight else None
        cats.append(CategoryRow(c.id, c.name, level, c.weight, score))
        if c.parent is None:
            top.append((c.name, score, show_dec(score)))
        cat_parts.append(
            '{"id":'
            + _enc(c.id)
            + ',"name":'
            + _enc(c.name)
            + ',"level":'
            + _scalar(level)
            + ',"parent":'
            + _str(c.parent)
            + ',"weight":'
            + _dec(c.weight)
            + ',"score":'
            + _dec(score)
            + ',"lost":'
            + _dec((c.weight if applicable is None else applicable) - score)
            + ',"applicable_weight":'
            + ("null" if applicable is None else _dec(applicable))
            + (',"goal":true}' if c.goal else "}")
        )

    return _finish(spec, actuals, unit, parts, rows, cats, cat_parts, top)


def _finish(
    spec: Spec,
    actuals: Actuals,
    unit: str | None,
    parts: list[str],
    rows: list[RowResult],
    cats: list[CategoryRow],
    cat_parts: list[str],
    top: list[tuple[str, Decimal, str]],
) -> UnitDocument | None:
    """The unit's document from its rows' and categories' texts: the total, the grade, the line."""
    meta = spec.meta
    head = _head(spec, actuals)
    start = (
        ('{"unit":' + _enc(unit) + "," if unit is not None else "{")
        + _HEAD
        + _enc(meta.id)
        + ',"title":'
        + _enc(meta.title)
        + ',"unit":'
        + _enc(meta.unit)
    )
    return _line(
        head,
        start,
        _enc(spec_sha256(spec)),
        [part.encode() for part in parts],
        RowColumns.of(rows),
        cats,
        cat_parts,
        top,
    )


class _Head(NamedTuple):
    """What a unit's line holds besides its rows, categories, total, grade and meta texts (the
    same for every unit of a shape)."""

    meta: bytes  # the meta's JSON after its unit, up to the sha256's value (UTF-8)
    policies: bytes  # from the end of the spec's JSON up to the rows (UTF-8)
    total_weight: Decimal
    total_weight_json: str
    quantum: Decimal  # rounding.total
    total_q: Quantum  # its Quantum
    grades: tuple[tuple[Decimal, str], ...]  # (min, name) of each band
    grade_rule: str  # the grade steps' rule step as JSON
    bands: str
    framework: bytes  # UTF-8


def _head(spec: Spec, actuals: Actuals) -> _Head:
    meta = spec.meta
    policies, framework, bands = _spec_texts(spec)
    total_weight = full_score(spec)
    return _Head(
        meta=(
            ',"year":'
            + _scalar(meta.year)
            + ',"kind":'
            + _enc(meta.kind.value)
            + ',"basis":'
            + _enc(meta.basis)
            + ',"sha256":'
        ).encode(),
        policies=(
            '},"actuals":{"label":'
            + _str(actuals.label)
            + '},"policies":'
            + policies
            + ',"budget_execution":null,"indicators":['
        ).encode(),
        total_weight=total_weight,
        total_weight_json=_dec(total_weight),
        quantum=spec.rounding.total,
        total_q=quantum_of(spec.rounding.total),
        grades=tuple((band.min, band.name) for band in spec.grades),
        grade_rule=_rule_json(cite.GRADES),
        bands=bands,
        framework=framework.encode(),
    )


def _new_dec(value: Decimal) -> str:
    """``_dec(value)`` of a value made just now (a sum, a difference): written directly, since
    hashing a new Decimal to look its text up costs more than writing it."""
    return '"' + format_decimal(value) + '"'


def _line(
    head: _Head,
    start: str,
    sha_json: str,
    parts: list[bytes],
    rows: RowColumns,
    cats: list[CategoryRow],
    cat_parts: list[str],
    top: list[tuple[str, Decimal, str]],
    losses: list[str] | None = None,
) -> UnitDocument | None:
    """The document of a unit: ``start`` its line up to the meta's unit, then ``head``'s texts
    around its rows' texts (``parts``, as UTF-8) and categories' texts, its total and its grade
    (``losses`` the items of its rows that lost points, the most first, when the caller wrote
    them)."""
    zero = Decimal(0)
    # the total and the grade: the top categories' scores summed exactly (as _sum, by integers)
    # and their formula (as _sum_texts, with the scores' texts given: ``show_dec``'s)
    rn, rd = 0, 1
    for _, score, _ in top:
        n, d = score.as_integer_ratio()
        if d == rd:
            rn += n
        else:
            rn, rd = rn * d + n * rd, rd * d
    sr = show_ratio_once(rn, rd, 6)  # show(raw, 6)
    total_steps: list[StepText] = [
        (
            "formula",
            "总分 = " + " + ".join([f"{name}{shown}" for name, _, shown in top]) + f" = {sr}",
            "total = " + " + ".join([shown for _, _, shown in top]) + f" = {sr}",
        )
    ]
    q = head.total_q
    total = q.round_ratio(rn, rd)
    if not q.exact(rn, rd):
        raw = Fraction(rn, rd)
        total_steps.append(("round", *_total_rounded(head.quantum, raw, total)))
    grade: str | None = None
    grade_json = "[]"
    for low, name in head.grades:
        if total >= low:
            grade = name
            zh, en = _grade_texts(total, low, name, head.bands)
            grade_json = (
                "["
                + _STEP_HEADS["compare"]
                + _enc(zh)
                + ',"en":'
                + _enc(en)
                + "},"
                + head.grade_rule
                + "]"
            )
            break
    if grade is None:
        return None  # validate_spec guarantees a band starting at 0: never here
    total_weight = head.total_weight
    if losses is None:
        losses = [
            '{"id":' + _enc(r.id) + ',"name":' + _enc(r.name) + ',"lost":' + _dec(r.lost) + "}"
            for r in sorted([r for r in rows.results() if r.lost > 0], key=lambda r: -r.lost)
        ]
    lost = max(total_weight - total, zero)
    rows_json: list[bytes] = [b","] * (2 * len(parts) - 1)  # the rows joined by the line's join
    rows_json[0::2] = parts
    # the texts made here, encoded in two pieces (the parts fixed by the shape are kept encoded)
    totals = "".join(
        [
            '],"categories":[',
            ",".join(cat_parts),
            '],"total_weight":',
            head.total_weight_json,
            ',"total":',
            _dec(total),
            ',"lost":',
            _new_dec(lost),
            ',"grade":',
            _str(grade),
            ',"partial":null,"grade_steps":',
            grade_json,
            ',"total_steps":',
            _steps_json(total_steps, None),
            ',"bonus":[],"vetoes":[],"framework":',
        ]
    )
    data = b"".join(
        [
            start.encode(),
            head.meta,
            sha_json.encode(),
            head.policies,
            *rows_json,
            totals.encode(),
            head.framework,
            (',"losses":[' + ",".join(losses) + '],"warnings":[]}\n').encode(),
        ]
    )
    return UnitDocument(data, total, grade, total_weight, lost, rows, tuple(cats))


# A qualitative row's text and score by the values it is made of: the indicator (and its category
# path), the outcome, the spec parts the score and the why-not read (:func:`_shared`), and the
# quantum as written (the score's exponent is the quantum's: the tables write it). A batch's
# qualitative rows repeat a few weights and tiers; equal keys make equal texts and scores.
_ROW_TEXTS: dict[tuple[Any, ...], tuple[str, Decimal, bool | None]] = {}
_KEPT = 4096
_ROWS_KEPT = 1024  # a row text is a kilobyte or two: a few megabytes at most

# The spec parts besides the indicators that a row's text reads (tiers and their synonyms, rounding,
# policy), by identity — a batch's specs of one shape share them — each mapped to a number that
# stands for their values: equal values, one number while kept (hashed by value once per new set of
# objects); a number is never given to other values.
_PARTS: dict[tuple[int, ...], tuple[tuple[object, ...], int]] = {}
_PART_VALUES: dict[tuple[Any, ...], int] = {}
_NUMBERS = itertools.count()


def _shared(spec: Spec) -> int:
    """A number standing for the values of ``spec``'s tiers, tier synonyms, rounding and policy."""
    values = (spec.tiers, spec.tier_synonyms, spec.rounding, spec.policy)
    ids = tuple(map(id, values))
    hit = _PARTS.get(ids)
    if hit is not None and all(a is b for a, b in zip(hit[0], values, strict=True)):
        return hit[1]
    number = _PART_VALUES.get(values)
    if number is None:
        if len(_PART_VALUES) >= _KEPT:
            _PART_VALUES.clear()
        number = _PART_VALUES[values] = next(_NUMBERS)
    if len(_PARTS) >= _KEPT:
        _PARTS.clear()
    _PARTS[ids] = (values, number)
    return number


def _overshoots(limit: Decimal, target: Decimal, a: Fraction) -> bool:
    """Whether the actual ``a`` reaches ``limit`` × a target above 0 (the overshoot warning),
    by integers."""
    if not target > 0:
        return False
    ln, ld = limit.as_integer_ratio()
    tn, td = target.as_integer_ratio()
    return a.numerator * ld * td >= ln * tn * a.denominator


def _strict_warning(met: bool | None, target: QuantitativeTarget, a: Fraction) -> bool:
    """Whether a row the writers cover carries the strict-boundary warning (the Step path writes it).

    The Step path warns when an actual equal to a strict target (``>``, ``<``) scores what a met row
    scores (its weight rounded to its quantum). For the rows written here that always holds at such
    an actual: a ratio-family row's raw score is then its weight (a / t = 1) and a ``step`` row
    without a start deducts no step.
    """
    return met is False and target.comparator.value in (">", "<") and a == frac(target.value)


def _family_full_json(
    forced: NegativeRule | None,
    target: QuantitativeTarget,
    weight: Decimal,
    quantum: Decimal,
    policy: Policy,
) -> str | None:
    """``_full_json(full_marks(spec, ind))`` of a ratio-family row that lost points, from the
    family's integer bound; None where the family works it out with fractions (ask full_marks)."""
    if not weight_on_grid(weight, quantum):
        return "null"
    texts = family.fast_full_marks(forced, target, weight, quantum, policy, ACTUAL_ZH, ACTUAL_EN)
    if texts is None:
        return None
    return _full_texts_json(*texts)


def _row_json(
    steps: list[StepText],
    citation: Citation | None,
    reason: str | None,
    reason_en: str | None,
    ind: Indicator,
    score_quantum: Decimal,
) -> tuple[str, str]:
    """A row's ``"reason"…"reason_en"`` and ``"citation"…"steps"`` JSON (its ``round_to`` and own rule steps added)."""
    if ind.round_to is not None:
        steps.insert(0, ("policy", *round_to_texts(ind.round_to, score_quantum)))
    if ind.rule is not None:  # the row's own rule, before the generic citation
        steps.append(("rule", *own_rule_texts(ind.rule)))
    return (
        f'"reason":{_str(reason)},"reason_en":{_str(reason_en)}',
        f'"citation":{"null" if citation is None else _citation_json(citation)},'
        f'"steps":{_steps_json(steps, citation)}',
    )


# A ratio-family row's JSON as two templates (str.format fields for its numbers' texts), made once
# per branch key from the very texts the render functions write for marker numbers: each marker is
# an integer shown as its own digits, the target's text a private-use marker. A template is used
# only when a second set of markers fills it to exactly what the render functions write for them;
# else (None) the row's texts are written directly. Keyed by what the texts depend on besides the
# numbers: equal keys, equal templates.
_FAMILY: dict[tuple[Any, ...], tuple[str, str] | None] = {}
_MARKS = (
    (7100000000000000011, 7200000000000000023, 7300000000000000037),
    (7400000000000000041, 7500000000000000053, 7600000000000000069),
)
_MARKS_2 = (
    (8100000000000000017, 8200000000000000029, 8300000000000000039),
    (8400000000000000043, 8500000000000000057, 8600000000000000071),
)
_TGT_MARKS = ("\ue000\ue001", "\ue002\ue003")


def _family_json(plan: family.FastPlan, ind: Indicator, score_quantum: Decimal) -> tuple[str, str]:
    """:func:`_row_json` of a ratio-family row, from its branch's templates."""
    made = _family_made(plan.key, plan.citation, ind, score_quantum)
    if made is None:
        steps, reason, reason_en = family.fast_branch_texts(plan.key, plan.numbers, plan.shown[6])
        return _row_json(steps, plan.citation, reason, reason_en, ind, score_quantum)
    shown = plan.shown
    values = (*shown[:6], _encode_str(shown[6])[1:-1])
    return made[0].format(*values), made[1].format(*values)


def _family_made(
    plan_key: tuple[Any, ...], citation: Citation, ind: Indicator, score_quantum: Decimal
) -> tuple[str, str] | None:
    """The two templates of a ratio-family branch (kept by what they depend on), or None."""
    key = (plan_key, ind.round_to, score_quantum, ind.rule)
    try:
        return _FAMILY[key]
    except KeyError:
        made = _family_templates(plan_key, citation, ind, score_quantum)
        if len(_FAMILY) >= _KEPT:
            _FAMILY.clear()
        _FAMILY[key] = made
        return made


def _marked(
    plan_key: tuple[Any, ...],
    citation: Citation,
    ind: Indicator,
    score_quantum: Decimal,
    marks: Any,
    tgt: str,
) -> tuple[tuple[str, str], tuple[str, ...]]:
    """The row's JSON for marker numbers, and the texts of the markers (in ``plan.shown`` order)."""
    (a, t, w), (r, sc, lost) = marks
    numbers = (Fraction(a), Fraction(t), Decimal(w), (r, 1), Decimal(sc), Decimal(lost))
    steps, reason, reason_en = family.fast_branch_texts(plan_key, numbers, tgt)
    texts = (str(a), str(t), str(w), str(r), str(sc), str(lost), tgt)
    return _row_json(steps, citation, reason, reason_en, ind, score_quantum), texts


def _family_templates(
    plan_key: tuple[Any, ...], citation: Citation, ind: Indicator, score_quantum: Decimal
) -> tuple[str, str] | None:
    return _templates_of(
        lambda marks, tgt: _marked(plan_key, citation, ind, score_quantum, marks, tgt),
        (_MARKS, _MARKS_2),
    )


def _templates_of(marked: Any, marks: tuple[Any, Any]) -> tuple[str, str] | None:
    """A row's said and cited JSON as two ``str.format`` templates: ``marked(marks, tgt)`` gives
    the JSON written for marker numbers and the markers' texts (in field order); each marker's
    text becomes its field. The templates are used only when the second set of markers fills them
    to exactly what ``marked`` writes for it; else None."""
    made, texts = marked(marks[0], _TGT_MARKS[0])
    templates = []
    for json_text in made:
        fmt = json_text.replace("{", "{{").replace("}", "}}")
        for n, text in enumerate(texts):
            fmt = fmt.replace(text, "{" + str(n) + "}")
        templates.append(fmt)
    check, texts_2 = marked(marks[1], _TGT_MARKS[1])
    if tuple(fmt.format(*texts_2) for fmt in templates) != check:
        return None
    return templates[0], templates[1]


# A step row's JSON as two templates, as a ratio-family row's: made once per branch from the texts
# its render functions write for marker numbers, checked with a second set of markers.
_STEP_MARKS = (
    tuple(7100000000000000011 + 10**17 * k for k in range(11)),
    tuple(8100000000000000017 + 10**16 * k for k in range(11)),
)


def _step_templates(
    sf: step.FastStep,
    branch: tuple[bool, bool, bool, int],
    citation: Citation | None,
    ind: Indicator,
    score_quantum: Decimal,
) -> tuple[str, str] | None:
    """The templates of a step row's said and cited JSON: fields ``{0}``…``{11}`` the texts of
    the actual, the target, the distance, the steps, ``per``, ``deduct``, the raw score (6
    places), the weight, the score, the points lost, the raw score (4 places) and the target's
    text inside a JSON string; None when the markers do not fill them to the render functions'
    texts."""

    def marked(marks: tuple[int, ...], tgt: str) -> tuple[tuple[str, str], tuple[str, ...]]:
        a, t, dist, n, per, deduct, raw, w, score, lost, low = marks
        steps, reason, reason_en = step.fast_step_texts(
            sf,
            branch,
            tuple(Fraction(m) for m in (a, t, dist, n, per, deduct, raw)),
            (Decimal(w), Decimal(score), Decimal(lost)),
            (low, 1),
            tgt,
        )
        made = _row_json(steps, citation, reason, reason_en, ind, score_quantum)
        return made, (*map(str, marks), tgt)

    return _templates_of(marked, _STEP_MARKS)


def _steps_json(steps: list[StepText], citation: Citation | None) -> str:
    """The steps as JSON, the rule step of ``citation`` (when given) last."""
    heads = _STEP_HEADS
    parts = [heads[kind] + _enc(zh) + ',"en":' + _enc(en) + "}" for kind, zh, en in steps]
    if citation is not None:
        parts.append(_rule_json(citation))
    if not parts:
        return "[]"
    return "[" + ",".join(parts) + "]"


# a citation → its rule step as JSON, by identity (the entry holds the citation, so its id stays its own)
_RULES: dict[int, tuple[Citation, str]] = {}
_RULES_KEPT = 256


def _rule_json(citation: Citation) -> str:
    hit = _RULES.get(id(citation))
    if hit is not None and hit[0] is citation:
        return hit[1]
    zh, en = _rule(citation)
    text = _STEP_HEADS["rule"] + _enc(zh) + ',"en":' + _enc(en) + "}"
    if len(_RULES) >= _RULES_KEPT:
        _RULES.clear()
    _RULES[id(citation)] = (citation, text)
    return text


# The texts of a spec's policies line, its framework and its grade bands, by the identity of the
# parts they are made of (the entry holds them, so their ids stay theirs): a batch's specs share them.
_SPEC_TEXTS: dict[tuple[int, ...], tuple[tuple[object, ...], tuple[str, str, str]]] = {}


def _spec_texts(spec: Spec) -> tuple[str, str, str]:
    """The policies' JSON, the framework's JSON and the grade bands' text of ``spec``."""
    parts = (spec.policy, spec.rounding, spec.grades, spec.budget_execution, spec.framework)
    ids = tuple(map(id, parts))
    hit = _SPEC_TEXTS.get(ids)
    if hit is not None and all(a is b for a, b in zip(hit[0], parts, strict=True)):
        return hit[1]
    texts = (
        _policies_json(_policies(spec)),
        _framework_json(spec),
        "、".join(f"{g.name}≥{show_dec(g.min)}" for g in spec.grades),
    )
    if len(_SPEC_TEXTS) >= _KEPT:
        _SPEC_TEXTS.clear()
    _SPEC_TEXTS[ids] = (parts, texts)
    return texts


def _framework_json(spec: Spec) -> str:
    fw = spec.framework
    if fw is None:
        return "null"
    return _compact(
        {
            "id": fw.id,
            "title": fw.title,
            "file": fw.file,
            "version": fw.version,
            "reason": fw.reason,
        }
    )


# ---------------------------------------------------------------------------
# the document writer of one shape: the rows' fixed texts compiled once


class Number(NamedTuple):
    """A number of a unit as its document shows it, worked out once per value (:func:`number`)."""

    value: Decimal
    dec: str  # show_dec(value)
    json: str  # its JSON: the dec's text quoted (as a document and a spec's digest write it)
    shown: str  # show(Fraction(value)): a step's text of it
    exact: str  # exact_str(Fraction(value)): an actual_value's text
    num: int  # value.as_integer_ratio()
    den: int


def number(value: Decimal) -> Number:
    """The :class:`Number` of a finite Decimal."""
    num, den = value.as_integer_ratio()
    dec = show_dec(value)
    if not value or len(dec) > 28:
        return Number(value, dec, f'"{dec}"', show_ratio(num, den), exact_ratio(num, den), num, den)
    # a Decimal's exact text is its plain text, and so is its step text up to 4 decimals, while
    # its digits are fewer than 28 (show and exact_str write them without a Decimal context)
    point = dec.find(".")
    shown = dec if point < 0 or len(dec) - point <= 5 else show_ratio(num, den)
    return Number(value, dec, f'"{dec}"', shown, dec, num, den)


RowValues = tuple[Number, Number | None, Number | None, Number | None, Number | None, str | None]
"""One row's values in a shape's unit: its weight, its target's value, its actual's value, its
``step`` method's ``per`` and ``deduct`` and its actual's tier (None where the row has none)."""


_UNMADE: Any = object()  # a row's template not made yet (None: made, and not used)


class _RowPlan:
    """One row of a :class:`DocumentPlan`: where its values go and its texts fixed by the shape."""

    __slots__ = (
        "ind",
        "ind_at",
        "act_at",
        "kind",
        "rule",
        "forced",
        "fixed",
        "quantum",
        "q",
        "scored_at",
        "head",
        "target",
        "actual",
        "unit_json",
        "tgt_prefix",
        "tail",
        "cat_at",
        "strict",
        "overshoot",
        "memo",
        "family",
        "full",
        "objects",
        "why_not",
        "step",
        "templates",
        "loss",
    )

    def __init__(self, **kw: Any) -> None:
        for name in self.__slots__:
            setattr(self, name, kw.get(name))
        self.memo = {}  # a qualitative row's UTF-8 by (weight as written, tier)
        self.family = {}  # a ratio-family row's templates by (branch, exact, lost > 0)
        self.full = {}  # a ratio-family row's full-marks template by comparator
        self.objects = {}  # a step row's target and method by their numbers
        self.why_not = {}  # a row's full-marks JSON by its numbers (step; ratio family)
        self.templates = {}  # a step row's templates by its branch

    ind: Indicator  # the prototype's indicator (its ids, names, rule, round_to and method)
    ind_at: int  # its indicator's position in the spec
    act_at: int  # its actual's position in the actuals
    kind: str  # "quant", "step" or "qual"
    rule: MethodRule[Any]
    forced: NegativeRule | None  # the ratio family's forced rule (inverse_ratio)
    fixed: family.FastFixed | None  # the ratio family's fast branch's fixed part
    quantum: Decimal  # its score quantum
    q: Any  # its Quantum
    scored_at: Rounding  # the rounding its step row is scored at
    head: str  # its JSON up to its weight's value
    target: str | None  # its target's JSON when fixed (a qualitative row's, a target_text)
    actual: str | None  # its actual's own text
    unit_json: str  # its target's unit inside a JSON string
    tgt_prefix: str  # its comparator inside a JSON string
    tail: tuple[str, str, str]  # its JSON around its citation, steps and full marks
    cat_at: int  # its category's position in the plan's categories
    strict: bool  # a > or < target (the strict-boundary warning)
    overshoot: bool  # the overshoot warning may apply (a limit and a ≥/>/= target)
    memo: dict[tuple[Any, ...], tuple[bytes, Decimal, bool | None, Decimal, str]]
    family: dict[tuple[str, bool, bool], Fill | None]  # its whole JSON by branch
    full: dict[str, str | None]
    objects: dict[tuple[Decimal, ...], tuple[QuantitativeTarget, Any]]
    why_not: dict[tuple[Any, ...], str]
    step: step.FastStep | None  # a step row's fixed part
    templates: dict[tuple[bool, ...], Fill | None]  # its whole JSON by branch
    loss: str  # its item in the line's losses, up to the points' value


_OBJECTS_KEPT = 1024  # a step row's targets and methods, and full-marks texts, kept per row
_FULL_MARKS = ("\ue000\ue001", "\ue002\ue003")  # a full-marks threshold's texts, as markers


class DocumentPlan:
    """:func:`checked_document` of the specs and actuals of one *shape*, compiled from its first.

    A spec and actuals of the shape are the prototype's but for their numbers: the weights,
    targets' values, ``step`` rows' ``per`` and ``deduct``, the actuals' values and tiers, the
    categories' weights and the meta's ``id``, ``title`` and ``unit`` (all three the unit's
    name). :meth:`write_values` gives exactly what :func:`checked_document` gives for one, from
    those values alone (the batch's shape writer, :mod:`perfrules.batch._shape`, reads them from
    its cells): the rows' and categories' texts that do not depend on them, and the line's head,
    are written once, here. What it gives for values no valid spec of the shape has is undefined.
    ``tests/test_shape_writer.py`` and ``tests/test_fastdoc.py`` hold it equal.
    """

    def __init__(
        self,
        spec: Spec,
        actuals: Actuals,
        rows: list[_RowPlan],
        cats: list[tuple[int, int, str, str, bool, str]],
    ) -> None:
        self.spec = spec  # the prototype's (its shared parts: tiers, policy, rounding)
        self.rows = rows
        self.cats = cats  # (position, level, name, JSON head, goal, id)
        self.head = _head(spec, actuals)
        limit = spec.policy.overshoot_warning
        self.limit = (0, 1) if limit is None else limit.as_integer_ratio()
        self.score_quantum = spec.rounding.score
        # the rows' ids, names and categories (the shape's: every unit's the same)
        self.row_texts = (
            tuple(rp.ind.id for rp in rows),
            tuple(rp.ind.name for rp in rows),
            tuple(rp.ind.category for rp in rows),
        )

    def write(self, spec: Spec, actuals: Actuals, unit: str) -> UnitDocument | None:
        """``checked_document(spec, actuals, unit)`` of a spec and actuals of the shape whose meta
        ``id``, ``title`` and ``unit`` are ``unit``."""
        values: list[RowValues] = []
        for rp in self.rows:
            ind = spec.indicators[rp.ind_at]
            act = actuals.indicators[rp.act_at]
            target = ind.target
            method = ind.method
            per = deduct = None
            if isinstance(method, StepDeduction):
                per, deduct = number(method.per), number(method.deduct)
            values.append(
                (
                    number(ind.weight),
                    None if target is None else number(target.value),
                    None if act.value is None else number(act.value),
                    per,
                    deduct,
                    act.tier,
                )
            )
        sums = [c.weight for c in spec.categories]
        return self.write_values(unit, values, sums, spec_sha256(spec))

    def write_values(
        self, unit: str, values: list[RowValues], sums: list[Decimal], sha256: str
    ) -> UnitDocument | None:
        """The document of the shape's unit ``unit`` (its meta's ``id``, ``title`` and ``unit``)
        whose rows hold ``values`` (in the plan's rows' order), whose categories weigh ``sums``
        (in the spec's order) and whose spec's digest is ``sha256``."""
        spec = self.spec
        ln, ld = self.limit  # policy.overshoot_warning as a ratio (rows without one: unread)
        score_quantum = self.score_quantum
        zero = Decimal(0)
        row_weights: list[Decimal] = []
        row_scores: list[Decimal] = []
        mets: list[bool | None] = []
        parts: list[bytes] = []  # the rows, as UTF-8
        losses: list[tuple[Decimal, str]] = []
        ncats = len(self.cats)
        scores = [zero] * ncats
        weights = [zero] * ncats
        for rp, (w, t, a, per, deduct, tier_name) in zip(self.rows, values, strict=True):
            ind = rp.ind
            weight = w.value
            kind = rp.kind
            full_json: str | None = None
            if kind == "qual":
                key = (w.json, tier_name)  # equal texts, equal weights (and scores at the quantum)
                hit = rp.memo.get(key)
                if hit is None:
                    if tier_name is None or rp.target is None:
                        return None  # not the shape's (never here)
                    tier = spec.tier(tier_name)
                    row = qualitative.fast_texts(
                        weight, ind.target_display, rp.quantum, tier, None, rp.actual
                    )
                    said, cited = _row_json(
                        row.steps, row.citation, row.reason, row.reason_en, ind, score_quantum
                    )
                    score, met = row.score, row.met
                    lost = weight - score
                    lost_s = show_dec(lost)
                    if score < weight:
                        full_json = self._why_not(rp, weight, None, ind.method)
                    else:
                        full_json = "null"
                    text = (
                        f'"target":{rp.target},"actual":{_enc(rp.actual or tier.name)},'
                        f'"actual_value":null,"tier":{_str(tier.name)},'
                        f'"method":{_enc(row.method)},"met":{_scalar(met)},'
                        f'"score":"{show_dec(score)}","lost":"{lost_s}",'
                        f"{said},{rp.tail[0]}{cited}{rp.tail[1]}{full_json}{rp.tail[2]}"
                    )
                    if len(rp.memo) >= _LEARNED:
                        rp.memo.clear()
                    data = f"{rp.head}{w.json},{text}".encode()
                    hit = rp.memo[key] = (data, score, met, lost, lost_s)
                data, score, met, lost, lost_s = hit
                parts.append(data)
            else:
                if t is None or a is None:
                    return None  # not the shape's (never here)
                an, ad, tn, td = a.num, a.den, t.num, t.den
                if rp.overshoot and tn > 0:  # the overshoot warning: the Step path writes it
                    if an * ld * td >= ln * tn * ad:
                        return None
                tgt = rp.tgt_prefix + t.dec + rp.unit_json  # str(target) inside a JSON string
                if kind == "quant":
                    fixed = rp.fixed
                    if fixed is None:
                        return None  # not covered (never here: compile_document checks it)
                    found = family.fast_branch(fixed, an, ad, tn, td, w.num, w.den)
                    if found is None:
                        return None
                    branch, num, den, met, method = found
                    q = rp.q
                    score = q.round_ratio(num, den)
                    exact = q.exact(num, den)
                    lost = weight - score
                    if met is False and rp.strict and an == tn and ad == td:
                        return None  # the strict-boundary warning (_strict_warning): the Step path
                    # show_dec's texts, looked up here first (zero is never kept there)
                    score_s = _SHOWN_DEC.get(score) or show_dec(score)
                    lost_s = format_decimal(lost)  # show_dec's text: a new value's hash costs more
                    deducted = lost > 0
                    fill = rp.family.get((branch, exact, deducted), _UNMADE)
                    if fill is _UNMADE:
                        fill = self._family_fill(rp, branch, exact, lost)
                    texts: tuple[str, ...]
                    if fill is None:
                        texts = self._family_texts(
                            rp, branch, exact, lost, (a, t, w, num, den, score)
                        )
                    else:
                        texts = (
                            a.shown,
                            t.shown,
                            w.dec,
                            show_ratio_once(num, den, 6) if 3 in fill.uses else "",
                            score_s,
                            lost_s if deducted else "",
                            tgt,
                        )
                    if deducted:  # its full marks: kept per row by its target and weight
                        full_key = (t.num, t.den, w.num, w.den)
                        full_json = rp.why_not.get(full_key)
                        if full_json is None:
                            full_json = self._family_full(rp, w, t)
                            if full_json is not None:
                                if len(rp.why_not) >= _OBJECTS_KEPT:
                                    rp.why_not.clear()
                                rp.why_not[full_key] = full_json
                else:
                    sf = rp.step
                    if per is None or deduct is None or sf is None:
                        return None  # not the shape's (never here)
                    dist, steps_n, (rn, rd), met = step.fast_step(
                        sf,
                        (an, ad),
                        (tn, td),
                        (per.num, per.den),
                        (deduct.num, deduct.den),
                        (w.num, w.den),
                    )
                    q = rp.q
                    clamped = rn < 0
                    if clamped:
                        score, exact = q.round_ratio(0, 1), True
                    elif rn * w.den > w.num * rd:
                        return None  # above the weight: not a valid step row (never here)
                    else:
                        score, exact = q.round_ratio(rn, rd), q.exact(rn, rd)
                    lost = weight - score
                    if lost > 0 and steps_n[0] == 0:
                        return (
                            None  # lost to rounding alone (weight_precision = "allow"): its reason
                        )
                    if met is False and rp.strict and an == tn and ad == td:
                        return None  # the strict-boundary warning (_strict_warning): the Step path
                    method = "step"
                    score_s, lost_s = show_dec(score), format_decimal(lost)
                    fill, texts = self._step_json(
                        rp,
                        sf,
                        (clamped, exact, lost > 0),
                        (a, t, w, per, deduct),
                        (dist, steps_n, (rn, rd)),
                        score,
                        lost,
                        tgt,
                        score_s,
                        lost_s,
                    )
                    if lost > 0:
                        key_s = (t.value, per.value, deduct.value, weight)
                        full_json = rp.why_not.get(key_s)
                        if full_json is None:
                            objects = self._step_objects(rp, t, per, deduct)
                            full_json = self._why_not(rp, weight, objects[0], objects[1])
                            if len(rp.why_not) >= _OBJECTS_KEPT:
                                rp.why_not.clear()
                            rp.why_not[key_s] = full_json
                if score >= weight:
                    full_json = "null"
                elif full_json is None:
                    assert ind.target is not None
                    target_obj = attrs.evolve(ind.target, value=t.value)
                    full_json = self._why_not(rp, weight, target_obj, ind.method)
                target_json = rp.target if rp.target is not None else f'"{tgt}"'
                actual = _encode_str(rp.actual) if rp.actual else f'"{a.dec}{rp.unit_json}"'
                method_json = _METHODS.get(method) or _enc(method)
                if fill is not None:  # the row's template: its texts, then the row's own
                    parts.append(
                        fill.fill_bytes(
                            (
                                *texts,
                                w.json,
                                target_json,
                                actual,
                                a.exact,
                                method_json,
                                _FLAGS[met],
                                lost_s,
                                full_json,
                            )
                        )
                    )
                else:
                    said, cited = texts
                    parts.append(
                        (
                            f'{rp.head}{w.json},"target":{target_json},'
                            f'"actual":{actual},"actual_value":"{a.exact}",'
                            f'"tier":null,"method":{method_json},"met":{_FLAGS[met]},'
                            f'"score":"{score_s}","lost":"{lost_s}",'
                            f"{said},{rp.tail[0]}{cited}{rp.tail[1]}{full_json}{rp.tail[2]}"
                        ).encode()
                    )
            if lost > 0:
                losses.append((lost, f'{rp.loss}"{lost_s}"}}'))
            row_weights.append(weight)
            row_scores.append(score)
            mets.append(met)
            scores[rp.cat_at] += score
            weights[rp.cat_at] += weight
        cats: list[CategoryRow] = []
        cat_parts: list[str] = []
        top: list[tuple[str, Decimal, str]] = []
        for k, (at, level, name, head, goal, ident) in enumerate(self.cats):
            score, cw, sum_w = scores[k], sums[at], weights[k]
            applicable = sum_w if sum_w != cw else None
            cats.append(CategoryRow(ident, name, level, cw, score))
            shown = format_decimal(score)  # show_dec's text of a new sum
            top.append((name, score, shown))
            cat_parts.append(
                head
                + _new_dec(cw)
                + ',"score":"'
                + shown
                + '"'
                + ',"lost":'
                + _new_dec((cw if applicable is None else applicable) - score)
                + ',"applicable_weight":'
                + ("null" if applicable is None else _new_dec(applicable))
                + (',"goal":true}' if goal else "}")
            )
        name = _encode_str(unit)
        start = f'{{"unit":{name},{_HEAD}{name},"title":{name},"unit":{name}'
        losses.sort(key=_first_down)  # by points lost, the most first (in row order when equal)
        return _line(
            self.head,
            start,
            f'"{sha256}"',
            parts,
            RowColumns(*self.row_texts, row_weights, row_scores, mets),
            cats,
            cat_parts,
            top,
            [text for _, text in losses],
        )

    def _why_not(self, rp: _RowPlan, weight: Decimal, target: Any, method: Any) -> str:
        """``_full_json(full_marks(spec, ind))`` of the row's indicator with these values."""
        fm = full_marks_of(self.spec, rp.rule, method, weight, rp.quantum, target)
        return "null" if fm is None else _full_json(fm)

    def _step_objects(
        self, rp: _RowPlan, t: Number, per: Number, deduct: Number
    ) -> tuple[QuantitativeTarget, Any]:
        """The row's target and ``step`` method with these numbers (the prototype's otherwise)."""
        key = (t.value, per.value, deduct.value)
        hit = rp.objects.get(key)
        if hit is None:
            ind = rp.ind
            assert ind.target is not None and isinstance(ind.method, StepDeduction)
            hit = (
                attrs.evolve(ind.target, value=t.value),
                attrs.evolve(ind.method, per=per.value, deduct=deduct.value),
            )
            if len(rp.objects) >= _OBJECTS_KEPT:
                rp.objects.clear()
            rp.objects[key] = hit
        return hit

    def _family_fill(self, rp: _RowPlan, branch: str, exact: bool, lost: Decimal) -> Fill | None:
        """The :class:`Fill` of a ratio-family row's whole JSON on its branch (made once per
        branch key and kept on the row), or None where its texts are written directly."""
        fixed = rp.fixed
        assert fixed is not None
        pair = _family_made(
            self._plan_key(rp, branch, exact, lost), fixed.citation, rp.ind, self.score_quantum
        )
        made = rp.family[(branch, exact, lost > 0)] = (
            None if pair is None else _row_fill(rp, pair, 7, 4)
        )
        return made

    def _family_texts(
        self,
        rp: _RowPlan,
        branch: str,
        exact: bool,
        lost: Decimal,
        numbers: tuple[Number, Number, Number, int, int, Decimal],
    ) -> tuple[str, str]:
        """:func:`_row_json` of a ratio-family row's branch and numbers written directly (as
        :func:`_family_json` does where its templates are not used)."""
        fixed = rp.fixed
        target = rp.ind.target
        assert fixed is not None and target is not None
        a, t, w, num, den, score = numbers
        steps, reason, reason_en = family.fast_branch_texts(
            self._plan_key(rp, branch, exact, lost),
            (frac(a.value), frac(t.value), w.value, (num, den), score, lost),
            f"{target.comparator.value}{t.dec}{target.unit}",
        )
        return _row_json(steps, fixed.citation, reason, reason_en, rp.ind, self.score_quantum)

    def _step_json(
        self,
        rp: _RowPlan,
        sf: step.FastStep,
        branch: tuple[bool, bool, bool],
        given: tuple[Number, Number, Number, Number, Number],
        worked: tuple[tuple[int, int], tuple[int, int], tuple[int, int]],
        score: Decimal,
        lost: Decimal,
        tgt: str,
        score_s: str,
        lost_s: str,
    ) -> tuple[Fill | None, tuple[str, ...]]:
        """:func:`_row_json` of a step row (its said and cited JSON), from its branch's templates
        (``score_s`` and ``lost_s`` the texts of its score and points lost)."""
        a, t, w, per, deduct = given
        (dn, dd), (sn, sd), (rn, rd) = worked
        citation = step.fast_step_citation(sf, t.value, per.value, deduct.value)
        key = (*branch, citation is not None)
        try:
            made = rp.templates[key]
        except KeyError:
            pair = _step_templates(sf, (*branch, rp.q.places), citation, rp.ind, self.score_quantum)
            made = rp.templates[key] = None if pair is None else _row_fill(rp, pair, 12, 8)
        if made is None:  # the texts written directly
            target = rp.ind.target
            assert target is not None
            steps, reason, reason_en = step.fast_step_texts(
                sf,
                (*branch, rp.q.places),
                (
                    frac(a.value),
                    frac(t.value),
                    Fraction(dn, dd),
                    Fraction(sn, sd),
                    frac(per.value),
                    frac(deduct.value),
                    Fraction(rn, rd),
                ),
                (w.value, score, lost),
                (rn, rd),
                f"{target.comparator.value}{t.dec}{target.unit}",
            )
            return None, _row_json(steps, citation, reason, reason_en, rp.ind, self.score_quantum)
        values = (
            a.shown,
            t.shown,
            show_ratio(dn, dd) if 2 in made.uses else "",
            show_ratio(sn, sd) if 3 in made.uses else "",
            per.shown,
            deduct.shown,
            show_ratio(rn, rd, 6) if 6 in made.uses else "",
            w.dec,
            score_s,
            lost_s if branch[2] else "",
            show_ratio(rn, rd) if branch[0] and 10 in made.uses else "",
            tgt,
        )
        return made, values

    def _plan_key(self, rp: _RowPlan, branch: str, exact: bool, lost: Decimal) -> tuple[Any, ...]:
        target = rp.ind.target
        assert target is not None and rp.fixed is not None
        return family.fast_key(
            branch,
            target.comparator,
            target.unit,
            rp.fixed.rule,
            rp.forced,
            rp.q.places,
            exact,
            lost,
        )

    def _family_full(self, rp: _RowPlan, w: Number, t: Number) -> str | None:
        """:func:`_family_full_json` of a ratio-family row's numbers (None: ask the why-not)."""
        qn, qd = rp.q.num, rp.q.den
        if (w.num * qd) % (w.den * qn) != 0:
            return "null"  # weight_on_grid: no score at this precision equals the weight
        target = rp.ind.target
        assert target is not None
        found = family.full_bound_ints(
            rp.forced,
            target.comparator.direction,
            self.spec.policy,
            t.num,
            t.den,
            w.num,
            w.den,
            qn,
            qd,
        )
        if found is None:
            return None
        num, den, cmp = found
        try:
            made = rp.full[cmp]
        except KeyError:
            made = rp.full[cmp] = _full_template(cmp, target.unit)
        shown = bound_ratio(num, den, cmp)
        if made is None:
            zh, en = fm_texts(shown, cmp, target.unit, ACTUAL_ZH, ACTUAL_EN, *family.FULL_EXTRA)
            return _full_texts_json(exact_ratio(num, den), cmp, zh, en)
        return made.format(exact_ratio(num, den), shown)


def _row_fill(rp: _RowPlan, pair: tuple[str, str], n: int, score_at: int) -> Fill:
    """A ratio-family or step row's whole JSON as one :class:`Fill`: the ``n`` fields of its
    branch's said and cited templates (``score_at`` its score's), then its weight's JSON, its
    target's, its actual's, its exact actual, its method's, its met flag, its points lost and its
    full marks' JSON (as ``write_values`` writes the row when the templates are filled apart)."""
    said, cited = (pieces(fmt) for fmt in pair)
    return Fill(
        [
            rp.head,
            n,
            ',"target":',
            n + 1,
            ',"actual":',
            n + 2,
            ',"actual_value":"',
            n + 3,
            '","tier":null,"method":',
            n + 4,
            ',"met":',
            n + 5,
            ',"score":"',
            score_at,
            '","lost":"',
            n + 6,
            '",',
            *said,
            ",",
            rp.tail[0],
            *cited,
            rp.tail[1],
            n + 7,
            rp.tail[2],
        ]
    )


def _full_texts_json(exact: str, cmp: str, zh: str, en: str) -> str:
    return (
        '{"threshold":'
        + _encode_str(exact)
        + ',"comparator":'
        + _encode_str(cmp)
        + ',"zh":'
        + _encode_str(zh)
        + ',"en":'
        + _encode_str(en)
        + "}"
    )


def _full_template(cmp: str, unit: str) -> str | None:
    """The full-marks JSON of a ratio-family bound as a template: ``{0}`` its exact text, ``{1}``
    its shown text (None when marker texts do not fill it to what the sentences write)."""

    def made(marks: tuple[str, str]) -> str:
        zh, en = fm_texts(marks[1], cmp, unit, ACTUAL_ZH, ACTUAL_EN, *family.FULL_EXTRA)
        return _full_texts_json(marks[0], cmp, zh, en)

    first = ("\ue000", "\ue001")
    fmt = made(first).replace("{", "{{").replace("}", "}}")
    fmt = fmt.replace(first[0], "{0}").replace(first[1], "{1}")
    second = ("\ue002", "\ue003")
    return fmt if fmt.format(*second) == made(second) else None


_LEARNED = 1024  # qualitative rows' texts kept per row of a plan, by weight and tier
_METHODS = {name: _encode_str(name) for name in ("ratio", "inverse_ratio", "step")}
_FLAGS = {True: "true", False: "false", None: "null"}  # a row's "met" as JSON


def _first_down(item: tuple[Decimal, str]) -> Decimal:
    return -item[0]


def compile_document(spec: Spec, actuals: Actuals) -> DocumentPlan | None:
    """The :class:`DocumentPlan` of the shape of ``spec`` and ``actuals`` (which
    :func:`checked_document` covers); None when its rows are not ones a plan covers: every row a
    ``ratio`` or ``inverse_ratio`` row with a number, a ``qualitative`` row with a tier (no
    entered score), a ``step`` row with a number; categories without parents."""
    if not _unit_covered(spec, actuals) or any(c.parent is not None for c in spec.categories):
        return None
    acts = first_by(actuals, "indicators", actuals.indicators, _act_id)
    act_at = {id(a): j for j, a in enumerate(actuals.indicators)}
    tree = category_tree(spec.categories)
    if len(tree) != len(spec.categories):
        return None
    spec_at = {c.id: j for j, c in enumerate(spec.categories)}
    cat_at = {c.id: k for k, (c, _) in enumerate(tree)}  # the rows add up in the tree's order
    rounding = spec.rounding
    policy = spec.policy
    rows: list[_RowPlan] = []
    for i, ind in enumerate(spec.indicators):
        act = acts.get(ind.id)
        if (
            not plain_actual(act)
            or act.score is not None
            or ind.derive is not None
            or ind.category not in cat_at
        ):
            return None
        rule: MethodRule[Any] = rule_of(ind)
        quantum = rounding.score if ind.round_to is None else ind.round_to
        forced: NegativeRule | None = None
        fixed: family.FastFixed | None = None
        fast_step: step.FastStep | None = None
        target_text: str | None
        if not rule.qualitative and act.value is None:
            return None
        if rule.qualitative:
            if rule is not qualitative.RULE or act.tier is None or ind.target is not None:
                return None
            kind, target_text = "qual", ind.target_display
        elif rule.name in ("ratio", "inverse_ratio") and ind.target is not None:
            kind, target_text = "quant", ind.target_text
            if rule.name == "inverse_ratio":
                forced = NegativeRule.INVERSE_RATIO
            fixed = family.fast_fixed(forced, ind.target.comparator, policy)
            if fixed is None:
                return None  # never covered: every unit of the shape goes the normal way
        elif (
            rule.name == "step" and isinstance(ind.method, StepDeduction) and ind.target is not None
        ):
            kind, target_text = "step", ind.target_text
            fast_step = step.fast_step_fixed(ind.method, ind.target)
            if fast_step is None:
                return None  # a step with a start: not covered
        else:
            return None
        head = _indicator_head((ind.id, ind.name, ind.category, _category_path(spec, ind.category)))
        rule_json = "null" if ind.rule is None else _rule_json_of(ind.rule)
        target = ind.target
        rows.append(
            _RowPlan(
                ind=ind,
                ind_at=i,
                act_at=act_at[id(act)],
                kind=kind,
                rule=rule,
                forced=forced,
                fixed=fixed,
                step=fast_step,
                quantum=quantum,
                q=quantum_of(quantum),
                scored_at=(
                    rounding if ind.round_to is None else attrs.evolve(rounding, score=quantum)
                ),
                head=head,
                target=None if target_text is None else _encode_str(target_text),
                actual=act.text,
                unit_json="" if target is None else _encode_str(target.unit)[1:-1],
                tgt_prefix="" if target is None else _encode_str(target.comparator.value)[1:-1],
                tail=(
                    f'"note":{_str(act.note)},',
                    f',"warnings":[],"applicable":true,"rule":{rule_json},"full_marks":',
                    ',"stated":null,"own_score":null}',
                ),
                cat_at=cat_at[ind.category],
                loss='{"id":' + _enc(ind.id) + ',"name":' + _enc(ind.name) + ',"lost":',
                strict=target is not None and target.comparator.value in (">", "<"),
                overshoot=(
                    target is not None
                    and policy.overshoot_warning is not None
                    and target.comparator.direction != "negative"
                ),
            )
        )
    cats = [
        (
            spec_at[c.id],
            level,
            c.name,
            '{"id":'
            + _enc(c.id)
            + ',"name":'
            + _enc(c.name)
            + ',"level":'
            + _scalar(level)
            + ',"parent":null,"weight":',
            c.goal,
            c.id,
        )
        for c, level in tree
    ]
    return DocumentPlan(spec, actuals, rows, cats)
