"""The strict cattrs converter between TOML data and the model.

Strict means: no unknown key, no coercion (a string is never a number, a
number never a string, ``true`` never ``1``), no non-finite number, enum
values checked with a did-you-mean. Every number (a number field, an integer,
the number inside a target string) keeps the bounds of
:func:`perfrules._limits.number_problem`, and every year those of
:func:`perfrules._limits.year_problem`, so that what loads can be evaluated
quickly and exactly.
"""

from __future__ import annotations

import enum
from decimal import Decimal
from typing import Any, cast

import attrs
import cattrs
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from perfrules._errors import PerfrulesError
from perfrules._limits import exact, number_problem, year_problem
from perfrules._messages import Message, listing, message
from perfrules._suggest import suggest
from perfrules.model import (
    METHODS,
    SUFFIX_WORDS,
    WORD_COMPARATORS,
    Actuals,
    Amount,
    Bands,
    BonusAward,
    Comparator,
    Derivation,
    DeviationTarget,
    Figure,
    Formula,
    FormulaError,
    IndicatorActual,
    Meta,
    Method,
    Policy,
    QuantitativeTarget,
    Spec,
    StepDeduction,
    TargetWording,
    TierSynonyms,
    VetoTrigger,
    format_decimal,
    read_deviation,
    read_wording,
    strip_suffix_word,
)


class ValueProblem(PerfrulesError, ValueError):
    """A value of the wrong type or form; ``suggestion`` is a did-you-mean."""

    def __init__(self, en: str, zh: str, suggestion: str | None = None) -> None:
        super().__init__(en)
        self.en = en
        self.zh = zh
        self.suggestion = suggestion


class AtKey(ExceptionGroup[Exception], PerfrulesError):
    """Errors found under one key of a table whose keys are data (indicator ids, amount names)."""

    key: str

    def __new__(cls, key: str, excs: list[Exception]) -> AtKey:
        self = super().__new__(cls, f"under key {key!r}", excs)
        self.key = key
        return self


_TYPE_NAMES = {
    str: ("a string", "字符串"),
    int: ("an integer", "整数"),
    bool: ("true or false", "true/false"),
    Decimal: ("a number", "数值"),
    dict: ("a table", "表"),
    list: ("an array", "数组"),
}


def _kind(value: object) -> tuple[str, str]:
    if isinstance(value, bool):
        return ("a boolean", "布尔值")
    if isinstance(value, int):
        return ("an integer", "整数")
    if isinstance(value, Decimal):
        return ("a number", "数值")
    if isinstance(value, str):
        return (f"the string {value!r}", f"字符串“{value}”")
    if isinstance(value, dict):
        return ("a table", "表")
    if isinstance(value, list):
        return ("an array", "数组")
    return (type(value).__name__, type(value).__name__)


def wrong_type(value: object, want: type) -> ValueProblem:
    """The problem of ``value`` where a ``want`` (str, int, bool, Decimal, dict, list) is
    expected, to raise."""
    got_en, got_zh = _kind(value)
    want_en, want_zh = _TYPE_NAMES.get(want, (want.__name__, want.__name__))
    return ValueProblem(
        *message(
            ("invalid-value", "type"), want=Message(want_en, want_zh), got=Message(got_en, got_zh)
        )
    )


def strict_str(value: object, _: type) -> str:
    """Structure hook: a string, never a number or a boolean read as one."""
    if not isinstance(value, str):
        raise wrong_type(value, str)
    return value


def _int(value: object, _: type) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise wrong_type(value, int)
    _check_range(value)
    return value


def _year(value: object, _: Any) -> int:
    """A budget year: an integer within :data:`perfrules._limits.MIN_YEAR` … ``MAX_YEAR``."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise wrong_type(value, int)
    problem = year_problem(value)
    if problem is not None:
        raise ValueProblem(*problem)
    return value


def strict_bool(value: object, _: type) -> bool:
    """Structure hook: ``true`` or ``false``, never ``1`` or ``"yes"``."""
    if not isinstance(value, bool):
        raise wrong_type(value, bool)
    return value


def _check_range(value: Decimal | int, shown: object | None = None) -> None:
    """Reject numbers no budget form holds, which would overflow or slow exact arithmetic (one
    rule: ``_limits``)."""
    problem = number_problem(value, shown)
    if problem is not None:
        raise ValueProblem(*problem)


def strict_decimal(value: object, _: type) -> Decimal:
    """Structure hook: a TOML integer or float (read as Decimal) within the loader's number
    bounds."""
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise wrong_type(value, Decimal)
    _check_range(value)  # before Decimal(value): a huge integer is refused without converting it
    return exact(Decimal(value))  # 0e-999999999 is plain 0: its exponent never reaches arithmetic


def _off_or_decimal(value: object, _: type) -> Decimal | None:
    """``false`` switches an optional threshold off (TOML has no null); otherwise a number."""
    if value is False:
        return None
    if value is True:
        raise ValueProblem(*message(("invalid-value", "number-or-false")))
    return strict_decimal(value, Decimal)


def _enum(value: object, cls: type[enum.Enum]) -> enum.Enum:
    if not isinstance(value, str):
        raise wrong_type(value, str)
    try:
        return cls(value)
    except ValueError:
        options = [str(m.value) for m in cls]
        raise ValueProblem(
            *message(("invalid-value", "option"), value=value, options=listing(options)),
            suggest(value, options),
        ) from None


def _glossary(words: tuple[str, ...]) -> tuple[str, str]:
    """What each comparator word of a target's wording means, in English and Chinese."""
    en: list[str] = []
    zh: list[str] = []
    for word in words:
        cmp = WORD_COMPARATORS.get(word)
        if cmp is None:
            continue
        included = word in SUFFIX_WORDS
        en.append(f"{word} means {cmp.value}" + (", the number included" if included else ""))
        zh.append(f"“{word}”即“{cmp.value}”" + ("，含本数" if included else ""))
    return "; ".join(en), "；".join(zh)


def _worded(value: str, wording: TargetWording) -> ValueProblem:
    """The problem of a target written with comparator words (不低于90%, 90%以上): a did-you-mean to
    the sign."""
    en, zh = _glossary(wording.words)
    if wording.sign is not None:
        en += f"; the sign {wording.sign.value}"
        zh += f"；另有符号“{wording.sign.value}”"
    if wording.target is None:
        return ValueProblem(
            *message(
                ("invalid-value", "target-words-disagree"), value=value, glossary=Message(en, zh)
            )
        )
    return ValueProblem(
        *message(("invalid-value", "target-words"), value=value, glossary=Message(en, zh)),
        wording.suggestion,
    )


def _deviation(value: str) -> DeviationTarget | None:
    """A deviation target (``120公里±5%``, ``500万元，偏差率<10%``); ``None`` when ``value`` is none."""
    found = read_deviation(value)
    if found is None:
        return None
    _check_range(found.tolerance, repr(value))
    if found.plan is None:
        raise ValueProblem(
            *message(
                ("invalid-value", "deviation-plan"),
                value=value,
                tolerance=format_decimal(found.tolerance),
            )
        )
    _check_range(found.plan, repr(value))
    return DeviationTarget.of(
        exact(found.plan), exact(found.tolerance), found.unit, inclusive=found.inclusive
    )


def _target(value: object, _: type) -> QuantitativeTarget:
    if isinstance(value, str):
        deviation = _deviation(value)
        if deviation is not None:
            return deviation
        wording = read_wording(value)
        if wording is not None:  # also "90%以上", which would read as =90 with the unit "%以上"
            raise _worded(value, wording)
        try:
            parsed = QuantitativeTarget.parse(value)
        except ValueError:
            parsed = None
        if parsed is not None:
            _check_range(parsed.value, repr(value))
            return (
                attrs.evolve(parsed, value=exact(parsed.value))
                if parsed.value.is_zero()
                else parsed
            )
        raise ValueProblem(*message(("invalid-value", "target"), value=value))
    if isinstance(value, dict):
        data = dict(value)
        errors: list[Exception] = []
        cmp = data.get("comparator")
        if isinstance(cmp, str) and cmp.strip() in COMPARATOR_ALIASES:
            data["comparator"] = Comparator.parse(cmp).value
        elif isinstance(cmp, str) and WORD_COMPARATORS.get(cmp.strip()) is not None:
            sign = WORD_COMPARATORS[cmp.strip()]
            en, zh = _glossary((cmp.strip(),))
            errors.append(
                AtKey(
                    "comparator",
                    [
                        ValueProblem(
                            *message(
                                ("invalid-value", "comparator-word"),
                                cmp=cmp,
                                glossary=Message(en, zh),
                            ),
                            sign.value,
                        )
                    ],
                )
            )
            data["comparator"] = sign.value  # to report the table's other problems too
        unit = data.get("unit")
        word = next(
            (w for w in SUFFIX_WORDS if isinstance(unit, str) and unit.strip().endswith(w)), None
        )
        if word is not None and isinstance(unit, str):
            en, zh = _glossary((word,))
            errors.append(
                AtKey(
                    "unit",
                    [
                        ValueProblem(
                            *message(
                                ("invalid-value", "unit-word"), unit=unit, glossary=Message(en, zh)
                            ),
                            strip_suffix_word(unit),
                        )
                    ],
                )
            )
        try:
            target = cast(QuantitativeTarget, converter.structure(data, _RawTarget))
        except Exception as exc:  # noqa: BLE001 - reported together with the wording problems
            if not errors:
                raise
            errors.append(exc)
        if errors:
            raise errors[0] if len(errors) == 1 else ExceptionGroup("invalid target", errors)
        return target
    raise wrong_type(value, str)


class _RawTarget:
    """Marker type: a target given as a table, structured by the generated attrs hook."""


# Every spelling of a comparator the target reader accepts (the JSON Schema lists them).
COMPARATOR_ALIASES = frozenset(
    {"≥", ">=", "≧", "＞=", "⩾", ">", "＞", "≤", "<=", "≦", "＜=", "⩽", "<", "＜", "=", "＝", "=="}
)


def _formula(value: object, _: Any) -> Formula:
    if not isinstance(value, str):
        raise wrong_type(value, str)
    try:
        return Formula.parse(value)
    except FormulaError as exc:
        at = f" (column {exc.column} of the formula)" if exc.column else ""
        at_zh = f"（公式第{exc.column}个字符处）" if exc.column else ""
        raise ValueProblem(
            *message(
                ("invalid-value", "formula"),
                value=value,
                error=Message(exc.en, exc.zh),
                at=Message(at, at_zh),
            ),
            exc.suggestion,
        ) from None


def _derive(value: object, _: Any) -> Derivation | Formula:
    if isinstance(value, str):
        return _formula(value, Formula)
    return converter.structure(value, Derivation)


def _rate_method(value: object, _: Any) -> Bands | StepDeduction:
    method = _method(value, Method)
    if not isinstance(method, Bands | StepDeduction):
        raise ValueProblem(*message(("invalid-value", "rate-method"), method=method.name))
    return method


def _method(value: object, _: Any) -> Method:
    params: dict[str, Any] = {}
    if isinstance(value, dict):
        if "name" not in value:
            raise ValueProblem(*message(("invalid-value", "method-name"), methods=listing(METHODS)))
        params = {k: v for k, v in value.items() if k != "name"}
        value = value["name"]
    if not isinstance(value, str):
        raise wrong_type(value, str)
    cls = METHODS.get(value)
    if cls is None:
        raise ValueProblem(
            *message(("invalid-value", "method"), value=value, methods=listing(METHODS)),
            suggest(value, METHODS),
        )
    required = [f.name for f in attrs.fields(cls) if f.default is attrs.NOTHING]
    if not params and required:
        keys = ", ".join(f"{k} = …" for k in required)
        raise ValueProblem(*message(("invalid-value", "method-parameters"), value=value, keys=keys))
    return converter.structure(params, cls)


def _tier_synonyms(value: object, _: Any) -> TierSynonyms:
    """``[tier_synonyms]``: tier name → an array of words (non-empty strings, each once)."""
    if not isinstance(value, dict):
        raise wrong_type(value, dict)
    entries: list[tuple[str, tuple[str, ...]]] = []
    errors: list[Exception] = []
    for key, words in value.items():
        if not isinstance(words, list):
            errors.append(AtKey(key, [wrong_type(words, list)]))
            continue
        bad = [w for w in words if not isinstance(w, str) or not w.strip()]
        if bad:
            got_en, got_zh = (
                _kind(bad[0]) if not isinstance(bad[0], str) else ("a blank string", "空字符串")
            )
            errors.append(
                AtKey(
                    key,
                    [
                        ValueProblem(
                            *message(
                                ("invalid-value", "tier-synonyms"), got=Message(got_en, got_zh)
                            )
                        )
                    ],
                )
            )
            continue
        entries.append((key, tuple(words)))
    if errors:
        raise ExceptionGroup("invalid entries", errors)
    return TierSynonyms(tuple(entries))


def _keyed(cls: type[Any], shorthand: str | None) -> Any:
    """Structure ``{key: value | table}`` into a tuple of ``cls`` with the key as ``id``/``name``.

    A plain value is shorthand for ``{shorthand = value}``; with no shorthand
    every entry must be a table.
    """
    key_field = "id" if "id" in attrs.fields_dict(cls) else "name"

    def hook(value: object, _: Any) -> tuple[Any, ...]:
        if not isinstance(value, dict):
            raise wrong_type(value, dict)
        out: list[Any] = []
        errors: list[Exception] = []
        for key, item in value.items():
            if not isinstance(item, dict) and shorthand is None:
                errors.append(AtKey(key, [wrong_type(item, dict)]))
                continue
            data: dict[str, Any] = dict(item) if isinstance(item, dict) else {str(shorthand): item}
            if key_field in data:
                errors.append(
                    AtKey(
                        key,
                        [
                            ValueProblem(
                                *message(("invalid-value", "keyed"), field=key_field, key=key)
                            )
                        ],
                    )
                )
                continue
            data[key_field] = key
            try:
                out.append(_structure_entry(data, cls))
            except Exception as exc:  # noqa: BLE001 - regrouped with its key for located reporting
                errors.append(AtKey(key, [exc]))
        if errors:
            raise ExceptionGroup("invalid entries", errors)
        return tuple(out)

    return hook


def _unkeyed(conv: cattrs.Converter, key_field: str) -> Any:
    def hook(items: tuple[Any, ...]) -> dict[str, Any]:
        entries: list[tuple[str, dict[str, Any]]] = []
        for item in items:
            data = conv.unstructure(item)
            entries.append((data.pop(key_field), data))
        # TOML writers put plain values before sub-tables: use the ``key = value``
        # shorthand only up to the first entry that needs a table, so that the
        # order (and hence equality after loading) is kept.
        first_table = next(
            (i for i, (_, d) in enumerate(entries) if set(d) != {"value"}), len(entries)
        )
        return {
            key: data["value"] if i < first_table else data for i, (key, data) in enumerate(entries)
        }

    return hook


def _structure_entry(data: dict[str, Any], cls: type[Any]) -> Any:
    return converter.structure(data, cls)


def _unstructure_decimal(value: Decimal) -> int | Decimal:
    if value == value.to_integral_value():
        return int(value)
    return Decimal(format_decimal(value))


def _make_converter() -> cattrs.Converter:
    conv = cattrs.Converter(forbid_extra_keys=True, detailed_validation=True, omit_if_default=True)
    conv.register_structure_hook(str, strict_str)
    conv.register_structure_hook(int, _int)
    conv.register_structure_hook(bool, strict_bool)
    conv.register_structure_hook(Decimal, strict_decimal)
    conv.register_structure_hook_func(
        lambda t: isinstance(t, type) and issubclass(t, enum.Enum), _enum
    )
    conv.register_structure_hook(QuantitativeTarget, _target)
    conv.register_structure_hook_func(lambda t: t in (Method, Method | None), _method)
    conv.register_structure_hook_func(
        lambda t: t == tuple[IndicatorActual, ...], _keyed(IndicatorActual, "value")
    )
    conv.register_structure_hook_func(lambda t: t == tuple[Amount, ...], _keyed(Amount, "value"))
    conv.register_structure_hook_func(
        lambda t: t == tuple[BonusAward, ...], _keyed(BonusAward, None)
    )
    conv.register_structure_hook_func(
        lambda t: t == tuple[VetoTrigger, ...], _keyed(VetoTrigger, "reason")
    )
    conv.register_structure_hook_func(lambda t: t == tuple[Figure, ...], _keyed(Figure, None))
    conv.register_structure_hook(Formula, _formula)
    conv.register_structure_hook(TierSynonyms, _tier_synonyms)
    conv.register_structure_hook_func(
        lambda t: t in (Derivation | Formula, Derivation | Formula | None), _derive
    )
    conv.register_structure_hook_func(
        lambda t: t in (Bands | StepDeduction, Bands | StepDeduction | None), _rate_method
    )

    def attrs_factory(cls: type[Any]) -> Any:
        target = QuantitativeTarget if cls is _RawTarget else cls
        # the source map and framework info are attached by the loader, never read from TOML
        if cls is Spec:
            inner = make_dict_structure_fn(
                target,
                conv,
                _cattrs_forbid_extra_keys=True,
                source=override(omit=True),
                framework=override(omit=True),
            )
        elif cls is Actuals:
            inner = make_dict_structure_fn(
                target,
                conv,
                _cattrs_forbid_extra_keys=True,
                source=override(omit=True),
                year=override(struct_hook=_year),
            )
        elif cls is Meta:
            inner = make_dict_structure_fn(
                target, conv, _cattrs_forbid_extra_keys=True, year=override(struct_hook=_year)
            )
        elif cls is Policy:  # overshoot_warning = false switches the warning off
            inner = make_dict_structure_fn(
                target,
                conv,
                _cattrs_forbid_extra_keys=True,
                overshoot_warning=override(struct_hook=_off_or_decimal),
            )
        else:
            inner = make_dict_structure_fn(target, conv, _cattrs_forbid_extra_keys=True)

        def structure(value: object, _: Any) -> Any:
            if not isinstance(value, dict):
                raise wrong_type(value, dict)
            return inner(value, target)

        return structure

    conv.register_structure_hook_factory(lambda t: attrs.has(t) or t is _RawTarget, attrs_factory)

    # unstructuring, for writing specs and actuals back to TOML
    conv.register_unstructure_hook(Decimal, _unstructure_decimal)
    conv.register_unstructure_hook_func(
        lambda t: isinstance(t, type) and issubclass(t, enum.Enum), lambda e: e.value
    )
    conv.register_unstructure_hook(QuantitativeTarget, str)
    conv.register_unstructure_hook(DeviationTarget, str)

    def unstructure_method(method: Any) -> Any:
        fields = attrs.fields(type(method))
        if not fields:
            return method.name  # a method without parameters is written as its name
        return {
            "name": method.name,
            **make_dict_unstructure_fn(type(method), conv, _cattrs_omit_if_default=True)(method),
        }

    conv.register_unstructure_hook_func(lambda t: t in METHODS.values(), unstructure_method)
    conv.register_unstructure_hook_func(
        lambda t: t == tuple[IndicatorActual, ...], _unkeyed(conv, "id")
    )
    conv.register_unstructure_hook_func(lambda t: t == tuple[Amount, ...], _unkeyed(conv, "name"))
    conv.register_unstructure_hook_func(lambda t: t == tuple[BonusAward, ...], _unkeyed(conv, "id"))
    conv.register_unstructure_hook_func(
        lambda t: t == tuple[VetoTrigger, ...], _unkeyed(conv, "id")
    )
    conv.register_unstructure_hook_func(lambda t: t == tuple[Figure, ...], _unkeyed(conv, "name"))
    conv.register_unstructure_hook(Formula, str)
    conv.register_unstructure_hook(
        TierSynonyms, lambda t: {name: list(words) for name, words in t.entries}
    )
    conv.register_unstructure_hook(
        Policy,
        make_dict_unstructure_fn(
            Policy,
            conv,
            _cattrs_omit_if_default=True,
            overshoot_warning=override(
                unstruct_hook=lambda v: False if v is None else _unstructure_decimal(v)
            ),
        ),
    )
    conv.register_unstructure_hook(
        Spec,
        make_dict_unstructure_fn(
            Spec,
            conv,
            _cattrs_omit_if_default=True,
            source=override(omit=True),
            framework=override(omit=True),
        ),
    )
    conv.register_unstructure_hook(
        Actuals,
        make_dict_unstructure_fn(
            Actuals, conv, _cattrs_omit_if_default=True, source=override(omit=True)
        ),
    )
    return conv


converter = _make_converter()
"""The strict converter between TOML data and the model (no unknown key, no coercion, bounded
numbers)."""
