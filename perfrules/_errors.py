"""Exceptions and located problems.

Every input problem perfrules finds is a :class:`Problem`: a stable ``code``, a
message in Chinese and English, the key path inside the file it concerns and,
when the input came from a file, the file name and 1-based line and column.
The library reports all problems at once by raising one :class:`SpecError`
that carries them all.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import Any, Literal, TypeAlias

import attrs

from perfrules._codes import check_problem_code

PathKey: TypeAlias = tuple[str | int, ...]
Lang: TypeAlias = Literal["zh", "en"]


class Severity(enum.Enum):
    """How serious a problem is."""

    ERROR = "error"
    WARNING = "warning"


def format_path(path: PathKey) -> str:
    """Render a key path the way a TOML author reads it: ``indicators[2].weight``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part.replace("_", "").replace("-", "").isalnum() and part.isascii():
            out += f".{part}" if out else part
        else:
            quoted = '"' + part.replace("\\", "\\\\").replace('"', '\\"') + '"'
            out += f".{quoted}" if out else quoted
    return out


@attrs.frozen(kw_only=True)
class Problem:
    """One thing wrong with a spec, an actuals file or a command line.

    ``code`` is one of :data:`perfrules._codes.PROBLEMS` (ValueError otherwise: a new code gets
    its catalogue entry, and with it its line in the docs).
    """

    code: str = attrs.field(validator=lambda _, __, code: check_problem_code(code))
    message: str
    message_zh: str
    path: PathKey = ()
    file: str | None = None
    line: int | None = None
    column: int | None = None
    suggestion: str | None = None
    severity: Severity = Severity.ERROR
    # a workbook cell as ``sheet!A1`` (``line``/``column`` then hold its row and column)
    cell: str | None = None

    @property
    def location(self) -> str:
        """``file:line:column`` as far as known (``<input>`` when there is no file);
        ``file:sheet!A1`` for a cell."""
        where = self.file if self.file is not None else "<input>"
        if self.cell is not None:
            return f"{where}:{self.cell}"
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return where

    def text(self, lang: Lang = "zh") -> str:
        """The message with the did-you-mean hint, in the requested language."""
        msg = self.message_zh if lang == "zh" else self.message
        if self.suggestion is not None:
            msg += (
                f"（是否应为 “{self.suggestion}”？）"
                if lang == "zh"
                else f" (did you mean {self.suggestion!r}?)"
            )
        return msg

    def __str__(self) -> str:
        path = format_path(self.path)
        return f"{self.location}: {path + ': ' if path else ''}{self.text('en')} [{self.code}]"


class PerfrulesError(Exception):
    """Base class of every exception perfrules raises on purpose."""


class SpecError(PerfrulesError, ValueError):
    """A spec, an actuals file or another input is invalid.

    Carries every problem found, not just the first: iterate
    :attr:`problems`. ``str(error)`` lists them all, one per line, each with
    its location.
    """

    problems: tuple[Problem, ...]

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(problems)
        if not self.problems:
            raise ValueError("SpecError needs at least one problem")
        n = len(self.problems)
        head = f"{n} problem{'s' if n != 1 else ''} found"
        super().__init__(head + ":\n" + "\n".join(f"  {p}" for p in self.problems))

    def __reduce__(self) -> tuple[type[SpecError], tuple[tuple[Problem, ...]]]:
        return (type(self), (self.problems,))


class EvaluationError(PerfrulesError, ArithmeticError):
    """A rule could not be applied to otherwise valid input (a bug or an unsupported case)."""


class MissingExtraError(PerfrulesError, ImportError):
    """An optional dependency is not installed; the message names the extra that installs it.

    ``extra`` is the extra (``"xlsx"``, ``"batch"``), :attr:`install` the
    command (``pip install 'perfrules[xlsx]'``); ``str(error)`` is the English
    message, :meth:`text` gives it in Chinese or English. The command line
    reports it and exits 2. An :class:`ImportError`, so code catching a failed
    import catches it too. ``perfrules.interchange.MissingDependencyError`` and
    ``perfrules.batch.EngineUnavailable`` are older names of this class
    (deprecated, kept so that code catching them keeps working).
    """

    extra: str

    def __init__(self, extra: str, needs: str, needs_zh: str, *, module: str | None = None) -> None:
        self.extra = extra
        self.needs = needs
        self.needs_zh = needs_zh
        super().__init__(f"{needs}: {self.install}", name=module)

    @property
    def install(self) -> str:
        """The command that installs the extra: ``pip install 'perfrules[xlsx]'``."""
        return f"pip install 'perfrules[{self.extra}]'"

    def text(self, lang: Lang = "en") -> str:
        """The message in ``lang``: what needs the extra, and the command that installs it."""
        return (
            f"{self.needs_zh}：{self.install}" if lang == "zh" else f"{self.needs}: {self.install}"
        )

    def __reduce__(self) -> tuple[Any, ...]:
        return (_missing_extra, (type(self), self.extra, self.needs, self.needs_zh, self.name))


def _missing_extra(
    cls: type[MissingExtraError], extra: str, needs: str, needs_zh: str, module: str | None
) -> MissingExtraError:
    return cls(extra, needs, needs_zh, module=module)


def problem_document(p: Problem) -> dict[str, object]:
    """A problem as JSON (``check --format json``, ``test --format json``): every field, messages
    in both languages."""
    return {
        "code": p.code,
        "severity": p.severity.value,
        "file": p.file,
        "line": p.line,
        "column": p.column,
        "cell": p.cell,
        "path": format_path(p.path),
        "location": p.location,
        "message": p.text("en"),
        "message_zh": p.text("zh"),
        "suggestion": p.suggestion,
    }
