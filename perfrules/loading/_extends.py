"""Frameworks: ``extends``, explicit overrides and dated versions, resolved on the raw TOML data.

A *framework* is a TOML file with a ``[framework]`` table (id, title) holding
values many specs share: meta defaults, policies, grades, tiers, the
budget-execution row, 一级 (and 二级) categories, common indicators, bonus
items, vetoes. A *unit spec* starts with ``extends = "<ref>"`` and declares
what is its own. Frameworks may extend frameworks. Everything here works on
the data ``tomllib`` returned, before cattrs structuring: the result is one
flat data dict (and a :class:`~perfrules.model.SourceMap` that knows
which file wrote each key), which the loader then structures and validates
as any spec. The format is documented in ``docs/frameworks.md``.

Merging rules, in short:

* tables (``meta``, ``policy``, ``rounding``, ``budget_execution``) merge key
  by key; lists of entries with an ``id`` (``categories``, ``indicators``,
  ``bonus``, ``vetoes``) merge by id; other lists (``grades``, ``tiers``) are
  one value. Defining again what the framework defines is an
  ``override-conflict``; ``[overrides.<table>]`` / ``[[overrides.<list>]]``
  (with ``id``) replace inherited values field by field, and overriding what
  the framework does not define is ``override-dangling``.
* ``[[versions]]`` of a framework carry a validity period (``valid = { from =
  2024 }``) and values that replace the framework's (own or inherited) in that
  period. The version in force for the unit's ``meta.year`` applies.
* An inherited category or indicator without ``weight`` is a *template*: it
  enters the spec only when an override gives it a weight.
"""

from __future__ import annotations

import datetime
import os
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs

from perfrules._errors import PathKey, Problem, SpecError
from perfrules._limits import MAX_YEAR, MIN_YEAR, year_problem
from perfrules._messages import Message, listing, message
from perfrules._suggest import suggest
from perfrules.loading._discovery import (
    ENTRY_POINT_GROUP,
    SPECS_DIR,
    Place,
    candidates,
    frameworks_in,
    places,
)
from perfrules.model import FrameworkInfo, Location, SourceFile, SourceMap, Spec, Suggestions

# Problem codes raised here (documented in docs/frameworks.md).
EXTENDS = "extends"
EXTENDS_CYCLE = "extends-cycle"
OVERRIDE_CONFLICT = "override-conflict"
OVERRIDE_DANGLING = "override-dangling"
VERSION_OVERLAP = "version-overlap"
VERSION_PERIOD = "version-period"
NO_VERSION = "no-version"
FRAMEWORK_FILE = "framework-file"
FRAMEWORK_TEMPLATE = "framework-template"
CODES = (
    EXTENDS,
    EXTENDS_CYCLE,
    OVERRIDE_CONFLICT,
    OVERRIDE_DANGLING,
    VERSION_OVERLAP,
    VERSION_PERIOD,
    NO_VERSION,
    FRAMEWORK_FILE,
    FRAMEWORK_TEMPLATE,
)
_UNKNOWN_KEY = "unknown-key"
_MISSING_KEY = "missing-key"
_INVALID_VALUE = "invalid-value"

# Bounds on the work one framework's versions cause: the overlapping pairs reported, and the
# versions
# not in force that are checked (more than one per budget year always overlap, which is reported).
_MAX_OVERLAPS = 20
_VERSIONS_CHECKED = MAX_YEAR - MIN_YEAR + 1

# Keys with a meaning of their own in frameworks and unit specs (never passed to the converter).
SPECIAL_KEYS = ("extends", "overrides", "framework", "versions")
FRAMEWORK_KEYS = ("id", "title", "note", "valid")  # the keys of a framework's [framework] table
VERSION_KEYS = ("valid", "note")  # the keys of a [[versions]] entry besides the spec's own
PERIOD_KEYS = ("from", "to")  # the keys of a validity period (valid = { from = 2024, to = 2025 })

# A parsed file: its data and its source map (raises SpecError for unreadable or malformed files).
Reader = Callable[[Path, str], tuple[dict[str, Any], SourceMap]]
# The strict structural problems of merged data (unknown keys, wrong values), located.
Structural = Callable[[dict[str, Any], SourceMap], list[Problem]]


# ---------------------------------------------------------------------------
# the spec's top-level fields and how each merges


@attrs.frozen
class SpecField:
    """How a top-level field of a spec merges across frameworks."""

    kind: str  # "table" | "keyed" (entries with an id) | "whole" (one value)
    cls: type[Any]  # the table's class, or the class of the list's entries


def _spec_fields() -> dict[str, SpecField]:
    hints = typing.get_type_hints(Spec)
    out: dict[str, SpecField] = {}
    for f in attrs.fields(Spec):
        if f.name in ("source", "framework"):
            continue
        hint = hints[f.name]
        args = typing.get_args(hint)
        if typing.get_origin(hint) is tuple:
            item = args[0]
            out[f.name] = SpecField("keyed" if "id" in attrs.fields_dict(item) else "whole", item)
        else:
            cls = next(a for a in (args or (hint,)) if attrs.has(a))
            out[f.name] = SpecField("table", cls)
    return out


SPEC_FIELDS = _spec_fields()
"""The spec's top-level TOML keys (those of :class:`~perfrules.model.Spec`) and how each merges."""


def _field_names(cls: type[Any]) -> list[str]:
    return [f.name for f in attrs.fields(cls)]


# ---------------------------------------------------------------------------
# data with origins


@attrs.define(eq=False)
class _Node:
    """A TOML value and where it is written: the file and the key path inside that file."""

    value: Any  # dict[str, _Node] | list[_Node] | a scalar
    src: SourceFile
    path: PathKey

    @property
    def where(self) -> Location:
        line, column = self.src.locate(self.path)
        return Location(self.src.file, self.path, line, column, self.src.framework)

    def get(self, key: str) -> _Node | None:
        return self.value.get(key) if isinstance(self.value, dict) else None


def _wrap(value: Any, src: SourceFile, path: PathKey) -> _Node:
    if isinstance(value, dict):
        return _Node({k: _wrap(v, src, (*path, k)) for k, v in value.items()}, src, path)
    if isinstance(value, list):
        return _Node([_wrap(v, src, (*path, i)) for i, v in enumerate(value)], src, path)
    return _Node(value, src, path)


def _unwrap(node: _Node, path: PathKey, origins: dict[PathKey, tuple[SourceFile, PathKey]]) -> Any:
    origins[path] = (node.src, node.path)
    if isinstance(node.value, dict):
        return {k: _unwrap(v, (*path, k), origins) for k, v in node.value.items()}
    if isinstance(node.value, list):
        return [_unwrap(v, (*path, i), origins) for i, v in enumerate(node.value)]
    return node.value


def _entry_id(node: _Node) -> str | None:
    ident = node.get("id")
    return ident.value if ident is not None and isinstance(ident.value, str) else None


# ---------------------------------------------------------------------------
# validity periods


@attrs.frozen
class Period:
    """A validity period in whole budget years; ``None`` is open. Dates count for their year."""

    start: int | None
    end: int | None
    start_text: str | None = None  # the bound as written (a year or an ISO date)
    end_text: str | None = None

    def covers(self, year: int) -> bool:
        return (self.start is None or self.start <= year) and (self.end is None or year <= self.end)

    def overlaps(self, other: Period) -> bool:
        lo = max((y for y in (self.start, other.start) if y is not None), default=None)
        hi = min((y for y in (self.end, other.end) if y is not None), default=None)
        return lo is None or hi is None or lo <= hi

    @property
    def label(self) -> str:
        """``2024–``, ``2021–2023``, ``2024``, ``–2023``."""
        s, e = self.start_text, self.end_text
        if s is not None and e is not None:
            return s if s == e else f"{s}–{e}"
        if s is not None:
            return f"{s}–"
        if e is not None:
            return f"–{e}"
        return "all years"

    @property
    def label_zh(self) -> str:
        """``2024年起``, ``2021—2023年``, ``2024年``, ``2023年及以前``."""
        s, e = self.start_text, self.end_text

        def zh(text: str) -> str:
            return f"{text}年" if text.isdigit() else text

        if s is not None and e is not None:
            if s == e:
                return zh(s)
            return f"{s}—{e}年" if s.isdigit() and e.isdigit() else f"{zh(s)}至{zh(e)}"
        if s is not None:
            return f"{zh(s)}起"
        if e is not None:
            return f"{zh(e)}及以前"
        return "所有年度"


# ---------------------------------------------------------------------------
# loaded frameworks


@attrs.define(eq=False)
class _Version:
    index: int
    period: Period
    node: _Node  # the [[versions]] entry


@attrs.define(eq=False)
class _Framework:
    id: str
    title: str
    src: SourceFile
    root: _Node
    ref: _Node  # the `extends` value that names this framework (in the file that extends it)
    valid: Period | None = None
    versions: list[_Version] = attrs.field(factory=list)


@attrs.frozen
class Resolved:
    """The outcome of resolving a spec's ``extends``: flat data, its source map, framework info,
    problems.

    ``fatal``: the chain could not be read, so ``data`` is not worth structuring.
    """

    data: dict[str, Any]
    source: SourceMap
    framework: FrameworkInfo | None
    problems: tuple[Problem, ...]
    fatal: bool = False


def uses_frameworks(data: dict[str, Any]) -> bool:
    """Whether the data needs this module: it extends, overrides, versions or is a framework."""
    return any(key in data for key in SPECIAL_KEYS)


def _problem(code: str, at: Location, text: Message, suggestion: str | None = None) -> Problem:
    return Problem(
        code=code,
        **text.as_message(),
        path=at.path,
        file=at.file,
        line=at.line,
        column=at.column,
        suggestion=suggestion,
    )


def framework_dirs(start: Path) -> list[Path]:
    """The folders of framework files an id is looked up in from ``start``, in order
    (docs/frameworks.md).

    Local ``specs/`` folders up to the repository root, installed framework
    packages, then the frameworks shipped with perfrules.
    """
    return [place.folder for place in places(start) if place.folder is not None]


def _is_path_ref(ref: str) -> bool:
    return ref.endswith(".toml") or "/" in ref or "\\" in ref or ref.startswith(".")


def _searched_text(searched: list[Place], local: bool) -> Message:
    """Every place searched, grouped by kind, in English and in Chinese (none left out, "none"
    where empty)."""
    groups: list[tuple[str, str, list[Place]]] = []
    if local:
        groups.append(
            (
                f"{SPECS_DIR}/ folders above the unit",
                f"单位上方的 {SPECS_DIR}/ 文件夹",
                [p for p in searched if p.kind == "local"],
            )
        )
    groups.append(
        (
            f"installed framework packages (entry points {ENTRY_POINT_GROUP})",
            f"已安装的框架包（入口点 {ENTRY_POINT_GROUP}）",
            [p for p in searched if p.kind == "package"],
        )
    )
    groups.append(
        (
            "the frameworks shipped with perfrules",
            "perfrules 自带的框架",
            [p for p in searched if p.kind == "shipped"],
        )
    )
    en = "; ".join(
        f"{label}: {', '.join(p.text('en') for p in group) or 'none'}" for label, _, group in groups
    )
    zh = "；".join(
        f"{label}：{'、'.join(p.text('zh') for p in group) or '无'}" for _, label, group in groups
    )
    return Message(en, zh)


# ---------------------------------------------------------------------------


class _Resolver:
    def __init__(self, read: Reader) -> None:
        self.read = read
        self.problems: list[Problem] = []

    def add(self, code: str, at: Location, text: Message, suggestion: str | None = None) -> None:
        self.problems.append(_problem(code, at, text, suggestion))

    # ---- reading the chain ------------------------------------------------

    def locate_ref(
        self, ref_node: _Node, referrer_dir: Path, local: bool
    ) -> tuple[Path, str, bool] | None:
        """The framework file ``ref_node`` names: its path, display name and whether it is a local
        file.

        An id is looked up in the places of :mod:`perfrules.loading._discovery`
        (``local``: starting with the ``specs/`` folders above ``referrer_dir``).
        """
        ref = ref_node.value
        if not isinstance(ref, str):
            got = (
                "a table"
                if isinstance(ref, dict)
                else "an array"
                if isinstance(ref, list)
                else repr(ref)
            )
            self.add(
                _INVALID_VALUE,
                ref_node.where,
                message(("invalid-value", "extends"), got=got),
            )
            return None
        if not ref.strip():
            self.add(
                EXTENDS,
                ref_node.where,
                message(("extends", "empty")),
            )
            return None
        if _is_path_ref(ref):
            path = referrer_dir / ref
            base = os.path.dirname(ref_node.src.file) if ref_node.src.file else ""
            return path, os.path.normpath(os.path.join(base, ref)), True
        searched: list[Place] = []
        known: list[str] = []
        folders: set[Path] = set()
        for place in places(referrer_dir if local else None, dedupe=False):
            searched.append(place)
            if place.folder is None or place.folder.resolve() in folders:
                continue
            folders.add(place.folder.resolve())
            matches = candidates(place, ref)
            known.extend(f.id for f in frameworks_in(place))
            if len(matches) > 1:
                names = ", ".join(m.display for m in matches)
                self.add(
                    EXTENDS,
                    ref_node.where,
                    message(("extends", "ambiguous"), ref=ref, place=place.name, names=names),
                )
                return None
            if matches:
                return matches[0].path, matches[0].display, place.kind == "local"
        self.add(
            EXTENDS,
            ref_node.where,
            message(("extends", "not-found"), ref=ref, searched=_searched_text(searched, local)),
            suggest(ref, sorted(set(known))),
        )
        return None

    def load_chain(
        self, referrer: _Node, referrer_dir: Path, seen: list[tuple[str, str]], local: bool = True
    ) -> list[_Framework] | None:
        """The frameworks ``referrer`` (a file's root node) extends, nearest first; None when
        unreadable.

        ``local``: ids are looked up in ``specs/`` folders above ``referrer_dir``
        first (a unit, or a framework that is itself a local file).
        """
        ref_node = referrer.get("extends")
        assert ref_node is not None
        found = self.locate_ref(ref_node, referrer_dir, local)
        if found is None:
            return None
        path, display, is_local = found
        real = os.path.realpath(path)
        chain_names = [name for _, name in seen]
        if real in (r for r, _ in seen):
            cycle = " → ".join([*chain_names[[r for r, _ in seen].index(real) :], display])
            self.add(
                EXTENDS_CYCLE,
                ref_node.where,
                message("extends-cycle", cycle=cycle),
            )
            return None
        try:
            data, smap = self.read(path, display)
        except SpecError as err:
            for p in err.problems:
                if p.code == "file":
                    self.add(
                        EXTENDS,
                        ref_node.where,
                        message(
                            ("extends", "unreadable"),
                            file=display,
                            reason=Message(p.message, p.message_zh),
                        ),
                    )
                else:
                    self.problems.append(p)
            return None
        table = data.get("framework")
        if not isinstance(table, dict):
            self.add(
                EXTENDS,
                ref_node.where,
                message(("extends", "not-a-framework"), file=display),
            )
            return None
        ident = table.get("id") if isinstance(table.get("id"), str) else Path(display).stem
        src = SourceFile(display, smap.positions, str(ident))
        root = _wrap(data, src, ())
        fw = self.framework(root, src, ref_node)
        if "extends" in data:
            parents = self.load_chain(root, path.parent, [*seen, (real, display)], is_local)
            if parents is None:
                return None
            return [fw, *parents]
        return [fw]

    def framework(self, root: _Node, src: SourceFile, ref: _Node) -> _Framework:
        """Check the [framework] table and the [[versions]] of a framework file."""
        table = root.get("framework")
        assert table is not None
        fw = _Framework(id=str(src.framework), title="", src=src, root=root, ref=ref)
        self.check_keys(table, FRAMEWORK_KEYS)
        for key in ("id", "title"):
            node = table.get(key)
            if node is None:
                self.add(
                    _MISSING_KEY,
                    Location(src.file, (*table.path, key), *src.locate(table.path)),
                    message("missing-key", key=key),
                )
            elif not isinstance(node.value, str):
                self.expected_string(node)
        title = table.get("title")
        fw.title = title.value if title is not None and isinstance(title.value, str) else fw.id
        note = table.get("note")
        if note is not None and not isinstance(note.value, str):
            self.expected_string(note)
        valid = table.get("valid")
        if valid is not None:
            fw.valid = self.period(valid)
        versions = root.get("versions")
        if versions is not None:
            if not isinstance(versions.value, list) or not all(
                isinstance(v.value, dict) for v in versions.value
            ):
                self.add(
                    _INVALID_VALUE,
                    versions.where,
                    message(("invalid-value", "versions")),
                )
            else:
                for i, node in enumerate(versions.value):
                    version = self.version(i, node)
                    if version is not None:
                        fw.versions.append(version)
                # at most _MAX_OVERLAPS pairs are listed: enough to fix first, and bounded work
                overlaps = 0
                for j, later in enumerate(fw.versions):
                    if overlaps >= _MAX_OVERLAPS:
                        break
                    for earlier in fw.versions[:j]:
                        if overlaps >= _MAX_OVERLAPS:
                            break
                        if later.period.overlaps(earlier.period):
                            overlaps += 1
                            at = later.node.get("valid")
                            first = earlier.node.get("valid")
                            assert at is not None and first is not None
                            self.add(
                                VERSION_OVERLAP,
                                at.where,
                                message(
                                    "version-overlap",
                                    later=Message(later.period.label, later.period.label_zh),
                                    earlier=Message(earlier.period.label, earlier.period.label_zh),
                                    index=earlier.index,
                                    line=first.where.line,
                                ),
                            )
        return fw

    def version(self, index: int, node: _Node) -> _Version | None:
        for key, sub in node.value.items():
            if key in SPECIAL_KEYS:
                self.add(
                    _UNKNOWN_KEY,
                    sub.where,
                    message(("unknown-key", "version"), key=key),
                )
        note = node.get("note")
        if note is not None and not isinstance(note.value, str):
            self.expected_string(note)
        valid = node.get("valid")
        if valid is None:
            line, column = node.src.locate(node.path)
            self.add(
                _MISSING_KEY,
                Location(node.src.file, (*node.path, "valid"), line, column),
                message(("missing-key", "valid")),
            )
            return None
        period = self.period(valid)
        return None if period is None else _Version(index, period, node)

    def period(self, node: _Node) -> Period | None:
        if not isinstance(node.value, dict):
            self.add(
                _INVALID_VALUE,
                node.where,
                message(("invalid-value", "valid")),
            )
            return None
        self.check_keys(node, PERIOD_KEYS)
        bounds: list[tuple[int | None, str | None]] = []
        ok = True
        for key in PERIOD_KEYS:
            sub = node.get(key)
            if sub is None:
                bounds.append((None, None))
            elif (
                isinstance(sub.value, bool)
                or not isinstance(sub.value, int | datetime.date)
                or isinstance(sub.value, datetime.datetime)
            ):
                self.add(
                    _INVALID_VALUE,
                    sub.where,
                    message(("invalid-value", "valid-end"), key=key),
                )
                ok = False
            elif (
                problem := year_problem(
                    sub.value.year if isinstance(sub.value, datetime.date) else sub.value
                )
            ) is not None:
                self.add(
                    _INVALID_VALUE,
                    sub.where,
                    message(("invalid-value", "valid-year"), key=key, problem=Message(*problem)),
                )
                ok = False
            elif isinstance(sub.value, datetime.date):
                bounds.append((sub.value.year, sub.value.isoformat()))
            else:
                bounds.append((sub.value, str(sub.value)))
        if not ok:
            return None
        (start, start_text), (end, end_text) = bounds
        period = Period(start, end, start_text, end_text)
        if start is not None and end is not None and start > end:
            self.add(
                VERSION_PERIOD,
                node.where,
                message("version-period", period=Message(period.label, period.label_zh)),
            )
            return None
        return period

    def check_keys(self, node: _Node, allowed: tuple[str, ...] | list[str]) -> None:
        for key, sub in node.value.items():
            if key not in allowed:
                self.add(
                    _UNKNOWN_KEY,
                    sub.where,
                    message("unknown-key", key=key, allowed=listing(allowed)),
                    suggest(key, allowed),
                )

    def expected_string(self, node: _Node) -> None:
        self.add(_INVALID_VALUE, node.where, message(("invalid-value", "string")))

    # ---- merging ------------------------------------------------------------

    def conflict(self, node: _Node, prev: _Node, what: str | None, how: str) -> None:
        fw = prev.src.framework or "?"
        self.add(
            OVERRIDE_CONFLICT,
            node.where,
            message(
                "override-conflict",
                what=Message(what + " is " if what else "", what or "此项"),
                fw=fw,
                at=prev.where.text,
                how=how,
            ),
        )

    def merge(self, base: _Node | None, own: _Node, parent: str | None) -> _Node:
        """``own`` (a file's values) on top of ``base`` (what it inherits), then the file's
        [overrides]."""
        result: dict[str, _Node] = dict(base.value) if base is not None else {}
        for key, node in own.value.items():
            if key in SPECIAL_KEYS:
                continue
            prev = result.get(key)
            field = SPEC_FIELDS.get(key)
            if prev is None:
                result[key] = node
            elif (
                field is not None
                and field.kind == "table"
                and isinstance(prev.value, dict)
                and isinstance(node.value, dict)
            ):
                merged = dict(prev.value)
                for k, sub in node.value.items():
                    if k in prev.value:
                        self.conflict(sub, prev.value[k], None, f"[overrides.{key}] {k} = …")
                    merged[k] = sub
                result[key] = _Node(merged, node.src, node.path)
            elif (
                field is not None
                and field.kind == "keyed"
                and isinstance(prev.value, list)
                and isinstance(node.value, list)
            ):
                entries = list(prev.value)
                index = {i: n for n, e in enumerate(entries) if (i := _entry_id(e)) is not None}
                for entry in node.value:
                    ident = _entry_id(entry)
                    if ident is not None and ident in index:
                        old = entries[index[ident]]
                        self.conflict(
                            entry.get("id") or entry,
                            old.get("id") or old,
                            f"{key} entry {ident!r}",
                            f"[[overrides.{key}]] id = {ident!r} with the fields to change",
                        )
                        entries[index[ident]] = entry
                    else:
                        entries.append(entry)
                result[key] = _Node(entries, node.src, node.path)
            else:
                self.conflict(
                    node,
                    prev,
                    None,
                    f"overrides.{key} = …"
                    if field is None or field.kind != "table"
                    else f"[overrides.{key}]",
                )
                result[key] = node
        overrides = own.get("overrides")
        if overrides is not None:
            self.overrides(result, base, overrides, parent)
        return _Node(result, own.src, own.path)

    def overrides(
        self, result: dict[str, _Node], base: _Node | None, ov: _Node, parent: str | None
    ) -> None:
        if not isinstance(ov.value, dict):
            self.add(
                _INVALID_VALUE,
                ov.where,
                message(("invalid-value", "overrides")),
            )
            return
        if base is None:
            self.add(
                OVERRIDE_DANGLING,
                ov.where,
                message(("override-dangling", "no-extends")),
            )
            return
        inherited: dict[str, _Node] = base.value
        fields = list(SPEC_FIELDS)
        for key, node in ov.value.items():
            field = SPEC_FIELDS.get(key)
            if field is None:
                self.add(
                    _UNKNOWN_KEY,
                    node.where,
                    message(("unknown-key", "overrides"), key=key, allowed=listing(fields)),
                    suggest(key, fields),
                )
                continue
            prev = inherited.get(key)
            if prev is None:
                self.add(
                    OVERRIDE_DANGLING,
                    node.where,
                    message(("override-dangling", "table"), parent=parent, key=key),
                    suggest(key, [k for k in inherited if k in SPEC_FIELDS]),
                )
                continue
            if field.kind == "table":
                self.override_table(result, key, field, prev, node, parent)
            elif field.kind == "whole":
                if not isinstance(node.value, list):
                    self.add(
                        _INVALID_VALUE,
                        node.where,
                        message(("invalid-value", "overrides-like"), key=key),
                    )
                    continue
                result[key] = node
            else:
                self.override_entries(result, key, field, prev, node, parent)

    def override_table(
        self,
        result: dict[str, _Node],
        key: str,
        field: SpecField,
        prev: _Node,
        node: _Node,
        parent: str | None,
    ) -> None:
        if not isinstance(node.value, dict):
            self.add(
                _INVALID_VALUE,
                node.where,
                message(("invalid-value", "overrides-table"), key=key),
            )
            return
        allowed = _field_names(field.cls)
        current = result[key]
        merged = dict(current.value) if isinstance(current.value, dict) else {}
        for k, sub in node.value.items():
            if k not in allowed:
                self.add(
                    _UNKNOWN_KEY,
                    sub.where,
                    message("unknown-key", key=k, allowed=listing(allowed)),
                    suggest(k, allowed),
                )
            elif not isinstance(prev.value, dict) or k not in prev.value:
                defined = list(prev.value) if isinstance(prev.value, dict) else []
                self.add(
                    OVERRIDE_DANGLING,
                    sub.where,
                    message(("override-dangling", "key"), parent=parent, key=key, k=k),
                    suggest(k, defined),
                )
            else:
                merged[k] = sub
        result[key] = _Node(merged, current.src, current.path)

    def override_entries(
        self,
        result: dict[str, _Node],
        key: str,
        field: SpecField,
        prev: _Node,
        node: _Node,
        parent: str | None,
    ) -> None:
        if not isinstance(node.value, list) or not all(
            isinstance(e.value, dict) for e in node.value
        ):
            self.add(
                _INVALID_VALUE,
                node.where,
                message(("invalid-value", "overrides-array"), key=key),
            )
            return
        allowed = _field_names(field.cls)
        inherited_ids = (
            [i for e in prev.value if (i := _entry_id(e)) is not None]
            if isinstance(prev.value, list)
            else []
        )
        inherited = set(inherited_ids)
        did_you_mean = Suggestions(inherited_ids)
        current = result[key]
        entries = list(current.value) if isinstance(current.value, list) else []
        position: dict[str, int] = {}  # each id's first entry, as a scan finds it
        for n, e in enumerate(entries):
            if (i := _entry_id(e)) is not None:
                position.setdefault(i, n)
        done: dict[str, _Node] = {}
        for entry in node.value:
            ident_node = entry.get("id")
            if ident_node is None:
                line, column = entry.src.locate(entry.path)
                self.add(
                    _MISSING_KEY,
                    Location(entry.src.file, (*entry.path, "id"), line, column),
                    message(("missing-key", "override-id"), key=key),
                )
                continue
            ident = ident_node.value
            if not isinstance(ident, str):
                self.expected_string(ident_node)
                continue
            bad = False
            for k, sub in entry.value.items():
                if k not in allowed:
                    bad = True
                    self.add(
                        _UNKNOWN_KEY,
                        sub.where,
                        message("unknown-key", key=k, allowed=listing(allowed)),
                        suggest(k, allowed),
                    )
            if ident not in inherited:
                self.add(
                    OVERRIDE_DANGLING,
                    ident_node.where,
                    message(("override-dangling", "entry"), parent=parent, key=key, ident=ident),
                    did_you_mean(ident),
                )
                continue
            if ident in done:
                first = done[ident]
                self.add(
                    OVERRIDE_CONFLICT,
                    ident_node.where,
                    message(
                        ("override-conflict", "twice"), key=key, ident=ident, at=first.where.text
                    ),
                )
                continue
            done[ident] = ident_node
            if bad:
                continue
            at = position[ident]
            target = entries[at]
            fields = dict(target.value)
            fields.update({k: sub for k, sub in entry.value.items() if k != "id"})
            entries[at] = _Node(fields, target.src, target.path)
        result[key] = _Node(entries, current.src, current.path)

    def apply_version(self, merged: _Node, version: _Version) -> _Node:
        """The version's values replace the framework's (own or inherited) for its period."""
        result = dict(merged.value)
        for key, node in version.node.value.items():
            if key in VERSION_KEYS or key in SPECIAL_KEYS:
                continue
            prev = result.get(key)
            field = SPEC_FIELDS.get(key)
            if prev is None or field is None or field.kind == "whole":
                result[key] = node
            elif (
                field.kind == "table"
                and isinstance(prev.value, dict)
                and isinstance(node.value, dict)
            ):
                result[key] = _Node({**prev.value, **node.value}, prev.src, prev.path)
            elif (
                field.kind == "keyed"
                and isinstance(prev.value, list)
                and isinstance(node.value, list)
            ):
                entries = list(prev.value)
                position: dict[str, int] = {}  # each id's first entry, as a scan finds it
                for n, e in enumerate(entries):
                    if (i := _entry_id(e)) is not None:
                        position.setdefault(i, n)
                for entry in node.value:
                    ident = _entry_id(entry)
                    at = position.get(ident) if ident is not None else None
                    if at is None:
                        if ident is not None:
                            position[ident] = len(entries)
                        entries.append(entry)
                    elif isinstance(entry.value, dict) and isinstance(entries[at].value, dict):
                        entries[at] = _Node(
                            {**entries[at].value, **entry.value}, entries[at].src, entries[at].path
                        )
                result[key] = _Node(entries, prev.src, prev.path)
            else:
                result[key] = node
        return _Node(result, merged.src, merged.path)

    # ---- versions -------------------------------------------------------------

    def pick(
        self, fw: _Framework, year: int | None, forced: dict[int, int]
    ) -> tuple[_Version | None, str, str]:
        """The version of ``fw`` in force for ``year``, and why (zh, en)."""
        if id(fw) in forced:
            version = next(v for v in fw.versions if v.index == forced[id(fw)])
            return version, "", ""
        if year is None:
            return None, "", ""
        for version in fw.versions:
            if version.period.covers(year):
                label, label_zh = version.period.label, version.period.label_zh
                return (
                    version,
                    f"{year}年度适用（版本有效期：{label_zh}）",
                    f"in force for {year} (version valid {label})",
                )
        if fw.valid is not None and fw.valid.covers(year):
            label, label_zh = fw.valid.label, fw.valid.label_zh
            extra_zh, extra_en = (
                ("；无适用的分期版本", "; no dated version applies") if fw.versions else ("", "")
            )
            return (
                None,
                f"{year}年度适用（框架有效期：{label_zh}{extra_zh}）",
                f"in force for {year} (framework valid {label}{extra_en})",
            )
        if fw.valid is None and not fw.versions:
            return (
                None,
                "框架未分年度版本，适用于所有年度",
                "the framework has no dated versions; it applies to every year",
            )
        spans = [v.period for v in fw.versions] + ([fw.valid] if fw.valid is not None else [])
        self.add(
            NO_VERSION,
            fw.ref.where,
            message(
                "no-version",
                fw=fw.id,
                year=year,
                spans=Message(
                    ", ".join(p.label for p in spans), "、".join(p.label_zh for p in spans)
                ),
            ),
        )
        return None, "", ""

    def effective(
        self, chain: list[_Framework], k: int, year: int | None, forced: dict[int, int]
    ) -> _Node:
        """Framework ``chain[k]`` as in force: its parents, its own values and overrides, its
        version."""
        fw = chain[k]
        base = self.effective(chain, k + 1, year, forced) if k + 1 < len(chain) else None
        parent = chain[k + 1].id if k + 1 < len(chain) else None
        merged = self.merge(base, fw.root, parent)
        version, _, _ = self.pick(fw, year, forced)
        return merged if version is None else self.apply_version(merged, version)

    # ---- the unit ---------------------------------------------------------------

    def flatten(
        self, unit: _Node, chain: list[_Framework], year: int | None, forced: dict[int, int]
    ) -> tuple[dict[str, Any], dict[PathKey, tuple[SourceFile, PathKey]]]:
        base = self.effective(chain, 0, year, forced) if chain else None
        merged = self.merge(base, unit, chain[0].id if chain else None)
        self.drop_templates(merged)
        categories = merged.value.get("categories")
        if categories is not None and isinstance(categories.value, list):
            merged.value["categories"] = _Node(
                _tree_order(categories.value), categories.src, categories.path
            )
        origins: dict[PathKey, tuple[SourceFile, PathKey]] = {}
        data = _unwrap(merged, (), origins)
        return data, origins

    def drop_templates(self, merged: _Node) -> None:
        """Leave out inherited entries without a weight (templates no override completed)."""
        dropped: dict[str, _Node] = {}
        for key, field in SPEC_FIELDS.items():
            node = merged.value.get(key)
            if field.kind != "keyed" or "weight" not in _field_names(field.cls) or node is None:
                continue
            if not isinstance(node.value, list):
                continue
            kept: list[_Node] = []
            allowed = _field_names(field.cls)
            for entry in node.value:
                if (
                    entry.src.framework is not None
                    and isinstance(entry.value, dict)
                    and "weight" not in entry.value
                ):
                    if key == "categories" and (ident := _entry_id(entry)) is not None:
                        dropped[ident] = entry
                    self.check_keys(entry, allowed)  # never structured: its keys are checked here
                    continue
                kept.append(entry)
            merged.value[key] = _Node(kept, node.src, node.path)
        if not dropped:
            return
        for key, ref in (("categories", "parent"), ("indicators", "category")):
            node = merged.value.get(key)
            for entry in node.value if node is not None and isinstance(node.value, list) else []:
                target = entry.get(ref)
                if target is not None and isinstance(target.value, str) and target.value in dropped:
                    tpl = dropped[target.value]
                    fw = tpl.src.framework
                    self.add(
                        FRAMEWORK_TEMPLATE,
                        target.where,
                        message(
                            "framework-template", category=target.value, fw=fw, at=tpl.where.text
                        ),
                    )


def _tree_order(entries: list[_Node]) -> list[_Node]:
    """Categories with each one followed by its children (file order otherwise kept)."""
    ids = {i for e in entries if (i := _entry_id(e)) is not None}

    def parent_of(entry: _Node) -> str | None:
        node = entry.get("parent")
        return (
            node.value
            if node is not None and isinstance(node.value, str) and node.value in ids
            else None
        )

    out: list[_Node] = []
    placed: set[int] = set()
    children: dict[str, list[_Node]] = {}  # in file order
    for entry in entries:
        parent = parent_of(entry)
        if parent is not None:
            children.setdefault(parent, []).append(entry)

    def place(first: _Node) -> None:  # depth first, children in file order; a stack, not recursion
        stack = [first]
        while stack:
            entry = stack.pop()
            if id(entry) in placed:
                continue
            placed.add(id(entry))
            out.append(entry)
            ident = _entry_id(entry)
            kids = children.get(ident, []) if ident is not None else []
            stack.extend(child for child in reversed(kids) if child is not entry)

    for entry in entries:
        if parent_of(entry) is None or parent_of(entry) == _entry_id(entry):
            place(entry)
    for entry in entries:  # parent cycles: keep what is left, in file order
        place(entry)
    return out


def _year(unit: dict[str, Any], chain: list[_Framework]) -> int | None:
    for meta in (unit.get("meta"), *(fw.root.get("meta") for fw in chain)):
        if isinstance(meta, _Node):
            meta = _unwrap(meta, (), {})
        year = meta.get("year") if isinstance(meta, dict) else None
        if isinstance(year, int) and not isinstance(year, bool):
            # not a budget year: meta.year's own problem
            return year if year_problem(year) is None else None
    return None


def _reason(
    resolver: _Resolver, chain: list[_Framework], year: int | None
) -> tuple[str | None, str | None]:
    """The version label of the unit's framework and why it (and its parents' versions) apply."""
    parts_zh: list[str] = []
    parts_en: list[str] = []
    label: str | None = None
    for k, fw in enumerate(chain):
        version, zh, en = resolver.pick(fw, year, {})
        if k == 0:
            label = (
                version.period.label
                if version is not None
                else fw.valid.label
                if fw.valid is not None
                else None
            )
            parts_zh.append(zh)
            parts_en.append(en)
        else:
            parts_zh.append(f"上级框架“{fw.id}”：{zh}")
            parts_en.append(f"parent framework {fw.id!r}: {en}")
    if not any(parts_zh):
        return label, None
    return label, f"{'；'.join(parts_zh)} / {'; '.join(parts_en)}"


def framework_problem(data: dict[str, Any], source: SourceMap) -> Problem:
    """The problem of loading a framework file as if it were a complete spec."""
    table = data.get("framework")
    ident = table.get("id") if isinstance(table, dict) else None
    name = ident if isinstance(ident, str) else "…"
    line, column = source.locate(("framework",))
    return Problem(
        code=FRAMEWORK_FILE,
        **message("framework-file", name=name).as_message(),
        path=("framework",),
        file=source.file,
        line=line,
        column=column,
    )


def resolve_extends(
    data: dict[str, Any],
    source: SourceMap,
    *,
    read: Reader,
    structural: Structural,
    start: str | os.PathLike[str] | None = None,
) -> Resolved:
    """Flatten a spec that extends frameworks into one spec's data, with every problem located.

    ``read`` parses a framework file; ``structural`` gives the strict
    structural problems of data (used to check the versions not in force).
    Framework references are looked up from ``start`` (a folder), by default
    the folder of ``source.file`` (the working directory without a file).
    """
    resolver = _Resolver(read)
    unit_src = SourceFile(source.file, source.positions, None)
    unit = _wrap(data, unit_src, ())
    if "versions" in data:
        resolver.add(
            _UNKNOWN_KEY,
            unit.value["versions"].where,
            message(("unknown-key", "versions")),
        )
        del unit.value["versions"]
    chain: list[_Framework] = []
    if "extends" in data:
        here = (
            Path(start)
            if start is not None
            else Path(source.file).parent
            if source.file
            else Path.cwd()
        )
        real = os.path.realpath(source.file) if source.file else "<input>"
        loaded = resolver.load_chain(unit, here.absolute(), [(real, source.file or "<input>")])
        if loaded is None:
            return Resolved(data, source, None, tuple(resolver.problems), fatal=True)
        chain = loaded
    year = _year(unit.value, chain)
    flat, origins = resolver.flatten(unit, chain, year, {})
    smap = SourceMap(source.file, source.positions, origins, ("extends",) if chain else None)
    problems = list(resolver.problems)
    seen = {(p.code, p.file, p.path, p.message) for p in problems}
    # the versions not in force are checked too: their problems are problems of the file
    for fw in chain:
        picked, _, _ = _Resolver(read).pick(fw, year, {})
        for version in fw.versions[:_VERSIONS_CHECKED]:
            if version is picked:
                continue
            other = _Resolver(read)
            data_v, origins_v = other.flatten(unit, chain, year, {id(fw): version.index})
            found = other.problems + structural(
                data_v, SourceMap(source.file, source.positions, origins_v, ("extends",))
            )
            for p in found:
                key = (p.code, p.file, p.path, p.message)
                if (
                    p.file == fw.src.file
                    and p.path[:2] == ("versions", version.index)
                    and key not in seen
                ):
                    seen.add(key)
                    problems.append(p)
    info = None
    if chain:
        label, reason = _reason(_Resolver(read), chain, year)
        info = FrameworkInfo(
            id=chain[0].id,
            title=chain[0].title,
            file=chain[0].src.file,
            version=label,
            reason=reason,
        )
    return Resolved(flat, smap, info, tuple(problems))
