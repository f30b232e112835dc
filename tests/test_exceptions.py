"""One floor for errors: every exception perfrules defines is a ``PerfrulesError`` and keeps its builtin.

The walk imports every module of perfrules and looks at every exception class
defined there. Each must subclass :class:`perfrules.PerfrulesError` and, below
it, the builtin exception its callers catch (``ValueError``, ``ImportError``,
``ArithmeticError`` …) — unless it is listed in :data:`INTERNAL` with the
reason it never reaches a caller. A missing optional dependency is one
error, :class:`perfrules.MissingExtraError`, naming the extra to install;
its older names still work.
"""

from __future__ import annotations

import importlib
import inspect
import io
import pickle
import pkgutil
import sys
from pathlib import Path

import pytest

import perfrules
from perfrules import MissingExtraError, PerfrulesError

# exception classes that are not PerfrulesError on purpose: each never leaves perfrules (or leaves it only into
# pytest), so no caller ever catches it
INTERNAL: dict[str, str] = {
    "perfrules._atomic.Interrupted": "SIGTERM/SIGHUP as an exception, a BaseException like KeyboardInterrupt so that "
    "`except Exception` never swallows it; the command line turns it into 128 + signal",
    "perfrules._xlsx_guard._Stop": "private control flow: ends the XML scan of a workbook part early",
    "perfrules.service._json._HasDecimal": "private control flow: a document holds a Decimal, so the "
    "service's JSON writer takes its exact-number path; caught in the same function",
    "perfrules.loading._toml_index._Stop": "private control flow: ends the TOML position scan early",
    "perfrules.loading._toml_index._Found": "private control flow: carries a found position out of the TOML scan",
    "perfrules.batch._table._Abort": "private control flow: stops reading a CSV record that cannot be one",
    "perfrules.batch._plan.Unsupported": "internal to the vectorised path: a group of units the kernel does not do "
    "goes to the pure path; caught in perfrules.batch._vector",
    "perfrules.core._document._Unsupported": "private control flow of the evaluation document",
    "perfrules.cli._exit.UsageError": "internal to the command line: raised and caught inside perfrules.cli (exit 2), "
    "never out of perfrules.cli.main; its module is standard library only, so that "
    "parsing loads nothing heavy (PerfrulesError lives beside attrs)",
    "perfrules.pytest_plugin.GoldenCaseFailed": "pytest's failure signal for a golden case item, reported by the "
    "plugin's repr_failure; the plugin loads nothing heavy until a case runs",
}

SKIP_MODULES = {"perfrules.__main__"}  # importing it runs the command line


def _modules() -> list[str]:
    names = ["perfrules"]
    for info in pkgutil.walk_packages(perfrules.__path__, "perfrules."):
        if info.name not in SKIP_MODULES:
            names.append(info.name)
    return sorted(names)


def _exception_classes() -> dict[str, type[BaseException]]:
    found: dict[str, type[BaseException]] = {}
    for name in _modules():
        module = importlib.import_module(name)
        for _, obj in inspect.getmembers(module, inspect.isclass):
            if issubclass(obj, BaseException) and obj.__module__ == name:
                found[f"{name}.{obj.__qualname__}"] = obj
    return found


def _builtin_bases(cls: type[BaseException]) -> set[type[BaseException]]:
    return {
        b
        for b in cls.__mro__
        if b.__module__ == "builtins" and b not in (Exception, BaseException, object)
    }


def test_the_walk_sees_every_module() -> None:
    names = _modules()
    for expected in (
        "perfrules.batch._engines",
        "perfrules.batch._columnar",
        "perfrules.cli._exit",
        "perfrules._errors",
        "perfrules.interchange._problems",
        "perfrules.testing",
        "perfrules.pytest_plugin",
    ):
        assert expected in names
    found = _exception_classes()
    assert {
        "perfrules._errors.SpecError",
        "perfrules._errors.MissingExtraError",
        "perfrules.interchange._problems.WorkbookError",
    } <= set(found)


def test_every_exception_is_a_perfrules_error_with_its_builtin() -> None:
    found = _exception_classes()
    outside = sorted(
        n for n, cls in found.items() if not issubclass(cls, PerfrulesError) and n not in INTERNAL
    )
    assert not outside, (
        f"not PerfrulesError (make them subclass it, or list them in INTERNAL with why): {outside}"
    )
    bare = sorted(
        n
        for n, cls in found.items()
        if issubclass(cls, PerfrulesError) and cls is not PerfrulesError and not _builtin_bases(cls)
    )
    assert not bare, (
        f"PerfrulesError without a builtin exception below it (ValueError, ImportError …): {bare}"
    )


def test_the_allow_list_holds_only_what_exists() -> None:
    found = _exception_classes()
    stale = sorted(n for n in INTERNAL if n not in found or issubclass(found[n], PerfrulesError))
    assert not stale, f"INTERNAL lists classes that are gone or now PerfrulesError: {stale}"


def test_the_builtins_stay() -> None:
    from perfrules._errors import EvaluationError, SpecError
    from perfrules.interchange import WorkbookError

    assert issubclass(SpecError, ValueError) and issubclass(WorkbookError, SpecError)
    assert issubclass(EvaluationError, ArithmeticError)
    assert issubclass(MissingExtraError, ImportError)


# ---------------------------------------------------------------------------
# one missing-extra error


def test_one_missing_extra_error_under_its_old_names() -> None:
    import perfrules.batch
    import perfrules.cli._exit
    import perfrules.interchange

    assert perfrules.interchange.MissingDependencyError is MissingExtraError
    assert perfrules.batch.EngineUnavailable is MissingExtraError
    assert perfrules.cli._exit.ExtraMissing is MissingExtraError  # type: ignore[attr-defined]
    with pytest.raises(AttributeError):
        perfrules.cli._exit.NoSuchName  # type: ignore[attr-defined]  # noqa: B018


def test_missing_extra_error_names_the_extra() -> None:
    err = MissingExtraError(
        "xlsx", "reading .xlsx needs openpyxl", "读取 .xlsx 需要 openpyxl", module="openpyxl"
    )
    assert (err.extra, err.name, err.install) == (
        "xlsx",
        "openpyxl",
        "pip install 'perfrules[xlsx]'",
    )
    assert (
        str(err) == err.text("en") == "reading .xlsx needs openpyxl: pip install 'perfrules[xlsx]'"
    )
    assert err.text("zh") == "读取 .xlsx 需要 openpyxl：pip install 'perfrules[xlsx]'"
    again = pickle.loads(pickle.dumps(err))
    assert type(again) is MissingExtraError and (again.extra, again.name, str(again)) == (
        err.extra,
        err.name,
        str(err),
    )


def test_every_missing_extra_is_the_one_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from perfrules.batch import run_batch, table_from_columns
    from perfrules.interchange import read_workbook

    table = table_from_columns({"unit": ["a"], "indicator": ["x"]})
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    with pytest.raises(MissingExtraError) as err:
        read_workbook(tmp_path / "form.xlsx")
    assert err.value.extra == "xlsx" and "pip install 'perfrules[xlsx]'" in str(err.value)
    monkeypatch.setitem(sys.modules, "perfrules.batch._vector", None)
    with pytest.raises(MissingExtraError) as err:
        run_batch(table, tmp_path / "o.csv", engine="vector")
    assert err.value.extra == "batch"
    for mod in ("pyarrow", "pyarrow.csv", "pyarrow.parquet"):
        monkeypatch.setitem(sys.modules, mod, None)
    with pytest.raises(
        MissingExtraError, match=r"Parquet needs pyarrow: pip install 'perfrules\[batch\]'"
    ):
        run_batch(table, tmp_path / "o.parquet")
    with pytest.raises(MissingExtraError, match=r"audit records need pyarrow"):
        run_batch(table, tmp_path / "o.csv", audit=tmp_path / "a.jsonl", audit_level="record")
    assert list(tmp_path.iterdir()) == []


def test_the_command_line_exits_2_for_a_missing_extra(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Wherever a command meets a missing extra, the command line names it and exits 2."""
    from perfrules.cli import _commands, main

    def missing(*args: object) -> int:
        raise MissingExtraError("xlsx", "this needs openpyxl", "这需要 openpyxl")

    monkeypatch.setattr(_commands, "run_check", missing)
    assert main(["check", "spec.toml"]) == 2
    assert "perfrules: 这需要 openpyxl：pip install 'perfrules[xlsx]'" in capsys.readouterr().err
    assert main(["check", "spec.toml", "--lang", "en"]) == 2
    assert (
        "perfrules: this needs openpyxl: pip install 'perfrules[xlsx]'" in capsys.readouterr().err
    )


def test_batch_command_names_the_extra_in_its_language(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rich.console import Console

    from perfrules.cli import _batch
    from perfrules.cli._parser import build_parser

    table = tmp_path / "in.csv"
    table.write_text("unit,indicator\na,x\n", encoding="utf-8")
    monkeypatch.setitem(sys.modules, "perfrules.batch._vector", None)
    for lang, text in (
        ("zh", "向量化计分需要 NumPy 和 pyarrow：pip install 'perfrules[batch]'"),
        ("en", "the vectorised engine needs NumPy and pyarrow: pip install 'perfrules[batch]'"),
    ):
        args = build_parser().parse_args(
            [
                "batch",
                str(table),
                "--out",
                str(tmp_path / "o.csv"),
                "--engine",
                "vector",
                "--lang",
                lang,
            ]
        )
        err = io.StringIO()
        monkeypatch.setattr(sys, "stderr", err)
        assert _batch.run(args, Console(file=io.StringIO())) == 2
        assert text in err.getvalue()
