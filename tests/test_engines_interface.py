"""The batch engines behind one typed interface, chosen once per run (docs/batch.md, "Engines").

* ``select_engine`` maps ``engine="auto" | "pure" | "vector"``, the installed extras and the table to one
  engine: the columnar runner for a file it reads exactly, the chunk-by-chunk runner with the vectorised
  scorer for any other table, the pure engine for ``pure``, for the full audit and for ``auto`` without
  the extras; ``vector`` without them is ``MissingExtraError``, before any file is opened;
* ``run_batch`` chooses once and hands that engine the table, the outputs and the progress callback;
* every engine yields ``ScoredChunk``s and shares ``Engine.run``: an engine written against the interface
  alone runs into the same outputs and writes the same files;
* the seams between the runner and the engines carry types, not ``Any``, and nothing in perfrules.batch
  finds an engine through ``importlib``.
"""

from __future__ import annotations

import ast
import sys
import types
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import perfrules.batch
from perfrules import MissingExtraError
from perfrules._atomic import Transaction
from perfrules.batch import (
    _chunked,
    _engines,
    _run,
    output_paths,
    read_table,
    run_batch,
    table_from_columns,
)
from perfrules.batch._chunked import ChunkedEngine
from perfrules.batch._engines import Engine, OnUnit, Outputs, ScoredChunk
from perfrules.batch._run import CHUNK_UNITS, FAST_CHUNK_UNITS, select_engine
from perfrules.batch._table import Table

HEADER = "unit,indicator,category,weight,comparator,target,actual,year"
ROWS = [
    "a,x,产出指标,100,>=,10,9,2024",
    "b,x,产出指标,100,>=,10,10,2024",
    "c,x,产出指标,100,>=,10,九,2024",
    "d,x,产出指标,60,>=,10,8,2024",
    "d,y,效益指标,40,<=,5,6,2024",
]
TABLES = ("units", "indicators", "categories", "problems")


def write_csv(path: Path, rows: list[str] = ROWS, *, blank: bool = False) -> Path:
    lines = [HEADER, *rows[:2], *([""] if blank else []), *rows[2:]]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def in_memory() -> Table:
    cells = [r.split(",") for r in ROWS]
    return table_from_columns({c: [r[i] for r in cells] for i, c in enumerate(HEADER.split(","))})


def vectorised() -> tuple[Any, Any]:
    """The vectorised module's scorer and builder (skips without perfrules[batch])."""
    pytest.importorskip("numpy")
    pytest.importorskip("pyarrow")
    from perfrules.batch._vector import score_chunk, unit_builder

    return score_chunk, unit_builder


# ---------------------------------------------------------------------------
# the choice


def test_pure_is_the_chunk_by_chunk_runner_without_a_scorer(tmp_path: Path) -> None:
    engine = select_engine("pure", read_table(write_csv(tmp_path / "in.csv")), chunk_units=7)
    assert type(engine) is ChunkedEngine and engine.scorer is None and engine.chunk_units == 7
    assert select_engine("pure").chunk_units == CHUNK_UNITS


def test_a_file_the_columnar_runner_reads_goes_to_it(tmp_path: Path) -> None:
    score_chunk, unit_builder = vectorised()
    from perfrules.batch._columnar import ColumnarEngine

    table = read_table(write_csv(tmp_path / "in.csv"))
    for name in ("auto", "vector"):
        engine = select_engine(name, table, chunk_units=7)
        assert isinstance(engine, ColumnarEngine)
        assert (engine.score, engine.unit_builder, engine.chunk_units) == (
            score_chunk,
            unit_builder,
            FAST_CHUNK_UNITS,
        )
        assert (
            select_engine(name, table, chunk_units=FAST_CHUNK_UNITS + 1).chunk_units
            == FAST_CHUNK_UNITS + 1
        )  # type: ignore[attr-defined]


def test_any_other_table_goes_chunk_by_chunk_through_the_vectorised_scorer(tmp_path: Path) -> None:
    score_chunk, _ = vectorised()
    blank = read_table(
        write_csv(tmp_path / "blank.csv", blank=True)
    )  # a blank line: the csv reader's reading only
    for name in ("auto", "vector"):
        for table in (in_memory(), blank, None):
            engine = select_engine(name, table, chunk_units=7)
            assert (
                type(engine) is ChunkedEngine
                and engine.scorer is score_chunk
                and engine.chunk_units == 7
            )


def test_the_full_audit_is_scored_on_the_pure_path(tmp_path: Path) -> None:
    vectorised()
    table = read_table(write_csv(tmp_path / "in.csv"))
    for name in ENGINE_NAMES:
        engine = select_engine(name, table, documents=True)
        assert type(engine) is ChunkedEngine and engine.scorer is None


ENGINE_NAMES = ("auto", "pure", "vector")


def test_without_the_extras(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    table = read_table(write_csv(tmp_path / "in.csv"))
    for missing in ("numpy", "pyarrow", "perfrules.batch._vector"):
        with monkeypatch.context() as m:
            m.setitem(sys.modules, missing, None)
            engine = select_engine("auto", table)
            assert (
                type(engine) is ChunkedEngine and engine.scorer is None
            )  # auto falls back to pure
            with pytest.raises(MissingExtraError) as err:
                select_engine("vector", table)
            assert err.value.extra == "batch" and "pip install 'perfrules[batch]'" in str(err.value)
    with pytest.raises(ValueError, match="engine must be one of auto, pure, vector"):
        select_engine("fast", table)


def test_a_scorer_with_only_the_chunk_contract_runs_chunk_by_chunk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    vectorised()
    from perfrules.batch._chunk import ChunkResult

    def score_chunk(chunk: Any) -> ChunkResult:
        return ChunkResult.empty(len(chunk))

    monkeypatch.setitem(
        sys.modules, "perfrules.batch._vector", types.SimpleNamespace(score_chunk=score_chunk)
    )
    engine = select_engine("vector", read_table(write_csv(tmp_path / "in.csv")))
    assert type(engine) is ChunkedEngine and engine.scorer is score_chunk


# ---------------------------------------------------------------------------
# the run


def test_run_batch_chooses_once_and_hands_the_engine_its_outputs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    chosen: list[Engine] = []
    seen: list[tuple[Table, Outputs]] = []
    progress: list[tuple[int, int]] = []
    real_select, real_run = _run.select_engine, Engine.run

    def select(*args: Any, **kwargs: Any) -> Engine:
        chosen.append(real_select(*args, **kwargs))
        return chosen[-1]

    def run(self: Engine, table: Table, outputs: Outputs, progress: Any = None) -> Any:
        seen.append((table, outputs))
        return real_run(self, table, outputs, progress)

    monkeypatch.setattr(_run, "select_engine", select)
    monkeypatch.setattr(Engine, "run", run)
    path = write_csv(tmp_path / "in.csv")
    out = tmp_path / "o.csv"
    for engine in ENGINE_NAMES:
        chosen.clear()
        seen.clear()
        summary = run_batch(
            path,
            out,
            engine=engine,
            chunk_units=1,
            audit=tmp_path / "a.jsonl",
            progress=lambda done, total: progress.append((done, total)),
        )
        assert len(chosen) == 1 and len(seen) == 1
        table, outputs = seen[0]
        assert table.file == str(path) and outputs.audit is not None and outputs.documents
        assert {name: w.path for name, w in outputs.tables.items()} == output_paths(out)
        assert (summary.units, summary.scored, summary.failed) == (4, 3, 1)
        assert progress[-1] == (4, 4)
        progress.clear()


def test_an_engine_needs_only_the_interface(tmp_path: Path) -> None:
    """An engine written against ``Engine`` and ``ScoredChunk`` alone: the shared loop writes its chunks."""

    class UnitByUnit(Engine):
        """Every unit on the pure path, one unit per chunk, through the chunk-by-chunk runner's scorer."""

        def chunks(self, table: Table, on_unit: OnUnit | None = None) -> Iterator[ScoredChunk]:
            yield from ChunkedEngine(chunk_units=1).chunks(table, on_unit)

    path = write_csv(tmp_path / "in.csv")
    want = run_batch(path, tmp_path / "want.csv", engine="pure")
    table = read_table(path)
    tx = Transaction()
    outputs = Outputs.open(output_paths(tmp_path / "got.csv"), tx)
    got = UnitByUnit().run(table, outputs)
    outputs.commit()
    tx.commit()
    assert (got.units, got.scored, got.failed, got.grades, got.engines) == (
        want.units,
        want.scored,
        want.failed,
        want.grades,
        want.engines,
    )
    for name in TABLES:
        suffix = "" if name == "units" else f".{name}"
        assert (tmp_path / f"got{suffix}.csv").read_bytes() == (
            tmp_path / f"want{suffix}.csv"
        ).read_bytes(), name


def test_the_engines_agree_on_a_small_table(tmp_path: Path) -> None:
    vectorised()
    path = write_csv(tmp_path / "in.csv")
    files = {}
    for engine in ENGINE_NAMES:
        summary = run_batch(path, tmp_path / f"{engine}.csv", engine=engine)
        files[engine] = [p.read_bytes() for p in output_paths(tmp_path / f"{engine}.csv").values()]
        engines = dict(
            summary.engines
        )  # units each path scored (the failed unit is counted by neither)
        assert sum(engines.values()) == summary.scored == 3
        assert engines == {"pure": 3} if engine == "pure" else engines["vector"] >= 2
    assert files["auto"] == files["pure"] == files["vector"]


# ---------------------------------------------------------------------------
# typed seams, no importlib


def _has_any(hint: Any) -> bool:
    """Whether ``Any`` appears in a type hint (the shape of a NumPy array type is ``Any`` by NumPy's own stubs)."""
    args = typing.get_args(hint)
    origin = typing.get_origin(hint)
    if (
        getattr(origin, "__module__", None) == "numpy"
        and getattr(origin, "__name__", None) == "ndarray"
    ):
        args = args[1:]
    return hint is Any or any(_has_any(arg) for arg in args)


def _hints(obj: Any, module: types.ModuleType) -> dict[str, Any]:
    from perfrules.batch._records import RecordInputs

    return typing.get_type_hints(obj, globalns={**vars(module), "RecordInputs": RecordInputs})


def test_the_seams_carry_types_not_any() -> None:
    vectorised()
    from perfrules.batch import _columnar

    seams: list[tuple[Any, types.ModuleType]] = [
        (Engine.chunks, _engines),
        (Engine.run, _engines),
        (Outputs.open, _engines),
        (Outputs.write, _engines),
        (Outputs, _engines),
        (ScoredChunk.tally, _engines),
        (ScoredChunk.record_inputs, _engines),
        (ScoredChunk.tables.fget, _engines),
        (ScoredChunk.vector.fget, _engines),
        (ChunkedEngine.__init__, _chunked),
        (ChunkedEngine.chunks, _chunked),
        (_chunked._score_chunk, _chunked),
        (_chunked.Scored, _chunked),
        (_chunked.Scored.record_inputs, _chunked),
        (_columnar.ColumnarEngine.__init__, _columnar),
        (_columnar.ColumnarEngine.chunks, _columnar),
        (_columnar.Scored, _columnar),
        (_columnar._score, _columnar),
        (_columnar._merge, _columnar),
        (_columnar._scored_chunks, _columnar),
        (_run.select_engine, _run),
        (_run.run_batch, _run),
        (_run.score_units, _run),
    ]
    for obj, module in seams:
        hints = _hints(obj, module)
        assert hints, obj
        typed_any = sorted(name for name, hint in hints.items() if _has_any(hint))
        assert not typed_any, f"{getattr(obj, '__qualname__', obj)}: Any in {typed_any}"


def test_no_engine_is_found_through_importlib() -> None:
    folder = Path(perfrules.batch.__file__).parent
    for path in sorted(folder.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                assert all(a.name.split(".")[0] != "importlib" for a in node.names), path.name
            elif isinstance(node, ast.ImportFrom):
                assert (node.module or "").split(".")[0] != "importlib", path.name
            elif isinstance(node, ast.Name):
                assert node.id != "__import__", path.name


# ---------------------------------------------------------------------------
# the columnar engine reads each cell as the csv reader does, wherever its blocks end


def test_a_block_never_ends_between_the_cr_and_the_lf_of_a_cell(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pyarrow's streaming reader drops the LF of a quoted CRLF when a block ends between the two bytes.

    Found by tests/test_batch_engines.py (a note ``"x\\r\\ny"`` in an LF table, blocks of 256 bytes): the
    result tables agreed, but the unit's audit record held ``"x\\ry"``, so ``explain`` disagreed with the
    full audit.
    """
    vectorised()
    from perfrules.batch import _columnar, explain

    head = HEADER + ",note"
    rows = [r + "," for r in ROWS[:2]]
    body = (
        "\n".join(
            [head, *rows, 'e,x,产出指标,100,>=,10,9,2024,"x\r\ny"', *(r + "," for r in ROWS[3:])]
        )
        + "\n"
    )
    path = tmp_path / "in.csv"
    path.write_bytes(body.encode())
    data = path.read_bytes()
    cr = data.index(b"x\r\ny") + 1
    assert (
        _columnar.block_size(path, cr + 1) < cr + 1
    )  # a block of cr + 1 bytes would end on the CR
    assert data[_columnar.block_size(path, cr + 1) - 1] != 13
    assert _columnar.block_size(path, len(data)) == len(data)  # one block
    lf = tmp_path / "lf.csv"
    lf.write_bytes(data.replace(b"\r", b""))
    assert _columnar.block_size(lf, 7) == 7  # no carriage return: any size
    monkeypatch.setattr(_columnar, "BLOCK_BYTES", cr + 1)
    table = read_table(path)
    assert _columnar.usable(table)
    notes = [v for rb in _columnar._batches(table) for v in rb.column("note").to_pylist()]
    assert notes == ["", "", "x\r\ny", "", ""]
    monkeypatch.setattr(_run, "FAST_CHUNK_UNITS", 1)
    run_batch(
        path,
        tmp_path / "rec.csv",
        engine="auto",
        audit=tmp_path / "rec.jsonl",
        audit_level="record",
        chunk_units=1,
    )
    run_batch(path, tmp_path / "full.csv", engine="pure", audit=tmp_path / "full.jsonl")
    assert explain(tmp_path / "rec.jsonl", "e", full=False)["cells"]["note"] == ["x\r\ny"]
    assert explain(tmp_path / "rec.jsonl", "e") == explain(tmp_path / "full.jsonl", "e")
