"""The batch command's input and output path: what a run imports and how it pipelines its work."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("pyarrow")
pytest.importorskip("numpy")

ROOT = Path(__file__).resolve().parents[1]
BASE = '[meta]\nid = "b"\ntitle = "测试"\nunit = "测试"\nyear = 2024\nkind = "项目支出"\n'
TABLE = (
    "unit,indicator,category,weight,comparator,target,actual,spec\n"
    "u1,a,产出指标,60,≥,10,9,base.toml\nu1,b,效益指标,40,≥,5,5,\n"
)


def _run_python(code: str, tmp_path: Path) -> str:
    env_path = str(ROOT)
    got = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"PYTHONPATH": env_path, "PATH": "/usr/bin:/bin"},
        check=True,
    )
    return got.stdout.strip()


def test_a_csv_run_never_imports_the_parquet_module(tmp_path: Path) -> None:
    # pyarrow.parquet brings pyarrow's file systems and ssl: some 50 ms at every start of a CSV run
    (tmp_path / "base.toml").write_text(BASE, encoding="utf-8")
    (tmp_path / "t.csv").write_text(TABLE, encoding="utf-8")
    out = _run_python(
        """
        import sys
        from perfrules.batch import run_batch
        s = run_batch("t.csv", "o.csv")
        print(s.scored, "pyarrow.parquet" in sys.modules, "pyarrow.csv" in sys.modules)
        run_batch("t.csv", "o.parquet")
        print("pyarrow.parquet" in sys.modules)
        """,
        tmp_path,
    )
    assert out.split("\n") == ["1 False True", "True"]


def test_reading_ahead_keeps_the_order_and_the_error_where_it_was_met() -> None:
    from perfrules.batch._columnar import ahead

    def items() -> Iterator[int]:
        yield from range(10)
        raise ValueError("the tenth batch is bad")

    got: list[int] = []
    with pytest.raises(ValueError, match="tenth"):
        for x in ahead(items(), 3):
            got.append(x)
    assert got == list(range(10))
    assert list(ahead(iter(range(25)), 2)) == list(range(25))


def test_a_caller_that_stops_early_stops_the_reading_thread() -> None:
    from perfrules.batch._columnar import ahead

    made: list[int] = []
    closed = threading.Event()

    def items() -> Iterator[int]:
        try:
            for i in range(10_000):
                made.append(i)
                yield i
        finally:
            closed.set()

    it = ahead(items(), 2)
    assert [next(it) for _ in range(3)] == [0, 1, 2]
    it.close()  # what the run does when it fails or stops
    assert closed.is_set()  # the source was closed on its thread, which has ended
    assert not any(t.name == "perfrules-read" for t in threading.enumerate())
    assert len(made) <= 3 + 2 + 1  # never more than `depth` (and the one in hand) ahead
