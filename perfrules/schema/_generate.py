"""JSON Schemas (draft-07) of the TOML files, generated from the attrs model.

The keys, types, enumerations and required keys come from the model classes
(``attrs.fields`` and their type hints: perfrules/model for specs and actuals,
perfrules/golden for case files) and from the framework machinery's own key
lists (perfrules/loading/_extends.py). Hand-written here is only what the strict
converter (perfrules/loading/_converter.py) does specially: a target written as a
string or a table, a scoring method written as a name or a table, ``derive`` as
a formula or a table, the actuals' tables keyed by id with their shorthands,
``overshoot_warning = false``. The descriptions are in :mod:`._describe`.

Draft-07, because taplo (Even Better TOML) validates with it; Python's
``jsonschema.Draft7Validator`` reads the same schemas. The schemas describe
structure only: a spec that passes may still be refused by ``perfrules check``
(weights that do not add up, an unknown category, …).

Shaped for editors, whose hover shows the ``description`` of the schema found
at a key and whose messages name the offending key only for plain keywords:

* every key's schema carries its description itself (a ``$ref`` hides its
  siblings, so ``$ref`` appears only as the ``items`` of an array);
* a value of two shapes (``target = "≥90%"`` or a table) is one schema with
  two types, not an ``anyOf`` (whose failure names no key): keywords that do
  not apply to a type are ignored for it (``pattern`` for tables,
  ``properties`` for strings);
* no ``allOf`` at a key's own level (taplo hides such a schema's description).
"""

from __future__ import annotations

import enum
import re
import types
import typing
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, Literal, Union

import attrs

from perfrules._limits import MAX_MAGNITUDE
from perfrules.golden import CaseFile
from perfrules.loading import (
    COMPARATOR_ALIASES,
    FRAMEWORK_KEYS,
    PERIOD_KEYS,
    SPEC_FIELDS,
    SPECIAL_KEYS,
    VERSION_KEYS,
)
from perfrules.model import (
    DEVIATION_RE,
    METHODS,
    TARGET_RE,
    Actuals,
    Amount,
    Bands,
    BonusAward,
    Comparator,
    Derivation,
    Figure,
    Formula,
    IndicatorActual,
    Method,
    Policy,
    QuantitativeTarget,
    Spec,
    StepDeduction,
    TierSynonyms,
    VetoTrigger,
)
from perfrules.schema import _describe

Json = dict[str, Any]

DRAFT = "http://json-schema.org/draft-07/schema#"
MODEL_SCHEMAS = ("spec", "actuals", "framework", "case")  # generated; "evaluation" is hand-written

# Fields the loader attaches after reading (never keys of the TOML file).
_LOADER_FIELDS: dict[type[Any], tuple[str, ...]] = {
    Spec: ("source", "framework"),
    Actuals: ("source",),
    CaseFile: ("source",),
}
# The actuals' tables keyed by id or name (converter ``_keyed``): the entry class and its shorthand
# field.
_KEYED: dict[type[Any], str | None] = {
    IndicatorActual: "value",
    Amount: "value",
    BonusAward: None,
    VetoTrigger: "reason",
    Figure: None,
}
# What a golden case's ``spec`` / ``actuals`` may be besides a path: the schema it embeds.
_SOURCES = {"spec": "spec", "actuals": "actuals"}

Required = Literal["model", "id", "none"]


class _Ctx:
    """One generation: the descriptions used and the definitions (array items) made."""

    def __init__(self) -> None:
        self.used: set[str] = set()
        self.definitions: Json = {}

    def doc(self, key: str) -> str:
        for table in (_describe.FIELDS, _describe.SPECIAL, _describe.METHODS, _describe.ENUMS):
            if key in table:
                self.used.add(key)
                return table[key]
        raise KeyError(f"no description for {key!r}: add one to perfrules/schema/_describe.py")

    def ref(self, cls: type[Any], required: Required = "model") -> Json:
        """``{"$ref": …}`` to the definition of a ``cls`` table (made on first use): an array's
        items."""
        name = cls.__name__ if required == "model" else f"{cls.__name__}ById"
        if name not in self.definitions:
            self.definitions[
                name
            ] = {}  # reserved: the order of definitions is the order of first use
            self.definitions[name] = _object(cls, self, required=required)
        return {"$ref": f"#/definitions/{name}"}


# ---------------------------------------------------------------------------
# values


def _number() -> Json:
    limit = 10**MAX_MAGNITUDE  # the converter's range check (perfrules/loading/_converter.py)
    return {"type": "number", "exclusiveMinimum": -limit, "exclusiveMaximum": limit}


def _string() -> Json:
    return {"type": "string", "minLength": 1}


def _json_default(value: object) -> object:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, bool | str | int):
        return value
    return None  # tuples, tables: no default shown


def _enum(cls: type[enum.Enum], ctx: _Ctx) -> Json:
    values = [m.value for m in cls]
    docs = [ctx.doc(f"{cls.__name__}.{m.name}") for m in cls]
    return {"type": "string", "enum": values, "x-taplo": {"docs": {"enumValues": docs}}}


def _either(plain: Json, table: Json) -> Json:
    """One schema for a value that is either ``plain`` (a string or a number) or ``table`` (an
    object).

    The keywords of each apply only to its own type (``pattern`` or ``minimum``
    to the plain value, ``properties`` and ``required`` to the table), so they
    combine without ``anyOf``.
    """
    if table.get("type") != "object" or "type" not in plain:
        raise TypeError("_either combines a plain schema with an object schema")
    common = (set(plain) & set(table)) - {"type"}
    if common:
        raise TypeError(f"_either: both schemas use {sorted(common)}")
    return {
        **plain,
        **{k: v for k, v in table.items() if k != "type"},
        "type": [plain["type"], "object"],
    }


def _union_args(hint: Any) -> tuple[Any, ...] | None:
    if typing.get_origin(hint) in (Union, types.UnionType):
        return tuple(a for a in typing.get_args(hint) if a is not type(None))
    return None


def _type(hint: Any, ctx: _Ctx, field: str) -> Json:
    """The schema of a value of type ``hint`` (``field`` names it, for the few types that depend
    on it)."""
    args = _union_args(hint)
    if args is not None:
        if len(args) == 1:
            return _type(args[0], ctx, field)
        if set(args) == set(typing.get_args(Method)):
            return _method(tuple(METHODS.values()), ctx)
        if set(args) == {Bands, StepDeduction}:
            return _method(args, ctx)
        if set(args) == {Derivation, Formula}:
            return _either(_string(), _object(Derivation, ctx))
        # a golden case's spec / actuals
        if set(args) == {str, dict[str, Any]} and field in _SOURCES:
            return _either(_string(), _BODIES[_SOURCES[field]](ctx))
        raise TypeError(f"no JSON Schema for the union {hint!r} ({field})")
    if hint is bool:
        return {"type": "boolean"}
    if hint is int:
        return {"type": "integer"}
    if hint is str:
        return {"type": "string"}
    if hint is Decimal:
        return _number()
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return _enum(hint, ctx)
    if hint is QuantitativeTarget:
        return _target(ctx)
    if hint is Formula:
        return _string()
    if hint is TierSynonyms:  # a table keyed by tier name: arrays of words
        return {
            "type": "object",
            "additionalProperties": {
                "type": "array",
                "items": {"type": "string", "minLength": 1},
            },
        }
    if attrs.has(hint):
        return _object(hint, ctx)
    origin, params = typing.get_origin(hint), typing.get_args(hint)
    if origin is tuple and len(params) == 2 and params[1] is Ellipsis:
        item = params[0]
        if item in _KEYED:
            raise TypeError(
                f"{item.__name__} entries are keyed by their {_key_of(item)}: not an array"
            )
        return {
            "type": "array",
            "items": ctx.ref(item) if attrs.has(item) else _type(item, ctx, field),
        }
    if origin is Mapping and params[0] is str:  # a table whose keys are ids (golden expectations)
        return {"type": "object", "additionalProperties": _type(params[1], ctx, field)}
    raise TypeError(f"no JSON Schema for {hint!r} ({field})")


def _field(cls: type[Any], f: attrs.Attribute[Any], hint: Any, ctx: _Ctx) -> Json:
    """The schema of one field of ``cls``: its description, its type and its default."""
    origin, params = typing.get_origin(hint), typing.get_args(hint)
    doc = ctx.doc(f"{cls.__name__}.{f.name}")
    if origin is tuple and params and params[0] in _KEYED:
        schema = _keyed(params[0], doc, ctx)
    elif cls is Policy and f.name == "overshoot_warning":  # the converter reads false as "off"
        schema = {
            **_number(),
            "type": ["number", "boolean"],
            "if": {"type": "boolean"},
            "then": {"enum": [False]},
        }
    else:
        schema = _type(hint, ctx, f.name)
    out: Json = {"description": doc, **schema}
    is_factory = isinstance(f.default, attrs.Factory)  # type: ignore[arg-type]
    if f.default is not attrs.NOTHING and not is_factory:
        default = _json_default(f.default)
        if default is not None:
            out["default"] = default
    return out


def _fields(cls: type[Any]) -> list[attrs.Attribute[Any]]:
    hidden = _LOADER_FIELDS.get(cls, ())
    return [f for f in attrs.fields(cls) if f.name not in hidden]


def _required(cls: type[Any], exclude: tuple[str, ...] = ()) -> list[str]:
    return [f.name for f in _fields(cls) if f.default is attrs.NOTHING and f.name not in exclude]


def _object(
    cls: type[Any], ctx: _Ctx, *, required: Required = "model", exclude: tuple[str, ...] = ()
) -> Json:
    """A table of ``cls``: its fields as keys, no others (the loader forbids unknown keys)."""
    hints = typing.get_type_hints(cls)
    props = {
        f.name: _field(cls, f, hints[f.name], ctx) for f in _fields(cls) if f.name not in exclude
    }
    schema: Json = {"type": "object", "properties": props, "additionalProperties": False}
    req = _required(cls, exclude) if required == "model" else ["id"] if required == "id" else []
    if req:
        schema["required"] = req
    return schema


def _key_of(cls: type[Any]) -> str:
    return "id" if "id" in attrs.fields_dict(cls) else "name"


def _keyed(cls: type[Any], doc: str, ctx: _Ctx) -> Json:
    """A table of entries keyed by id or name (the actuals' [indicators], [amounts], …), each a
    table or its shorthand."""
    table = _object(cls, ctx, exclude=(_key_of(cls),))
    shorthand = _KEYED[cls]
    if shorthand is not None:
        plain = {
            k: v
            for k, v in table["properties"][shorthand].items()
            if k not in ("description", "default")
        }
        table = _either(plain, table)
    return {"type": "object", "additionalProperties": {"description": doc, **table}}


def _target(ctx: _Ctx) -> Json:
    """A target: the compact string the forms write (``≥400期``), or { comparator, value, unit }."""
    # ECMA-262 regexes have no (?P<name>…): a compact target, or a deviation target (120公里±5%)
    named = re.compile(r"\(\?P<\w+>")
    pattern = "|".join(
        f"(?:{named.sub('(', regex.pattern)})" for regex in (TARGET_RE, DEVIATION_RE)
    )
    table = _object(QuantitativeTarget, ctx)
    canonical = [c.value for c in Comparator]
    spellings = canonical + sorted(COMPARATOR_ALIASES - set(canonical))
    docs = [ctx.doc(f"Comparator.{Comparator.parse(s).name}") for s in spellings]
    table["properties"]["comparator"].update(
        enum=spellings, **{"x-taplo": {"docs": {"enumValues": docs}}}
    )
    return _either({"type": "string", "pattern": pattern}, table)


def _method(classes: tuple[type[Any], ...], ctx: _Ctx) -> Json:
    """A scoring method: a name (methods without required parameters) or a table { name = …,
    parameters }.

    The table's keys are every parameter of the ``classes``; given a ``name``,
    an ``if``/``then`` per method requires its parameters and allows only those.
    """
    names = [cls.name for cls in classes]
    name_docs = [ctx.doc(n) for n in names]
    props: Json = {
        "name": {
            "description": ctx.doc("method.name"),
            "type": "string",
            "enum": names,
            "x-taplo": {"docs": {"enumValues": name_docs}},
        }
    }
    meanings: dict[str, list[tuple[str, str]]] = {}
    rules: list[Json] = []
    for cls in classes:
        hints = typing.get_type_hints(cls)
        for f in attrs.fields(cls):
            schema = _field(cls, f, hints[f.name], ctx)
            meanings.setdefault(f.name, []).append((cls.name, schema["description"]))
            if f.name not in props:
                props[f.name] = schema
                continue
            bare = {k: v for k, v in props[f.name].items() if k not in ("description", "default")}
            if bare != {k: v for k, v in schema.items() if k not in ("description", "default")}:
                raise TypeError(f"parameter {f.name!r} has different types in different methods")
            if props[f.name].get("default") != schema.get("default"):
                props[f.name].pop("default", None)
        then: Json = {"propertyNames": {"enum": ["name", *(f.name for f in attrs.fields(cls))]}}
        if _required(cls):
            then = {"required": _required(cls), **then}
        rules.append(
            {
                "if": {"properties": {"name": {"const": cls.name}}, "required": ["name"]},
                "then": then,
            }
        )
    for name, found in meanings.items():  # a parameter of several methods: each method's meaning
        text = (
            found[0][1]
            if len(found) == 1
            else "\n\n".join(f"{method}: {doc}" for method, doc in found)
        )
        props[name]["description"] = text
    table: Json = {
        "type": "object",
        "properties": props,
        "required": ["name"],
        "additionalProperties": False,
        "dependencies": {"name": {"allOf": rules}},
    }
    by_name = [
        cls.name for cls in classes if not _required(cls)
    ]  # the converter: a name alone needs no parameters
    if not by_name:
        return table
    return {
        **table,
        "type": ["string", "object"],
        "if": {"type": "string"},
        "then": {"enum": by_name},
    }


# ---------------------------------------------------------------------------
# the spec's top level, as unit specs, frameworks, overrides and versions write it

Level = Literal["spec", "framework", "overrides"]


def _spec_keys(ctx: _Ctx, level: Level) -> Json:
    """The spec's top-level keys (without extends/overrides).

    Tables merge key by key, so no key of theirs is required at this level
    (a complete spec requires them through ``_complete``). Entries of
    ``categories``, ``indicators``, ``bonus`` and ``vetoes`` are complete in a
    unit spec; in a framework, a version or an override only ``id`` is
    required (templates lack ``weight``; overrides change some fields).
    ``grades`` and ``tiers`` are always whole lists of complete entries.
    """
    props: Json = {}
    for f in _fields(Spec):
        merge = SPEC_FIELDS[f.name]
        doc = ctx.doc(f"Spec.{f.name}")
        if merge.cls is TierSynonyms:  # a table keyed by tier name
            props[f.name] = {"description": doc, **_type(TierSynonyms, ctx, f.name)}
        elif merge.kind == "table":
            props[f.name] = {"description": doc, **_object(merge.cls, ctx, required="none")}
        elif merge.kind == "keyed":
            entry = ctx.ref(merge.cls, "model" if level == "spec" else "id")
            props[f.name] = {"description": doc, "type": "array", "items": entry}
        else:
            props[f.name] = {"description": doc, "type": "array", "items": ctx.ref(merge.cls)}
    return props


def _complete() -> Json:
    """What a spec that extends nothing must have: the required keys of the model, at both
    levels."""
    tables = {
        f.name: {"required": _required(SPEC_FIELDS[f.name].cls)}
        for f in _fields(Spec)
        if SPEC_FIELDS[f.name].kind == "table" and _required(SPEC_FIELDS[f.name].cls)
    }
    return {"required": _required(Spec), "properties": tables}


def _extends(ctx: _Ctx) -> Json:
    return {"description": ctx.doc("extends"), "type": "string", "minLength": 1}


def _overrides(ctx: _Ctx) -> Json:
    return {
        "description": ctx.doc("overrides"),
        "type": "object",
        "properties": _spec_keys(ctx, "overrides"),
        "additionalProperties": False,
    }


def _period(doc: str, ctx: _Ctx) -> Json:
    bound = {"anyOf": [{"type": "integer"}, {"type": "string", "format": "date"}]}
    kinds = {"from": bound, "to": bound}
    if set(kinds) != set(PERIOD_KEYS):
        raise TypeError(f"validity periods have the keys {PERIOD_KEYS}, the schema {tuple(kinds)}")
    props = {k: {"description": ctx.doc(f"period.{k}"), **kinds[k]} for k in PERIOD_KEYS}
    return {
        "description": doc,
        "type": "object",
        "properties": props,
        "additionalProperties": False,
    }


def _framework_table(ctx: _Ctx) -> Json:
    kinds: dict[str, Json] = {
        "id": {"type": "string", "minLength": 1},
        "title": {"type": "string"},
        "note": {"type": "string"},
        "valid": {},
    }
    if set(kinds) != set(FRAMEWORK_KEYS):
        raise TypeError(f"[framework] has the keys {FRAMEWORK_KEYS}, the schema {tuple(kinds)}")
    props: Json = {}
    for key in FRAMEWORK_KEYS:
        doc = ctx.doc(f"framework.{key}")
        props[key] = _period(doc, ctx) if key == "valid" else {"description": doc, **kinds[key]}
    return {
        "description": ctx.doc("framework"),
        "type": "object",
        "properties": props,
        "required": ["id", "title"],
        "additionalProperties": False,
    }


def _versions(ctx: _Ctx) -> Json:
    if set(VERSION_KEYS) != {"valid", "note"}:
        raise TypeError(f"versions have the keys {VERSION_KEYS} besides the spec's")
    own = {
        "valid": _period(ctx.doc("versions.valid"), ctx),
        "note": {"description": ctx.doc("versions.note"), "type": "string"},
    }
    item = {
        "type": "object",
        "properties": {**own, **_spec_keys(ctx, "framework")},
        "required": ["valid"],
        "additionalProperties": False,
    }
    return {"description": ctx.doc("versions"), "type": "array", "items": item}


def _special(ctx: _Ctx, which: tuple[str, ...]) -> Json:
    makers = {
        "extends": _extends,
        "overrides": _overrides,
        "framework": _framework_table,
        "versions": _versions,
    }
    if set(makers) != set(SPECIAL_KEYS):
        raise TypeError(f"the special keys are {SPECIAL_KEYS}, the schema knows {tuple(makers)}")
    return {key: makers[key](ctx) for key in which}


def _root(name: str, body: Json, ctx: _Ctx) -> Json:
    head: Json = {
        "$schema": DRAFT,
        "title": f"perfrules {name}",
        "description": ctx.doc(f"root:{name}"),
    }
    out = {**head, **body}
    if ctx.definitions:
        out["definitions"] = ctx.definitions
    return out


def _spec_body(ctx: _Ctx) -> Json:
    props = {**_special(ctx, ("extends", "overrides")), **_spec_keys(ctx, "spec")}
    return {
        "type": "object",
        "properties": props,
        "additionalProperties": False,
        "if": {"required": ["extends"]},
        "else": _complete(),
    }


def _actuals_body(ctx: _Ctx) -> Json:
    return _object(Actuals, ctx)


def _framework_body(ctx: _Ctx) -> Json:
    props = {
        **_special(ctx, ("framework", "extends", "overrides", "versions")),
        **_spec_keys(ctx, "framework"),
    }
    return {
        "type": "object",
        "properties": props,
        "required": ["framework"],
        "additionalProperties": False,
    }


def _case_body(ctx: _Ctx) -> Json:
    return _object(CaseFile, ctx)  # its cases are Case tables, their expect an Expect table


# The bodies of the four schemas; a case file embeds the spec's and the actuals' for its inline
# tables.
_BODIES: dict[str, Callable[[_Ctx], Json]] = {
    "spec": _spec_body,
    "actuals": _actuals_body,
    "framework": _framework_body,
    "case": _case_body,
}


def _build(name: str, ctx: _Ctx) -> Json:
    if name not in MODEL_SCHEMAS:
        raise ValueError(f"no generated schema {name!r}: choose one of {', '.join(MODEL_SCHEMAS)}")
    return _root(name, _BODIES[name](ctx), ctx)


def generate(name: str) -> Json:
    """The JSON Schema of file kind ``name`` (one of :data:`MODEL_SCHEMAS`), generated from the
    model."""
    return _build(name, _Ctx())


def used_descriptions() -> set[str]:
    """Every description key the generated schemas use (for the test that none is stale)."""
    ctx = _Ctx()
    for name in MODEL_SCHEMAS:
        _build(name, ctx)
    return ctx.used


def toml_fields() -> set[str]:
    """``Class.field`` of every model field a TOML file can hold (what needs a description)."""
    found: set[str] = set()
    seen: set[type[Any]] = set()

    def visit(hint: Any) -> None:
        for arg in (*(_union_args(hint) or ()), *typing.get_args(hint), hint):
            if (
                isinstance(arg, type)
                and attrs.has(arg)
                and arg not in seen
                and arg not in (Formula, TierSynonyms)
            ):  # a formula is a string, tier synonyms a table of words
                seen.add(arg)
                key = _key_of(arg) if arg in _KEYED else None
                hints = typing.get_type_hints(arg)
                for f in _fields(arg):
                    if f.name != key:
                        found.add(f"{arg.__name__}.{f.name}")
                        visit(hints[f.name])

    for root in (Spec, Actuals, CaseFile, *METHODS.values()):
        visit(root)
    return found
