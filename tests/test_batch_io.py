"""The batch command's input and output path: what a run imports and how it pipelines its work."""

from __future__ import annotations

import subprocess
import sys
import textwrap
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


def test_the_reading_threads_unit_cut_scores_as_the_pure_engine(tmp_path: Path) -> None:
    """The worker takes each unit's first row and trimmed id from the reading thread: units padded with
    blanks, split across read blocks and chunks, a carried last unit, score as the pure engine scores
    them, file for file."""
    from unittest import mock

    from perfrules.batch import _columnar, _run, run_batch

    (tmp_path / "base.toml").write_text(BASE, encoding="utf-8")
    rows = ["unit,indicator,category,weight,comparator,target,actual,spec"]
    for i in range(23):
        uid = f"{' ' * (i % 3)}u{i:02d}{' ' * (i % 2)}"  # ids trimmed alike by Arrow and str.strip
        spec = "base.toml" if i % 4 else ""  # a unit without a spec cell goes to the pure path
        rows += [
            f"{uid},a,产出指标,60,≥,10,{i % 12},{spec}",
            f"{uid},b,效益指标,40,≥,5,{i % 7}.5,",
        ]
    (tmp_path / "t.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    pure = run_batch(tmp_path / "t.csv", tmp_path / "pure.csv", engine="pure")
    with (
        mock.patch.object(_run, "FAST_CHUNK_UNITS", 4),
        mock.patch.object(_columnar, "BLOCK_BYTES", 160),
    ):
        got = run_batch(tmp_path / "t.csv", tmp_path / "col.csv", engine="auto", chunk_units=4)
    assert (
        dict(got.engines).get("vector", 0) > 0
    )  # the columnar runner's vectorised path scored units
    for name in ("", ".indicators", ".categories", ".problems"):
        assert (tmp_path / f"col{name}.csv").read_bytes() == (
            tmp_path / f"pure{name}.csv"
        ).read_bytes(), name
    assert (pure.units, pure.scored) == (got.units, got.scored) == (23, pure.scored)
