"""pytest plugin: golden case files (``*.case.toml``) run as test items beside ordinary tests.

Registered through the ``pytest11`` entry point, so installing perfrules is
enough: ``python -m pytest examples/`` collects every ``*.case.toml`` file
under the paths pytest searches (and no other ``.toml`` file), one item per
``[[cases]]`` entry. A failing case shows the report ``perfrules test``
prints: what differs (expected, actual, Δ) and every step behind each
indicator that differs. A case file that does not load is one
item that fails with every located problem (the other tests still run). Options:
``--perfrules-lang zh|en``.

See docs/golden-cases.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import pytest

from perfrules._names import CASE_SUFFIX

# imported when a case file is collected: a session with none never loads perfrules' core
if TYPE_CHECKING:
    from rich.console import RenderableType

    from perfrules._errors import SpecError
    from perfrules.golden import CaseFile, CaseResult, CaseRunner

_WIDTH = 120
FILE_ITEM = "<case file>"  # the item of a case file that does not load


def _render(renderable: RenderableType) -> str:
    from rich.console import Console

    buf = StringIO()
    Console(
        file=buf,
        width=_WIDTH,
        color_system=None,
        force_terminal=False,
        soft_wrap=False,
        highlight=False,
    ).print(renderable)
    return buf.getvalue().rstrip("\n")


def _lang(config: pytest.Config) -> Literal["zh", "en"]:
    return "en" if config.getoption("perfrules_lang", "zh") == "en" else "zh"


def pytest_addoption(parser: pytest.Parser) -> None:
    """``--perfrules-lang``: the language of golden-case failure reports."""
    group = parser.getgroup("perfrules", "perfrules golden cases (*.case.toml)")
    group.addoption(
        "--perfrules-lang",
        choices=("zh", "en"),
        default="zh",
        help="language of golden-case failure reports (default zh)",
    )


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> GoldenFile | None:
    """Collect ``*.case.toml`` files (only those: specs, actuals and other TOML files are left
    alone)."""
    if file_path.name.endswith(CASE_SUFFIX) and len(file_path.name) > len(CASE_SUFFIX):
        return GoldenFile.from_parent(parent, path=file_path)
    return None


class GoldenCaseFailed(Exception):
    """A golden case did not give its expected values (or could not run)."""

    def __init__(self, result: CaseResult) -> None:
        super().__init__(result.name)
        self.result = result


class GoldenFile(pytest.File):
    """A case file: one item per case (one failing item when the file does not load)."""

    def collect(self) -> Iterator[pytest.Item]:
        from perfrules._errors import SpecError
        from perfrules.golden import CaseRunner, load_case_file

        try:
            case_file = load_case_file(self.path)
        except SpecError as err:  # reported as a failing item, so that the other tests still run
            yield GoldenFileError.from_parent(self, name=FILE_ITEM, error=err)
            return
        runner = CaseRunner()
        for index, case in enumerate(case_file.cases):
            yield GoldenItem.from_parent(
                self,
                name=case.name.replace("::", ":"),
                case_file=case_file,
                index=index,
                runner=runner,
            )


class GoldenFileError(pytest.Item):
    """A case file that does not load: fails with every located problem."""

    def __init__(self, *, error: SpecError, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.error = error

    def runtest(self) -> None:
        """Raise the loading error."""
        raise self.error

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> Any:
        """Every problem of the file, located."""
        from perfrules._errors import SpecError
        from perfrules.render import ProblemList

        if isinstance(excinfo.value, SpecError):
            return _render(ProblemList(excinfo.value.problems, lang=_lang(self.config)))
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        """The case file."""
        return self.path, None, f"golden case file: {self.path.name}"


class GoldenItem(pytest.Item):
    """One golden case."""

    def __init__(
        self, *, case_file: CaseFile, index: int, runner: CaseRunner, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.case_file = case_file
        self.index = index
        self.runner = runner

    def runtest(self) -> None:
        """Run the case; raise :class:`GoldenCaseFailed` unless every expected value agrees."""
        result = self.runner.run(self.case_file, self.index)
        if not result.passed:
            raise GoldenCaseFailed(result)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> Any:
        """The ``perfrules test`` report of the case."""
        from perfrules.render import CaseReport

        if isinstance(excinfo.value, GoldenCaseFailed):
            return _render(CaseReport(excinfo.value.result, lang=_lang(self.config)))
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        """Where the case is: its file and the line of its ``[[cases]]`` header."""
        line = self.case_file.line_of(self.index)
        return self.path, None if line is None else line - 1, f"golden case: {self.name}"
