"""The full audit's shape writer: the later units of a shape, written without building them anew.

In a batch, thousands of inline units share one *shape* (:func:`perfrules.batch._unit._cell_key`:
the same base and the same texts in every cell but their numbers, tiers and unit id): their
specs and actuals are one prototype's with other numbers. The first unit of a shape goes the
normal way (:func:`~perfrules.batch._unit.build`: the loader, ``validate_spec``,
``validate_actuals``, the digest; then :func:`perfrules.core.unit_document`); from it a
:class:`ShapeWriter` is compiled. A later unit of the shape is read from its number cells
alone, and no spec or actuals object is made for it: its numbers (the values
:func:`~perfrules.batch._table.number_cell` reads, as the loader's structure hooks leave them,
each with its texts, :func:`perfrules.core.number`, kept per cell text) go to the shape's
:class:`~perfrules.core.DocumentPlan`, whose :meth:`~perfrules.core.DocumentPlan.write_values`
writes what :func:`perfrules.core.checked_document` — the very writer the normal path ends in,
without ``check`` — writes for the spec and actuals with those numbers, and its digest is the
prototype's canonical JSON with the numbers' texts in the slots of its
:class:`~perfrules.core.DigestLayout` (every other field the prototype's); this when the writer
proves the unit valid; otherwise it *declines* (``None``) and the unit goes the normal way, which
reports its problems.

What the writer accepts (every check ``build``, ``validate_spec`` and ``validate_actuals``
make that reads a number the unit's cells write, for the shapes it compiles: inline units on
a base without categories, whose every row is a ``ratio`` or ``inverse_ratio`` row with a
number, a ``qualitative`` row with a tier, or a ``step`` row without a start; no score,
budget, amount, title or unit-name cells):

* every number a plain decimal within the loader's bounds (``number_cell``), and below
  :data:`_WEIGHT_DIGITS` / :data:`_VALUE_DIGITS` integer digits (so every sum is exact);
* weights, targets, ``per`` and ``deduct`` above 0; actuals not below 0;
* ``round_to`` the prototype's text (its value and its exponent);
* the weights a multiple of the row's quantum when ``policy.weight_precision = "error"``;
* a qualitative weight whose tiers admit a score at the quantum: one seen valid with the same
  tiers and quantum (the prototype's, or a unit's the normal way accepted: :meth:`learn`);
* a tier the spec's tiers name (``Spec.tier``, as the validator looks it up);
* the categories' sums (each category the sum of its rows, as the builder adds them) adding
  up to ``meta.total``.

Anything else about the unit (its texts, ids, comparators, methods, the base) is the shape's,
fixed by the cell key. A shape whose document the plan does not cover, or whose digest's holes
are not the fields the writer fills, has no writer. ``tests/test_shape_writer.py`` holds every line and table equal to the
normal path's, valid or not.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable
from decimal import Decimal
from json.encoder import encode_basestring
from typing import Any

import attrs

from perfrules.batch._table import number_cell
from perfrules.batch._unit import Bases, Prepared, _cell_key, _Replay
from perfrules.core import (
    DigestLayout,
    DocumentPlan,
    Evaluation,
    Number,
    RowValues,
    UnitDocument,
    compile_document,
    number,
    show_dec,
)
from perfrules.core.methods import qualitative, rule_of, step
from perfrules.model import (
    Actuals,
    QualitativeDefault,
    Spec,
    StepDeduction,
    WeightPrecision,
    format_decimal,
)

ENABLED = True  # the switch the differential tests turn off (the normal path for every unit)
ACCEPTED: Counter[str] = Counter()  # rows written by shape writers, by method (tests read it)

_WEIGHT_DIGITS = 6  # a weight below 10^6 points
_VALUE_DIGITS = 12  # a target, actual, per or deduct below 10^12
_MAX_WRITERS = 256  # writers kept per run (as _unit's prototypes)
_LEARNED_KEPT = 4096  # qualitative (weight, quantum) pairs kept per writer
# the free columns a shape row reads, by kind; any other free column must be empty in the shape
_READS = {
    "quant": ("weight", "target", "actual", "round_to"),
    "step": ("weight", "target", "actual", "per", "deduct", "round_to"),
    "qual": ("weight", "tier", "round_to"),
}
_NEVER = object()  # a shape that no writer covers


@attrs.frozen(eq=False)
class _Row:
    """One row of the shape: where its values go and what the prototype holds there."""

    i: int  # the row's index in its unit
    kind: str  # "quant", "step" or "qual"
    method: str  # the rule's name (ACCEPTED counts by it)
    ind_at: int  # its indicator's position in the spec
    act_at: int  # its actual's position in the actuals
    cat_at: int  # its category's position in the spec
    round_to: str  # the round_to cell as the prototype's unit wrote it
    quantum: Decimal  # the row's score quantum
    qn: int  # the quantum as a ratio
    qd: int
    # the digest's slots of its weight, target value, per and deduct (-1: none)
    slots: tuple[int, int, int, int] = (-1, -1, -1, -1)


_CELLS: dict[str, tuple[Number, int, int] | None] = {}
_CELLS_KEPT = 65_536  # texts kept (values repeat across a table's units)


def _cell(text: str) -> tuple[Number, int, int] | None:
    """The cell's number as the builder reads it (``number_cell``), with its adjusted exponent
    and its sign; None when it is not a number. Kept per text (a pure function of it)."""
    hit = _CELLS.get(text, _CELLS)
    if hit is _CELLS:
        made = _plain_cell(text)
        if made is None:
            made = _read_cell(text)
        if len(_CELLS) >= _CELLS_KEPT:
            _CELLS.clear()
        hit = _CELLS[text] = made
    return hit  # type: ignore[return-value]


def _read_cell(text: str) -> tuple[Number, int, int] | None:
    """:func:`_cell`'s reading of any text: ``number_cell``, then the number's texts."""
    value, _ = number_cell(text)
    if value is None:
        return None
    return number(value), value.adjusted(), 1 if value > 0 else (0 if not value else -1)


def _plain_cell(text: str) -> tuple[Number, int, int] | None:
    """:func:`_read_cell` of a positive number written plainly in ASCII digits (``12``, ``0.5``,
    ``1234.50``: no sign, space or leading zero, at most 15 digits before the point and 10 after
    it, at most 4 of them not trailing zeros); None for any other text, which :func:`_read_cell` reads (``tests/test_shape_writer.py``
    holds the two equal)."""
    whole, point, part = text.partition(".")
    if not whole.isdigit() or not whole.isascii() or len(whole) > 15:
        return None
    if point:
        if len(part) > 10 or not part.isdigit() or not part.isascii():
            return None
        if whole[0] == "0" and len(whole) > 1:
            return None
        kept = part.rstrip("0")
        dec = f"{whole}.{kept}" if kept else whole
    else:
        dec = whole
    if dec == "0" or whole[0] == "0" and not point or len(dec) - len(whole) > 5:
        return None  # zero, an integer written with a leading zero, or more than 4 decimals
    value = Decimal(text)
    num, den = value.as_integer_ratio()
    # number(): its shown and exact texts are its plain text (up to 4 decimals)
    return Number(value, dec, f'"{dec}"', dec, dec, num, den), value.adjusted(), 1


class ShapeWriter:
    """The writer of one shape's units, compiled from its first unit that the normal path wrote."""

    def __init__(
        self,
        spec: Spec,
        rows: tuple[_Row, ...],
        layout: DigestLayout,
        units: tuple[int, ...],
        cats: tuple[int, ...],
        plan: DocumentPlan,
        tier_ok: set[tuple[Decimal, Decimal]],
    ) -> None:
        self.spec = spec
        self.rows = rows
        # each row's fields as one tuple (read once per row of every unit of the shape)
        self.fields = tuple(
            (r.i, r.kind, r.round_to, r.qn, r.qd, *r.slots, r.ind_at, r.cat_at, r.quantum)
            for r in rows
        )
        self.layout = layout  # the digest's texts around its slots
        self.units = units  # the slots of the meta's id, title and unit
        self.cats = cats  # the slot of each category's weight (by its position in the spec)
        self.plan = plan  # its rows' fixed texts, written once
        self.tier_ok = tier_ok
        self.tiers: dict[str, bool] = {}  # whether a tier cell names a tier of the spec
        self.precision = spec.policy.weight_precision is WeightPrecision.ERROR
        self.total = spec.meta.total
        self.methods = Counter(r.method for r in rows)

    @classmethod
    def compile(
        cls, prepared: Prepared, spec: Spec, actuals: Actuals, replay: _Replay, bases: Bases
    ) -> ShapeWriter | None:
        """The writer of ``prepared``'s shape, from its unit's spec and actuals (built the normal
        way, and written by ``unit_document``); None when the shape is not one a writer covers."""
        rows = prepared.rows
        values = prepared.values
        if (
            not prepared.inline
            or replay.prototype.digest is None
            or any(col in values for col in ("title", "unit_name", "budget", "spent", "initial"))
            or spec.budget_execution is not None
            or spec.meta.partial is not None
            or spec.policy.qualitative_default is QualitativeDefault.REQUIRE_SCORE
            or actuals.budget is not None
            or actuals.amounts
            or actuals.bonus
            or actuals.vetoes
            or actuals.figures
            or actuals.spec is not None
            or actuals.year is not None
            or any(c.parent is not None for c in spec.categories)
            or {spec.meta.id, spec.meta.title, spec.meta.unit} != {rows.unit}
        ):
            return None
        if prepared.base.ref is not None:
            flat, _, _ = bases.probe(prepared.base.ref, prepared.year)
            if flat.get("categories") or bases.templates(prepared.base.ref, prepared.year):
                return None  # categories of the base: weights the rows do not sum
        n = len(rows.rows)
        if len(spec.indicators) != n or len(actuals.indicators) != n:
            return None
        ind_at = {ind.id: j for j, ind in enumerate(spec.indicators)}
        act_at = {act.id: j for j, act in enumerate(actuals.indicators)}
        cat_at = {c.id: j for j, c in enumerate(spec.categories)}
        free = [c for c in ("score", "start", "subcategory") if c in rows.cells]
        out: list[_Row] = []
        tier_ok: set[tuple[Decimal, Decimal]] = set()
        sums: dict[str, Decimal] = {}
        for i in range(n):
            ident = rows.get("indicator", i)
            if ident not in ind_at or ident not in act_at or any(rows.get(c, i) for c in free):
                return None
            ind = spec.indicators[ind_at[ident]]
            act = actuals.indicators[act_at[ident]]
            rule = rule_of(ind)
            if (
                ind.derive is not None
                or rule.counts
                or ind.category not in cat_at
                or act.score is not None
                or act.not_applicable is not None
                or act.deductions
                or act.stated is not None
                or act.own_score is not None
                or act.deviation is not None
            ):
                return None
            if rule is qualitative.RULE and ind.target is None and act.tier is not None:
                kind = "qual"
            elif rule is step.RULE and isinstance(ind.method, StepDeduction):
                kind = "step"
                if ind.method.start is not None or ind.target is None:
                    return None
            elif rule.name in ("ratio", "inverse_ratio") and ind.target is not None:
                kind = "quant"
            else:
                return None
            reads = _READS[kind]
            # every free cell the row does not read is empty (the cell key keeps it so)
            for col in ("target", "actual", "tier", "per", "deduct"):
                if col not in reads and rows.get(col, i):
                    return None
            # the prototype holds the cells' numbers where the writer puts them
            checks: list[tuple[str, Any]] = [("weight", ind.weight)]
            if kind != "qual":
                assert ind.target is not None
                checks += [("target", ind.target.value), ("actual", act.value)]
            if kind == "step":
                assert isinstance(ind.method, StepDeduction)
                checks += [("per", ind.method.per), ("deduct", ind.method.deduct)]
            for col, held in checks:
                value, _ = number_cell(rows.get(col, i))
                if value is None or type(held) is not Decimal:
                    return None
                if held.as_tuple() != value.as_tuple():
                    return None
            if kind == "qual" and act.tier != rows.get("tier", i):
                return None
            round_text = rows.get("round_to", i)
            if round_text:
                value, _ = number_cell(round_text)
                if value is None or ind.round_to is None:
                    return None
                if value.as_tuple() != ind.round_to.as_tuple():
                    return None
            elif ind.round_to is not None:
                return None
            quantum = ind.score_quantum(spec.rounding.score)
            if kind == "qual":
                tier_ok.add((ind.weight, quantum))
            sums[ind.category] = sums.get(ind.category, Decimal(0)) + ind.weight
            qn, qd = quantum.as_integer_ratio()
            out.append(
                _Row(
                    i,
                    kind,
                    rule.name,
                    ind_at[ident],
                    act_at[ident],
                    cat_at[ind.category],
                    round_text,
                    quantum,
                    qn,
                    qd,
                )
            )
        for c in spec.categories:  # every category the sum of its rows, as the builder adds them
            if c.id not in sums or c.weight.as_tuple() != sums[c.id].as_tuple():
                return None
        plan = compile_document(spec, actuals)
        if plan is None or len({r.ind_at for r in out}) != n:
            return None
        if any(plan.rows[r.ind_at].act_at != r.act_at for r in out):
            return None
        return cls._made(spec, tuple(out), replay.prototype.digest, plan, tier_ok)

    @classmethod
    def _made(
        cls,
        spec: Spec,
        rows: tuple[_Row, ...],
        digest: Any,
        plan: DocumentPlan,
        tier_ok: set[tuple[Decimal, Decimal]],
    ) -> ShapeWriter | None:
        """The writer, its digest's slots placed: each field the writer writes a slot of the
        layout (else None: no writer), every other slot the prototype's text."""
        layout = digest.layout()
        if layout is None:
            return None
        free: dict[tuple[str, int, str, str | None], tuple[str, int]] = {}
        for k, r in enumerate(rows):
            free[("indicators", r.ind_at, "weight", None)] = ("w", k)
            if r.kind != "qual":
                free[("indicators", r.ind_at, "target", "value")] = ("t", k)
            if r.kind == "step":
                free[("indicators", r.ind_at, "method", "per")] = ("per", k)
                free[("indicators", r.ind_at, "method", "deduct")] = ("deduct", k)
        for j in range(len(spec.categories)):
            free[("categories", j, "weight", None)] = ("cat", j)
        for name in ("id", "title", "unit"):
            free[("meta", 0, name, None)] = ("unit", 0)
        fixed: dict[tuple[str, int, str, str | None], str] = {}
        for slot in layout.slots:
            if slot not in free:
                fixed[slot] = _held_json(spec, slot)
        layout = layout.fixed(fixed)
        where = {slot: n for n, slot in enumerate(layout.slots)}
        if set(where) != set(free):
            return None  # a field the writer writes is not a hole of the digest
        made = []
        for r in rows:
            at = [
                where.get(("indicators", r.ind_at, name, field), -1)
                for name, field in (
                    ("weight", None),
                    ("target", "value"),
                    ("method", "per"),
                    ("method", "deduct"),
                )
            ]
            made.append(attrs.evolve(r, slots=(at[0], at[1], at[2], at[3])))
        units = tuple(where[("meta", 0, name, None)] for name in ("id", "title", "unit"))
        cats = tuple(where[("categories", j, "weight", None)] for j in range(len(spec.categories)))
        return cls(spec, tuple(made), layout, units, cats, plan, tier_ok)

    def write(self, prepared: Prepared) -> UnitDocument | None:
        """The unit's document as the normal path writes it, or None (declined: the normal way)."""
        rows = prepared.rows
        cells = rows.cells
        spec = self.spec
        values: list[Any] = [None] * len(self.rows)
        sums: list[Decimal | None] = [None] * len(self.cats)
        texts: list[str] = [""] * len(self.layout.slots)
        tier_ok = self.tier_ok
        precision = self.precision
        round_col = cells.get("round_to")
        weights, targets, actuals = cells["weight"], cells.get("target"), cells.get("actual")
        kept = _CELLS
        for (
            i,
            kind,
            round_to,
            qn,
            qd,
            w_at,
            t_at,
            per_at,
            deduct_at,
            ind_at,
            cat_at,
            quantum,
        ) in self.fields:
            if round_col is None:
                if round_to:
                    return None
            else:
                held = round_col[i]
                if held != round_to and held.strip() != round_to:
                    return None
            text = weights[i]
            cell = kept.get(text) or _cell(text)
            if cell is None:
                return None
            w, adjusted, sign = cell
            if adjusted >= _WEIGHT_DIGITS or sign <= 0:
                return None
            if precision and (w.num * qd) % (w.den * qn):
                return None  # not a multiple of the quantum
            texts[w_at] = w.json
            row: RowValues
            if kind == "qual":
                tier = cells["tier"][i].strip()
                if (w.value, quantum) not in tier_ok:
                    return None
                known = self.tiers.get(tier)
                if known is None:
                    known = self.tiers[tier] = _names_tier(spec, tier)
                if not known:
                    return None
                row = (w, None, None, None, None, tier)
            else:
                assert targets is not None and actuals is not None
                text = targets[i]
                cell = kept.get(text) or _cell(text)
                if cell is None:
                    return None
                t, adjusted, sign = cell
                if adjusted >= _VALUE_DIGITS or sign <= 0:
                    return None
                text = actuals[i]
                cell = kept.get(text) or _cell(text)
                if cell is None:
                    return None
                a, adjusted, sign = cell
                if adjusted >= _VALUE_DIGITS or sign < 0:
                    return None
                texts[t_at] = t.json
                per = deduct = None
                if kind == "step":
                    per = _value(cells["per"][i], True)
                    deduct = _value(cells["deduct"][i], True)
                    if per is None or deduct is None:
                        return None
                    texts[per_at] = per.json
                    texts[deduct_at] = deduct.json
                row = (w, t, a, per, deduct, None)
            values[ind_at] = row
            had = sums[cat_at]
            sums[cat_at] = (Decimal(0) if had is None else had) + w.value
        top = Decimal(0)
        for j, s in enumerate(sums):
            if s is None:
                return None
            texts[self.cats[j]] = f'"{format_decimal(s)}"'  # show_dec's text of a new sum
            top += s
        if top != self.total:
            return None
        unit = rows.unit
        name = encode_basestring(unit)
        for at in self.units:
            texts[at] = name
        doc = self.plan.write_values(unit, values, sums, self.layout.sha256(texts))  # type: ignore[arg-type]
        if doc is not None:
            ACCEPTED.update(self.methods)
        return doc

    def learn(self, prepared: Prepared) -> None:
        """A unit of the shape the normal path built (its spec valid): its qualitative weights admit
        a score in every tier at their quantum."""
        if len(self.tier_ok) >= _LEARNED_KEPT:
            return
        for r in self.rows:
            if r.kind == "qual":
                weight, _ = number_cell(prepared.rows.get("weight", r.i))
                if weight is not None:
                    self.tier_ok.add((weight, r.quantum))


def _value(text: str, positive: bool) -> Number | None:
    """A target's, actual's, ``per``'s or ``deduct``'s cell as the builder reads it, if above 0
    (``positive``) or not below 0, and below 10^_VALUE_DIGITS; else None."""
    cell = _cell(text)
    if cell is None:
        return None
    value, adjusted, sign = cell
    if adjusted >= _VALUE_DIGITS or sign < 0 or (positive and sign == 0):
        return None
    return value


def _names_tier(spec: Spec, tier: str) -> bool:
    """Whether ``tier`` names a tier of ``spec`` (``Spec.tier``, as the validator looks it up)."""
    try:
        spec.tier(tier)
    except KeyError:
        return False
    return True


def _held_json(spec: Spec, slot: tuple[str, int, str, str | None]) -> str:
    """The JSON of the prototype's value at a digest slot (a Decimal or a str)."""
    part, j, name, field = slot
    entry = spec.meta if part == "meta" else getattr(spec, part)[j]
    held = getattr(entry, name)
    if field is not None:
        held = getattr(held, field)
    return f'"{show_dec(held)}"' if type(held) is Decimal else encode_basestring(held)


class Shapes:
    """The shape writers of one run (kept on its :class:`~perfrules.batch._unit.Bases`)."""

    def __init__(self, bases: Bases) -> None:
        self.bases = bases
        self.writers: dict[Hashable, Any] = bases.writers
        self._last: tuple[Prepared, Hashable] | None = None

    def _key(self, prepared: Prepared) -> Hashable:
        if self._last is not None and self._last[0] is prepared:
            return self._last[1]
        key = _cell_key(prepared, self.bases)
        self._last = (prepared, key)
        return key

    def write(self, prepared: Prepared) -> UnitDocument | None:
        """The unit's document by its shape's writer; None when there is none or it declines."""
        if not ENABLED or not prepared.inline:
            return None
        writer = self.writers.get(self._key(prepared))
        if not isinstance(writer, ShapeWriter):
            return None
        return writer.write(prepared)

    def seen(
        self,
        prepared: Prepared,
        spec: Spec,
        actuals: Actuals,
        result: Evaluation | UnitDocument,
    ) -> None:
        """A unit the normal path built and scored: compile its shape's writer, or teach it."""
        if not ENABLED or not prepared.inline:
            return
        key = self._key(prepared)
        writer = self.writers.get(key)
        if isinstance(writer, ShapeWriter):
            writer.learn(prepared)
            return
        if writer is _NEVER or not isinstance(result, UnitDocument):
            return  # a unit the document writer does not cover: a later one may compile it
        replay = self.bases.replays.get(key)
        if not isinstance(replay, _Replay):
            return
        if len(self.writers) >= _MAX_WRITERS:
            self.writers.clear()
        made = ShapeWriter.compile(prepared, spec, actuals, replay, self.bases)
        self.writers[key] = _NEVER if made is None else made
