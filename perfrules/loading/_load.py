"""Loading specs and actuals from TOML, strictly, with every problem located.

The loader works in stages, each public (``perfrules.loading``, docs/spec-format.md):

1. :func:`read_toml` — a file → its data and a :class:`~perfrules.model.SourceMap`
   (:func:`read_text`: a bounded read of UTF-8 text; :func:`parse_toml_text`:
   bounded TOML, the line:column of every key computed when first asked for);
2. :func:`load_data` — data and source map → a checked :class:`~perfrules.model.Spec`
   or :class:`~perfrules.model.Actuals`: a spec's ``extends`` resolved
   (:func:`~perfrules.loading.resolve_extends`), strict structuring, validation,
   every problem located through the source map;
3. :func:`resolve_framework` — a framework's flattened data for a unit's meta,
   without a unit spec around it.

``loads_spec(text, file=f)`` is ``load_data(*parse_toml_text(text, f))``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, TypeVar, overload

import attrs
import cattrs
import tomli_w
from cattrs.errors import (
    AttributeValidationNote,
    ForbiddenExtraKeysError,
    IterableValidationNote,
)

from perfrules._errors import PathKey, Problem, SpecError
from perfrules._messages import listing, message
from perfrules._names import ACTUALS_FILE, SPEC_FILE
from perfrules._suggest import suggest
from perfrules.core import validate_actuals, validate_spec
from perfrules.loading._converter import AtKey, ValueProblem, converter
from perfrules.loading._decode import decode_text, encoding_problem
from perfrules.loading._extends import Reader, framework_problem, resolve_extends, uses_frameworks
from perfrules.loading._toml_index import LazyPositions, parse_toml, read_bytes
from perfrules.model import METHODS, Actuals, FrameworkInfo, SourceMap, Spec, make_problem

T = TypeVar("T")

# What strict structuring raises for data that does not fit the model (read by
# :func:`structure_problems`).
STRUCTURE_ERRORS = (cattrs.BaseValidationError, ExceptionGroup, ValueError, TypeError)


# ---------------------------------------------------------------------------
# stage 1: a file → data and a source map


def parse_toml_text(text: str, file: str | None = None) -> tuple[dict[str, Any], SourceMap]:
    """TOML text → its data and a source map naming ``file``; :class:`SpecError` if it is not
    bounded TOML.

    The source map's positions (key path → line, column) are computed the
    first time one is asked for. Dotted keys of too many parts, nesting too
    deep and over-long integers are refused before :mod:`tomllib` sees them
    (:mod:`perfrules._limits`), every problem located in ``file``.
    """
    try:
        data = parse_toml(text)
    except SpecError as err:
        raise SpecError([attrs.evolve(p, file=file) for p in err.problems]) from None
    return data, SourceMap(file=file, positions=LazyPositions(text))


def read_text(path: str | os.PathLike[str]) -> str:
    """The text of a file; :class:`SpecError` with a located ``file`` or ``encoding`` problem
    otherwise.

    Only a regular file of at most 16 MiB is read (a pipe or a device is
    refused before it is opened); the bytes must be UTF-8 (a BOM is dropped),
    and text that is not gets the line and column of its first bad byte, with
    a hint when it reads as GBK or UTF-16.
    """
    p = Path(path)
    raw = read_bytes(p)
    try:
        return decode_text(raw)
    except UnicodeDecodeError as exc:
        raise SpecError([attrs.evolve(encoding_problem(raw, exc.start), file=str(p))]) from None


def read_toml(
    path: str | os.PathLike[str], display: str | None = None
) -> tuple[dict[str, Any], SourceMap]:
    """A TOML file → its data and source map: :func:`read_text`, then :func:`parse_toml_text`.

    ``display`` is how problems and the source map name the file (by default
    ``path`` as given).
    """
    shown = str(path) if display is None else display
    try:
        text = read_text(path)
    except SpecError as err:
        raise SpecError([attrs.evolve(p, file=shown) for p in err.problems]) from None
    return parse_toml_text(text, shown)


def _fields(cls: type[Any]) -> list[str]:
    if cls in METHODS.values():  # scoring methods name themselves with a ``name`` key
        return ["name", *(f.name for f in attrs.fields(cls))]
    if not attrs.has(cls):
        return []
    hidden = {"source", "framework"} if cls is Spec else {"source"} if cls is Actuals else set()
    return [f.name for f in attrs.fields(cls) if f.name not in hidden]


def _walk(exc: BaseException, path: PathKey) -> Iterator[tuple[PathKey, BaseException]]:
    if isinstance(exc, AtKey):
        for inner in exc.exceptions:
            yield from _walk(inner, (*path, exc.key))
        return
    if isinstance(exc, BaseExceptionGroup):
        for sub in exc.exceptions:
            sub_path = path
            for note in getattr(sub, "__notes__", ()):
                if isinstance(note, AttributeValidationNote):
                    sub_path = (*path, note.name)
                elif isinstance(note, IterableValidationNote):
                    sub_path = (*path, note.index)
            yield from _walk(sub, sub_path)
        return
    yield path, exc


def _problems(exc: BaseException) -> list[Problem]:
    """The structural problems in ``exc``, with key paths of the data and no location yet."""
    out: list[Problem] = []
    hints: dict[
        tuple[str, type[Any]], str | None
    ] = {}  # one typo repeated in 100,000 entries: one did-you-mean
    for path, err in _walk(exc, ()):
        if isinstance(err, ForbiddenExtraKeysError):
            allowed = _fields(err.cl)
            for key in sorted(err.extra_fields):
                if (key, err.cl) not in hints:
                    hints[(key, err.cl)] = suggest(key, allowed)
                out.append(
                    make_problem(
                        "unknown-key",
                        (*path, key),
                        **message("unknown-key", key=key, allowed=listing(allowed)).as_en_zh(),
                        suggestion=hints[(key, err.cl)],
                    )
                )
        elif isinstance(err, KeyError):
            key = str(path[-1]) if path else str(err)
            out.append(
                make_problem(
                    "missing-key",
                    path,
                    **message("missing-key", key=key).as_en_zh(),
                )
            )
        elif isinstance(err, ValueProblem):
            out.append(
                make_problem("invalid-value", path, en=err.en, zh=err.zh, suggestion=err.suggestion)
            )
        else:
            out.append(
                make_problem(
                    "invalid-value", path, **message("invalid-value", error=err).as_en_zh()
                )
            )
    return out


# Problems of a value as written (its key, its type): located where the key is written, even in a
# framework file.
_AS_WRITTEN = frozenset({"unknown-key", "invalid-value"})


def _locate(problem: Problem, source: SourceMap) -> Problem:
    """``problem`` (key path of the data) located through ``source``."""
    return make_problem(
        problem.code,
        problem.path,
        en=problem.message,
        zh=problem.message_zh,
        source=source,
        suggestion=problem.suggestion,
        severity=problem.severity,
        written=problem.code in _AS_WRITTEN,
    )


def _as_suggested(data: Any, fixes: dict[PathKey, str | None]) -> Any:
    """A deep copy of ``data`` with each misspelt key renamed as suggested (or dropped)."""
    below: dict[str | int, dict[PathKey, str | None]] = {}  # the fixes under each key, one pass
    for p, s in fixes.items():
        if len(p) > 1:
            below.setdefault(p[0], {})[p[1:]] = s
    if isinstance(data, dict):
        out: dict[Any, Any] = {}
        for k, v in data.items():
            sub = below.get(k, {})
            if (k,) in fixes:
                new = fixes[(k,)]
                if new is not None and new not in data:
                    out[new] = _as_suggested(v, sub)
                continue
            out[k] = _as_suggested(v, sub)
        return out
    if isinstance(data, list):
        return [_as_suggested(v, below.get(i, {})) for i, v in enumerate(data)]
    return data


def _dedupe(problems: list[Problem]) -> list[Problem]:
    """Drop 'missing key k' where an unknown key beside it is a misspelling of k (one typo, one
    problem)."""
    misspelt = {
        (p.path[:-1], p.suggestion) for p in problems if p.code == "unknown-key" and p.suggestion
    }
    return [
        p
        for p in problems
        if not (p.code == "missing-key" and p.path and (p.path[:-1], p.path[-1]) in misspelt)
    ]


def structure_problems(exc: BaseException, source: SourceMap) -> list[Problem]:
    """The located problems of a failed strict structuring (``exc``, one of
    :data:`STRUCTURE_ERRORS`).

    Unknown keys with a did-you-mean, missing keys, values of the wrong type
    or form, each located through ``source``; a missing key whose misspelling
    is beside it is one problem, not two. Hooks report a value's problem by
    raising :class:`ValueProblem`, and tables keyed by data by :class:`AtKey`.
    """
    return [_locate(p, source) for p in _dedupe(_problems(exc))]


# ---------------------------------------------------------------------------
# stage 2: data and a source map → a checked model


def _structure(
    data: dict[str, Any], cls: type[T], source: SourceMap, validate: Callable[[T], list[Problem]]
) -> T:
    """Structure strictly, then validate; raise every problem found in both stages at once.

    When the only structural problems are unknown keys, the semantic checks
    still run, on the data read as the did-you-means suggest (keys without a
    suggestion dropped), so that a typo does not hide a wrong weight further
    down. Problems found that way are real once the typo is fixed as suggested.
    """
    try:
        obj = converter.structure(data, cls)
    except STRUCTURE_ERRORS as exc:
        failed: BaseException | None = exc
    else:
        failed = None
    if failed is not None:
        # raised outside the except block: the SpecError carries no __context__, so it pickles
        # whole even where tblib's pickling support is installed (distributed does), which
        # would pickle the context too — and cattrs' validation errors do not unpickle
        raw = _dedupe(_problems(failed))
        problems = [_locate(p, source) for p in raw]
        if all(p.code == "unknown-key" for p in raw):
            fixes = {p.path: p.suggestion for p in raw}
            lenient = _structure_or_none(_as_suggested(data, fixes), cls)
            if lenient is not None:
                problems += validate(attrs.evolve(lenient, source=source))  # type: ignore[misc]
        raise SpecError(problems)
    obj = attrs.evolve(obj, source=source)  # type: ignore[misc]
    problems = validate(obj)
    if problems:
        raise SpecError(problems)
    return obj


def _structure_or_none(data: dict[str, Any], cls: type[T]) -> T | None:
    """``data`` structured as ``cls``, or ``None`` when it does not fit."""
    try:
        return converter.structure(data, cls)
    except STRUCTURE_ERRORS:
        return None


def structural_problems(data: dict[str, Any], source: SourceMap) -> list[Problem]:
    """The strict structural problems of spec data (no semantic checks), located; ``[]`` when it
    structures."""
    try:
        converter.structure(data, Spec)
    except STRUCTURE_ERRORS as exc:
        return structure_problems(exc, source)
    return []


@overload
def load_data(
    data: dict[str, Any],
    source: SourceMap | None = None,
    kind: type[Spec] = ...,
    *,
    read: Reader = ...,
) -> Spec: ...
@overload
def load_data(
    data: dict[str, Any], source: SourceMap | None, kind: type[Actuals], *, spec: Spec | None = None
) -> Actuals: ...
def load_data(
    data: dict[str, Any],
    source: SourceMap | None = None,
    kind: type[Spec] | type[Actuals] = Spec,
    *,
    spec: Spec | None = None,
    read: Reader | None = None,
) -> Spec | Actuals:
    """Data (as :mod:`tomllib` reads it) → a checked :class:`Spec` or :class:`Actuals`;
    :class:`SpecError` otherwise.

    Spec data that ``extends`` a framework is flattened first (``read``
    reads each framework file, :func:`read_toml` by default); then the data
    is structured strictly (no unknown key, no coercion) and validated
    (:func:`perfrules.core.validate_spec`; for actuals with ``spec``,
    :func:`perfrules.core.validate_actuals` against it). Every problem of
    every stage is raised at once, located through ``source`` (the
    :class:`SourceMap` of :func:`read_toml` or :func:`parse_toml_text`; one
    whose ``places`` a reader recorded while building the data from a
    workbook's cells or a table's rows, so that each problem is at its
    ``sheet!A1`` cell or row:column; or none for data built in Python). The
    result carries ``source``.
    """
    smap = source if source is not None else SourceMap(file=None)
    if kind is Actuals:
        if read is not None:
            raise TypeError("load_data: read= applies to spec data only")
        return _structure(
            data, Actuals, smap, lambda a: validate_actuals(spec, a) if spec is not None else []
        )
    if kind is not Spec:
        raise TypeError(f"load_data: kind must be Spec or Actuals, not {kind!r}")
    if spec is not None:
        raise TypeError("load_data: spec= applies to actuals data only")
    if not uses_frameworks(data):
        return _structure(data, Spec, smap, validate_spec)
    if "framework" in data:
        raise SpecError([framework_problem(data, smap)])
    res = resolve_extends(data, smap, read=read or read_toml, structural=structural_problems)
    if res.fatal:
        raise SpecError(res.problems)
    if res.problems:  # with every structural problem of the merged data, but no semantic checks
        raise SpecError([*res.problems, *structural_problems(res.data, res.source)])
    loaded = _structure(res.data, Spec, res.source, validate_spec)
    return attrs.evolve(loaded, framework=res.framework)


# ---------------------------------------------------------------------------
# stage 3: a framework on its own


def resolve_framework(
    framework: str,
    meta: Mapping[str, Any] | None = None,
    *,
    start: str | os.PathLike[str] | None = None,
    read: Reader | None = None,
) -> tuple[dict[str, Any], FrameworkInfo | None, list[Problem]]:
    """The flattened data of ``framework`` for a unit with ``meta``, the framework's info, and the
    problems found.

    ``framework`` is what a unit spec's ``extends`` names: a framework id
    (looked up in the ``specs/`` folders above ``start``, the working
    directory by default, then in installed framework packages and among the
    shipped frameworks) or a file path (relative to ``start``). ``meta``'s
    ``year`` picks the dated version in force. The data is what a unit spec
    that only extends the framework starts from, ``meta`` included: it is
    neither structured nor validated (:func:`load_data` does that once the
    unit's own keys are added). The problems are those of finding, reading
    and merging the framework's files; ``info`` is None when none could be read.
    """
    probe: dict[str, Any] = {"extends": framework, "meta": dict(meta or {})}
    res = resolve_extends(
        probe,
        SourceMap(file=None),
        read=read or read_toml,
        structural=lambda data, source: [],
        start=start,
    )
    return res.data, res.framework, list(res.problems)


# ---------------------------------------------------------------------------
# the whole loader


def loads_spec(text: str, *, file: str | None = None) -> Spec:
    """Load a spec from TOML text; raise :class:`SpecError` listing every problem.

    A spec that ``extends`` a framework is flattened first (docs/frameworks.md):
    a framework named by a path is read relative to ``file``'s folder (the
    working directory for text without a file), one named by id from the
    nearest ``specs/`` folder above it. The result is one flat spec whose
    ``framework`` says which framework (and which dated version) it was built
    from. A framework file itself is not a spec and is refused.
    """
    data, source = parse_toml_text(text, file)
    return load_data(data, source, Spec)


def load_spec(path: str | os.PathLike[str]) -> Spec:
    """Load a spec file; a folder means its ``spec.toml``."""
    p = Path(path)
    if p.is_dir():
        p = p / SPEC_FILE
    return loads_spec(read_text(p), file=str(p))


def loads_actuals(text: str, *, file: str | None = None, spec: Spec | None = None) -> Actuals:
    """Load actuals from TOML text; with ``spec``, also check them against it."""
    data, source = parse_toml_text(text, file)
    return load_data(data, source, Actuals, spec=spec)


def load_actuals(path: str | os.PathLike[str], spec: Spec | None = None) -> Actuals:
    """Load an actuals file; a folder means its ``actuals.toml``."""
    p = Path(path)
    if p.is_dir():
        p = p / ACTUALS_FILE
    return loads_actuals(read_text(p), file=str(p), spec=spec)


def load_example(folder: str | os.PathLike[str]) -> tuple[Spec, Actuals]:
    """Load ``spec.toml`` and ``actuals.toml`` from one folder, checked against each other."""
    spec = load_spec(Path(folder) / SPEC_FILE)
    return spec, load_actuals(Path(folder) / ACTUALS_FILE, spec=spec)


def dumps_spec(spec: Spec) -> str:
    """The spec as TOML text that :func:`loads_spec` reads back to an equal spec.

    A spec built from a framework is written flattened: every value it has,
    no ``extends``; a comment names the framework it came from.
    """
    data = converter.unstructure(spec, Spec)
    data.pop("framework", None)
    head = ""
    if spec.framework is not None:
        fw = spec.framework
        version = f", version {fw.version}" if fw.version else ""
        head = f"# flattened from framework {fw.id!r} ({fw.file or '?'}{version})\n"
    return head + tomli_w.dumps(data)


def dumps_actuals(actuals: Actuals) -> str:
    """The actuals as TOML text that :func:`loads_actuals` reads back to equal actuals."""
    return tomli_w.dumps(converter.unstructure(actuals, Actuals))
