"""Reading case files strictly, with every problem located like a spec's.

The TOML is parsed and structured by the spec loader's machinery (the same
strict converter, the same key-path → line:column index, the same
did-you-means), so a case file's problems read exactly like a spec's.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

import attrs
import cattrs
from cattrs.errors import IterableValidationNote
from cattrs.gen import make_dict_structure_fn

from perfrules._errors import PathKey, Problem, SpecError
from perfrules._messages import Message, message
from perfrules._names import CASE_SUFFIX
from perfrules.golden._model import Case, CaseFile, Source
from perfrules.loading import (
    AtKey,
    ValueProblem,
    parse_toml_text,
    read_text,
    strict_bool,
    strict_decimal,
    strict_str,
    structure_problems,
    wrong_type,
)
from perfrules.model import SourceMap, make_problem

T = TypeVar("T")

# Folders never searched for case files.
_SKIP_DIRS = frozenset({"__pycache__", "node_modules", "venv", "build", "dist"})

# Problem codes raised for case files (besides the spec loader's unknown-key, missing-key,
# invalid-value, toml-syntax, file and encoding). Documented in docs/golden-cases.md.
CASE_EMPTY = "case-empty"
CASE_DUPLICATE = "case-duplicate"
CASE_PATH = "case-path"
UNKNOWN_INDICATOR = "unknown-indicator"
UNKNOWN_CATEGORY = "unknown-category"
UNKNOWN_GRADE = "unknown-grade"
NO_BUDGET_EXECUTION = "no-budget-execution"
EVALUATION_ERROR = "evaluation-error"
CODES = (
    CASE_EMPTY,
    CASE_DUPLICATE,
    CASE_PATH,
    UNKNOWN_INDICATOR,
    UNKNOWN_CATEGORY,
    UNKNOWN_GRADE,
    NO_BUDGET_EXECUTION,
    EVALUATION_ERROR,
)


def _source_hook(value: object, _: Any) -> Source:
    if isinstance(value, str | dict):
        return value
    raise ValueProblem(*message(("invalid-value", "case-source")))


def _codes(value: object, _: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise wrong_type(value, list)
    errors: list[Exception] = []
    for i, item in enumerate(value):
        if not isinstance(item, str):
            exc = wrong_type(item, str)
            exc.__notes__ = [IterableValidationNote(f"at index {i}", i, str)]
            errors.append(exc)
    if errors:
        raise ExceptionGroup("invalid items", errors)
    return tuple(value)


def _keyed(item: Callable[[object, Any], T]) -> Callable[[object, Any], dict[str, T]]:
    """A table whose keys are data (indicator or category ids), each value structured by
    ``item``."""

    def hook(value: object, _: Any) -> dict[str, T]:
        if not isinstance(value, dict):
            raise wrong_type(value, dict)
        out: dict[str, T] = {}
        errors: list[Exception] = []
        for key, v in value.items():
            try:
                out[key] = item(v, None)
            except Exception as exc:  # noqa: BLE001 - regrouped with its key for located reporting
                errors.append(AtKey(key, [exc]))
        if errors:
            raise ExceptionGroup("invalid entries", errors)
        return out

    return hook


@attrs.frozen(kw_only=True)
class _File:
    """A case file's data as written (the :class:`CaseFile` without its source map)."""

    spec: Source | None = None
    actuals: Source | None = None
    tolerance: Decimal | None = None
    cases: tuple[Case, ...]


def _case_converter() -> cattrs.Converter:
    """A strict converter for the case model, with the spec converter's value hooks and messages."""
    conv = cattrs.Converter(forbid_extra_keys=True, detailed_validation=True)
    conv.register_structure_hook(str, strict_str)
    conv.register_structure_hook(bool, strict_bool)
    conv.register_structure_hook(Decimal, strict_decimal)
    conv.register_structure_hook_func(lambda t: t == Source | None, _source_hook)
    conv.register_structure_hook_func(lambda t: t == Mapping[str, Decimal], _keyed(strict_decimal))
    conv.register_structure_hook_func(
        lambda t: t == Mapping[str, tuple[str, ...]] | None, _keyed(_codes)
    )

    def attrs_factory(cls: type[Any]) -> Any:
        inner = make_dict_structure_fn(cls, conv, _cattrs_forbid_extra_keys=True)

        def structure(value: object, _: Any) -> Any:
            if not isinstance(value, dict):
                raise wrong_type(value, dict)
            return inner(value, cls)

        return structure

    conv.register_structure_hook_factory(attrs.has, attrs_factory)
    return conv


_converter = _case_converter()


def _structure(data: dict[str, Any], source: SourceMap) -> CaseFile:
    try:
        raw = _converter.structure(data, _File)
    except (cattrs.BaseValidationError, ExceptionGroup, ValueError, TypeError) as exc:
        failed: BaseException | None = exc
    else:
        failed = None
    # raised outside the except block: no __context__ to pickle (see loading)
    if failed is not None:
        raise SpecError(structure_problems(failed, source))
    cf = CaseFile(
        cases=raw.cases, spec=raw.spec, actuals=raw.actuals, tolerance=raw.tolerance, source=source
    )
    problems = _checks(cf)
    if problems:
        raise SpecError(problems)
    return cf


def _checks(cf: CaseFile) -> list[Problem]:
    """What the structure alone does not catch: no cases, nothing expected, duplicate names,
    tolerances."""
    out: list[Problem] = []

    def add(code: str, path: PathKey, m: Message) -> None:
        out.append(make_problem(code, path, **m.as_en_zh(), source=cf.source))

    if not cf.cases:
        add(
            CASE_EMPTY,
            ("cases",),
            message("case-empty"),
        )
    if cf.tolerance is not None and cf.tolerance < 0:
        add("invalid-value", ("tolerance",), message(("invalid-value", "tolerance")))
    seen: dict[str, int] = {}
    for i, case in enumerate(cf.cases):
        at: PathKey = ("cases", i)
        if case.name in seen:
            first = cf.line_of(seen[case.name])
            add(
                CASE_DUPLICATE,
                (*at, "name"),
                message("case-duplicate", name=case.name, first=first),
            )
        seen.setdefault(case.name, i)
        if case.expect.empty:
            add(
                CASE_EMPTY,
                (*at, "expect"),
                message(("case-empty", "expect")),
            )
        if case.tolerance is not None and case.tolerance < 0:
            add(
                "invalid-value",
                (*at, "tolerance"),
                message(("invalid-value", "tolerance")),
            )
        if case.spec is None and cf.spec is None:
            add(
                "missing-key",
                at,
                message(("missing-key", "case-spec")),
            )
    return out


def loads_case_file(text: str, *, file: str | None = None) -> CaseFile:
    """Load a case file from TOML text; raise :class:`~perfrules.SpecError` listing every
    problem."""
    data, source = parse_toml_text(text, file)
    return _structure(data, source)


def load_case_file(path: str | os.PathLike[str]) -> CaseFile:
    """Load one case file (a regular file within the loader's size limit: pipes and devices are
    refused)."""
    return loads_case_file(read_text(path), file=str(path))


def is_case_file(path: Path) -> bool:
    """Whether ``path`` is named like a case file (``*.case.toml``)."""
    return path.name.endswith(CASE_SUFFIX) and len(path.name) > len(CASE_SUFFIX)


def _walk(folder: Path) -> Iterator[Path]:
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in _SKIP_DIRS)
        for name in sorted(files):
            p = Path(root) / name
            if is_case_file(p):
                yield p


def find_case_files(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """Every case file under ``paths``: a file is taken as it is, a folder searched for
    ``*.case.toml``.

    Hidden folders (``.venv``, ``.git``, …) and ``__pycache__``, ``node_modules``,
    ``venv``, ``build``, ``dist`` are not searched. Raises
    :class:`~perfrules.SpecError` for a path that does not exist.
    """
    found: list[Path] = []
    missing: list[Problem] = []
    for given in paths:
        p = Path(given)
        if p.is_dir():
            found.extend(_walk(p))
        elif p.exists():
            # a file; loading refuses one that is not regular (a pipe, a device) with a located
            # problem
            found.append(p)
        else:
            missing.append(
                Problem(
                    code="file",
                    **message(("file", "no-such-path"), path=p).as_message(),
                    file=str(p),
                )
            )
    if missing:
        raise SpecError(missing)
    unique: dict[Path, Path] = {}
    for f in found:
        unique.setdefault(f.resolve(), f)
    return list(unique.values())
