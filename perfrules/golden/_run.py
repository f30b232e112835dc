"""Running golden cases: the pure check of one case, and the I/O around it (specs, actuals,
files)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

import attrs
import tomli_w

from perfrules._errors import EvaluationError, PathKey, Problem, SpecError
from perfrules._messages import Message, message
from perfrules.core import BudgetExecutionResult, Evaluation, IndicatorResult, Step, evaluate
from perfrules.golden._check import Mismatch, check_expect, compare, explained_rows, total_steps
from perfrules.golden._load import CASE_PATH, EVALUATION_ERROR, find_case_files, load_case_file
from perfrules.golden._model import Case, CaseFile, Source
from perfrules.loading import (
    ACTUALS_FILE,
    SPEC_FILE,
    load_actuals,
    load_spec,
    loads_actuals,
    loads_spec,
)
from perfrules.model import Actuals, Spec, make_problem

Status = Literal["passed", "failed", "error"]


@attrs.frozen(kw_only=True)
class CaseResult:
    """The outcome of one case: passed, failed (with what differs and why) or error (bad input)."""

    file: str | None
    index: int  # position of the case in its file
    name: str
    line: int | None  # line of its [[cases]] header
    status: Status
    mismatches: tuple[Mismatch, ...] = ()
    problems: tuple[Problem, ...] = ()  # why the case could not run (status "error")
    tolerance: Decimal = Decimal(0)
    evaluation: Evaluation | None = attrs.field(default=None, eq=False, repr=False)
    details: tuple[IndicatorResult | BudgetExecutionResult, ...] = attrs.field(
        default=(), eq=False, repr=False
    )
    total_steps: tuple[Step, ...] = attrs.field(default=(), eq=False, repr=False)

    @property
    def location(self) -> str:
        """``file:line`` of the case's ``[[cases]]`` header."""
        where = self.file if self.file is not None else "<input>"
        return f"{where}:{self.line}" if self.line is not None else where

    @property
    def passed(self) -> bool:
        """Whether every expected value agreed."""
        return self.status == "passed"


@attrs.frozen(kw_only=True)
class FileError:
    """A case file that could not be read: none of its cases ran."""

    file: str
    problems: tuple[Problem, ...]


@attrs.frozen(kw_only=True)
class RunResult:
    """Every case run from some paths, and the case files that could not be read."""

    cases: tuple[CaseResult, ...]
    file_errors: tuple[FileError, ...] = ()

    @property
    def passed(self) -> int:
        """How many cases passed."""
        return sum(1 for c in self.cases if c.status == "passed")

    @property
    def failed(self) -> int:
        """How many cases failed (an expected value differs)."""
        return sum(1 for c in self.cases if c.status == "failed")

    @property
    def errors(self) -> int:
        """How many cases or case files had bad input."""
        return sum(1 for c in self.cases if c.status == "error") + len(self.file_errors)

    @property
    def summary(self) -> str:
        """``N passed, M failed``."""
        return f"{self.passed} passed, {self.failed} failed"


def run_case(case_file: CaseFile, index: int, spec: Spec, actuals: Actuals) -> CaseResult:
    """Evaluate ``actuals`` against ``spec`` and compare with case ``index`` of ``case_file``.
    Pure."""
    case = case_file.cases[index]
    at: PathKey = ("cases", index)
    tolerance = tolerance_of(case_file, case)
    common: dict[str, Any] = {
        "file": case_file.file,
        "index": index,
        "name": case.name,
        "line": case_file.line_of(index),
        "tolerance": tolerance,
    }
    problems = check_expect(case.expect, spec, at=at, source=case_file.source)
    if problems:
        return CaseResult(status="error", problems=tuple(problems), **common)
    try:
        ev = evaluate(spec, actuals)
    except SpecError as err:
        return CaseResult(status="error", problems=err.problems, **common)
    except EvaluationError as err:
        p = make_problem(
            EVALUATION_ERROR,
            at,
            source=case_file.source,
            **message("evaluation-error", error=err).as_en_zh(),
        )
        return CaseResult(status="error", problems=(p,), **common)
    ms = compare(case.expect, ev, tolerance=tolerance, at=at, source=case_file.source)
    if not ms:
        return CaseResult(status="passed", evaluation=ev, **common)
    return CaseResult(
        status="failed",
        mismatches=ms,
        evaluation=ev,
        details=explained_rows(ev, ms),
        total_steps=total_steps(ev, ms),
        **common,
    )


def tolerance_of(case_file: CaseFile, case: Case) -> Decimal:
    """The case's tolerance, else the file's, else 0 (exact)."""
    if case.tolerance is not None:
        return case.tolerance
    return case_file.tolerance if case_file.tolerance is not None else Decimal(0)


# ---------------------------------------------------------------------------
# I/O: the spec and actuals a case names


def _relocated(
    problems: Iterable[Problem], file: str | None, prefix: PathKey, case_file: CaseFile
) -> list[Problem]:
    """Problems of an inline table (loaded as its own text) located in the case file."""
    out: list[Problem] = []
    for p in problems:
        if p.file != file:
            out.append(p)
            continue
        path = (*prefix, *p.path)
        line, column = case_file.source.locate(path)
        out.append(attrs.evolve(p, path=path, file=case_file.file, line=line, column=column))
    return out


def _base(case_file: CaseFile) -> str:
    return os.path.dirname(case_file.file) if case_file.file else ""


def _path(case_file: CaseFile, rel: str) -> str:
    return os.path.normpath(os.path.join(_base(case_file), rel))


def _missing(case_file: CaseFile, key_path: PathKey, what: str, shown: str) -> SpecError:
    what_both = Message(what, {"spec": "规范", "actuals": "实际完成值"}[what])
    return SpecError(
        [
            make_problem(
                CASE_PATH,
                key_path,
                source=case_file.source,
                **message("case-path", what=what_both, path=shown).as_en_zh(),
            )
        ]
    )


def _pick(case_file: CaseFile, index: int, key: str) -> tuple[Source | None, PathKey]:
    case = case_file.cases[index]
    own: Source | None = getattr(case, key)
    if own is not None:
        return own, ("cases", index, key)
    return getattr(case_file, key), (key,)


class CaseRunner:
    """Runs cases: reads the spec and actuals each names (each spec file once), then
    :func:`run_case`."""

    def __init__(self) -> None:
        self._specs: dict[str, Spec | SpecError] = {}

    def spec(self, case_file: CaseFile, index: int) -> tuple[Spec, str | None]:
        """The case's spec and, when it names a folder, the folder (for the default actuals)."""
        src, key_path = _pick(case_file, index, "spec")
        assert src is not None  # checked when the case file was loaded
        if isinstance(src, dict):
            text = tomli_w.dumps(src)
            label = case_file.file or "<input>"
            try:
                return loads_spec(text, file=label), None
            except SpecError as err:
                raise SpecError(_relocated(err.problems, label, key_path, case_file)) from None
        shown = _path(case_file, src)
        p = Path(shown)
        if not p.exists():
            raise _missing(case_file, key_path, "spec", shown)
        folder = shown if p.is_dir() else None
        key = str(p.resolve())
        if key not in self._specs:
            try:
                self._specs[key] = load_spec(os.path.join(shown, SPEC_FILE) if folder else shown)
            except SpecError as err:
                self._specs[key] = err
        got = self._specs[key]
        if isinstance(got, SpecError):
            raise got
        return got, folder

    def actuals(self, case_file: CaseFile, index: int, spec: Spec, folder: str | None) -> Actuals:
        src, key_path = _pick(case_file, index, "actuals")
        if isinstance(src, dict):
            label = case_file.file or "<input>"
            try:
                return loads_actuals(tomli_w.dumps(src), file=label, spec=spec)
            except SpecError as err:
                raise SpecError(_relocated(err.problems, label, key_path, case_file)) from None
        if src is None:
            if folder is None:
                raise SpecError(
                    [
                        make_problem(
                            "missing-key",
                            ("cases", index),
                            source=case_file.source,
                            **message(
                                ("missing-key", "case-actuals"), actuals_file=ACTUALS_FILE
                            ).as_en_zh(),
                        )
                    ]
                )
            shown = os.path.join(folder, ACTUALS_FILE)
            if not Path(shown).is_file():
                raise _missing(case_file, _pick(case_file, index, "spec")[1], "actuals", shown)
            return load_actuals(shown, spec=spec)
        shown = _path(case_file, src)
        if not Path(shown).exists():
            raise _missing(case_file, key_path, "actuals", shown)
        return load_actuals(shown, spec=spec)

    def run(self, case_file: CaseFile, index: int) -> CaseResult:
        """Run case ``index`` of ``case_file``; unreadable or unfit input gives an "error"
        result."""
        case = case_file.cases[index]
        try:
            spec, folder = self.spec(case_file, index)
            actuals = self.actuals(case_file, index, spec, folder)
        except SpecError as err:
            return CaseResult(
                file=case_file.file,
                index=index,
                name=case.name,
                line=case_file.line_of(index),
                status="error",
                problems=err.problems,
                tolerance=tolerance_of(case_file, case),
            )
        return run_case(case_file, index, spec, actuals)


def run_case_file(case_file: CaseFile) -> tuple[CaseResult, ...]:
    """Run every case of a loaded case file (reads the specs and actuals it names)."""
    runner = CaseRunner()
    return tuple(runner.run(case_file, i) for i in range(len(case_file.cases)))


def run_paths(
    paths: Sequence[str | os.PathLike[str]],
    *,
    progress: Callable[[int, int], None] | None = None,
) -> RunResult:
    """Find every case file under ``paths`` and run every case.

    Raises :class:`~perfrules.SpecError` when a path does not exist; a case
    file that cannot be read is a :class:`FileError` of the result and the
    other files still run. ``progress(done, total)`` is called after each case
    (``total``: the cases of every file that could be read).
    """
    runner = CaseRunner()
    results: list[CaseResult] = []
    errors: list[FileError] = []
    loaded: list[CaseFile] = []
    for path in find_case_files(paths):
        try:
            loaded.append(load_case_file(path))
        except SpecError as err:
            errors.append(FileError(file=str(path), problems=err.problems))
    total = sum(len(cf.cases) for cf in loaded)
    for cf in loaded:
        for i in range(len(cf.cases)):
            results.append(runner.run(cf, i))
            if progress is not None:
                progress(len(results), total)
    return RunResult(cases=tuple(results), file_errors=tuple(errors))
