"""The Dask route (perfrules.batch.dask) on a local Dask cluster of 2 workers, against `perfrules batch`.

A table in several files (CSV and Parquet) with good units, failed units, bad cells and a
row the reader cannot read is scored by ``run_dask`` on a ``LocalCluster``; its four outputs
must be exactly what ``perfrules batch`` writes for each file, concatenated in file order:
the CSV outputs byte for byte, the Parquet outputs value for value with the same schema. A
unit whose rows are in two files fails once, at its first appearance, located in the
second file. Progress: a live line on a terminal (a pty), nothing when stderr is piped.
"""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from perfrules import SpecError
from perfrules.batch import output_paths, run_batch
from perfrules.cli import _main as cli_main

pytest.importorskip("distributed", reason="the dask extra is not installed")
pa = pytest.importorskip("pyarrow", reason="the dask extra is not installed")
pq = pytest.importorskip("pyarrow.parquet", reason="the dask extra is not installed")

from perfrules.batch.dask import run_dask  # noqa: E402

HEADER = (
    "unit,year,indicator,category,weight,comparator,target,target_unit,target_text,actual,tier\n"
)


def _unit(u: str, actual: str = "12", tier: str = "达成", weight: str = "60") -> str:
    return (
        f"{u},2024,meetings,产出指标,{weight},≥,12,次,,{actual},\n"
        f"{u},2024,service,满意度指标,40,,,,群众满意,,{tier}\n"
    )


# file a: good units, a unit losing points, a bad number, weights not adding up
PART_A = (
    HEADER
    + _unit("u01")
    + _unit("u02", actual="9", tier="部分达成")
    + _unit("u03", actual="1,2")
    + _unit("u04", weight="70")
)
# file b: good units, an unknown tier, a ragged row (a unit read with a row it cannot read), a formula-like cell
PART_B = (
    HEADER
    + _unit("u05", actual="15")
    + _unit("u06", tier="达标了")
    + "u07,2024,meetings,产出指标,60,≥,12,次,,12\n"
    + "u07,2024,service,满意度指标,40,,,,群众满意,,达成\n"
    + _unit("=u08", actual="=SUM(A1)")
)
# file c (Parquet): more units, one failing
PART_C = HEADER + _unit("u09") + _unit("u10", actual="-3") + _unit("u11", actual="13.5")


def _parquet(csv_text: str, path: Path) -> None:
    lines = csv_text.splitlines()
    names = lines[0].split(",")
    rows = [line.split(",") for line in lines[1:]]
    pq.write_table(
        pa.table({n: [r[i] for r in rows] for i, n in enumerate(names)}),
        path,
    )


@pytest.fixture(scope="module")
def client() -> Any:
    """A local Dask cluster of 2 worker processes, for the whole module."""
    from distributed import Client, LocalCluster

    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster,
        Client(cluster) as c,
    ):
        yield c


@pytest.fixture
def parts(tmp_path: Path) -> list[Path]:
    (tmp_path / "in").mkdir()
    a, b, c = tmp_path / "in" / "a.csv", tmp_path / "in" / "b.csv", tmp_path / "in" / "c.parquet"
    a.write_text(PART_A, encoding="utf-8")
    b.write_text(PART_B, encoding="utf-8")
    _parquet(PART_C, c)
    return [a, b, c]


def _reference(parts: list[Path], out: Path, suffix: str) -> list[Path]:
    """`perfrules batch` on each file; the paths of its units tables."""
    refs = []
    for i, p in enumerate(parts):
        ref = out / f"ref{i}{suffix}"
        code = cli_main.main(["batch", str(p), "--out", str(ref), "--quiet"])
        assert code in (0, 1)
        refs.append(ref)
    return refs


def _concat_csv(paths: list[Path]) -> bytes:
    texts = [p.read_bytes() for p in paths]
    header = texts[0].split(b"\n", 1)[0] + b"\n"
    assert all(t.startswith(header) for t in texts)
    return header + b"".join(t[len(header) :] for t in texts)


def test_csv_outputs_are_byte_identical_to_perfrules_batch(
    client: Any, parts: list[Path], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    refs = _reference(parts, out, ".csv")
    summary = run_dask([str(p) for p in parts], out / "results.csv", client=client, progress=False)
    for name, path in output_paths(out / "results.csv").items():
        expected = _concat_csv([output_paths(r)[name] for r in refs])
        assert path.read_bytes() == expected, name
    # the summary tallies the same units as the per-file runs
    per_file = [run_batch(p, out / f"again{i}.csv") for i, p in enumerate(parts)]
    assert summary.units == sum(s.units for s in per_file) == 11
    assert summary.failed == sum(s.failed for s in per_file) == 6
    assert summary.scored == 5
    assert dict(summary.grades) == {
        g: sum(dict(s.grades).get(g, 0) for s in per_file)
        for g in {g for s in per_file for g, _ in s.grades}
    }
    # points lost per indicator: the per-file runs' summed (two indicators: every one is listed)
    lost: dict[str, tuple[Any, int]] = {}
    for s in per_file:
        for loss in s.losses:
            p, n = lost.get(loss.indicator, (0, 0))
            lost[loss.indicator] = (p + loss.points, n + loss.units)
    assert lost and {x.indicator: (x.points, x.units) for x in summary.losses} == lost
    assert summary.exit_code == 1
    assert summary.outputs == tuple(str(p) for p in output_paths(out / "results.csv").values())
    # the failed units are there with their located problems
    units = (out / "results.csv").read_text(encoding="utf-8")
    assert '"u03","error"' in units and "a.csv" in units
    assert '"u07","error",,,,,,"ragged-row"' in units
    assert '"\'=u08","error"' in units  # neutralised as perfrules batch writes it


def test_parquet_outputs_equal_perfrules_batch(
    client: Any, parts: list[Path], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    refs = _reference(parts, out, ".parquet")
    run_dask([str(p) for p in parts], out / "results.parquet", client=client, progress=False)
    for name, path in output_paths(out / "results.parquet").items():
        got = pq.read_table(path)
        expected = pa.concat_tables([pq.read_table(output_paths(r)[name]) for r in refs])
        assert got.schema == expected.schema, name
        assert got.to_pylist() == expected.to_pylist(), name
        assert got.num_rows > 0, name
    ids = pq.read_table(out / "results.parquet").column("unit").to_pylist()
    assert ids == [f"u{i:02d}" for i in range(1, 8)] + ["=u08", "u09", "u10", "u11"]


def test_one_file_is_byte_identical_in_parquet_too(client: Any, tmp_path: Path) -> None:
    """One file: the Parquet bytes too (one part, one row group, as perfrules batch writes it)."""
    src = tmp_path / "a.csv"
    src.write_text(PART_A, encoding="utf-8")
    run_batch(src, tmp_path / "ref.parquet")
    run_dask(str(src), tmp_path / "got.parquet", client=client, progress=False)
    for name, path in output_paths(tmp_path / "got.parquet").items():
        assert path.read_bytes() == output_paths(tmp_path / "ref.parquet")[name].read_bytes(), name


def test_a_glob_reads_the_files_in_sorted_order(
    client: Any, parts: list[Path], tmp_path: Path
) -> None:
    out = tmp_path / "results.csv"
    run_dask(str(tmp_path / "in" / "*.csv"), out, client=client, progress=False)
    ids = [line.split(",")[0] for line in out.read_text(encoding="utf-8").splitlines()[1:]]
    assert ids == [f'"u{i:02d}"' for i in range(1, 8)] + ['"\'=u08"']


def test_a_unit_split_between_files_fails_once_located_in_the_second(
    client: Any, tmp_path: Path
) -> None:
    """u02 ends file 1 and begins file 2: it fails at its first appearance, not-contiguous at file 2 row 2."""
    one, two = tmp_path / "p1.csv", tmp_path / "p2.csv"
    u02 = _unit("u02").splitlines(keepends=True)
    one.write_text(HEADER + _unit("u01") + u02[0], encoding="utf-8")
    two.write_text(HEADER + u02[1] + _unit("u03"), encoding="utf-8")
    out = tmp_path / "results.csv"
    summary = run_dask([str(one), str(two)], out, client=client, progress=False)
    assert (summary.units, summary.scored, summary.failed) == (3, 2, 1)
    rows = out.read_text(encoding="utf-8").splitlines()
    assert [r.split(",")[0] for r in rows[1:]] == ['"u01"', '"u02"', '"u03"']
    assert rows[2].startswith(f'"u02","error",,,,,,"not-contiguous","{two}",2,1,')
    assert "keep each unit's rows in one file" in rows[2]
    problems = output_paths(out)["problems"].read_text(encoding="utf-8").splitlines()
    assert len(problems) == 2 and problems[1].startswith('"u02","not-contiguous"')
    indicators = output_paths(out)["indicators"].read_text(encoding="utf-8")
    assert '"u02"' not in indicators and '"u03"' in indicators and '"u01"' in indicators


@pytest.mark.parametrize("level", ["full", "record"])
def test_the_audit_is_what_perfrules_batch_writes_for_each_file(
    client: Any, parts: list[Path], tmp_path: Path, level: str
) -> None:
    """Each part's audit lines, in file order, byte for byte; a new index that explain() reads."""
    from perfrules.batch import explain

    refs = []
    for i, p in enumerate(parts):
        ref = tmp_path / f"ref{i}.jsonl"
        run_batch(p, tmp_path / f"ref{i}.csv", audit=ref, audit_level=level)
        refs.append(ref)
    audit = tmp_path / "audit.jsonl"
    run_dask(
        [str(p) for p in parts],
        tmp_path / "results.csv",
        client=client,
        progress=False,
        audit=audit,
        audit_level=level,  # type: ignore[arg-type]
    )
    expected = b"".join(r.read_bytes() for r in refs)
    assert audit.read_bytes() == expected
    lines = expected.decode("utf-8").splitlines()
    assert len(lines) == 11 and sum('"status":"error"' in x for x in lines) == 6
    # the merged index: every unit found at its own line (u09 is the first unit of the third file)
    doc = explain(audit, "u09", full=False)
    assert doc["unit"] == "u09" and doc.get("status", "ok") == "ok"
    assert explain(audit, "u05", full=False)["unit"] == "u05"


def test_a_unit_split_between_files_has_one_error_line_in_the_audit(
    client: Any, tmp_path: Path
) -> None:
    one, two = tmp_path / "p1.csv", tmp_path / "p2.csv"
    u02 = _unit("u02").splitlines(keepends=True)
    one.write_text(HEADER + _unit("u01") + u02[0], encoding="utf-8")
    two.write_text(HEADER + u02[1] + _unit("u03"), encoding="utf-8")
    audit = tmp_path / "a.jsonl"
    run_dask(
        [str(one), str(two)],
        tmp_path / "r.csv",
        client=client,
        progress=False,
        audit=audit,
        audit_level="record",
    )
    import json

    docs = [json.loads(x) for x in audit.read_text(encoding="utf-8").splitlines()]
    assert [d["unit"] for d in docs] == ["u01", "u02", "u03"]
    assert docs[1]["status"] == "error" and docs[1]["schema"] == "perfrules.batch-audit"
    assert [p["code"] for p in docs[1]["problems"]] == ["not-contiguous"]
    assert docs[1]["problems"][0]["file"] == str(two) and docs[1]["problems"][0]["row"] == 2


def test_an_unreadable_file_fails_the_run_before_any_output(client: Any, tmp_path: Path) -> None:
    good = tmp_path / "a.csv"
    good.write_text(PART_A, encoding="utf-8")
    bad = tmp_path / "b.csv"
    bad.write_text("unit,wieght\nu1,5\n", encoding="utf-8")
    with pytest.raises(SpecError) as info:
        run_dask([str(good), str(bad)], tmp_path / "results.csv", client=client, progress=False)
    assert info.value.problems[0].code == "unknown-column"
    assert not (tmp_path / "results.csv").exists()
    assert not [p for p in tmp_path.iterdir() if "dask-parts" in p.name]


def test_progress_is_called_with_units_done_and_total(
    client: Any, parts: list[Path], tmp_path: Path
) -> None:
    seen: list[tuple[int, int]] = []
    run_dask(
        [str(p) for p in parts],
        tmp_path / "r.csv",
        client=client,
        progress=lambda done, total: seen.append((done, total)),
    )
    assert seen[0] == (0, 11) and seen[-1] == (11, 11)
    assert sorted(d for d, _ in seen) == [d for d, _ in seen]
    assert {d for d, _ in seen[1:]} <= {4, 8, 7, 11, 3}  # after each file's part: 4, 4 and 3 units


_SCRIPT = textwrap.dedent(
    """
    import sys
    from distributed import Client, LocalCluster
    from perfrules.batch.dask import run_dask
    with LocalCluster(n_workers=1, processes=False, dashboard_address=":0") as cluster, Client(cluster) as c:
        run_dask(sys.argv[1:-1], sys.argv[-1], client=c)
    print("done", flush=True)
    """
)


def _run_on_pty(args: list[str]) -> str:
    """Run ``python -c _SCRIPT args`` with stderr (and stdout) on a pseudo-terminal; all it wrote."""
    leader, follower = pty.openpty()
    env = {**os.environ, "COLUMNS": "100", "TERM": "xterm"}
    proc = subprocess.Popen(
        [sys.executable, "-c", _SCRIPT, *args],
        stdin=subprocess.DEVNULL,
        stdout=follower,
        stderr=follower,
        env=env,
    )
    os.close(follower)
    chunks: list[bytes] = []
    while True:
        ready, _, _ = select.select([leader], [], [], 60)
        if not ready:
            proc.kill()
            break
        try:
            data = os.read(leader, 65536)
        except OSError:  # the follower closed: the process ended
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=60)
    os.close(leader)
    assert proc.returncode == 0, b"".join(chunks).decode(errors="replace")
    return b"".join(chunks).decode("utf-8", errors="replace")


def test_progress_line_on_a_terminal_and_none_when_piped(parts: list[Path], tmp_path: Path) -> None:
    args = [str(p) for p in parts]
    shown = _run_on_pty([*args, str(tmp_path / "tty.csv")])
    assert "评分（Dask）" in shown and "11/11" in shown
    piped = subprocess.run(
        [sys.executable, "-c", _SCRIPT, *args, str(tmp_path / "piped.csv")],
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    assert piped.returncode == 0, piped.stderr
    assert piped.stdout == "done\n"
    assert "评分" not in piped.stderr and "11/11" not in piped.stderr
    assert (tmp_path / "tty.csv").read_bytes() == (tmp_path / "piped.csv").read_bytes()
