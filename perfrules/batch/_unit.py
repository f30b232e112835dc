"""One unit of the long table → a checked (Spec, Actuals) pair, every problem located at (file, row, column).

A unit's rows either give actuals for a complete spec its ``spec`` cell names,
or declare the unit's indicators inline on a base (a framework id, a framework
file, or a plain TOML file with policy, rounding, tiers, grades … and no
indicators) or on perfrules' defaults. Inline units are assembled into the
TOML-shaped data a spec file would hold and go through the very loader a spec
file goes through (``extends`` resolution, strict cattrs structuring,
``validate_spec``), with a :class:`~perfrules.model.SourceMap` whose
*positions* are table cells: every problem the loader or the validator finds
is therefore located at the row and column that wrote the value.
"""

from __future__ import annotations

import operator
import os
import typing
from collections.abc import Hashable, Iterator, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

from perfrules._errors import PathKey, Problem, SpecError
from perfrules._limits import year_problem
from perfrules._messages import Message, listing, message
from perfrules.batch._table import UNIT_LEVEL, number_cell, parse_number, table_problem
from perfrules.core import DigestTemplate, validate_actuals, validate_spec
from perfrules.core.methods import PARAMETER_COLUMNS, rule_named
from perfrules.loading import (
    SPEC_FILE,
    converter,
    load_data,
    load_spec,
    parse_toml_text,
    read_bytes,
    read_toml,
    resolve_extends,
    structural_problems,
    uses_frameworks,
)
from perfrules.model import (
    Actuals,
    Category,
    Indicator,
    IndicatorActual,
    Kind,
    SourceFile,
    SourceMap,
    Spec,
)

# the methods' parameter columns (per, deduct, partial), from the method catalogue: column → number or text
_PARAM_KINDS = dict(PARAMETER_COLUMNS)
# columns that declare an indicator (not allowed when the unit's spec declares its indicators)
DECLARING: tuple[str, ...] = (
    "name",
    "category",
    "subcategory",
    "weight",
    "method",
    "comparator",
    "target",
    "target_unit",
    "target_text",
    *_PARAM_KINDS,
    "round_to",
)
META_COLUMNS: tuple[str, ...] = ("kind", "title", "unit_name")
_NUMERIC_ROW = ("weight", "target", "per", "deduct", "round_to", "actual", "score")
_NUMERIC_UNIT = ("budget", "spent", "initial")
DEFAULT_KIND = Kind.PROJECT.value


@attrs.frozen(eq=False)
class UnitRows:
    """The rows of one unit: canonical column → cell texts, and the rows' numbers in the file."""

    unit: str
    file: str
    folder: Path
    header: dict[str, int]
    cells: dict[str, list[str]]
    rows: list[int]

    def col(self, name: str) -> int | None:
        return self.header.get(name)

    def get(self, name: str, i: int) -> str:
        col = self.cells.get(name)
        return col[i].strip() if col is not None else ""

    def problem(
        self,
        code: str,
        en: str,
        zh: str,
        *,
        i: int = 0,
        column: str | None = None,
        suggestion: str | None = None,
    ) -> Problem:
        name = column if column is not None and column in self.header else "unit"
        return table_problem(
            code,
            self.file,
            en,
            zh,
            row=self.rows[i],
            column=self.header[name],
            column_name=name,
            suggestion=suggestion,
        )


# ---------------------------------------------------------------------------
# bases: what a ``spec`` cell names, loaded once per path (and per year for inline bases)


@attrs.frozen(eq=False)
class Base:
    """What a unit's ``spec`` cell resolves to.

    ``kind``: ``"spec"`` — a complete spec (``spec`` holds it, checked), the
    rows give actuals; ``"framework"`` / ``"plain"`` — a base the unit's inline
    indicators build on, named in ``extends`` as ``ref``; ``"none"`` — no
    ``spec`` cell, perfrules' defaults. ``error`` holds the problems when the
    spec or base cannot be loaded.
    """

    kind: str
    ref: str | None = None
    spec: Spec | None = None
    error: SpecError | None = None


class Bases:
    """Loads and caches what ``spec`` cells name: complete specs by path, base files, probes by (ref, year)."""

    def __init__(self, folder: Path, file: str) -> None:
        self.folder = folder
        self.file = file
        self._refs: dict[str, Base] = {}
        self._files: dict[
            tuple[str, str], tuple[dict[str, Any] | None, SourceMap | None, SpecError | None]
        ] = {}
        self._probes: dict[
            tuple[str, int | None], tuple[dict[str, Any], Spec | None, list[Problem]]
        ] = {}
        self._templates: dict[tuple[str, int | None], dict[tuple[str | None, str | None], str]] = {}
        # inline units' spec data by shape (_shape) → the prototype spec of that shape, or None (never)
        self.prototypes: dict[Hashable, _Prototype | None] = {}
        # inline units by the shape of their cells (_cell_key) → how to replay their data, or None (never)
        self.replays: dict[Hashable, _Replay | None] = {}
        # the full audit's shape writers by cell shape (perfrules.batch._shape), kept by it
        self.writers: dict[Hashable, object] = {}

    def templates(self, ref: str, year: int | None) -> dict[tuple[str | None, str | None], str]:
        """The base's template categories (no weight): (parent id, name) → id."""
        self.probe(ref, year)
        return self._templates[(ref, year)]

    # reading framework and base files (cached; a base without [framework] reads as one)
    def read(self, path: Path, display: str) -> tuple[dict[str, Any], SourceMap]:
        key = (os.path.realpath(path), display)
        hit = self._files.get(key)
        if hit is None:
            try:
                data, smap = read_toml(path, display)
                hit = (data, smap, None)
            except SpecError as err:
                hit = (None, None, err)
            self._files[key] = hit
        got, got_map, failure = hit
        if failure is not None:
            raise failure
        assert got is not None and got_map is not None
        data, smap = got, got_map
        if (
            "framework" not in data
        ):  # a plain base file: policy, rounding, tiers, grades … and no indicators
            stem = Path(display).stem
            data = {**data, "framework": {"id": stem, "title": stem}}
        return data, smap

    def lookup(self, ref: str) -> Base:
        """The base or spec a ``spec`` cell names (cached)."""
        if ref not in self._refs:
            self._refs[ref] = self._lookup(ref)
        return self._refs[ref]

    def _lookup(self, ref: str) -> Base:
        if not ref:
            return Base("none")
        path = Path(os.path.normpath(self.folder / ref))
        is_path = (
            ref.endswith(".toml")
            or "/" in ref
            or "\\" in ref
            or ref.startswith(".")
            or path.is_dir()
        )
        if not is_path:
            return Base("framework", ref=ref)  # a framework id, looked up from the table's folder
        if path.is_dir():
            path = path / SPEC_FILE
        display = os.path.normpath(os.path.join(os.path.dirname(self.file), ref))
        try:  # a regular file of bounded size, bounded TOML: a pipe or a bomb named in a cell never hangs
            data, _ = parse_toml_text(read_bytes(path).decode("utf-8-sig"))
        except (SpecError, UnicodeDecodeError):
            try:
                load_spec(path)  # raises the located problem of the file
            except SpecError as err:
                return Base("spec", error=err)
            return Base(
                "spec",
                error=SpecError(
                    [
                        Problem(
                            code="file",
                            **message(("file", "cannot-read"), file=display).as_message(),
                            file=display,
                        )
                    ]
                ),
            )
        absolute = str(path.absolute())
        if "framework" in data:
            return Base("framework", ref=absolute)
        if data.get("indicators"):
            try:
                return Base("spec", spec=load_spec(path))
            except SpecError as err:
                return Base("spec", error=err)
        return Base("plain", ref=absolute)

    def probe(
        self, ref: str, year: int | None
    ) -> tuple[dict[str, Any], Spec | None, list[Problem]]:
        """The base ``ref`` flattened for ``year``: its data, as a (placeholder, unchecked) Spec, and its problems."""
        key = (ref, year)
        if key not in self._probes:
            data: dict[str, Any] = {"extends": ref}
            if year is not None:
                data["meta"] = {"year": year}
            read: list[dict[str, Any]] = []

            def reading(path: Path, display: str) -> tuple[dict[str, Any], SourceMap]:
                got = self.read(path, display)
                read.append(got[0])
                return got

            res = resolve_extends(
                data, SourceMap(self.file), read=reading, structural=structural_problems
            )
            templates = {
                (c.get("parent"), c.get("name")): c["id"]
                for d in read
                for c in d.get("categories") or []
                if isinstance(c, dict) and "weight" not in c and isinstance(c.get("id"), str)
            }
            self._templates[key] = templates
            flat = dict(res.data) if not res.fatal else {}
            if isinstance(
                flat.get("meta"), dict
            ):  # only what the base defines, not the probe's own year
                origins = res.source.origins
                flat["meta"] = {
                    k: v
                    for k, v in flat["meta"].items()
                    if (hit := origins.get(("meta", k))) is not None
                    and hit[0].framework is not None
                }
            problems = (
                list(res.problems)
                if res.fatal
                else [p for p in res.problems if p.file != self.file]
            )
            self._probes[key] = (
                flat,
                _placeholder_spec(flat, ref, year) if not res.fatal else None,
                problems,
            )
        return self._probes[key]


def _placeholder_spec(flat: dict[str, Any], ref: str, year: int | None) -> Spec | None:
    """The base as a Spec object (meta placeholders, no validation), for chunk scorers; None if it does not structure."""
    data = {k: v for k, v in flat.items() if k not in ("extends", "overrides")}
    meta = dict(data.get("meta") or {})
    meta.setdefault("id", ref)
    meta.setdefault("title", ref)
    meta.setdefault("unit", "")
    meta.setdefault("year", year if year is not None else 0)
    meta.setdefault("kind", DEFAULT_KIND)
    data["meta"] = meta
    data.setdefault("categories", [])
    data.setdefault("indicators", [])
    try:
        return converter.structure(data, Spec)
    except Exception:  # noqa: BLE001 - a base that does not structure is reported per unit by the loader
        return None


# ---------------------------------------------------------------------------
# the unit


@attrs.frozen(eq=False)
class Prepared:
    """A unit after the table-level checks: its per-unit values and what its ``spec`` cell names."""

    rows: UnitRows
    values: dict[
        str, tuple[str, int]
    ]  # per-unit column → (text, row index) of the first cell that gives it
    base: Base
    year: int | None
    base_spec: Spec | None  # the complete spec, or the inline base as a placeholder Spec
    inline: bool


def prepare(rows: UnitRows, bases: Bases) -> Prepared:
    """Check the per-unit columns agree and resolve the unit's ``spec`` cell; raise SpecError otherwise."""
    problems: list[Problem] = []
    values: dict[str, tuple[str, int]] = {}
    for col in UNIT_LEVEL:
        if col not in rows.cells:
            continue
        for i, raw in enumerate(rows.cells[col]):
            text = raw.strip()
            if not text:
                continue
            if col not in values:
                values[col] = (text, i)
                continue
            first, j = values[col]
            same = first == text
            if not same and col in _NUMERIC_UNIT:
                a, b = parse_number(first), parse_number(text)
                same = a is not None and a == b
            if not same:
                problems.append(
                    rows.problem(
                        "unit-disagree",
                        *message(
                            "unit-disagree",
                            unit=rows.unit,
                            column=col,
                            text=_shown(text),
                            row=rows.rows[i],
                            first=_shown(first),
                            first_row=rows.rows[j],
                        ),
                        i=i,
                        column=col,
                    )
                )
                break
    year: int | None = None
    if "year" in values:
        text, i = values["year"]
        if text.isdigit() and len(text) <= 4:
            outside = year_problem(int(text))  # a budget year: 1900–2200, as a spec's meta.year
            if outside is None:
                year = int(text)
            else:
                problems.append(
                    rows.problem(
                        "invalid-value",
                        *message(("invalid-value", "year-range"), why=Message(*outside)),
                        i=i,
                        column="year",
                    )
                )
        else:
            problems.append(
                rows.problem(
                    "invalid-value",
                    *message(("invalid-value", "year"), text=_shown(text)),
                    i=i,
                    column="year",
                )
            )
    for col in _NUMERIC_UNIT:
        if col in values:
            text, i = values[col]
            value, why = number_cell(text)
            if value is None:
                problems.append(_bad_number(rows, col, text, i, why))
    if problems:
        raise SpecError(problems)
    ref, ref_i = values.get("spec", ("", 0))
    base = bases.lookup(ref)
    if base.error is not None:
        raise SpecError([_at_spec_cell(p, rows, ref_i, bases.file) for p in base.error.problems])
    if base.kind == "spec":
        return Prepared(rows, values, base, year, base.spec, inline=False)
    if base.kind == "none":
        return Prepared(rows, values, base, year, None, inline=True)
    assert base.ref is not None
    _, placeholder, probe_problems = bases.probe(base.ref, year)
    fatal = [
        p
        for p in probe_problems
        if p.code in ("extends", "extends-cycle", "file", "toml-syntax", "encoding")
    ]
    if fatal:
        raise SpecError([_at_spec_cell(p, rows, ref_i, bases.file) for p in fatal])
    return Prepared(rows, values, base, year, placeholder, inline=True)


def _at_spec_cell(p: Problem, rows: UnitRows, i: int, file: str) -> Problem:
    """A problem of the base located in the table: at the spec cell.

    So is one of the file the cell names but at no line in it (the file does
    not exist or cannot be read: the message names it), so that every failed
    unit has a row; a problem at a line of that file stays there.
    """
    if p.file is not None and p.file != file and p.file != "<input>" and p.line is not None:
        return p
    col = "spec" if "spec" in rows.header else "unit"
    return attrs.evolve(p, file=rows.file, line=rows.rows[i], column=rows.header[col], path=(col,))


def _bad_number(
    rows: UnitRows, col: str, text: str, i: int, why: tuple[str, str] | None = None
) -> Problem:
    """``invalid-number`` at a cell: not a plain decimal, or (``why``) one outside the bounds every number obeys."""
    if why is not None:
        return rows.problem(
            "invalid-number",
            *message(("invalid-number", "cell-why"), column=col, why=Message(*why)),
            i=i,
            column=col,
        )
    return rows.problem(
        "invalid-number",
        *message(("invalid-number", "cell"), column=col, text=_shown(text)),
        i=i,
        column=col,
    )


def _shown(text: str, limit: int = 60) -> str:
    """A cell's text as a message quotes it: at most ``limit`` characters (a 100,000-character cell is not echoed)."""
    return (
        text
        if len(text) <= limit
        else f"{text[:40]}…{text[-10:]}（{len(text)} 个字符 / characters）"
    )


# ---------------------------------------------------------------------------
# building the data


class _Columns(dict[str, int]):
    """Column name → the column number a position names: the column's, else the indicator's, else the unit's."""

    def __init__(self, header: dict[str, int]) -> None:
        super().__init__()
        self.header = header

    def __missing__(self, column: str) -> int:
        h = self.header
        col = h.get(column) or h.get("indicator") or h["unit"]
        self[column] = col
        return col


class _Builder:
    """Collects the TOML-shaped data of a unit and where (row, column) each key path is written."""

    def __init__(self, rows: UnitRows, *, record: bool = False) -> None:
        self.rows = rows
        self.positions: dict[PathKey, tuple[int, int]] = {}
        self.problems: list[Problem] = []
        self._cols = _Columns(rows.header)
        # with ``record`` (the first unit of a cell shape, :class:`_Replay`): every position written, as
        # (path, row index, column number), every number read, as (column, row index, its Decimal — a
        # copy of its own, so that the data holds it once), and the weight sums' recipe
        self.record = record
        self.places: list[tuple[PathKey, int, int]] = []
        self.read: list[tuple[str, int, Decimal]] = []
        self.recipe: list[tuple[int, tuple[str, ...], str | None]] = []

    def at(self, path: PathKey, i: int, column: str) -> None:
        col = self._cols[column]
        self.positions[path] = (self.rows.rows[i], col)
        if self.record:
            self.places.append((path, i, col))

    def number(self, column: str, i: int) -> Decimal | None:
        text = self.rows.get(column, i)
        if not text:
            return None
        value, why = number_cell(text)
        if value is None:
            self.problems.append(_bad_number(self.rows, column, text, i, why))
        elif self.record:
            value = Decimal(str(value))  # equal, and an object of its own: found by identity
            self.read.append((column, i, value))
        return value


def _actuals_data(
    b: _Builder, prepared: Prepared, indicator_rows: list[int], amount_rows: list[int]
) -> dict[str, Any]:
    rows = prepared.rows
    entries: dict[str, Any] = {}
    for i in indicator_rows:
        ident = rows.get("indicator", i)
        entry: dict[str, Any] = {}
        for col, key in (("actual", "value"), ("score", "score")):
            value = b.number(col, i)
            if value is not None:
                entry[key] = value
                b.at(("indicators", ident, key), i, col)
        for col in ("tier", "text", "note", "not_applicable"):
            text = rows.get(col, i)
            if text:
                entry[col] = text
                b.at(("indicators", ident, col), i, col)
        entries[ident] = entry
        b.at(("indicators", ident), i, "indicator")
    data: dict[str, Any] = {"indicators": entries}
    b.at(("indicators",), 0, "indicator")
    amounts: dict[str, Any] = {}
    for i in amount_rows:
        name = rows.get("amount", i)
        value = b.number("actual", i)
        b.at(("amounts", name), i, "amount")
        b.at(("amounts", name, "value"), i, "actual")
        if value is None:
            if rows.get("actual", i) == "":
                b.problems.append(
                    rows.problem(
                        "missing-actual",
                        *message(("missing-actual", "amount"), name=name),
                        i=i,
                        column="actual",
                    )
                )
            continue
        label = rows.get("name", i)
        amounts[name] = {"value": value, "label": label} if label else value
    if amounts:
        data["amounts"] = amounts
        b.at(("amounts",), amount_rows[0], "amount")
    budget: dict[str, Any] = {}
    for col, key in (("budget", "full_year"), ("spent", "spent"), ("initial", "initial")):
        if col in prepared.values:
            text, i = prepared.values[col]
            value, _ = number_cell(text)  # checked by prepare
            if value is not None:
                if b.record:  # as _Builder.number records a number
                    value = Decimal(str(value))
                    b.read.append((col, i, value))
                budget[key] = value
            b.at(("budget", key), i, col)
    if budget:
        data["budget"] = budget
        first = min(
            prepared.values[c][1] for c in ("budget", "spent", "initial") if c in prepared.values
        )
        b.at(("budget",), first, "budget" if "budget" in prepared.values else "spent")
    if "year" in prepared.values and prepared.year is not None and not prepared.inline:
        data["year"] = prepared.year
        b.at(("year",), prepared.values["year"][1], "year")
    return data


def _method(b: _Builder, rows: UnitRows, i: int, path: PathKey) -> Any:
    name = rows.get("method", i)
    params = {c: rows.get(c, i) for c in _PARAM_KINDS if rows.get(c, i)}
    rule = rule_named(name)
    if (
        rule is not None and rule.table_refusal is not None
    ):  # its parameters cannot be written in cells
        code, en, zh = rule.table_refusal
        b.problems.append(rows.problem(code, en, zh, i=i, column="method"))
        return None
    if not name:
        if params:  # parameters without a method: let the loader say the method does not take them
            name = "ratio"
        else:
            return None
    b.at(path, i, "method")
    if not params and (rule is None or not rule.columns):
        return name
    table: dict[str, Any] = {"name": name}
    for col, text in params.items():
        b.at((*path, col), i, col)
        if _PARAM_KINDS[col] == "text":
            table[col] = text
        else:
            value = b.number(col, i)
            if value is not None:
                table[col] = value
    return table


def _add_weight(
    weight: Decimal,
    cats: tuple[str, ...],
    sums: dict[str, Decimal],
    template_weights: dict[str, Decimal],
) -> None:
    """An inline indicator's weight added to its categories' sums (and to a framework template's)."""
    for cat in set(cats):
        sums[cat] = sums.get(cat, Decimal(0)) + weight
        if cat in template_weights:
            template_weights[cat] += weight


def _indicator_fields(
    b: _Builder,
    rows: UnitRows,
    i: int,
    path: PathKey,
    ind: dict[str, Any],
    sums: dict[str, Decimal],
    template_weights: dict[str, Decimal],
    cats: tuple[str, ...],
) -> None:
    """Weight, target, method and round_to of one inline indicator row."""
    weight = b.number("weight", i)
    if weight is not None:
        ind["weight"] = weight
        _add_weight(weight, cats, sums, template_weights)
    target = b.number("target", i)
    if target is not None:
        comparator = rows.get("comparator", i) or "="
        ind["target"] = {
            "comparator": comparator,
            "value": target,
            "unit": rows.get("target_unit", i),
        }
        b.at((*path, "target"), i, "target")
        b.at((*path, "target", "value"), i, "target")
        b.at(
            (*path, "target", "comparator"),
            i,
            "comparator" if rows.get("comparator", i) else "target",
        )
        b.at((*path, "target", "unit"), i, "target_unit")
    elif not rows.get("target", i) and (rows.get("comparator", i) or rows.get("target_unit", i)):
        b.at((*path, "target"), i, "target")
        ind["target"] = {
            "comparator": rows.get("comparator", i) or "=",
            "unit": rows.get("target_unit", i),
        }
    if rows.get("target_text", i):
        ind["target_text"] = rows.get("target_text", i)
        b.at((*path, "target_text"), i, "target_text")
    method = _method(b, rows, i, (*path, "method"))
    if method is not None:
        ind["method"] = method
    round_to = b.number("round_to", i)
    if round_to is not None:
        ind["round_to"] = round_to
        b.at((*path, "round_to"), i, "round_to")


def _own_meta(prepared: Prepared) -> dict[str, tuple[Any, int, str]]:
    """An inline unit's own meta: key → (value, row index, column) (the default kind is added by the caller)."""
    rows = prepared.rows
    own: dict[str, tuple[Any, int, str]] = {"id": (rows.unit, 0, "unit")}
    title = prepared.values.get("title")
    own["title"] = (title[0], title[1], "title") if title else (rows.unit, 0, "unit")
    name = prepared.values.get("unit_name")
    own["unit"] = (name[0], name[1], "unit_name") if name else (rows.unit, 0, "unit")
    if prepared.year is not None:
        own["year"] = (prepared.year, prepared.values["year"][1], "year")
    kind = prepared.values.get("kind")
    if kind:
        own["kind"] = (kind[0], kind[1], "kind")
    return own


def _spec_data(
    b: _Builder, prepared: Prepared, bases: Bases, indicator_rows: list[int]
) -> dict[str, Any]:
    """The TOML-shaped spec data of an inline unit."""
    rows = prepared.rows
    base = prepared.base
    flat: dict[str, Any] = {}
    templates: dict[tuple[str | None, str | None], str] = {}
    if base.ref is not None:
        flat, _, _ = bases.probe(base.ref, prepared.year)
        templates = bases.templates(base.ref, prepared.year)
    base_meta: dict[str, Any] = flat.get("meta") or {}
    base_cats: list[dict[str, Any]] = [
        c for c in flat.get("categories") or [] if isinstance(c, dict)
    ]
    by_name_top = {c.get("name"): c for c in base_cats if not c.get("parent")}
    by_id = {c.get("id"): c for c in base_cats}
    data: dict[str, Any] = {}
    if base.ref is not None:
        data["extends"] = base.ref
        spec_i = prepared.values["spec"][1]
        b.at(("extends",), spec_i, "spec")

    # meta: the unit's own values; a key the base already defines is replaced by an override
    own = _own_meta(prepared)
    if prepared.year is None and "year" not in base_meta:
        b.problems.append(
            rows.problem(
                "missing-year",
                *message(("missing-year", "inline"), unit=rows.unit),
                column="year",
            )
        )
    if "kind" not in own and "kind" not in base_meta:
        own["kind"] = (DEFAULT_KIND, 0, "unit")
    meta: dict[str, Any] = {}
    overrides: dict[str, Any] = {}
    for key, (value, i, col) in own.items():
        if key in base_meta:
            if base_meta[key] != value:
                overrides[key] = value
                b.at(("overrides", "meta", key), i, col)
        else:
            meta[key] = value
            b.at(("meta", key), i, col)
    data["meta"] = meta
    b.at(("meta",), 0, "unit")
    if overrides:
        data["overrides"] = {"meta": overrides}

    # categories: a base's category by name (or id), else a new one weighing the sum of its indicators
    new_cats: dict[str, dict[str, Any]] = {}
    cat_rows: dict[str, tuple[int, str]] = {}
    sums: dict[str, Decimal] = {}
    template_weights: dict[str, Decimal] = {}
    indicators: list[dict[str, Any]] = []
    for n, i in enumerate(indicator_rows):
        path: PathKey = ("indicators", n)
        ident = rows.get("indicator", i)
        ind: dict[str, Any] = {"id": ident, "name": rows.get("name", i) or ident}
        b.at(path, i, "indicator")
        b.at((*path, "id"), i, "indicator")
        b.at((*path, "name"), i, "name")
        top_name, sub_name = rows.get("category", i), rows.get("subcategory", i)
        b.at((*path, "category"), i, "category")
        b.at((*path, "weight"), i, "weight")
        if not top_name:  # the loader reports the missing category at this row
            indicators.append(ind)
            if b.record:
                b.recipe.append((i, (), None))
            _indicator_fields(b, rows, i, path, ind, sums, template_weights, ())
            continue
        top = by_name_top.get(top_name) or (
            by_id.get(top_name) if not by_id.get(top_name, {}).get("parent") else None
        )
        top_id = top["id"] if top is not None else top_name
        if top is None and top_id not in new_cats:
            new_cats[top_id] = {"id": top_id, "name": top_name}
            cat_rows[top_id] = (i, "category")
        leaf = top_id
        if sub_name:
            sub = next(
                (
                    c
                    for c in base_cats
                    if c.get("parent") == top_id and sub_name in (c.get("name"), c.get("id"))
                ),
                None,
            )
            template = templates.get((top_id, sub_name))
            if sub is not None:
                leaf = sub["id"]
            elif (
                template is not None
            ):  # a framework template: the unit gives it its weight by an override
                leaf = template
                template_weights.setdefault(leaf, Decimal(0))
            else:
                leaf = f"{top_id}.{sub_name}"
                if leaf not in new_cats:
                    new_cats[leaf] = {"id": leaf, "name": sub_name, "parent": top_id}
                    cat_rows[leaf] = (i, "subcategory")
        ind["category"] = leaf
        b.at((*path, "category"), i, "subcategory" if sub_name else "category")
        if b.record:
            b.recipe.append((i, (leaf, top_id), leaf if leaf in template_weights else None))
        _indicator_fields(b, rows, i, path, ind, sums, template_weights, (leaf, top_id))
        indicators.append(ind)
    categories: list[dict[str, Any]] = []
    for k, (cid, cat) in enumerate(new_cats.items()):
        i, col = cat_rows[cid]
        entry = dict(cat)
        if cid in sums:
            entry["weight"] = sums[cid]
        categories.append(entry)
        for key in ("", "id", "name", "weight", "parent"):
            b.at(("categories", k, key) if key else ("categories", k), i, col)
    if categories:
        data["categories"] = categories
    if template_weights:
        data.setdefault("overrides", {})["categories"] = [
            {"id": cid, "weight": w} for cid, w in template_weights.items()
        ]
        for k, cid in enumerate(template_weights):
            i = next(
                n
                for n, ind in zip(indicator_rows, indicators, strict=False)
                if ind.get("category") == cid
            )
            b.at(("overrides", "categories", k), i, "subcategory")
    data["indicators"] = indicators
    b.at(("indicators",), 0, "indicator")
    return data


def _load_spec_data(data: dict[str, Any], source: SourceMap, bases: Bases) -> Spec:
    """The spec loader's own path (docs/frameworks.md) for data assembled from the table.

    A unit whose data has the shape of a unit already loaded in this run (the
    same base, year, keys, ids, names, methods and comparators; only its
    numbers and its meta id, title and unit differ) is built from that unit's
    spec, the :class:`_Prototype` of the shape: its indicators and categories
    structured by the same converter, then validated; any problem at all, and
    the unit goes the loader's whole way, which gives its located problems.
    """
    key = _shape(data)
    proto = bases.prototypes.get(key, _NO_PROTOTYPE)
    if isinstance(proto, _Prototype):
        spec = proto.build(data, source)
        if spec is not None:
            return spec
    spec = _load_spec_data_slow(data, source, bases)
    if (
        proto is _NO_PROTOTYPE
    ):  # the first unit of its shape that loads: its spec is the shape's prototype
        if len(bases.prototypes) >= _MAX_SHAPES:  # bounded memory, whatever the number of shapes
            bases.prototypes.clear()
        bases.prototypes[key] = _Prototype.make(spec, data, source)
    return spec


def _load_spec_data_slow(data: dict[str, Any], source: SourceMap, bases: Bases) -> Spec:
    """The spec loader's own path, every stage run (resolution, strict structuring, validation)."""
    if not uses_frameworks(data):
        return load_data(data, source, Spec)
    res = resolve_extends(data, source, read=bases.read, structural=structural_problems)
    if res.fatal:
        raise SpecError(res.problems)
    if res.problems:
        raise SpecError([*res.problems, *structural_problems(res.data, res.source)])
    spec = load_data(res.data, res.source, Spec)
    return attrs.evolve(spec, framework=res.framework)


# ---------------------------------------------------------------------------
# the shape of a unit's spec data, and the prototype spec of a shape

_NUMBER = ("#number",)  # a number of an indicator or a category, free to differ within a shape
_TEXT = ("#text",)  # the unit's meta id, title or unit name, free to differ within a shape
_META_TEXTS = ("id", "title", "unit")
_NO_PROTOTYPE = object()  # a shape not seen yet
_MAX_SHAPES = 256  # prototypes kept per run


def _frozen(value: Any, free: bool) -> Hashable:
    """``value`` as a hashable key; with ``free``, every number is :data:`_NUMBER`."""
    kind = type(value)
    if kind is dict:
        return ("{", *[(k, _frozen(v, free)) for k, v in value.items()])
    if kind is list:
        return ("[", *[_frozen(v, free) for v in value])
    if kind is Decimal:
        return _NUMBER if free else ("D", str(value))
    if kind is str:
        text: str = value
        return text
    return (kind.__name__, repr(value))


def _meta_shape(meta: Any) -> Hashable:
    if type(meta) is not dict:
        return _frozen(meta, False)
    return (
        "{",
        *[
            (k, _TEXT if k in _META_TEXTS and type(v) is str else _frozen(v, False))
            for k, v in meta.items()
        ],
    )


def _shape(data: dict[str, Any]) -> Hashable:
    """The shape of a unit's spec data: all of it but the numbers of its indicators and categories and its meta texts."""
    out: list[Hashable] = []
    for k, v in data.items():
        if k in ("indicators", "categories"):
            out.append((k, _frozen(v, True)))
        elif k == "meta":
            out.append((k, _meta_shape(v)))
        elif k == "overrides" and type(v) is dict:
            out.append(
                (
                    k,
                    (
                        "{",
                        *[
                            (
                                ok,
                                _meta_shape(ov)
                                if ok == "meta"
                                else _frozen(ov, ok == "categories"),
                            )
                            for ok, ov in v.items()
                        ],
                    ),
                )
            )
        else:
            out.append((k, _frozen(v, False)))
    return tuple(out)


def _numbers(value: Any) -> list[Hashable]:
    """The leaves of ``value``'s key with every number free (:data:`_NUMBER` for each number)."""
    key = _frozen(value, True)
    out: list[Hashable] = []
    stack = [key]
    while stack:
        item = stack.pop()
        if item is _NUMBER:
            out.append(item)
        elif type(item) is tuple:
            stack.extend(item)
    return out


_FIELD_TYPES: dict[type, dict[str, Any]] = {}


def _field_types(kind: type) -> dict[str, Any]:
    """An attrs class's field → its resolved type (as the converter's generated structure function uses it)."""
    hit = _FIELD_TYPES.get(kind)
    if hit is None:
        hit = _FIELD_TYPES[kind] = dict(typing.get_type_hints(kind))
    return hit


# structured field values by (field type, value key): the converter's hooks are pure functions of the data
_STRUCTURED: dict[tuple[Any, Hashable], Any] = {}
_MAX_STRUCTURED = 65_536


def _structured(value: Any, hint: Any) -> Any:
    """``converter.structure(value, hint)``, kept per value (raises as it does)."""
    key = (hint, ("D", str(value)) if type(value) is Decimal else _frozen(value, False))
    hit = _STRUCTURED.get(key, _STRUCTURED)
    if hit is _STRUCTURED:
        hit = converter.structure(value, hint)
        if len(_STRUCTURED) >= _MAX_STRUCTURED:
            _STRUCTURED.clear()
        _STRUCTURED[key] = hit
    return hit


def _put(entry: Any, data: dict[str, Any], free: tuple[tuple[str, Any], ...]) -> Any:
    """The prototype's ``entry`` with the fields that hold numbers structured from ``data`` (the same hooks)."""
    if not free:
        return entry
    return _evolve(entry, {k: _structured(data[k], hint) for k, hint in free})


# attrs classes: a getter of every init field's value, and the __init__ argument of each (worked out once)
_INITS: dict[type, tuple[operator.attrgetter[Any], tuple[str, ...]]] = {}


def _evolve(inst: Any, changes: dict[str, Any]) -> Any:
    """``attrs.evolve(inst, **changes)`` (the same __init__ call), without looking up the fields each time."""
    kw = _init_kwargs(inst)
    kw.update(changes)
    return type(inst)(**kw)


def _init_kwargs(inst: Any) -> dict[str, Any]:
    """The ``__init__`` arguments that make ``inst`` again (an attrs instance): ``type(inst)(**kw)``."""
    kind = type(inst)
    init = _INITS.get(kind)
    if init is None:
        fields = [f for f in attrs.fields(kind) if f.init]
        names = [f.name for f in fields]
        getter = operator.attrgetter(*names) if len(names) > 1 else _one(names)
        init = _INITS[kind] = (getter, tuple(f.alias for f in fields))
    getter, aliases = init
    return dict(zip(aliases, getter(inst), strict=True))


def _one(names: list[str]) -> Any:
    """A getter of one field (or none) that returns a tuple, as attrgetter of several does."""
    return lambda inst: tuple(getattr(inst, n) for n in names)


class _Origins(Mapping[PathKey, tuple[SourceFile, PathKey]]):
    """A prototype's origins with its unit's file replaced by another unit's (same keys, same paths)."""

    def __init__(
        self,
        origins: Mapping[PathKey, tuple[SourceFile, PathKey]],
        old: SourceFile,
        new: SourceFile,
    ) -> None:
        self._origins = origins
        self._old = old
        self._new = new

    def __getitem__(self, path: PathKey) -> tuple[SourceFile, PathKey]:
        f, q = self._origins[path]
        return (self._new, q) if f is self._old else (f, q)

    def __iter__(self) -> Iterator[PathKey]:
        return iter(self._origins)

    def __len__(self) -> int:
        return len(self._origins)


@attrs.frozen(eq=False)
class _Prototype:
    """The loaded spec of the first unit of a shape, and where the shape's free values sit in it.

    ``indicators`` / ``categories``: the spec position of each entry of the
    data's ``indicators`` / ``categories``; ``overridden``: of each
    ``overrides.categories`` entry (an inherited template given its weight);
    ``unit_file``: the unit's own :class:`~perfrules.model.SourceFile` in the
    spec's source map (None without frameworks).
    """

    spec: Spec
    indicators: tuple[tuple[int, tuple[tuple[str, Any], ...]], ...]
    categories: tuple[tuple[int, tuple[tuple[str, Any], ...]], ...]
    overridden: tuple[int, ...]
    unit_file: SourceFile | None
    digest: (
        DigestTemplate | None
    )  # the canonical JSON of the shape's specs, their free fields holes

    @classmethod
    def make(cls, spec: Spec, data: dict[str, Any], source: SourceMap) -> _Prototype | None:
        """The prototype of ``data``'s shape, or None when its spec is not the data's values put in place.

        Each free value is checked to be where :meth:`build` puts it: an
        indicator or category entry of the data structures to the spec's entry
        of that id, an override's weight is its category's weight, the meta
        texts are the spec's; and nothing else in the data is a number.
        """
        try:
            indicators = cls._entries(data.get("indicators", []), spec.indicators, Indicator)
            categories = cls._entries(data.get("categories", []), spec.categories, Category)
            overrides = data.get("overrides") or {}
            by_id = {c.id: j for j, c in enumerate(spec.categories)}
            overridden: list[int] = []
            for entry in overrides.get("categories", []):
                if type(entry) is not dict or set(entry) != {"id", "weight"}:
                    return None
                j = by_id[entry["id"]]
                weight = converter.structure(entry["weight"], Decimal)
                if j in (k for k, _ in categories) or spec.categories[j].weight != weight:
                    return None
                overridden.append(j)
            for table in (data.get("meta") or {}, overrides.get("meta") or {}):
                for k in _META_TEXTS:
                    if k in table and getattr(spec.meta, k) != table[k]:
                        return None
            if set(overrides) - {"meta", "categories"}:
                return None
        except Exception:  # noqa: BLE001 - a shape without a prototype is loaded the whole way
            return None
        if spec.source is None or spec.source.positions is not source.positions:
            return None
        unit_file = None
        if spec.source.origins:
            unit_file = next(
                (s for s, _ in spec.source.origins.values() if s.positions is source.positions),
                None,
            )
            if unit_file is None:
                return None
        holes = [
            *[("indicators", j, k) for j, free in indicators for k, _ in free],
            *[("categories", j, k) for j, free in categories for k, _ in free],
            *[("categories", j, "weight") for j in overridden],
            *[("meta", 0, k) for k in _META_TEXTS],
        ]
        digest = DigestTemplate.of(spec, holes)
        return cls(spec, indicators, categories, tuple(overridden), unit_file, digest)

    @staticmethod
    def _entries(
        entries: Any, spec_entries: tuple[Any, ...], kind: type[Any]
    ) -> tuple[tuple[int, tuple[tuple[str, Any], ...]], ...]:
        """Each entry's spec position and its keys that hold numbers, with the field type of each."""
        by_id = {e.id: j for j, e in enumerate(spec_entries)}
        hints = _field_types(kind)
        out: list[tuple[int, tuple[tuple[str, Any], ...]]] = []
        for entry in entries:
            j = by_id[entry["id"]]
            if converter.structure(entry, kind) != spec_entries[j] or j in (k for k, _ in out):
                raise ValueError("not the prototype's entry")
            free = tuple((k, hints[k]) for k, v in entry.items() if _NUMBER in _numbers(v))
            out.append((j, free))
        return tuple(out)

    def build(self, data: dict[str, Any], source: SourceMap) -> Spec | None:
        """The spec of ``data`` (of this prototype's shape), checked; None for any problem."""
        proto = self.spec
        try:
            indicators = list(proto.indicators)
            for (j, free), entry in zip(self.indicators, data.get("indicators", []), strict=True):
                indicators[j] = _put(indicators[j], entry, free)
            categories = list(proto.categories)
            for (j, free), entry in zip(self.categories, data.get("categories", []), strict=True):
                categories[j] = _put(categories[j], entry, free)
            overrides = data.get("overrides") or {}
            for j, entry in zip(self.overridden, overrides.get("categories", []), strict=True):
                categories[j] = _evolve(
                    categories[j], {"weight": _structured(entry["weight"], Decimal)}
                )
            texts: dict[str, Any] = {}  # meta id, title, unit: strings
            for table in (data.get("meta") or {}, overrides.get("meta") or {}):
                for k in _META_TEXTS:
                    if k in table:
                        texts[k] = converter.structure(table[k], str)
        except Exception:  # noqa: BLE001 - the loader's whole way reports it
            return None
        smap = source
        if self.unit_file is not None:
            assert proto.source is not None
            old = self.unit_file
            new = SourceFile(source.file, source.positions, None)
            smap = SourceMap(
                source.file,
                source.positions,
                _Origins(proto.source.origins, old, new),
                proto.source.anchor,
            )
        spec = attrs.evolve(
            proto,
            meta=attrs.evolve(proto.meta, **texts) if texts else proto.meta,
            categories=tuple(categories),
            indicators=tuple(indicators),
            source=smap,
        )
        if validate_spec(spec):
            return None
        if self.digest is not None:
            self.digest.sha256(
                spec
            )  # the digest evaluate gives, from the shape's text (kept for it)
        return spec


# ---------------------------------------------------------------------------


def _relocate(
    problems: Sequence[Problem], rows: UnitRows, columns: dict[int, str], ind_rows: dict[str, int]
) -> list[Problem]:
    """Problems the loader located in the table: show the column name as the path; fill unknown places."""
    out: list[Problem] = []
    for p in problems:
        if p.file not in (rows.file, None, "<input>"):
            out.append(p)  # in a framework or base file
            continue
        line, column = p.line, p.column
        if p.code == "missing-actual" and len(p.path) == 2 and p.path[0] == "indicators":
            i = ind_rows.get(str(p.path[1]))
            if i is not None:
                col = (
                    "actual"
                    if "actual" in rows.header
                    else "tier"
                    if "tier" in rows.header
                    else "indicator"
                )
                line, column = rows.rows[i], rows.header.get(col, rows.header["unit"])
        elif p.code == "unknown-indicator" and len(p.path) == 2:
            i = ind_rows.get(str(p.path[1]))
            if i is not None:
                line, column = rows.rows[i], rows.header.get("indicator", rows.header["unit"])
        if line is None:
            line, column = rows.rows[0], rows.header["unit"]
        name = columns.get(column or 0, "unit")
        out.append(attrs.evolve(p, file=rows.file, line=line, column=column, path=(name,)))
    return out


def build(prepared: Prepared, bases: Bases) -> tuple[Spec, Actuals]:
    """The unit's checked spec and actuals; raise SpecError with every problem located in the table.

    An inline unit whose cells have the shape of a unit already built in this
    run (:func:`_cell_key`: the same texts in every cell but its numbers, its
    tiers, its unit id and meta texts) has its data made by replaying that
    unit's (:class:`_Replay`), then goes the same way (the shape's prototype
    spec, the actuals loader and validation); any problem at all, and it is
    built here the whole way, which reports its problems.
    """
    key = _cell_key(prepared, bases) if prepared.inline else None
    replay = bases.replays.get(key, _NO_REPLAY) if key is not None else None
    if isinstance(replay, _Replay):
        built = replay.build(prepared)
        if built is not None:
            return built
    record = replay is _NO_REPLAY
    rows = prepared.rows
    columns = {n: c for c, n in rows.header.items()}
    problems: list[Problem] = []
    indicator_rows: list[int] = []
    amount_rows: list[int] = []
    seen: dict[str, int] = {}
    for i in range(len(rows.rows)):
        ident, amount = rows.get("indicator", i), rows.get("amount", i)
        if ident and amount:
            problems.append(
                rows.problem(
                    "row-kind",
                    *message(("row-kind", "both")),
                    i=i,
                    column="amount",
                )
            )
        elif ident:
            if ident in seen:
                problems.append(
                    rows.problem(
                        "duplicate-indicator",
                        *message(
                            ("duplicate-indicator", "row"),
                            unit=rows.unit,
                            indicator=ident,
                            row=rows.rows[seen[ident]],
                        ),
                        i=i,
                        column="indicator",
                    )
                )
                continue
            seen[ident] = i
            indicator_rows.append(i)
        elif amount:
            amount_rows.append(i)
        else:
            filled = [
                c for c in rows.cells if c not in UNIT_LEVEL and c != "unit" and rows.get(c, i)
            ]
            if filled:
                problems.append(
                    rows.problem(
                        "row-kind",
                        *message(
                            ("row-kind", "neither"),
                            filled=listing(filled),
                        ),
                        i=i,
                        column="indicator",
                    )
                )
    b = _Builder(rows, record=record)
    spec_problems: list[Problem] = []
    spec: Spec | None = None
    data: dict[str, Any] = {}
    if prepared.inline:
        data = _spec_data(b, prepared, bases, indicator_rows)
        problems += b.problems
        b.problems = []
        source = SourceMap(rows.file, b.positions)
        try:
            spec = _load_spec_data(data, source, bases)
        except SpecError as err:
            spec_problems = list(err.problems)
    else:
        spec = prepared.base_spec
        for i in indicator_rows + amount_rows:
            for col in DECLARING:
                if rows.get(col, i) and not (col == "name" and i in amount_rows):
                    problems.append(
                        rows.problem(
                            "declared-by-spec",
                            *message(
                                ("declared-by-spec", "indicator"),
                                column=col,
                                indicator=rows.get("indicator", i),
                                spec=prepared.values["spec"][0],
                            ),
                            i=i,
                            column=col,
                        )
                    )
        for col in META_COLUMNS:
            if col in prepared.values:
                text, i = prepared.values[col]
                problems.append(
                    rows.problem(
                        "declared-by-spec",
                        *message(
                            ("declared-by-spec", "meta"),
                            column=col,
                            spec=prepared.values["spec"][0],
                        ),
                        i=i,
                        column=col,
                    )
                )
    actuals_data = _actuals_data(b, prepared, indicator_rows, amount_rows)
    problems += b.problems
    actuals: Actuals | None = None
    if spec is not None:
        source = SourceMap(rows.file, b.positions)
        try:
            actuals = load_data(actuals_data, source, Actuals, spec=spec)
        except SpecError as err:
            problems += err.problems
    own = _relocate(problems, rows, columns, seen)
    loaded = _relocate(spec_problems, rows, columns, seen)
    if (
        own or loaded
    ):  # the table's own problems first: a loader problem may only follow from one of them
        raise SpecError(_dedupe(own) + [p for p in _dedupe(loaded) if p not in own])
    assert spec is not None and actuals is not None
    if (
        record and key is not None
    ):  # the first unit of its cell shape that builds: replayed for the next
        if len(bases.replays) >= _MAX_SHAPES:
            bases.replays.clear()
        bases.replays[key] = _Replay.make(b, data, actuals_data, actuals, bases, seen)
    return spec, actuals


def _dedupe(problems: list[Problem]) -> list[Problem]:
    """One problem per (code, place, message), in the order found, sorted by row."""
    seen: set[tuple[str, str | None, int | None, int | None, str]] = set()
    out: list[Problem] = []
    for p in problems:
        key = (p.code, p.file, p.line, p.column, p.message)
        if key not in seen:
            seen.add(key)
            out.append(p)
    return sorted(out, key=lambda p: (p.file != problems[0].file, p.line or 0)) if out else out


# ---------------------------------------------------------------------------
# the shape of a unit's cells, and the replay of the data of a shape

_NO_REPLAY = object()  # a cell shape not seen yet
# the row columns whose cells are read as numbers (b.number), and the tier column: free within a cell shape
_FREE_CELLS = frozenset(
    ("weight", "target", "round_to", "actual", "score", "tier")
    + tuple(c for c, kind in _PARAM_KINDS.items() if kind != "text")
)
# per-unit columns whose text is free: the unit's meta texts and its budget's numbers
_FREE_VALUES = ("title", "unit_name", "budget", "spent", "initial")
_FREE_ACTUALS = ("value", "score", "tier")  # an indicator's actuals a replay puts in place


def _cell_key(prepared: Prepared, bases: Bases) -> Hashable:
    """The shape of an inline unit's cells: every text but its numbers' and tiers' (only whether each is
    given), its unit id and its meta texts (only whether each goes to meta, to an override or nowhere).

    Two units of one cell shape take the same way through :func:`build` and
    make spec and actuals data that differ only in those values (and in the
    categories' weights, their indicators' sums); every number is read by
    the same code, from the same cell of its row. (Texts are compared as the
    cells hold them, before stripping: equal cells strip equal.)
    """
    rows = prepared.rows
    base = prepared.base
    base_meta: dict[str, Any] = {}
    if base.ref is not None:
        flat, _, _ = bases.probe(base.ref, prepared.year)
        base_meta = flat.get("meta") or {}
    placed = tuple(
        (k, "meta" if k not in base_meta else "none" if base_meta[k] == v else "overrides")
        for k, (v, _, _) in _own_meta(prepared).items()
    )
    values = tuple(
        (col, None if col in _FREE_VALUES else text, i)
        for col, (text, i) in prepared.values.items()
    )
    cells = tuple(
        [
            (c, tuple(map(bool, map(str.strip, texts))) if c in _FREE_CELLS else tuple(texts))
            for c, texts in rows.cells.items()
            if c != "unit" and c not in UNIT_LEVEL
        ]
    )
    return (
        base.kind,
        base.ref,
        prepared.year,
        len(rows.rows),
        tuple(rows.header.items()),
        values,
        placed,
        cells,
    )


def _walk(value: Any, path: PathKey, out: list[tuple[PathKey, Any]]) -> None:
    """Every leaf of TOML-shaped data with its path (dict keys and list indexes)."""
    kind = type(value)
    if kind is dict:
        for k, v in value.items():
            _walk(v, (*path, k), out)
    elif kind is list:
        for k, v in enumerate(value):
            _walk(v, (*path, k), out)
    else:
        out.append((path, value))


# what a replay puts in place: a trie of the data's paths, each leaf the source of the new value
_Trie = dict[Any, Any]


def _trie(paths: Sequence[tuple[PathKey, Any]]) -> _Trie:
    root: _Trie = {}
    for path, source in paths:
        node = root
        for k in path[:-1]:
            node = node.setdefault(k, {})
        node[path[-1]] = _Leaf(source)
    return root


@attrs.frozen
class _Leaf:
    source: (
        Any  # ("number", slot) | ("sum", category id) | ("template", category id) | ("meta", key)
    )


def _rebuilt(value: Any, trie: _Trie, put: Any) -> Any:
    """``value`` (TOML-shaped data) with the values at the trie's leaves replaced by ``put(source)``; the
    containers on the way copied, the rest shared."""
    out: Any = dict(value) if type(value) is dict else list(value)
    for k, node in trie.items():
        out[k] = put(node.source) if type(node) is _Leaf else _rebuilt(value[k], node, put)
    return out


class _RowPositions(Mapping[PathKey, tuple[int, int]]):
    """The positions of a unit of a replayed shape: its first unit's, at this unit's rows."""

    def __init__(self, template: dict[PathKey, tuple[int, int]], rows: list[int]) -> None:
        self._template = template
        self._rows = rows

    def __getitem__(self, path: PathKey) -> tuple[int, int]:
        i, col = self._template[path]
        return self._rows[i], col

    def __iter__(self) -> Iterator[PathKey]:
        return iter(self._template)

    def __len__(self) -> int:
        return len(self._template)


@attrs.frozen(eq=False)
class _Replay:
    """How the data of one cell shape is made: its first unit's, with each value of its own put in place.

    ``slots``: each number read, as (column, row index), in reading order;
    ``sums``: (row index, its categories, the framework template it opens)
    per indicator row, to add the weights up as :func:`_spec_data` does,
    ``weights`` the slot of each row's weight; ``spec``: the trie of the
    spec data's values to replace (numbers, sums and meta texts);
    ``actuals``: each actuals indicator's values (position in the actuals,
    field, slot of its number or ``None`` for the tier, row index), and
    ``budget`` its budget's (key, slot); ``positions``: each key path's
    (row index, column number).
    """

    prototype: _Prototype
    data: dict[str, Any]
    slots: tuple[tuple[str, int], ...]
    sums: tuple[tuple[int, tuple[str, ...], str | None], ...]
    weights: dict[int, int]
    spec: _Trie
    base_actuals: Actuals
    actuals: tuple[tuple[int, tuple[tuple[str, Any, int | None, int], ...]], ...]
    budget: tuple[tuple[str, int], ...]  # the actuals' budget: each key and the slot of its number
    positions: dict[PathKey, tuple[int, int]]

    @classmethod
    def make(
        cls,
        b: _Builder,
        data: dict[str, Any],
        actuals_data: dict[str, Any],
        actuals: Actuals,
        bases: Bases,
        seen: dict[str, int],
    ) -> _Replay | None:
        """The replay of a unit that built, or None when some value of its data is not accounted for."""
        proto = bases.prototypes.get(_shape(data))
        if not isinstance(proto, _Prototype):
            return None
        slot = {id(v): k for k, (_, _, v) in enumerate(b.read)}
        if len(slot) != len(b.read):
            return None
        put: list[tuple[PathKey, Any]] = []
        leaves: list[tuple[PathKey, Any]] = []
        _walk(data, (), leaves)
        for path, value in leaves:
            if type(value) is Decimal:
                if id(value) in slot:
                    put.append((path, ("number", slot[id(value)])))
                elif len(path) == 3 and path[0] == "categories" and path[2] == "weight":
                    put.append((path, ("sum", data["categories"][path[1]]["id"])))
                elif (
                    len(path) == 4
                    and path[:2] == ("overrides", "categories")
                    and path[3] == "weight"
                ):
                    put.append((path, ("template", data["overrides"]["categories"][path[2]]["id"])))
                else:
                    return None
            elif path[-1] in _META_TEXTS and (
                path[:-1] == ("meta",) or path[:-1] == ("overrides", "meta")
            ):
                put.append((path, ("meta", path[-1])))
        # the actuals: only an indicator's value, score and tier and the budget's numbers may differ
        entries = actuals_data.get("indicators")
        if set(actuals_data) - {"indicators", "budget"} or type(entries) is not dict:
            return None
        budget: list[tuple[str, int]] = []
        for key, v in (actuals_data.get("budget") or {}).items():
            if type(v) is not Decimal or id(v) not in slot:
                return None
            budget.append((key, slot[id(v)]))
        order = {a.id: n for n, a in enumerate(actuals.indicators)}
        changes: list[tuple[int, tuple[tuple[str, Any, int | None, int], ...]]] = []
        hints = _field_types(IndicatorActual)
        for ident, entry in entries.items():
            if type(entry) is not dict or ident not in order or ident not in seen:
                return None
            fields: list[tuple[str, Any, int | None, int]] = []
            for k, v in entry.items():
                if type(v) is Decimal:
                    if id(v) not in slot or k not in _FREE_ACTUALS:
                        return None
                    fields.append((k, hints[k], slot[id(v)], seen[ident]))
                elif k == "tier":
                    fields.append((k, hints[k], None, seen[ident]))
            changes.append((order[ident], tuple(fields)))
        return cls(
            proto,
            data,
            tuple((col, i) for col, i, _ in b.read),
            tuple(b.recipe),
            {i: k for k, (col, i, _) in enumerate(b.read) if col == "weight"},
            _trie(put),
            actuals,
            tuple(changes),
            tuple(budget),
            {path: (i, col) for path, i, col in b.places},
        )

    def build(self, prepared: Prepared) -> tuple[Spec, Actuals] | None:
        """The unit's spec and actuals, as :func:`build` makes them; None for any problem at all."""
        rows = prepared.rows
        read: list[Decimal] = []
        for col, i in self.slots:
            value, _ = number_cell(rows.get(col, i))
            if value is None:
                return None
            read.append(value)
        sums: dict[str, Decimal] = {}
        template_weights: dict[str, Decimal] = {}
        for i, cats, template in self.sums:
            if template is not None:
                template_weights.setdefault(template, Decimal(0))
            k = self.weights.get(i)
            if k is not None:
                _add_weight(read[k], cats, sums, template_weights)
        own = _own_meta(prepared)

        def put(source: tuple[str, Any]) -> Any:
            what, key = source
            if what == "number":
                return read[key]
            if what == "sum":
                return sums[key]
            if what == "template":
                return template_weights[key]
            return own[key][0]

        data = _rebuilt(self.data, self.spec, put)
        source = SourceMap(rows.file, _RowPositions(self.positions, rows.rows))
        spec = self.prototype.build(data, source)
        if spec is None:
            return None
        base = self.base_actuals
        indicators = list(base.indicators)
        try:
            for n, fields in self.actuals:
                indicators[n] = _evolve(
                    indicators[n],
                    {
                        k: _structured(
                            read[k_slot] if k_slot is not None else rows.get("tier", i), hint
                        )
                        for k, hint, k_slot, i in fields
                    },
                )
            budget = base.budget
            if self.budget:
                budget = _structured(
                    {key: read[k] for key, k in self.budget}, _field_types(Actuals)["budget"]
                )
        except Exception:  # noqa: BLE001 - the loader's whole way reports it
            return None
        actuals = attrs.evolve(base, indicators=tuple(indicators), budget=budget, source=source)
        return None if validate_actuals(spec, actuals) else (spec, actuals)
