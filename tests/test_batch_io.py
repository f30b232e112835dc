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
