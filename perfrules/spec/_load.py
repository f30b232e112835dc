"""Loading specs and actuals from TOML, strictly, with every problem located."""

from __future__ import annotations

import codecs
import os
from collections.abc import Callable, Iterator
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
from perfrules._names import ACTUALS_FILE, SPEC_FILE
from perfrules._suggest import suggest
from perfrules.core import validate_actuals, validate_spec
from perfrules.model import METHODS, Actuals, SourceMap, Spec, make_problem
from perfrules.spec._converter import AtKey, ValueProblem, converter
from perfrules.spec._extends import framework_problem, resolve, uses_frameworks
from perfrules.spec._toml_index import LazyPositions, parse_toml, read_bytes

T = TypeVar("T")


def _parse(text: str, file: str | None) -> tuple[dict[str, Any], SourceMap]:
    try:
        data = parse_toml(text)
    except SpecError as err:
        raise SpecError([attrs.evolve(p, file=file) for p in err.problems]) from None
    return data, SourceMap(file=file, positions=LazyPositions(text))


def _read(path: str | os.PathLike[str]) -> str:
    p = Path(path)
    raw = read_bytes(p)
    try:
        return decode_text(raw)
    except UnicodeDecodeError as exc:
        raise SpecError([attrs.evolve(encoding_problem(raw, exc.start), file=str(p))]) from None


# ------------------------------------------------------------------ decoding

_BOM_UTF16 = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_MAX_SNIPPET = 12  # characters of the GBK reading quoted in the message


def decode_text(raw: bytes) -> str:
    """``raw`` as UTF-8 text (a leading UTF-8 BOM is dropped); :class:`UnicodeDecodeError` otherwise.

    The error's ``start`` is the offset of the first bad byte in ``raw``, the BOM counted.
    """
    skip = len(codecs.BOM_UTF8) if raw.startswith(codecs.BOM_UTF8) else 0
    try:
        return raw[skip:].decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UnicodeDecodeError("utf-8", raw, skip + exc.start, skip + exc.end, exc.reason) from None


def _is_chinese(ch: str) -> bool:
    """A character Chinese text is made of: ideographs, CJK and full-width punctuation, ≥, “”, ……"""
    o = ord(ch)
    return (0x3400 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF or 0x3000 <= o <= 0x303F or 0xFF00 <= o <= 0xFFEF
            or 0x2000 <= o <= 0x206F or 0x2100 <= o <= 0x22FF or 0x2460 <= o <= 0x24FF or o in (0xB7, 0xD7, 0xF7))  # fmt: skip


def _as_gbk(raw: bytes) -> str | None:
    """``raw`` decoded as GBK (read as GB18030, its superset) when it plausibly is Chinese text in GBK; else None."""
    try:
        text = raw.decode("gb18030")
    except UnicodeDecodeError:
        return None
    wide = [ch for ch in text if ord(ch) > 0x7F]
    if not any(0x3400 <= ord(ch) <= 0x9FFF for ch in wide):
        return None
    return text if sum(map(_is_chinese, wide)) * 10 >= len(wide) * 9 else None


def encoding_problem(raw: bytes, start: int) -> Problem:
    """The ``encoding`` problem of ``raw`` whose first byte that is not UTF-8 is at ``start``.

    Located at the line and column of that byte (the column counts the
    characters before it on its line). Text that reads as GBK/GB18030 — what
    Chinese Windows saves by default — or starts with a UTF-16 byte order mark
    (Notepad's "Unicode") gets a hint on re-saving it as UTF-8.
    """
    line_start = raw.rfind(b"\n", 0, start) + 1
    head = raw[line_start:start]
    if line_start == 0 and head.startswith(codecs.BOM_UTF8):
        head = head[len(codecs.BOM_UTF8) :]
    line = raw[:start].count(b"\n") + 1
    column = len(head.decode("utf-8", errors="replace")) + 1
    en = f"not UTF-8 text (byte {start})"
    zh = "文件不是 UTF-8 编码"
    resave_en = ("re-save it as UTF-8: Notepad: File → Save As → Encoding: UTF-8; VS Code: click the encoding in "
                 "the status bar → Save with Encoding → UTF-8; Notepad++: Encoding → Convert to UTF-8")  # fmt: skip
    resave_zh = ("请用 UTF-8 编码另存：记事本：文件 → 另存为 → 编码选“UTF-8”；VS Code：点击右下角状态栏中的编码 → "
                 "“通过编码保存” → “UTF-8”；Notepad++：编码 → 转为 UTF-8 编码")  # fmt: skip
    gbk = None if raw.startswith(_BOM_UTF16) else _as_gbk(raw)
    if raw.startswith(_BOM_UTF16):
        en += f": the file is UTF-16 (Notepad's \"Unicode\"); {resave_en}"
        zh += f"：文件是 UTF-16 编码（记事本中的“Unicode”）；{resave_zh}"
    elif gbk is not None:
        at = len(raw[:start].decode("gb18030", errors="replace"))
        snippet = gbk[at:].split("\n", 1)[0].rstrip("\r")[:_MAX_SNIPPET]
        en += (f": the file looks GBK-encoded, the default of Chinese Windows (read as GBK, it says "
               f"\u201c{snippet}\u201d here); {resave_en}; or iconv -f GBK -t UTF-8 OLD > NEW")  # fmt: skip
        zh += (f"：文件似乎是 GBK 编码（中文 Windows 的默认编码；按 GBK 读，此处为“{snippet}”）；"
               f"{resave_zh}；或在命令行运行 iconv -f GBK -t UTF-8 原文件 > 新文件")  # fmt: skip
    else:
        en += "; save the file as UTF-8"
        zh += "；请用 UTF-8 编码另存"
    return Problem(code="encoding", message=en, message_zh=zh, line=line, column=column)


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
    hints: dict[tuple[str, type[Any]], str | None] = {}  # one typo repeated in 100,000 entries: one did-you-mean
    for path, err in _walk(exc, ()):
        if isinstance(err, ForbiddenExtraKeysError):
            allowed = _fields(err.cl)
            for key in sorted(err.extra_fields):
                if (key, err.cl) not in hints:
                    hints[(key, err.cl)] = suggest(key, allowed)
                out.append(make_problem(
                    "unknown-key", (*path, key),
                    en=f"unknown key {key!r}; allowed here: {', '.join(allowed)}",
                    zh=f"未知的键“{key}”；此处可用的键：{'、'.join(allowed)}",
                    suggestion=hints[(key, err.cl)],
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
