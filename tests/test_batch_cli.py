"""``perfrules batch``: exit codes, messages and the summary, through the real parser and through ``perfrules.cli.main``."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console

import perfrules.cli._main as cli_main
from perfrules.batch import read_table, table_from_columns
from perfrules.cli import _batch
from perfrules.cli._exit import UsageError
from perfrules.cli._parser import build_parser

ROWS = [
    {
        "单位": "a",
        "指标": "x",
        "一级指标": "产出指标",
        "分值": "100",
        "比较符": ">=",
        "指标值": "10",
        "实际完成值": "9",
        "年度": "2024",
    },
    {
        "单位": "b",
        "指标": "x",
        "一级指标": "产出指标",
        "分值": "100",
        "比较符": ">=",
        "指标值": "10",
        "实际完成值": "10",
        "年度": "2024",
    },
]


def run(argv: list[str]) -> tuple[int, str]:
    args = build_parser().parse_args(argv)
    buf = io.StringIO()
    code = _batch.run(args, Console(file=buf, width=120))
    return code, buf.getvalue()


def write(path: Path, rows: list[dict[str, str]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    return path


def test_all_scored_exit_0_and_chinese_summary(tmp_path: Path) -> None:
    code, text = run(
        ["batch", str(write(tmp_path / "in.csv", ROWS)), "--out", str(tmp_path / "o.csv")]
    )
    assert code == 0
    assert "共 2 个单位：2 个已评分，0 个有误" in text and "扣分最多的指标" in text
    rows = list(csv.DictReader(open(tmp_path / "o.csv", encoding="utf-8")))
    assert [(r["unit"], r["total"], r["grade"]) for r in rows] == [
        ("a", "90.00", "优"),
        ("b", "100.00", "优"),
    ]


def test_a_bad_unit_exits_1_and_is_listed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [dict(ROWS[0], 实际完成值="九"), ROWS[1]]
    code, text = run(
        [
            "batch",
            str(write(tmp_path / "in.csv", rows)),
            "--out",
            str(tmp_path / "o.csv"),
            "--lang",
            "en",
        ]
    )
    assert code == 1  # a finding: the failed unit has its error row, the other is scored
    assert "2 units: 1 scored, 1 failed" in text
    err = capsys.readouterr().err
    assert f"{tmp_path / 'in.csv'}:2:7: [a]" in err and "invalid-number" in err


def test_unknown_header_exits_2_with_did_you_mean(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [{("wieght" if k == "分值" else k): v for k, v in r.items()} for r in ROWS]
    code, _ = run(
        [
            "batch",
            str(write(tmp_path / "in.csv", rows)),
            "--out",
            str(tmp_path / "o.csv"),
            "--lang",
            "en",
        ]
    )
    assert code == 2
    err = capsys.readouterr().err
    assert "in.csv:1:4: unknown column 'wieght'" in err and "did you mean 'weight'?" in err
    assert not (tmp_path / "o.csv").exists()


def test_unreadable_input_and_bad_out_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["batch", str(tmp_path / "nope.csv"), "--out", str(tmp_path / "o.csv")])[0] == 2
    assert "nope.csv" in capsys.readouterr().err
    good = write(tmp_path / "in.csv", ROWS)
    assert run(["batch", str(good), "--out", str(tmp_path / "o.txt")])[0] == 2
    assert run(["batch", str(good), "--out", str(tmp_path / "missing" / "o.csv")])[0] == 2
    with pytest.raises(UsageError):
        run(["batch", str(good)])  # --out is required
    with pytest.raises(UsageError):
        run(["batch", str(good), "--out", "o.csv", "--engine", "fast"])


def test_vector_engine_unavailable_exits_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "perfrules.batch._vector", None)
    code, _ = run(
        [
            "batch",
            str(write(tmp_path / "in.csv", ROWS)),
            "--out",
            str(tmp_path / "o.csv"),
            "--engine",
            "vector",
        ]
    )
    assert code == 2
    assert "perfrules[batch]" in capsys.readouterr().err


def test_quiet_prints_no_summary(tmp_path: Path) -> None:
    code, text = run(
        ["batch", str(write(tmp_path / "in.csv", ROWS)), "--out", str(tmp_path / "o.csv"), "-q"]
    )
    assert (code, text) == (0, "")


def test_chinese_aliases_read_as_canonical_columns(tmp_path: Path) -> None:
    table = read_table(write(tmp_path / "in.csv", ROWS))
    assert list(table.header) == [
        "unit",
        "indicator",
        "category",
        "weight",
        "comparator",
        "target",
        "actual",
        "year",
    ]
    assert (table.row_count, table.unit_count) == (2, 2)
    with pytest.raises(ValueError):
        table_from_columns({"unit": ["a", "b"], "indicator": ["x"]})


def test_through_main(tmp_path: Path) -> None:
    assert (
        cli_main.main(
            ["batch", str(write(tmp_path / "in.csv", ROWS)), "--out", str(tmp_path / "o.csv"), "-q"]
        )
        == 0
    )
    assert cli_main.main(["batch", str(tmp_path / "in.csv")]) == 2


@pytest.mark.parametrize(("terminal", "quiet"), [(True, False), (True, True), (False, False)])
def test_progress_line_only_on_a_terminal_and_never_with_quiet(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, terminal: bool, quiet: bool
) -> None:
    # the one progress line of perfrules/_progress.py (label, bar, done/total, rate) on the stderr console
    stream = io.StringIO()
    monkeypatch.setattr(
        _batch, "_err", lambda lang: Console(file=stream, force_terminal=terminal, width=120)
    )
    argv = ["batch", str(write(tmp_path / "in.csv", ROWS)), "--out", str(tmp_path / "o.csv")]
    code, _ = run([*argv, "--quiet"] if quiet else argv)
    assert code == 0
    shown = stream.getvalue()
    if terminal and not quiet:
        assert "评分" in shown and "2/2" in shown
    else:
        assert shown == ""


_BLAS_PROBE = """
import os, sys
sys.argv[0] = sys.argv[1]
seen = []


class Spy:
    @staticmethod
    def find_spec(name, path=None, target=None):
        if name == "numpy":  # NumPy's first import: the environment OpenBLAS reads
            seen.append(os.environ.get("OPENBLAS_NUM_THREADS"))
        return None


sys.meta_path.insert(0, Spy)
from perfrules.cli import main

code = main(["batch", sys.argv[2], "--out", sys.argv[3], "--quiet"])
print(code, seen[:1], os.environ.get("OPENBLAS_NUM_THREADS"))
"""


@pytest.mark.parametrize(
    ("argv0", "user", "expected"),
    [
        ("perfrules", None, "0 ['1'] None"),  # the command: one thread, the environment as it was
        ("perfrules", "3", "0 ['3'] 3"),  # the user's choice stands
        ("app.py", None, "0 [None] None"),  # perfrules.cli.main called by another program
    ],
)
def test_batch_loads_openblas_with_one_thread(
    tmp_path: Path, argv0: str, user: str | None, expected: str
) -> None:
    pytest.importorskip("numpy")
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    if user is not None:
        env["OPENBLAS_NUM_THREADS"] = user
    src = write(tmp_path / "in.csv", ROWS)
    got = subprocess.run(
        [sys.executable, "-c", _BLAS_PROBE, argv0, str(src), str(tmp_path / "o.csv")],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    assert got.stdout.strip() == expected
