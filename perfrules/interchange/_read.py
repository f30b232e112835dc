"""Reading a 自评表 workbook: the exported form (hidden sheet present) or a hand-filled one (on a
framework)."""

from __future__ import annotations

import os
import re
import zipfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

from perfrules._errors import PathKey, Problem, Severity, SpecError
from perfrules._limits import year_problem
from perfrules._messages import Message, alternatives, listing, message
from perfrules._xlsx_guard import FORM_LIMITS, check_xlsx
from perfrules.core import evaluate, validate_actuals, validate_spec
from perfrules.interchange._cells import CellValueError, visible
from perfrules.interchange._layout import (
    BUDGET_TOTAL,
    GRADE_PREFIX,
    HIDDEN_SHEET,
    LAYOUT_VERSIONS,
    SHEET,
    Cell,
    Layout,
    build_layout,
)
from perfrules.interchange._model import DeclaredScore, IdMapping, ImportedForm
from perfrules.interchange._problems import WorkbookError, at_cell, in_file, openpyxl_module
from perfrules.interchange._sheet import Sheet, split_ref
from perfrules.interchange._targets import (
    ReadError,
    bare_warning,
    read_number_with_unit,
    read_target,
)
from perfrules.loading import load_data, parse_toml_text
from perfrules.model import (
    Actuals,
    BudgetAmounts,
    BudgetExecution,
    BudgetLine,
    FrameworkInfo,
    Indicator,
    IndicatorActual,
    Kind,
    Place,
    SheetCell,
    SourceMap,
    Spec,
    format_decimal,
)

FORMAT_ID = "perfrules-xlsx"
_YEAR = re.compile(r"(\d{4})\s*年")
_UNIT_IN_LABEL = re.compile(r"[（(]\s*(.+?)\s*[）)]")


def read_workbook(path: str | os.PathLike[str], *, framework: str | None = None) -> ImportedForm:
    """Read a filled 自评表 workbook into a spec, actuals and the scores it declares.

    A workbook :func:`write_workbook` wrote carries a hidden ``perfrules``
    sheet: the spec and actuals come from it, and every visible input cell that
    differs from it wins and is reported as a warning (``visible-overrides-hidden``).
    A hand-filled form carries no ids, methods or policy: it is read on top of
    ``framework`` (a framework id such as ``hunan-department`` or
    ``national-project``), with ids generated from the rows (docs/excel.md).

    Raises :class:`WorkbookError` (a :class:`perfrules.SpecError`) with every
    problem, each at its cell (``自评表!E12``) with the text seen there.
    """
    p = Path(path)
    file = str(p)
    openpyxl = openpyxl_module()
    # before openpyxl: size, zip bombs, DTDs, malformed XML, sheet extent
    refused = check_xlsx(p, FORM_LIMITS)
    if refused:
        raise WorkbookError(refused)
    try:
        wb = openpyxl.load_workbook(p, data_only=True)
    except FileNotFoundError:
        raise WorkbookError(
            [in_file("file", file, **message(("file", "workbook-missing"), file=file).as_en_zh())]
        ) from None
    except Exception as exc:  # noqa: BLE001
        # openpyxl reading a damaged user file: any failure is unreadable input
        what = (
            f"{type(exc).__name__}: {exc}"
            if not isinstance(exc, (OSError, zipfile.BadZipFile))
            else str(exc)
        )
        raise WorkbookError(
            [
                in_file(
                    "unreadable",
                    file,
                    **message(("unreadable", "openpyxl"), error=what).as_en_zh(),
                )
            ]
        ) from None
    visible_sheets = [ws for ws in wb.worksheets if ws.title != HIDDEN_SHEET]
    if not visible_sheets:
        raise WorkbookError([in_file("no-sheet", file, **message("no-sheet").as_en_zh())])
    ws = wb[SHEET] if SHEET in wb.sheetnames else visible_sheets[0]
    sheet = Sheet(ws, formulas=lambda: _formulas(p, ws.title))
    if HIDDEN_SHEET in wb.sheetnames:
        return _Hidden(file, sheet, Sheet(wb[HIDDEN_SHEET]), framework).read()
    return _HandFilled(file, sheet, framework).read()


def _formulas(path: Path, title: str) -> dict[tuple[int, int], str]:
    """The formula of each formula cell of sheet ``title`` (read again, this time without cached
    values)."""
    wb = openpyxl_module().load_workbook(path, data_only=False)
    held = getattr(wb[title], "_cells", {})
    return {
        key: c.value for key, c in held.items() if c.data_type == "f" and isinstance(c.value, str)
    }


# ---------------------------------------------------------------------------
# shared: problems, locations


class _Problems:
    def __init__(self, file: str, sheet: Sheet) -> None:
        self.file = file
        self.sheet = sheet
        self.items: list[Problem] = []

    def at(self, row: int, col: int, code: str, en: str, zh: str, *, warning: bool = False) -> None:
        ref = self.sheet.ref(row, col)
        seen = self.sheet.raw(row, col)
        if seen is not None and not isinstance(seen, str):
            seen = self.sheet.text(row, col)
        if seen is not None:
            en += f" (cell: {seen!r})"
            zh += f"（单元格内容：“{seen}”）"
        self.items.append(
            at_cell(
                code,
                self.file,
                self.sheet.name,
                ref,
                en=en,
                zh=zh,
                severity=Severity.WARNING if warning else Severity.ERROR,
            )
        )

    def whole(self, code: str, en: str, zh: str, *, warning: bool = False) -> None:
        self.items.append(
            in_file(
                code,
                self.file,
                en=en,
                zh=zh,
                severity=Severity.WARNING if warning else Severity.ERROR,
            )
        )

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.severity is Severity.ERROR]

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.items if p.severity is Severity.WARNING)

    def raise_errors(self) -> None:
        if self.errors:
            raise WorkbookError(self.items)


_IND_FIELD = {
    "name": "name",
    "weight": "weight",
    "target": "target",
    "target_text": "target",
    "method": "target",
    "derive": "target",
    "round_to": "weight",
}


def _cell_map(
    file: str,
    sheet: Sheet,
    refs: dict[tuple[str | int, ...], str],
    indicator_ids: list[str],
    category_ids: list[str],
) -> SourceMap:
    """A source map locating the model's key paths at the form's cells.

    ``refs`` maps the form's fields (``("indicator", id, "weight")``,
    ``("actual", id, "note")``, ``("meta", "year")``, …) to the cells they were
    read from; the key paths of the spec data (indicators and categories by
    index) and of the actuals (indicators by id) are placed at those cells. A
    key path the form has no cell for is recorded as having no place, so that
    its problem names the file alone.
    """

    def at(key: tuple[str | int, ...]) -> SheetCell | None:
        ref = refs.get(key)
        return None if ref is None else SheetCell(sheet.name, ref)

    places: dict[PathKey, Place | None] = {}
    for i, ind_id in enumerate(indicator_ids):
        places[("indicators", i)] = at(("indicator", ind_id, "name"))
        for key, shown_in in _IND_FIELD.items():
            places[("indicators", i, key)] = at(("indicator", ind_id, shown_in))
    for field in refs:
        if field[0] == "actual" and isinstance(field[1], str):
            places[("indicators", field[1])] = at(("actual", field[1], "actual"))
            places[("indicators", field[1], "note")] = at(("actual", field[1], "note"))
    for i, cat_id in enumerate(category_ids):
        places[("categories", i)] = at(("category", cat_id, "name"))
    places[("budget_execution",)] = at(("budget", "weight"))
    places[("budget",)] = at(("amounts", "full_year"))
    for amount in ("initial", "full_year", "spent"):
        places[("budget", amount)] = at(("amounts", amount))
    for field in refs:
        if field[0] == "meta" and len(field) > 1:
            places[("meta", field[1])] = at(field)
    return SourceMap(file, places=places)


def _kind(text: str | None) -> Kind | None:
    if text is None:
        return None
    if Kind.PROJECT.value in text:
        return Kind.PROJECT
    if Kind.DEPARTMENT.value in text:
        return Kind.DEPARTMENT
    return None


# ---------------------------------------------------------------------------
# the exported form: hidden sheet + visible cells


class _Hidden:
    def __init__(self, file: str, sheet: Sheet, hidden: Sheet, framework: str | None) -> None:
        self.file = file
        self.sheet = sheet
        self.hidden = hidden
        self.framework = framework
        self.problems = _Problems(file, sheet)

    def _payload(self) -> tuple[dict[str, str], dict[str, tuple[str, list[int]]]]:
        """Key/value rows of the hidden sheet; the TOML texts with the hidden row of each line."""
        keys: dict[str, str] = {}
        texts: dict[str, tuple[list[str], list[int]]] = {}
        for row in range(1, self.hidden.max_row + 1):
            key = self.hidden.raw(row, 1)
            value = self.hidden.raw(row, 2)
            text = "" if value is None else str(value)
            if not isinstance(key, str):
                continue
            if key.endswith(".toml") or key.endswith(".toml+"):
                name = key.rstrip("+")
                lines, rows = texts.setdefault(name, ([], []))
                if key.endswith("+") and lines:
                    lines[-1] += text
                else:
                    lines.append(text)
                    rows.append(row)
            else:
                keys[key] = text
        return keys, {k: ("\n".join(lines), rows) for k, (lines, rows) in texts.items()}

    def _hidden_problems(self, err: SpecError, rows: list[int]) -> list[Problem]:
        out = []
        for p in err.problems:
            if p.line is not None and 1 <= p.line <= len(rows):
                out.append(
                    at_cell(
                        p.code,
                        self.file,
                        HIDDEN_SHEET,
                        f"B{rows[p.line - 1]}",
                        en=p.message,
                        zh=p.message_zh,
                        path=p.path,
                        severity=p.severity,
                        suggestion=p.suggestion,
                    )
                )
            else:
                out.append(attrs.evolve(p, file=self.file))
        return out

    def read(self) -> ImportedForm:
        keys, texts = self._payload()
        if (
            keys.get("format") != FORMAT_ID
            or "spec.toml" not in texts
            or "actuals.toml" not in texts
        ):
            raise WorkbookError(
                [
                    in_file(
                        "hidden-sheet",
                        self.file,
                        **message(
                            ("hidden-sheet", "not-perfrules"), sheet=HIDDEN_SHEET, format=FORMAT_ID
                        ).as_en_zh(),
                    )
                ]
            )
        version = next((v for v in LAYOUT_VERSIONS if keys.get("layout") == str(v)), None)
        if version is None:
            raise WorkbookError(
                [
                    in_file(
                        "hidden-sheet",
                        self.file,
                        **message(
                            ("hidden-sheet", "layout-version"),
                            version=keys.get("layout"),
                            versions=listing(LAYOUT_VERSIONS),
                        ).as_en_zh(),
                    )
                ]
            )
        spec_text, spec_rows = texts["spec.toml"]
        actuals_text, actuals_rows = texts["actuals.toml"]
        shown = f"{self.file}[{HIDDEN_SHEET}]"
        try:
            spec = load_data(*parse_toml_text(spec_text, shown), Spec)
        except SpecError as err:
            raise WorkbookError(self._hidden_problems(err, spec_rows)) from None
        if "framework.id" in keys:
            spec = attrs.evolve(
                spec,
                framework=FrameworkInfo(
                    id=keys["framework.id"],
                    title=keys.get("framework.title", ""),
                    file=keys.get("framework.file"),
                    version=keys.get("framework.version"),
                    reason=keys.get("framework.reason"),
                ),
            )
        try:
            actuals = load_data(*parse_toml_text(actuals_text, shown), Actuals, spec=spec)
        except SpecError as err:
            raise WorkbookError(self._hidden_problems(err, actuals_rows)) from None
        if self.framework is not None and (
            spec.framework is None or spec.framework.id != self.framework
        ):
            carried = (
                Message(spec.framework.id, spec.framework.id)
                if spec.framework
                else message(("framework-ignored", "none"))
            )
            self.problems.whole(
                "framework-ignored",
                *message("framework-ignored", framework=self.framework, carried=carried),
                warning=True,
            )
        layout = build_layout(spec, actuals, evaluate(spec, actuals), version=version)
        self._check_structure(layout)
        self.problems.raise_errors()
        spec, actuals = self._apply_visible(layout, spec, actuals)
        if any(p.code == "visible-overrides-hidden" for p in self.problems.items):
            refs = {c.field: c.ref for c in layout.cells if c.field is not None}
            cells = _cell_map(
                self.file,
                self.sheet,
                refs,
                [i.id for i in spec.indicators],
                [c.id for c in spec.categories],
            )
            # checked as read from the visible cells, each problem at its cell; the form keeps
            # the hidden sheet's source map
            found = validate_spec(attrs.evolve(spec, source=cells))
            if not found:
                found = validate_actuals(spec, attrs.evolve(actuals, source=cells))
            self.problems.items += found
        declared = self._declared(layout)
        self.problems.raise_errors()
        ids = []
        for c in layout.cells:
            if (
                c.field is not None
                and c.field[0] in ("category", "indicator")
                and c.field[2] == "name"
            ):
                label = (
                    spec.category(str(c.field[1])).name
                    if c.field[0] == "category"
                    else spec.indicator(str(c.field[1])).name
                )
                ids.append(
                    IdMapping(
                        id=str(c.field[1]),
                        kind=c.field[0],  # type: ignore[arg-type]
                        label=label,
                        cell=f"{self.sheet.name}!{c.ref}",
                    )
                )
        return ImportedForm(
            spec=spec,
            actuals=actuals,
            declared=declared,
            ids=tuple(ids),
            warnings=self.problems.warnings,
            file=self.file,
            sheet=self.sheet.name,
            hidden=True,
            framework=spec.framework.id if spec.framework else None,
        )

    def _check_structure(self, layout: Layout) -> None:
        for c in layout.cells:
            if c.role not in ("header", "label") or c.value is None:
                continue
            row, col = split_ref(c.ref)
            if self.sheet.text(row, col) != visible(str(c.value)):
                self.problems.at(
                    row,
                    col,
                    "layout-changed",
                    *message("layout-changed", value=c.value, sheet=HIDDEN_SHEET),
                )

    def _declared(self, layout: Layout) -> tuple[DeclaredScore, ...]:
        out = []
        for c in layout.cells:
            if c.result is None:
                continue
            kind, subject, label = c.result
            row, col = split_ref(c.ref)
            where = f"{self.sheet.name}!{c.ref}"
            if kind == "grade":
                text = self.sheet.text(row, col)
                grade = (
                    text[len(GRADE_PREFIX) :] if text and text.startswith(GRADE_PREFIX) else text
                )
                out.append(
                    DeclaredScore(
                        kind=kind, subject=subject, label=label, cell=where, text=grade or None
                    )
                )
                continue
            try:
                value = self.sheet.number(
                    row, col, declared=True, percent=kind == "rate", suffixes=("分",)
                )
            except CellValueError as exc:
                self.problems.at(
                    row,
                    col,
                    "declared-unreadable",
                    *message(
                        ("declared-unreadable", "declared"),
                        label=label,
                        problem=Message(exc.en, exc.zh),
                    ),
                )
                continue
            out.append(
                DeclaredScore(kind=kind, subject=subject, label=label, cell=where, value=value)
            )
        return tuple(out)

    # -- visible wins ------------------------------------------------------

    def _apply_visible(self, layout: Layout, spec: Spec, actuals: Actuals) -> tuple[Spec, Actuals]:
        ev_actual = {r.id: r.actual for r in evaluate(spec, actuals).indicators}
        for c in layout.cells:
            if c.field is None:
                continue
            row, col = split_ref(c.ref)
            if isinstance(c.value, Decimal) or c.places is not None or _numeric_field(c):
                try:
                    seen_num = self.sheet.number(row, col)
                except CellValueError as exc:
                    self.problems.at(row, col, "not-a-number", exc.en, exc.zh)
                    continue
                if seen_num == c.value or (seen_num is None and c.value is None):
                    continue
                try:
                    changed = _apply_number(c, seen_num, spec, actuals)
                except ReadError as exc:
                    self.problems.at(row, col, "unreadable", exc.en, exc.zh)
                    continue
            else:
                seen = self.sheet.text(row, col)
                if seen == visible(c.value if isinstance(c.value, str) else None):
                    continue
                try:
                    changed = self._apply_text(c, seen, spec, actuals, ev_actual, row, col)
                except ReadError as exc:
                    self.problems.at(row, col, "unreadable", exc.en, exc.zh)
                    continue
            if changed is None:
                continue
            spec, actuals = changed
            old = "" if c.value is None else str(c.value)
            self.problems.at(
                row,
                col,
                "visible-overrides-hidden",
                *message("visible-overrides-hidden", old=old),
                warning=True,
            )
        return spec, actuals

    def _apply_text(
        self,
        c: Cell,
        seen: str | None,
        spec: Spec,
        actuals: Actuals,
        ev_actual: dict[str, str],
        row: int,
        col: int,
    ) -> tuple[Spec, Actuals] | None:
        field = c.field
        assert field is not None
        text = seen if seen is not None else ""
        if field[0] == "meta":
            meta = spec.meta
            if field[1] == "kind":
                kind = _kind(seen)
                if kind is None:
                    raise ReadError(
                        *message(
                            ("unreadable", "kind"),
                            project=Kind.PROJECT.value,
                            department=Kind.DEPARTMENT.value,
                        )
                    )
                meta = attrs.evolve(meta, kind=kind)
            elif field[1] == "year":
                m = _YEAR.search(text)
                if m is None:
                    raise ReadError(*message(("unreadable", "no-year")))
                found = year_problem(int(m[1]))
                if found is not None:
                    raise ReadError(*found)
                meta = attrs.evolve(meta, year=int(m[1]))
            elif field[1] == "title":
                meta = attrs.evolve(meta, title=text)
            else:
                meta = attrs.evolve(meta, unit=text)
            return attrs.evolve(spec, meta=meta), actuals
        if field[0] == "budget":  # the unit in 资金情况（万元）
            m = _UNIT_IN_LABEL.search(text)
            if m is None:
                raise ReadError(*message(("unreadable", "budget-unit")))
            if actuals.budget is None:
                return None
            return spec, attrs.evolve(actuals, budget=attrs.evolve(actuals.budget, unit=m[1]))
        if field[0] == "line":
            assert actuals.budget is not None
            lines = list(actuals.budget.lines)
            lines[int(field[1])] = attrs.evolve(lines[int(field[1])], name=text)
            return spec, attrs.evolve(
                actuals, budget=attrs.evolve(actuals.budget, lines=tuple(lines))
            )
        if field[0] == "category":
            cats = tuple(
                attrs.evolve(k, name=text) if k.id == field[1] else k for k in spec.categories
            )
            return attrs.evolve(spec, categories=cats), actuals
        if field[0] == "indicator":
            ind = spec.indicator(str(field[1]))
            if field[2] == "name":
                new = attrs.evolve(ind, name=text)
            else:  # target
                reading = read_target(text)
                if reading.bare and reading.target is not None:
                    en, zh = bare_warning(text, reading.target)
                    self.problems.at(row, col, "bare-target", en, zh, warning=True)
                new = attrs.evolve(ind, target=reading.target, target_text=reading.text)
            inds = tuple(new if i.id == ind.id else i for i in spec.indicators)
            return attrs.evolve(spec, indicators=inds), actuals
        # actual / note
        ind = spec.indicator(str(field[1]))
        act = actuals.indicator(ind.id) or IndicatorActual(id=ind.id)
        if field[2] == "note":
            new_act = attrs.evolve(act, note=seen)
        else:
            if ind.derive is not None:
                self.problems.at(
                    row,
                    col,
                    "derived-actual",
                    *message("derived-actual", value=ev_actual.get(ind.id)),
                    warning=True,
                )
                return None
            new_act = _read_actual(ind, act, seen, spec)
        acts = list(actuals.indicators)
        if actuals.indicator(ind.id) is None:
            acts.append(new_act)
        else:
            acts = [new_act if a.id == ind.id else a for a in acts]
        return spec, attrs.evolve(actuals, indicators=tuple(acts))


def _numeric_field(c: Cell) -> bool:
    f = c.field
    return f is not None and (
        f[0] == "amounts"
        or (f[0] == "budget" and f[1] == "weight")
        or (f[0] == "line" and f[2] != "name")
        or (f[0] == "indicator" and f[2] == "weight")
    )


def _apply_number(
    c: Cell, value: Decimal | None, spec: Spec, actuals: Actuals
) -> tuple[Spec, Actuals] | None:
    field = c.field
    assert field is not None
    if field[0] == "indicator":
        if value is None:
            raise ReadError(*message(("unreadable", "weight-empty")))
        inds = tuple(
            attrs.evolve(i, weight=value) if i.id == field[1] else i for i in spec.indicators
        )
        return attrs.evolve(spec, indicators=inds), actuals
    if field[0] == "budget":
        if value is None:
            return attrs.evolve(spec, budget_execution=None), actuals
        be = spec.budget_execution or BudgetExecution()
        return attrs.evolve(spec, budget_execution=attrs.evolve(be, weight=value)), actuals
    if field[0] == "amounts":
        key = str(field[1])
        budget = actuals.budget
        if budget is None:
            if value is None:
                return None
            budget = BudgetAmounts(
                full_year=value if key == "full_year" else Decimal(0),
                spent=value if key == "spent" else Decimal(0),
            )
        if value is None and key != "initial":
            raise ReadError(*message(("unreadable", "amount-empty")))
        kw: dict[str, Any] = {key: value}
        return spec, attrs.evolve(actuals, budget=attrs.evolve(budget, **kw))
    # a budget line
    assert actuals.budget is not None
    lines = list(actuals.budget.lines)
    i, key = int(field[1]), str(field[2])
    if value is None and key == "spent":
        raise ReadError(*message(("unreadable", "spent-empty")))
    line_kw: dict[str, Any] = {key: value}
    lines[i] = attrs.evolve(lines[i], **line_kw)
    return spec, attrs.evolve(actuals, budget=attrs.evolve(actuals.budget, lines=tuple(lines)))


def _read_actual(
    ind: Indicator,
    act: IndicatorActual,
    seen: str | None,
    spec: Spec,
    declared: Decimal | None = None,
) -> IndicatorActual:
    """The actual with its 实际完成值 read from ``seen`` (visible wins); :class:`ReadError` when it
    does not read."""
    if ind.is_qualitative:
        if seen is None:
            return attrs.evolve(act, text=None)
        try:
            tier = spec.tier(seen.strip())
        except KeyError:
            if act.tier is not None or act.not_applicable is not None:
                return attrs.evolve(act, text=seen)  # new wording, same tier
            return attrs.evolve(act, text=seen, **_tier_from_score(ind, spec, declared))
        return attrs.evolve(
            act, tier=tier.name if seen.strip() == tier.name else seen.strip(), text=None
        )
    if seen is None:
        return attrs.evolve(act, value=None, text=None, stated=None, evidence=None)
    said = _read_stated(act, seen, spec)
    if said is not None:
        return said
    unit = ind.target.unit if ind.target is not None else ""
    value = read_number_with_unit(seen, unit)
    return attrs.evolve(
        act,
        value=value,
        text=seen if seen != _plain_text(value, unit) else None,
        stated=None,
        evidence=None,
    )


_STATED_CELL = re.compile(
    r"^\s*(?P<word>.+?)\s*[（(]据陈述[；;]\s*佐证[：:]\s*(?P<evidence>.*?)\s*[）)]\s*$", re.S
)


def _read_stated(act: IndicatorActual, seen: str, spec: Spec) -> IndicatorActual | None:
    """A 实际完成值 stated in words (据陈述), as the form shows it: ``达标（据陈述；佐证：验收报告）``.

    The word must be one of the spec's ``[stated]`` words (or the row's own wording of
    its stated word); a declared word alone keeps the evidence the row already has.
    ``None`` when the cell is not a stated result (it is then read as a number).
    """
    words = spec.stated
    m = _STATED_CELL.match(seen)
    if m is None:
        word = seen.strip()
        if words is None or words.meaning(word) is None:
            return None
        if act.evidence is None or not act.evidence.strip():
            raise ReadError(*message(("unreadable", "stated-no-evidence"), word=word))
        return attrs.evolve(act, stated=word, text=None, value=None)
    word, evidence = m["word"], m["evidence"]
    if words is not None and words.meaning(word) is not None:
        return attrs.evolve(act, stated=word, evidence=evidence, text=None, value=None)
    if act.stated is not None and word == act.text:  # the row's own wording of its stated word
        return attrs.evolve(act, evidence=evidence, value=None)
    declared = "、".join([*words.met, *words.not_met]) if words is not None else ""
    raise ReadError(
        *message(
            ("unreadable", "stated-word"),
            word=word,
            declared=message(("unreadable", "stated-words"), words=declared)
            if declared
            else message(("unreadable", "stated-words-none")),
        )
    )


def _plain_text(value: Decimal, unit: str) -> str:
    """``408期``: what the form shows for a value without wording (the wording is then not kept)."""
    return format_decimal(value) + unit


def _tier_from_score(ind: Indicator, spec: Spec, declared: Decimal | None) -> dict[str, Any]:
    """Tier (and score) of a qualitative indicator whose 实际完成值 is wording: from the declared 得分."""
    if declared is None:
        raise ReadError(
            *message(("unreadable", "tier-or-score"), tiers=listing(t.name for t in spec.tiers))
        )
    for tier in spec.tiers:
        lo, hi = tier.min * ind.weight, tier.max * ind.weight
        if lo <= declared and (declared <= hi if tier.max_inclusive else declared < hi):
            return {"tier": tier.name, "score": None if declared == ind.weight else declared}
    raise ReadError(
        *message(("unreadable", "score-fits-no-tier"), declared=declared, weight=ind.weight)
    )


# ---------------------------------------------------------------------------
# a hand-filled form on a framework


_HEADERS = {  # header text (spaces and bracketed notes removed) → role
    "一级指标": "l1",
    "二级指标": "l2",
    "三级指标": "name",
    "年度指标值": "target",
    "实际完成值": "actual",
    "分值": "weight",
    "得分": "score",
    "扣分原因": "reason",
    "偏差原因分析及改进措施": "note",
    "偏差原因分析及改进措施说明": "note",
    "偏差原因": "note",
    "备注": "note",
}
_REQUIRED = ("l1", "l2", "name", "target", "actual", "weight", "score")
_BUDGET_HEADERS = {
    "年初预算数": "initial",
    "全年预算数": "full_year",
    "全年执行数": "spent",
    "分值": "weight",
    "执行率": "rate",
    "得分": "score",
}
_TITLE_LABELS = ("自评名称", "项目名称", "评价名称")
_UNIT_LABELS = ("预算部门（单位）", "预算部门", "主管部门", "实施单位", "部门名称", "单位名称")
_TOTAL_LABELS = ("总分", "合计", "总计", "得分合计")
_GRADE_LABELS = ("自评等级", "评价等级", "等级")
_GRADE_IN_TEXT = re.compile(r"(?:自评等级|评价等级|等级)\s*[:：]\s*(\S+)")
KNOWN_IDS = {  # category names → ids (docs/excel.md, "Ids")
    "产出指标": "output",
    "效益指标": "benefit",
    "满意度指标": "satisfaction",
    "成本指标": "cost",
    "数量指标": "quantity",
    "质量指标": "quality",
    "时效指标": "timeliness",
    "经济效益指标": "economic",
    "社会效益指标": "social",
    "生态效益指标": "ecological",
    "可持续影响指标": "sustainable",
    "服务对象满意度指标": "service",
}


def _norm(text: str | None) -> str:
    if text is None:
        return ""
    text = re.sub(r"[（(][^）)]*[）)]", "", text)
    return re.sub(r"\s+", "", text)


def _strip_suffix(name: str) -> str:
    return name[:-2] if name.endswith("指标") else name


@attrs.frozen
class _Row:
    row: int
    l1: str
    l1_cell: tuple[int, int]
    l2: str | None
    l2_cell: tuple[int, int] | None
    name: str
    target: Any  # TargetReading
    weight: Decimal
    declared: Decimal | None
    actual_text: str | None
    actual_numeric: Decimal | None
    note: str | None


class _HandFilled:
    def __init__(self, file: str, sheet: Sheet, framework: str | None) -> None:
        self.file = file
        self.sheet = sheet
        self.framework = framework
        self.problems = _Problems(file, sheet)
        self.declared: list[DeclaredScore] = []
        self.refs: dict[tuple[str | int, ...], str] = {}  # the form's fields → the cells read
        self._cols: dict[str, int] = {}
        self.subtotals: list[tuple[str, int]] = []  # (一级 name or "", row)

    def _find_row(
        self,
        wanted: Callable[[dict[str, int]], bool],
        table: dict[str, str],
        start: int = 1,
        stop: int | None = None,
    ) -> tuple[int, dict[str, int]] | None:
        # rows without a value hold no header
        for row in self.sheet.rows_with_values(start, stop or self.sheet.max_row):
            cols: dict[str, int] = {}
            for col in self.sheet.columns_with_values(row):
                if self.sheet.where(row, col) != (row, col):
                    continue
                role = table.get(_norm(self.sheet.text(row, col)))
                if role is not None and role not in cols:
                    cols[role] = col
            if wanted(cols):
                return row, cols
        return None

    def read(self) -> ImportedForm:
        if self.framework is None:
            raise WorkbookError(
                [
                    in_file(
                        "framework-required", self.file, **message("framework-required").as_en_zh()
                    )
                ]
            )
        found = self._find_row(lambda c: "name" in c and "target" in c, _HEADERS)
        if found is None:
            raise WorkbookError(
                [
                    in_file(
                        "no-indicator-table",
                        self.file,
                        **message("no-indicator-table", sheet=self.sheet.name).as_en_zh(),
                    )
                ]
            )
        header_row, cols = found
        self._cols = cols
        missing = [r for r in _REQUIRED if r not in cols]
        for role in missing:
            name = next(k for k, v in _HEADERS.items() if v == role)
            self.problems.whole(
                "header-missing", *message("header-missing", row=header_row, name=name)
            )
        self.problems.raise_errors()
        year, title, unit, kind = self._meta(header_row)
        budget = self._budget(header_row)
        rows = self._rows(header_row, cols)
        self.problems.raise_errors()
        assert year is not None
        return self._build(rows, year, title, unit, kind, budget)

    # -- meta and budget ---------------------------------------------------

    def _label_value(
        self, labels: tuple[str, ...], stop: int
    ) -> tuple[str | None, tuple[int, int] | None]:
        for row in self.sheet.rows_with_values(1, stop - 1):
            for col in self.sheet.columns_with_values(row):
                if (
                    self.sheet.where(row, col) != (row, col)
                    or _norm(self.sheet.text(row, col)) not in labels
                ):
                    continue
                for c2 in range(col + 1, self.sheet.max_col + 1):
                    if self.sheet.where(row, c2)[1] <= col:
                        continue
                    text = self.sheet.text(row, c2)
                    if text:
                        return text, self.sheet.where(row, c2)
                return None, (row, col)
        return None, None

    def _meta(self, stop: int) -> tuple[int | None, str | None, str | None, Kind | None]:
        year = None
        kind = None
        for row in self.sheet.rows_with_values(1, stop - 1):
            for col in self.sheet.columns_with_values(row):
                text = self.sheet.text(row, col)
                if text is None or self.sheet.where(row, col) != (row, col):
                    continue
                if kind is None and "自评表" in text:
                    kind = _kind(text)
                m = re.search(r"(\d{4})\s*年度", text)
                if year is None and m is not None:
                    year = int(m[1])
                    self.refs[("meta", "year")] = self.sheet.ref(row, col)
                    found = year_problem(year)
                    if found is not None:
                        self.problems.at(row, col, "invalid-year", *found)
        if year is None:
            self.problems.whole("year-missing", *message("year-missing"))
        title, tcell = self._label_value(_TITLE_LABELS, stop)
        unit, ucell = self._label_value(_UNIT_LABELS, stop)
        if tcell:
            self.refs[("meta", "title")] = self.sheet.ref(*tcell)
        if ucell:
            self.refs[("meta", "unit")] = self.sheet.ref(*ucell)
        if unit is None:
            self.problems.whole(
                "unit-missing", *message("unit-missing", labels=alternatives(_UNIT_LABELS))
            )
        return year, title, unit, kind

    def _budget(self, stop: int) -> dict[str, Any] | None:
        found = self._find_row(
            lambda c: "full_year" in c and "spent" in c, _BUDGET_HEADERS, stop=stop - 1
        )
        if found is None:
            return None
        hrow, cols = found
        label_col = min(cols.values()) - 1
        unit = "万元"
        for row in range(hrow, stop):
            for col in range(1, label_col + 1):
                m = _UNIT_IN_LABEL.search(self.sheet.text(row, col) or "")
                if m and ("资金" in (self.sheet.text(row, col) or "")):
                    unit = m[1]
        out: dict[str, Any] = {"unit": unit, "lines": []}
        first = True
        for row in range(hrow + 1, stop):
            if any("目标" in _norm(self.sheet.text(row, col)) for col in range(1, label_col + 1)):
                break  # the 年度总体目标 block ends the budget block
            label = self.sheet.text(row, label_col) if label_col >= 1 else None
            nums: dict[str, Decimal | None] = {}
            for key in ("initial", "full_year", "spent", "weight"):
                if key not in cols:
                    nums[key] = None
                    continue
                try:
                    nums[key] = self.sheet.number(
                        row, cols[key], suffixes=("分",) if key == "weight" else ()
                    )
                except CellValueError as exc:
                    self.problems.at(row, cols[key], "not-a-number", exc.en, exc.zh)
                    nums[key] = None
            if label is None and all(v is None for v in nums.values()):
                continue
            if first:
                first = False
                if nums["full_year"] is None and nums["spent"] is None:
                    out["empty"] = (row, cols["full_year"])
                else:
                    for key in ("full_year", "spent"):
                        if nums[key] is None:
                            self.problems.at(
                                row,
                                cols[key],
                                "missing-budget",
                                *(
                                    message(("missing-budget", "no-full-year"), total=BUDGET_TOTAL)
                                    if key == "full_year"
                                    else message(("missing-budget", "no-spent"), total=BUDGET_TOTAL)
                                ),
                            )
                out.update(
                    initial=nums["initial"],
                    full_year=nums["full_year"],
                    spent=nums["spent"],
                    weight=nums["weight"],
                    row=row,
                    cols=cols,
                )
                for key in ("initial", "full_year", "spent"):
                    if key in cols:
                        self.refs[("amounts", key)] = self.sheet.ref(row, cols[key])
                if "weight" in cols:
                    self.refs[("budget", "weight")] = self.sheet.ref(row, cols["weight"])
                self._budget_declared(row, cols)
                continue
            if all(nums[k] is None for k in ("initial", "full_year", "spent")):
                continue  # an unused line of the form (其中：上年结转资金 …)
            if nums["spent"] is None:
                self.problems.at(
                    row,
                    cols["spent"],
                    "missing-budget",
                    *message(("missing-budget", "line"), line=label),
                )
                continue
            out["lines"].append(
                BudgetLine(
                    name=label or "",
                    spent=nums["spent"],
                    full_year=nums["full_year"],
                    initial=nums["initial"],
                )
            )
        return out

    def _budget_declared(self, row: int, cols: dict[str, int]) -> None:
        for key, kind, label in (
            ("rate", "rate", "预算执行率"),
            ("score", "budget", "预算执行率得分"),
        ):
            if key not in cols:
                continue
            try:
                value = self.sheet.number(
                    row, cols[key], declared=True, percent=key == "rate", suffixes=("分",)
                )
            except CellValueError as exc:
                self.problems.at(row, cols[key], "declared-unreadable", exc.en, exc.zh)
                continue
            if value is not None:
                self.declared.append(
                    DeclaredScore(
                        kind=kind,  # type: ignore[arg-type]
                        subject="budget_execution",
                        label=label,
                        cell=self.sheet.cell(row, cols[key]),
                        value=value,
                    )
                )

    # -- indicator rows ----------------------------------------------------

    def _rows(self, header_row: int, cols: dict[str, int]) -> list[_Row]:
        rows: list[_Row] = []
        for row in range(header_row + 1, self.sheet.max_row + 1):
            l1_col = cols["l1"]
            head = self.sheet.text(row, l1_col)
            name_col = cols["name"]
            label_row = self.sheet.where(row, name_col)[1] < name_col or (
                self.sheet.spans_right(row, l1_col) and self.sheet.where(row, l1_col)[0] == row
            )
            if label_row:
                self._label_row(row, head, cols)
                continue
            keys = ("name", "target", "actual", "weight", "score")
            if all(self.sheet.raw(row, cols[k]) is None for k in keys):
                continue  # an empty row of the form
            r = self._indicator_row(row, cols)
            if r is not None:
                rows.append(r)
        return rows

    def _label_row(self, row: int, head: str | None, cols: dict[str, int]) -> None:
        label = _norm(head)
        score_col = cols["score"]
        if label in _TOTAL_LABELS:
            self._declared_number(row, score_col, "total", "total", "总分")
            for col in range(score_col + 1, self.sheet.max_col + 1):
                m = _GRADE_IN_TEXT.search(self.sheet.text(row, col) or "")
                if m:
                    self.declared.append(
                        DeclaredScore(
                            kind="grade",
                            subject="grade",
                            label="自评等级",
                            cell=self.sheet.cell(row, col),
                            text=m[1],
                        )
                    )
                    break
        elif label.endswith("小计"):
            self.subtotals.append((label[:-2], row))
        elif label in _GRADE_LABELS:
            for col in range(cols["l1"] + 1, self.sheet.max_col + 1):
                if self.sheet.where(row, col)[1] <= cols["l1"]:
                    continue
                text = self.sheet.text(row, col)
                if text:
                    self.declared.append(
                        DeclaredScore(
                            kind="grade",
                            subject="grade",
                            label="自评等级",
                            cell=self.sheet.cell(row, col),
                            text=text.strip(),
                        )
                    )
                    break
        elif label.startswith(("加分", "一票否决")):
            self.problems.at(
                row,
                cols["l1"],
                "not-imported",
                *message("not-imported"),
                warning=True,
            )
        elif label:
            self.problems.at(
                row,
                cols["l1"],
                "row-unknown",
                *message("row-unknown"),
            )

    def _declared_number(self, row: int, col: int, kind: str, subject: str, label: str) -> None:
        try:
            value = self.sheet.number(row, col, declared=True, suffixes=("分",))
        except CellValueError as exc:
            self.problems.at(row, col, "declared-unreadable", exc.en, exc.zh)
            return
        if value is not None:
            self.declared.append(
                DeclaredScore(
                    kind=kind,  # type: ignore[arg-type]
                    subject=subject,
                    label=label,
                    cell=self.sheet.cell(row, col),
                    value=value,
                )
            )

    def _indicator_row(self, row: int, cols: dict[str, int]) -> _Row | None:
        ok = True
        l1 = self.sheet.text(row, cols["l1"])
        if not l1:
            self.problems.at(
                row,
                cols["l1"],
                "category-missing",
                *message("category-missing"),
            )
            ok = False
        l2 = self.sheet.text(row, cols["l2"])
        name = self.sheet.text(row, cols["name"])
        if not name:
            self.problems.at(row, cols["name"], "name-missing", *message("name-missing"))
            ok = False
        target = None
        target_text = self.sheet.text(row, cols["target"])
        try:
            target = read_target(target_text or "")
        except ReadError as exc:
            self.problems.at(row, cols["target"], "target-unreadable", exc.en, exc.zh)
            ok = False
        if target is not None and target.bare and target.target is not None:
            en, zh = bare_warning(target_text or "", target.target)
            self.problems.at(row, cols["target"], "bare-target", en, zh, warning=True)
        weight = None
        try:
            weight = self.sheet.number(row, cols["weight"], suffixes=("分",))
        except CellValueError as exc:
            self.problems.at(row, cols["weight"], "not-a-number", exc.en, exc.zh)
            ok = False
        if weight is None and ok:
            self.problems.at(row, cols["weight"], "weight-missing", *message("weight-missing"))
            ok = False
        declared = None
        try:
            declared = self.sheet.number(row, cols["score"], declared=True, suffixes=("分",))
        except CellValueError as exc:
            self.problems.at(row, cols["score"], "declared-unreadable", exc.en, exc.zh)
        actual_numeric = None
        if isinstance(self.sheet.raw(row, cols["actual"]), int | float):
            unit = target.target.unit if target is not None and target.target is not None else ""
            try:
                actual_numeric = self.sheet.number(row, cols["actual"], percent=unit == "%")
            except CellValueError as exc:
                self.problems.at(row, cols["actual"], "not-a-number", exc.en, exc.zh)
                ok = False
        note = self.sheet.text(row, cols["note"]) if "note" in cols else None
        actual_text = self.sheet.text(row, cols["actual"])
        if target is not None and target.target is not None and actual_numeric is None and ok:
            if actual_text is None:
                self.problems.at(row, cols["actual"], "actual-missing", *message("actual-missing"))
                ok = False
            else:
                try:
                    actual_numeric = read_number_with_unit(actual_text, target.target.unit)
                except ReadError as exc:
                    self.problems.at(row, cols["actual"], "actual-unreadable", exc.en, exc.zh)
                    ok = False
        if not ok:
            return None
        assert l1 is not None and name is not None and weight is not None and target is not None
        return _Row(
            row=row,
            l1=l1,
            l1_cell=self.sheet.where(row, cols["l1"]),
            l2=l2,
            l2_cell=self.sheet.where(row, cols["l2"]) if l2 else None,
            name=name,
            target=target,
            weight=weight,
            declared=declared,
            actual_text=actual_text,
            actual_numeric=actual_numeric,
            note=note,
        )

    # -- the spec on the framework ------------------------------------------

    def _build(
        self,
        rows: list[_Row],
        year: int,
        title: str | None,
        unit: str | None,
        kind: Kind | None,
        budget: dict[str, Any] | None,
    ) -> ImportedForm:
        from perfrules.loading import resolve_framework

        assert self.framework is not None
        stem = Path(self.file).stem
        spec_id = (
            stem
            if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", stem)
            else f"{self.framework}-{year}"
        )
        probe_meta = {"id": spec_id, "title": title or "", "unit": unit or "", "year": year}
        data, info, problems = resolve_framework(self.framework, probe_meta)
        if problems:
            raise WorkbookError(
                [
                    attrs.evolve(p, file=self.file) if p.file in (None, "<input>") else p
                    for p in problems
                ]
            )
        fw_kind = _kind(str(data.get("meta", {}).get("kind", "")))
        if title is None:
            k = fw_kind or kind
            data["meta"]["title"] = f"{year}年度{unit or ''}{k.value if k else ''}绩效自评"
            self.problems.whole(
                "title-missing",
                *message(
                    "title-missing", labels=alternatives(_TITLE_LABELS), title=data["meta"]["title"]
                ),
                warning=True,
            )
        if kind is not None and fw_kind is not None and kind != fw_kind:
            self.problems.whole(
                "kind-differs",
                *message(
                    "kind-differs",
                    kind=kind.value,
                    framework=self.framework,
                    framework_kind=fw_kind.value,
                ),
                warning=True,
            )
        categories: list[dict[str, Any]] = list(data.get("categories", []))
        fw_cats = {c["id"] for c in categories}
        indicators: list[dict[str, Any]] = list(data.get("indicators", []))
        ids: list[IdMapping] = []
        l1_ids: dict[str, str] = {}
        l2_ids: dict[tuple[str, str], str] = {}
        weights: dict[str, Decimal] = {}
        new_cats: dict[str, dict[str, Any]] = {}
        cells_of: dict[str, tuple[int, int]] = {}
        width = max(2, len(str(len(rows))))
        acts: list[IndicatorActual] = []
        spec_tiers = _tiers(data)
        for n, r in enumerate(rows, start=1):
            top = l1_ids.get(r.l1)
            if top is None:
                top = _match(r.l1, [c for c in categories if c.get("parent") is None]) or _new_id(
                    KNOWN_IDS.get(r.l1) or KNOWN_IDS.get(r.l1 + "指标"),
                    "l",
                    {c["id"] for c in categories} | set(new_cats),
                )
                l1_ids[r.l1] = top
                if top not in fw_cats and top not in new_cats:
                    new_cats[top] = {"id": top, "name": r.l1, "weight": Decimal(0)}
                    categories.append(new_cats[top])
                cells_of[top] = r.l1_cell
                ids.append(
                    IdMapping(id=top, kind="category", label=r.l1, cell=self.sheet.cell(*r.l1_cell))
                )
            cat = top
            if r.l2:
                sub = l2_ids.get((top, r.l2))
                if sub is None:
                    existing = _match(r.l2, [c for c in categories if c.get("parent") == top])
                    sub = existing or _new_id(
                        f"{top}.{KNOWN_IDS[r.l2]}" if r.l2 in KNOWN_IDS else None,
                        f"{top}.c",
                        {c["id"] for c in categories} | set(new_cats),
                    )
                    l2_ids[(top, r.l2)] = sub
                    if sub not in fw_cats and sub not in new_cats:
                        new_cats[sub] = {
                            "id": sub,
                            "name": r.l2,
                            "parent": top,
                            "weight": Decimal(0),
                        }
                        categories.append(new_cats[sub])
                    assert r.l2_cell is not None
                    cells_of[sub] = r.l2_cell
                    ids.append(
                        IdMapping(
                            id=sub, kind="category", label=r.l2, cell=self.sheet.cell(*r.l2_cell)
                        )
                    )
                cat = sub
            weights[cat] = weights.get(cat, Decimal(0)) + r.weight
            if cat != top:
                weights[top] = weights.get(top, Decimal(0)) + r.weight
            ind_id = f"i{n:0{width}d}"
            ind: dict[str, Any] = {
                "id": ind_id,
                "name": r.name,
                "category": cat,
                "weight": r.weight,
            }
            if r.target.target is not None:
                ind["target"] = str(r.target.target)
            if r.target.text is not None:
                ind["target_text"] = r.target.text
            indicators.append(ind)
            ids.append(
                IdMapping(
                    id=ind_id,
                    kind="indicator",
                    label=r.name,
                    cell=self.sheet.cell(r.row, self._col("name", 3)),
                )
            )
            cols_of = {"name": 3, "target": 4, "actual": 5, "weight": 6, "note": 9}
            for field, col in cols_of.items():
                key: tuple[str | int, ...] = (
                    ("actual", ind_id, field)
                    if field in ("actual", "note")
                    else ("indicator", ind_id, field)
                )
                self.refs[key] = self.sheet.ref(r.row, self._col(field, col))
            if r.declared is not None:
                self.declared.append(
                    DeclaredScore(
                        kind="indicator",
                        subject=ind_id,
                        label=r.name,
                        cell=self.sheet.cell(r.row, self._col("score", 7)),
                        value=r.declared,
                    )
                )
            act = self._actual(r, ind_id, spec_tiers)
            if act is not None:
                acts.append(act)
        for cid, cat_data in new_cats.items():
            cat_data["weight"] = weights.get(cid, Decimal(0))
        for cid, (row, col) in cells_of.items():
            self.refs[("category", cid, "name")] = self.sheet.ref(row, col)
        # 小计 rows: declared category scores
        for name, row in self.subtotals:
            top_id = l1_ids.get(name) or (l1_ids.get(name + "指标") if name else None)
            if top_id is None and not name:
                prev = [r for r in rows if r.row < row]
                top_id = l1_ids.get(prev[-1].l1) if prev else None
            if top_id is None:
                self.problems.at(
                    row,
                    1,
                    "row-unknown",
                    *message(("row-unknown", "subtotal"), name=name),
                )
                continue
            self._declared_number(row, self._col("score", 7), "category", top_id, name or top_id)
        self._check_weights(categories, weights, fw_cats, cells_of)
        be_data = data.get("budget_execution")
        actual_budget = None
        if budget is not None and "row" in budget:
            if budget.get("weight") is not None:
                if be_data is None:
                    data["budget_execution"] = {"weight": budget["weight"]}
                elif Decimal(str(be_data.get("weight", 10))) != budget["weight"]:
                    row, col = budget["row"], budget["cols"]["weight"]
                    self.problems.at(
                        row,
                        col,
                        "framework-differs",
                        *message(
                            ("framework-differs", "budget-weight"),
                            framework=self.framework,
                            weight=be_data.get("weight", 10),
                        ),
                    )
            if budget["full_year"] is not None and budget["spent"] is not None:
                actual_budget = BudgetAmounts(
                    full_year=budget["full_year"],
                    spent=budget["spent"],
                    initial=budget["initial"],
                    unit=budget["unit"],
                    lines=tuple(budget["lines"]),
                )
        if data.get("budget_execution") is not None and actual_budget is None:
            where: tuple[int, int] | None = budget.get("empty") if budget else None
            if where is not None:
                self.problems.at(
                    where[0],
                    where[1],
                    "missing-budget",
                    *message(("missing-budget", "fill-in"), framework=self.framework),
                )
            else:
                self.problems.whole(
                    "missing-budget",
                    *message(("missing-budget", "no-block"), framework=self.framework),
                )
        self.problems.raise_errors()
        data["categories"] = categories
        data["indicators"] = indicators
        cells = _cell_map(
            self.file,
            self.sheet,
            self.refs,
            [str(i["id"]) for i in indicators],
            [str(c["id"]) for c in categories],
        )
        try:
            spec = load_data(data, cells, Spec)
        except SpecError as err:
            raise WorkbookError(err.problems) from None
        spec = attrs.evolve(spec, framework=info)
        actuals = Actuals(
            indicators=tuple(acts),
            budget=actual_budget,
            spec=spec.meta.id,
            year=year,
            source=cells,
        )
        self.problems.items += validate_actuals(spec, actuals)
        self.problems.raise_errors()
        return ImportedForm(
            spec=spec,
            actuals=actuals,
            declared=tuple(self.declared),
            ids=tuple(ids),
            warnings=self.problems.warnings,
            file=self.file,
            sheet=self.sheet.name,
            hidden=False,
            framework=self.framework,
        )

    def _col(self, field: str, default: int) -> int:
        return self._cols.get(field, default)

    def _actual(self, r: _Row, ind_id: str, tiers: list[dict[str, Any]]) -> IndicatorActual | None:
        act = IndicatorActual(id=ind_id, note=r.note)
        cell = (r.row, self._col("actual", 5))
        if r.target.target is None:  # qualitative
            text = r.actual_text
            names = {t["name"]: t["name"] for t in tiers}
            names.update({a: t["name"] for t in tiers for a in t.get("aliases", ())})
            if text is not None and text.strip() in names:
                return attrs.evolve(act, tier=text.strip())
            declared = r.declared
            weight = r.weight
            for t in tiers:
                lo, hi = Decimal(str(t["min"])) * weight, Decimal(str(t["max"])) * weight
                if (
                    declared is not None
                    and lo <= declared
                    and (declared <= hi if t.get("max_inclusive") else declared < hi)
                ):
                    return attrs.evolve(
                        act,
                        tier=t["name"],
                        text=text,
                        score=None if declared == weight else declared,
                    )
            if declared is None:
                self.problems.at(
                    *cell, "tier-unknown", *message("tier-unknown", tiers=listing(names))
                )
            else:
                self.problems.at(
                    *cell,
                    "tier-unknown",
                    *message(("tier-unknown", "score"), declared=declared, weight=weight),
                )
            return None
        # read with the row (a quantitative actual is a number with the target's unit)
        value = r.actual_numeric
        assert value is not None
        if r.actual_text is None or isinstance(
            self.sheet.raw(r.row, self._col("actual", 5)), int | float
        ):
            return attrs.evolve(act, value=value)  # a numeric cell: no wording
        keep = r.actual_text != _plain_text(value, r.target.target.unit)
        return attrs.evolve(act, value=value, text=r.actual_text if keep else None)

    def _check_weights(
        self,
        categories: list[dict[str, Any]],
        weights: dict[str, Decimal],
        fw_cats: set[str],
        cells_of: dict[str, tuple[int, int]],
    ) -> None:
        for c in categories:
            if (
                c["id"] in fw_cats
                and c["id"] in weights
                and Decimal(str(c["weight"])) != weights[c["id"]]
            ):
                row, col = cells_of[c["id"]]
                self.problems.at(
                    row,
                    col,
                    "framework-differs",
                    *message(
                        "framework-differs",
                        framework=self.framework,
                        category=c["name"],
                        weight=c["weight"],
                        total=weights[c["id"]],
                    ),
                )


def _tiers(data: dict[str, Any]) -> list[dict[str, Any]]:
    from perfrules.model import DEFAULT_TIERS

    if "tiers" in data:
        return list(data["tiers"])
    return [
        {
            "name": t.name,
            "min": t.min,
            "max": t.max,
            "max_inclusive": t.max_inclusive,
            "aliases": t.aliases,
        }
        for t in DEFAULT_TIERS
    ]


def _match(name: str, candidates: list[dict[str, Any]]) -> str | None:
    for c in candidates:
        if c.get("name") == name:
            return str(c["id"])
    for c in candidates:
        if _strip_suffix(str(c.get("name", ""))) == _strip_suffix(name):
            return str(c["id"])
    return None


def _new_id(preferred: str | None, prefix: str, taken: set[str]) -> str:
    if preferred is not None and preferred not in taken:
        return preferred
    n = 1
    while f"{prefix}{n}" in taken:
        n += 1
    return f"{prefix}{n}"
