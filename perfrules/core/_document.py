"""The versioned JSON document of an evaluation, for other tools.

Numbers are strings so that no JSON reader turns them into binary floats:
scores and weights as plain decimals (``"9"``, ``"2.85"``), exact
intermediate values such as rates as a decimal when it terminates and as
``"p/q"`` otherwise. See ``docs/json-format.md``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from typing import Any

from perfrules._version import __version__
from perfrules.core._citations import Citation
from perfrules.core._exact import exact_str, show_dec
from perfrules.core._fullmarks import FullMarks
from perfrules.core._result import (
    OWN_SCORE_MARK,
    STATED_MARK,
    BudgetExecutionResult,
    CategoryResult,
    Evaluation,
    IndicatorResult,
    ScoreWarning,
    Step,
    step_texts,
)
from perfrules.model import RuleSource

DOCUMENT_SCHEMA = "perfrules.evaluation"
DOCUMENT_SCHEMA_VERSION = 3

_encode_str: Callable[[str], str] = json.encoder.encode_basestring  # C-accelerated
_CONSTANTS = {True: "true", False: "false", None: "null"}


def _d(value: Decimal | None) -> str | None:
    return None if value is None else show_dec(value)


def _f(value: Fraction | None) -> str | None:
    return None if value is None else exact_str(value)


def _citation(c: Citation) -> dict[str, str]:
    return {"id": c.id, "document": c.document, "text": c.text, "status": c.status}


def _steps(steps: tuple[Step, ...]) -> list[dict[str, str]]:
    out = []
    for s in steps:
        zh, en = step_texts(s)
        out.append({"kind": s.kind, "zh": zh, "en": en})
    return out


def _warning(w: ScoreWarning) -> dict[str, Any]:
    return {
        "code": w.code,
        "indicator": w.indicator,
        "zh": w.zh,
        "en": w.en,
        "citation": _citation(w.citation) if w.citation is not None else None,
    }


def _stated(r: IndicatorResult) -> dict[str, Any] | None:
    """A result stated in words (据陈述): the word, its evidence and the mark every output shows; else None."""
    if not r.is_stated:
        return None
    return {
        "word": r.stated,
        "evidence": r.evidence,
        "mark": STATED_MARK[0],
        "mark_en": STATED_MARK[1],
    }


def _own(r: IndicatorResult) -> dict[str, Any] | None:
    """表内得分（单位自填）: the printed score (the row's), the rule's, the reason and the mark; else None."""
    own = r.own_score
    if own is None:
        return None
    return {
        "score": _d(own.score),
        "computed": _d(own.computed),
        "reason": own.reason,
        "mark": OWN_SCORE_MARK[0],
        "mark_en": OWN_SCORE_MARK[1],
    }


def _full(fm: FullMarks | None) -> dict[str, Any] | None:
    if fm is None:
        return None
    return {"threshold": _f(fm.threshold), "comparator": fm.comparator, "zh": fm.zh, "en": fm.en}


def _rule(rule: RuleSource | None) -> dict[str, str] | None:
    return None if rule is None else {"document": rule.document, "text": rule.text}


def _category_document(c: CategoryResult) -> dict[str, Any]:
    """A category's subtotal; ``goal`` only on a 年度绩效目标 block (documents without them are unchanged)."""
    out: dict[str, Any] = {
        "id": c.id,
        "name": c.name,
        "level": c.level,
        "parent": c.parent,
        "weight": _d(c.weight),
        "score": _d(c.score),
        "lost": _d(c.lost),
        "applicable_weight": _d(c.applicable_weight),
    }
    if c.goal:
        out["goal"] = True
    return out


def _budget_document(be: BudgetExecutionResult) -> dict[str, Any]:
    return {
        "name": be.name,
        "weight": _d(be.weight),
        "initial": _d(be.initial),
        "full_year": _d(be.full_year),
        "spent": _d(be.spent),
        "unit": be.unit,
        "base": be.base,
        "rate": _f(be.rate),
        "rate_display": be.rate_display,
        "policy": be.policy,
        "score": _d(be.score),
        "lost": _d(be.lost),
        "reason": be.reason,
        "reason_en": be.reason_en,
        "citation": None if be.citation is None else _citation(be.citation),
        "steps": _steps(be.steps),
        "rule": _rule(be.rule),
        "full_marks": _full(be.full_marks),
        "lines": [
            {
                "name": li.name,
                "budget": _d(li.budget),
                "spent": _d(li.spent),
                "rate": _f(li.rate),
                "rate_display": li.rate_display,
            }
            for li in be.lines
        ],
    }


def _budget(be: BudgetExecutionResult) -> str:
    return _compact(_budget_document(be))


def to_document(ev: Evaluation) -> dict[str, Any]:
    """The evaluation as a JSON-ready dict (schema ``perfrules.evaluation``, version 2)."""
    be = ev.budget_execution
    return {
        "schema": DOCUMENT_SCHEMA,
        "schema_version": DOCUMENT_SCHEMA_VERSION,
        "perfrules_version": __version__,
        "spec": {
            "id": ev.spec_id,
            "title": ev.title,
            "unit": ev.unit,
            "year": ev.year,
            "kind": ev.kind,
            "basis": ev.basis,
            "sha256": ev.spec_sha256,
        },
        "actuals": {"label": ev.actuals_label},
        "policies": dict(ev.policies),
        "budget_execution": None if be is None else _budget_document(be),
        "indicators": [
            {
                "id": r.id,
                "name": r.name,
                "category": r.category,
                "category_path": list(r.category_path),
                "weight": _d(r.weight),
                "target": r.target,
                "actual": r.actual,
                "actual_value": _f(r.actual_value),
                "tier": r.tier,
                "method": r.method,
                "met": r.met,
                "score": _d(r.score),
                "lost": _d(r.lost),
                "reason": r.reason,
                "reason_en": r.reason_en,
                "note": r.note,
                "citation": None if r.citation is None else _citation(r.citation),
                "steps": _steps(r.steps),
                "warnings": [_warning(w) for w in r.warnings],
                "applicable": r.applicable,
                "rule": _rule(r.rule),
                "full_marks": _full(r.full_marks),
                "stated": _stated(r),
                "own_score": _own(r),
            }
            for r in ev.indicators
        ],
        "categories": [_category_document(c) for c in ev.categories],
        "total_weight": _d(ev.total_weight),
        "total": _d(ev.total),
        "lost": _d(ev.lost),
        "grade": ev.grade,
        "partial": ev.partial,
        "grade_steps": _steps(ev.grade_steps),
        "total_steps": _steps(ev.total_steps),
        "bonus": [
            {
                "id": b.id,
                "name": b.name,
                "cap": _d(b.cap),
                "points": _d(b.points),
                "reason": b.reason,
            }
            for b in ev.bonus
        ],
        "vetoes": [
            {"id": v.id, "name": v.name, "effect": v.effect, "reason": v.reason} for v in ev.vetoes
        ],
        "framework": None
        if ev.framework is None
        else {
            "id": ev.framework.id,
            "title": ev.framework.title,
            "file": ev.framework.file,
            "version": ev.framework.version,
            "reason": ev.framework.reason,
        },
        "losses": [
            {"id": getattr(r, "id", "budget_execution"), "name": r.name, "lost": _d(r.lost)}
            for r in ev.losses()
        ],
        "warnings": [_warning(w) for w in ev.warnings],
    }


# ---------------------------------------------------------------------------
# the document as compact JSON text, written directly


def document_line(ev: Evaluation, unit: str | None = None) -> str:
    """``json.dumps(doc, ensure_ascii=False, separators=(",", ":"))`` of the evaluation's document, byte for byte.

    ``doc`` is :func:`to_document` of ``ev``, preceded by a ``"unit"`` key when
    ``unit`` is given (the batch audit's line). The text is written directly,
    without the intermediate dicts: what repeats across indicators and
    evaluations (a citation, a rule step) is encoded once and reused. It
    follows :func:`to_document` key for key; ``tests/test_batch_shapes.py``
    holds the two equal on generated evaluations and the examples.
    """
    be = ev.budget_execution
    out = [
        '{"unit":' + _enc(unit) + "," if unit is not None else "{",
        _HEAD,
        _enc(ev.spec_id),
        ',"title":',
        _enc(ev.title),
        ',"unit":',
        _enc(ev.unit),
        ',"year":',
        _scalar(ev.year),
        ',"kind":',
        _enc(ev.kind),
        ',"basis":',
        _enc(ev.basis),
        ',"sha256":',
        _enc(ev.spec_sha256),
        '},"actuals":{"label":',
        _str(ev.actuals_label),
        '},"policies":',
        _policies_json(ev.policies),
        ',"budget_execution":',
        "null" if be is None else _budget(be),
        ',"indicators":[',
    ]
    heads = _HEADS
    for n, r in enumerate(ev.indicators):
        key = (r.id, r.name, r.category, r.category_path)
        head = heads.get(key)
        if head is None:
            head = _indicator_head(key)
        citation = r.citation
        rule = r.rule
        fm = r.full_marks
        # r.met is None or a bool, r.applicable a bool: their JSON is a constant's
        out.append(
            f'{"," if n else ""}{head}"{show_dec(r.weight)}","target":{_str(r.target)},'
            f'"actual":{_str(r.actual)},"actual_value":{_fr(r.actual_value)},'
            f'"tier":{_str(r.tier)},"method":{_enc(r.method)},"met":{_scalar(r.met)},'
            f'"score":"{show_dec(r.score)}","lost":"{show_dec(r.lost)}",'
            f'"reason":{_str(r.reason)},"reason_en":{_str(r.reason_en)},"note":{_str(r.note)},'
            f'"citation":{"null" if citation is None else _citation_json(citation)},'
            f'"steps":{_steps_json(r.steps)},"warnings":{_warnings_json(r.warnings)},'
            f'"applicable":{_scalar(r.applicable)},'
            f'"rule":{"null" if rule is None else _rule_json(rule)},'
            f'"full_marks":{"null" if fm is None else _full_json(fm)},'
            f'"stated":{"null" if not r.is_stated else _compact(_stated(r))},'
            f'"own_score":{"null" if r.own_score is None else _compact(_own(r))}}}'
        )
    out.append('],"categories":[')
    first = True
    for c in ev.categories:
        if not first:
            out.append(",")
        first = False
        out += (
            '{"id":',
            _enc(c.id),
            ',"name":',
            _enc(c.name),
            ',"level":',
            _scalar(c.level),
            ',"parent":',
            _str(c.parent),
            ',"weight":',
            _dec(c.weight),
            ',"score":',
            _dec(c.score),
            ',"lost":',
            _dec(c.lost),
            ',"applicable_weight":',
            "null" if c.applicable_weight is None else _dec(c.applicable_weight),
            ',"goal":true}'
            if c.goal
            else "}",  # only on a goal block: two-level documents unchanged
        )
    out += (
        '],"total_weight":',
        _dec(ev.total_weight),
        ',"total":',
        _dec(ev.total),
        ',"lost":',
        _dec(ev.lost),
        ',"grade":',
        _str(ev.grade),
        ',"partial":',
        _str(ev.partial),
        ',"grade_steps":',
        _steps_json(ev.grade_steps),
        ',"total_steps":',
        _steps_json(ev.total_steps),
        ',"bonus":',
        _compact(
            [
                {
                    "id": b.id,
                    "name": b.name,
                    "cap": _d(b.cap),
                    "points": _d(b.points),
                    "reason": b.reason,
                }
                for b in ev.bonus
            ]
        )
        if ev.bonus
        else "[]",
        ',"vetoes":',
        _compact(
            [
                {"id": v.id, "name": v.name, "effect": v.effect, "reason": v.reason}
                for v in ev.vetoes
            ]
        )
        if ev.vetoes
        else "[]",
        ',"framework":',
        "null"
        if ev.framework is None
        else _compact(
            {
                "id": ev.framework.id,
                "title": ev.framework.title,
                "file": ev.framework.file,
                "version": ev.framework.version,
                "reason": ev.framework.reason,
            }
        ),
        ',"losses":[',
        ",".join(
            [
                '{"id":'
                + _enc(getattr(r, "id", "budget_execution"))
                + ',"name":'
                + _enc(r.name)
                + ',"lost":'
                + _dec(r.lost)
                + "}"
                for r in ev.losses()
            ]
        ),
        '],"warnings":',
        _warnings_json(ev.warnings),
        "}",
    )
    return "".join(out)


_HEAD = (
    f'"schema":{_encode_str(DOCUMENT_SCHEMA)},"schema_version":{DOCUMENT_SCHEMA_VERSION},'
    f'"perfrules_version":{_encode_str(__version__)},"spec":{{"id":'
)


def _enc(value: str) -> str:
    """A JSON string (``json.dumps(value, ensure_ascii=False)``); anything else as json.dumps writes it."""
    return _encode_str(value) if type(value) is str else _compact(value)


def _str(value: str | None) -> str:
    return "null" if value is None else _enc(value)


def _scalar(value: Any) -> str:
    if value is None or type(value) is bool:
        return _CONSTANTS[value]
    if type(value) is int:
        return int.__repr__(value)
    return _compact(value)


def _dec(value: Decimal) -> str:
    return _encode_str(show_dec(value))


def _fr(value: Fraction | None) -> str:
    return "null" if value is None else _encode_str(exact_str(value))


def _compact(value: Any) -> str:
    """``json.dumps(value, ensure_ascii=False, separators=(",", ":"))``."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


# an indicator's (id, name, category, category path) → the start of its JSON object, up to its weight's
# value: the same for every evaluation of one shape (the entry is the key's own text)
_HEADS: dict[tuple[str, str, str, tuple[str, ...]], str] = {}
_HEADS_MAX = 4096


def _indicator_head(key: tuple[str, str, str, tuple[str, ...]]) -> str:
    ident, name, category, path = key
    head = (
        '{"id":'
        + _enc(ident)
        + ',"name":'
        + _enc(name)
        + ',"category":'
        + _enc(category)
        + ',"category_path":'
        + _compact(list(path))
        + ',"weight":'
    )
    if len(_HEADS) >= _HEADS_MAX:
        _HEADS.clear()
    _HEADS[key] = head
    return head


# values (hashable) → their JSON: category paths and policy lines repeat across evaluations
_VALUES: dict[Any, str] = {}
_VALUES_MAX = 4096


def _value_json(key: Any, encode: Callable[[], str]) -> str:
    hit = _VALUES.get(key)
    if hit is None:
        if len(_VALUES) >= _VALUES_MAX:
            _VALUES.clear()
        hit = _VALUES[key] = encode()
    return hit


def _texts_json(texts: tuple[str, ...]) -> str:
    return _value_json(("texts", texts), lambda: _compact(list(texts)))


def _policies_json(policies: tuple[tuple[str, str], ...]) -> str:
    return _value_json(("policies", policies), lambda: _compact(dict(policies)))


def _rule_json(rule: RuleSource) -> str:
    return '{"document":' + _enc(rule.document) + ',"text":' + _enc(rule.text) + "}"


def _full_json(fm: FullMarks) -> str:
    return (
        '{"threshold":'
        + _fr(fm.threshold)
        + ',"comparator":'
        + _str(fm.comparator)
        + ',"zh":'
        + _enc(fm.zh)
        + ',"en":'
        + _enc(fm.en)
        + "}"
    )


# encoded once per object, for as long as it lives: citations and rule steps (one object per citation,
# shared by every result citing it)


def _citation_json(c: Citation) -> str:
    hit = _OBJECTS.get(id(c))
    if hit is not None and hit[0] is c:
        return hit[1]
    return _keep(c, _compact(_citation(c)))


# citations and rule steps → their JSON, by identity (the entry holds the object, so its id stays its own)
_OBJECTS: dict[int, tuple[object, str]] = {}
_OBJECTS_KEPT = 2048


def _keep(obj: object, text: str) -> str:
    if len(_OBJECTS) >= _OBJECTS_KEPT:
        _OBJECTS.clear()
    _OBJECTS[id(obj)] = (obj, text)
    return text


class _StepHeads(dict[str, str]):
    """A step kind → the start of its JSON object, up to its ``"zh"`` value."""

    def __missing__(self, kind: str) -> str:
        head = self[kind] = '{"kind":' + _enc(kind) + ',"zh":'
        return head


_STEP_HEADS = _StepHeads()


def _steps_json(steps: tuple[Step, ...]) -> str:
    if not steps:
        return "[]"
    objects = _OBJECTS
    parts = []
    for s in steps:
        kind = s.kind
        if kind == "rule":  # one object per rule, shared by every result citing it
            hit = objects.get(id(s))
            if hit is not None and hit[0] is s:
                parts.append(hit[1])
                continue
            zh, en = step_texts(s)
            parts.append(_keep(s, _STEP_HEADS[kind] + _enc(zh) + ',"en":' + _enc(en) + "}"))
        else:
            zh, en = step_texts(s)
            parts.append(_STEP_HEADS[kind] + _enc(zh) + ',"en":' + _enc(en) + "}")
    return "[" + ",".join(parts) + "]"


def _warnings_json(warnings: tuple[ScoreWarning, ...]) -> str:
    if not warnings:
        return "[]"
    return _compact([_warning(w) for w in warnings])


def to_json(ev: Evaluation, *, indent: int | None = 2) -> str:
    """The evaluation document as JSON text (UTF-8, Chinese kept readable)."""
    doc = to_document(ev)
    if indent is None:
        return json.dumps(doc, ensure_ascii=False)
    return dumps_indented(doc, indent)


def dumps_indented(value: Any, indent: int) -> str:
    """``json.dumps(value, ensure_ascii=False, indent=indent)``, byte for byte, several times faster.

    The standard library encodes indented JSON in pure Python, one generator
    step per token; a 100,000-indicator evaluation took a quarter of a minute.
    This writes the same text with one recursive pass over dicts, lists,
    strings, integers, booleans and None (the document holds nothing else;
    anything else is left to ``json.dumps``).
    """
    out: list[str] = []
    try:
        _write(value, " " * indent, "\n", out)
    except _Unsupported:
        return json.dumps(value, ensure_ascii=False, indent=indent)
    return "".join(out)


class _Unsupported(Exception):
    """A value :func:`dumps_indented` leaves to ``json.dumps`` (a float, a non-string key, …)."""


def _write(value: Any, step: str, newline: str, out: list[str]) -> None:
    kind = type(value)
    if kind is str:
        out.append(_encode_str(value))
    elif value is None or kind is bool:
        out.append(_CONSTANTS[value])
    elif kind is int:
        out.append(int.__repr__(value))
    elif kind is dict:
        if not value:
            out.append("{}")
            return
        inner = newline + step
        first = True
        for key, item in value.items():
            if type(key) is not str:
                raise _Unsupported
            out.append(("{" if first else ",") + inner + _encode_str(key) + ": ")
            first = False
            _write(item, step, inner, out)
        out.append(newline + "}")
    elif kind is list or kind is tuple:
        if not value:
            out.append("[]")
            return
        inner = newline + step
        first = True
        for item in value:
            out.append(("[" if first else ",") + inner)
            first = False
            _write(item, step, inner, out)
        out.append(newline + "]")
    else:
        raise _Unsupported
