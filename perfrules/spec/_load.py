"""Loading specs and actuals from TOML, strictly, with every problem located."""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

import attrs
import cattrs
import tomli_w
from cattrs.errors import (
    AttributeValidationNote,
    ForbiddenExtraKeysError,
    IterableValidationNote,
)

from perfrules._errors import PathKey, Problem, SpecError
from perfrules._suggest import suggest
from perfrules.core import validate_actuals, validate_spec
from perfrules.model import METHODS, Actuals, SourceMap, Spec, make_problem
from perfrules.spec._converter import AtKey, ValueProblem, converter
from perfrules.spec._extends import framework_problem, resolve, uses_frameworks
from perfrules.spec._toml_index import index_positions

T = TypeVar("T")

SPEC_FILE = "spec.toml"
ACTUALS_FILE = "actuals.toml"

_TOML_POS = re.compile(r"\(at line (\d+), column (\d+)\)")


def _parse(text: str, file: str | None) -> tuple[dict[str, Any], SourceMap]:
    try:
        data = tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        m = _TOML_POS.search(msg)
        line, col = (int(m[1]), int(m[2])) if m else (None, None)
        raise SpecError([Problem(
            code="toml-syntax", message=f"TOML syntax error: {msg}", message_zh=f"TOML 语法错误：{msg}",
            file=file, line=line, column=col,
        )]) from None  # fmt: skip
    return data, SourceMap(file=file, positions=index_positions(text))


def _read(path: str | os.PathLike[str]) -> str:
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise SpecError([Problem(
            code="file", message=f"cannot read {p}: {exc.strerror or exc}",
            message_zh=f"无法读取文件 {p}：{exc.strerror or exc}", file=str(p),
        )]) from None  # fmt: skip
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise SpecError([Problem(
            code="encoding", message=f"not UTF-8 text (byte {exc.start})", message_zh="文件不是 UTF-8 编码",
            file=str(p), line=line,
        )]) from None  # fmt: skip


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
    for path, err in _walk(exc, ()):
        if isinstance(err, ForbiddenExtraKeysError):
            allowed = _fields(err.cl)
            for key in sorted(err.extra_fields):
                out.append(make_problem(
                    "unknown-key", (*path, key),
                    en=f"unknown key {key!r}; allowed here: {', '.join(allowed)}",
                    zh=f"未知的键“{key}”；此处可用的键：{'、'.join(allowed)}",
                    suggestion=suggest(key, allowed),
                ))  # fmt: skip
        elif isinstance(err, KeyError):
            key = str(path[-1]) if path else str(err)
            out.append(make_problem("missing-key", path, en=f"required key {key!r} is missing", zh=f"缺少必填的键“{key}”"))
        elif isinstance(err, ValueProblem):
            out.append(make_problem("invalid-value", path, en=err.en, zh=err.zh, suggestion=err.suggestion))
        else:
            out.append(make_problem("invalid-value", path, en=f"invalid value: {err}", zh=f"取值无效：{err}"))
    return out


# Problems of a value as written (its key, its type): located where the key is written, even in a framework file.
_AS_WRITTEN = frozenset({"unknown-key", "invalid-value"})


def _locate(problem: Problem, source: SourceMap) -> Problem:
    """``problem`` (key path of the data) located through ``source``."""
    return make_problem(
        problem.code, problem.path, en=problem.message, zh=problem.message_zh, source=source,
        suggestion=problem.suggestion, severity=problem.severity, written=problem.code in _AS_WRITTEN,
    )  # fmt: skip


def _as_suggested(data: Any, fixes: dict[PathKey, str | None]) -> Any:
    """A deep copy of ``data`` with each misspelt key renamed as suggested (or dropped)."""
    if isinstance(data, dict):
        out: dict[Any, Any] = {}
        for k, v in data.items():
            sub = {p[1:]: s for p, s in fixes.items() if len(p) > 1 and p[0] == k}
            if (k,) in fixes:
                new = fixes[(k,)]
                if new is not None and new not in data:
                    out[new] = _as_suggested(v, sub)
                continue
            out[k] = _as_suggested(v, sub)
        return out
    if isinstance(data, list):
        return [_as_suggested(v, {p[1:]: s for p, s in fixes.items() if len(p) > 1 and p[0] == i})
                for i, v in enumerate(data)]  # fmt: skip
    return data


def _dedupe(problems: list[Problem]) -> list[Problem]:
    """Drop 'missing key k' where an unknown key beside it is a misspelling of k (one typo, one problem)."""
    misspelt = {(p.path[:-1], p.suggestion) for p in problems if p.code == "unknown-key" and p.suggestion}
    return [p for p in problems if not (p.code == "missing-key" and p.path and (p.path[:-1], p.path[-1]) in misspelt)]


def _structure(data: dict[str, Any], cls: type[T], source: SourceMap, validate: Callable[[T], list[Problem]]) -> T:
    """Structure strictly, then validate; raise every problem found in both stages at once.

    When the only structural problems are unknown keys, the semantic checks
    still run, on the data read as the did-you-means suggest (keys without a
    suggestion dropped), so that a typo does not hide a wrong weight further
    down. Problems found that way are real once the typo is fixed as suggested.
    """
    try:
        obj = converter.structure(data, cls)
    except (cattrs.BaseValidationError, ExceptionGroup, ValueError, TypeError) as exc:
        raw = _dedupe(_problems(exc))
        problems = [_locate(p, source) for p in raw]
        if all(p.code == "unknown-key" for p in raw):
            try:
                fixes = {p.path: p.suggestion for p in raw}
                lenient = converter.structure(_as_suggested(data, fixes), cls)
            except (cattrs.BaseValidationError, ExceptionGroup, ValueError, TypeError):
                pass
            else:
                problems += validate(attrs.evolve(lenient, source=source))  # type: ignore[misc]
        raise SpecError(problems) from None
    obj = attrs.evolve(obj, source=source)  # type: ignore[misc]
    problems = validate(obj)
    if problems:
        raise SpecError(problems)
    return obj


def _structural(data: dict[str, Any], source: SourceMap) -> list[Problem]:
    """The strict structural problems of spec data (no semantic checks), located."""
    try:
        converter.structure(data, Spec)
    except (cattrs.BaseValidationError, ExceptionGroup, ValueError, TypeError) as exc:
        return [_locate(p, source) for p in _dedupe(_problems(exc))]
    return []


def _read_toml(path: Path, display: str) -> tuple[dict[str, Any], SourceMap]:
    try:
        text = _read(path)
    except SpecError as err:
        raise SpecError([attrs.evolve(p, file=display) for p in err.problems]) from None
    return _parse(text, display)


def loads_spec(text: str, *, file: str | None = None) -> Spec:
    """Load a spec from TOML text; raise :class:`SpecError` listing every problem.

    A spec that ``extends`` a framework is flattened first (docs/frameworks.md):
    a framework named by a path is read relative to ``file``'s folder (the
    working directory for text without a file), one named by id from the
    nearest ``specs/`` folder above it. The result is one flat spec whose
    ``framework`` says which framework (and which dated version) it was built
    from. A framework file itself is not a spec and is refused.
    """
    data, source = _parse(text, file)
    if not uses_frameworks(data):
        return _structure(data, Spec, source, validate_spec)
    if "framework" in data:
        raise SpecError([framework_problem(data, source)])
    res = resolve(data, source, read=_read_toml, structural=_structural)
    if res.fatal:
        raise SpecError(res.problems)
    if res.problems:  # with every structural problem of the merged data, but no semantic checks
        raise SpecError([*res.problems, *_structural(res.data, res.source)])
    spec = _structure(res.data, Spec, res.source, validate_spec)
    return attrs.evolve(spec, framework=res.framework)


def load_spec(path: str | os.PathLike[str]) -> Spec:
    """Load a spec file; a folder means its ``spec.toml``."""
    p = Path(path)
    if p.is_dir():
        p = p / SPEC_FILE
    return loads_spec(_read(p), file=str(p))


def loads_actuals(text: str, *, file: str | None = None, spec: Spec | None = None) -> Actuals:
    """Load actuals from TOML text; with ``spec``, also check them against it."""
    data, source = _parse(text, file)
    return _structure(data, Actuals, source, lambda a: validate_actuals(spec, a) if spec is not None else [])


def load_actuals(path: str | os.PathLike[str], spec: Spec | None = None) -> Actuals:
    """Load an actuals file; a folder means its ``actuals.toml``."""
    p = Path(path)
    if p.is_dir():
        p = p / ACTUALS_FILE
    return loads_actuals(_read(p), file=str(p), spec=spec)


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
