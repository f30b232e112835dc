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


def _unit3(u: str, actual: str = "12", tier: str = "达成") -> list[str]:
    """A unit of three rows (weights 30, 30, 40)."""
    return [
        f"{u},2024,meetings,产出指标,30,≥,12,次,,{actual},\n",
        f"{u},2024,visits,产出指标,30,≥,6,次,,6,\n",
        f"{u},2024,service,满意度指标,40,,,,群众满意,,{tier}\n",
    ]


def test_a_unit_cut_at_file_boundaries_is_scored_whole(client: Any, tmp_path: Path) -> None:
    """u02 ends file 1, is all of file 2 and begins file 3: scored from all its rows, as one table would be."""
    u02 = _unit3("u02", actual="9", tier="部分达成")
    texts = [
        HEADER + _unit("u01") + u02[0],
        HEADER + u02[1],
        HEADER + u02[2] + _unit("u03"),
    ]
    files = [tmp_path / f"p{k}.csv" for k in range(3)]
    for f, text in zip(files, texts, strict=True):
        f.write_text(text, encoding="utf-8")
    one = tmp_path / "one.csv"  # the same rows as one table
    one.write_text(HEADER + "".join(t.removeprefix(HEADER) for t in texts), encoding="utf-8")
    run_batch(one, tmp_path / "ref.csv")
    out = tmp_path / "results.csv"
    summary = run_dask([str(f) for f in files], out, client=client, progress=False)
    assert (summary.units, summary.scored, summary.failed) == (3, 3, 0)
    for name, path in output_paths(out).items():
        assert path.read_bytes() == output_paths(tmp_path / "ref.csv")[name].read_bytes(), name
    assert '"u02","ok"' in out.read_text(encoding="utf-8")


def test_a_cut_unit_that_fails_is_located_in_the_file_its_row_came_from(
    client: Any, tmp_path: Path
) -> None:
    u02 = _unit3("u02", tier="达标了")  # an unknown tier, in the row that begins file 2
    one, two = tmp_path / "p1.csv", tmp_path / "p2.csv"
    one.write_text(HEADER + _unit("u01") + "".join(u02[:2]), encoding="utf-8")
    two.write_text(HEADER + u02[2] + _unit("u03"), encoding="utf-8")
    out = tmp_path / "results.csv"
    summary = run_dask([str(one), str(two)], out, client=client, progress=False)
    assert (summary.units, summary.scored, summary.failed) == (3, 2, 1)
    problems = output_paths(out)["problems"].read_text(encoding="utf-8").splitlines()
    assert len(problems) == 2
    assert problems[1].startswith(f'"u02","unknown-tier","{two}","2","11","tier",')
    units = out.read_text(encoding="utf-8").splitlines()
    assert units[2].startswith(f'"u02","error",,,,,,"unknown-tier","{two}",2,11,')


def test_a_unit_in_two_files_but_not_at_their_boundary_fails_once(
    client: Any, tmp_path: Path
) -> None:
    """u02 begins file 1 and file 2: its rows would not be one run: not-contiguous at file 2 row 2."""
    one, two = tmp_path / "p1.csv", tmp_path / "p2.csv"
    u02 = _unit("u02").splitlines(keepends=True)
    one.write_text(HEADER + u02[0] + _unit("u01"), encoding="utf-8")
    two.write_text(HEADER + u02[1] + _unit("u03"), encoding="utf-8")
    out = tmp_path / "results.csv"
    summary = run_dask([str(one), str(two)], out, client=client, progress=False)
    assert (summary.units, summary.scored, summary.failed) == (3, 2, 1)
    rows = out.read_text(encoding="utf-8").splitlines()
    assert [r.split(",")[0] for r in rows[1:]] == ['"u02"', '"u01"', '"u03"']
    assert rows[1].startswith(f'"u02","error",,,,,,"not-contiguous","{two}",2,1,')
    assert "keep each unit's rows in one file" in rows[1]
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


@pytest.mark.parametrize("level", ["full", "record"])
def test_the_audit_of_a_cut_unit_is_its_own(client: Any, tmp_path: Path, level: str) -> None:
    """A unit cut at a file boundary: its audit line as one table's; a record names each row's number."""
    import json

    from perfrules.batch import explain

    u02 = _unit3("u02", actual="9")
    one, two = tmp_path / "p1.csv", tmp_path / "p2.csv"
    one.write_text(HEADER + _unit("u01") + "".join(u02[:2]), encoding="utf-8")
    two.write_text(HEADER + u02[2] + _unit("u03"), encoding="utf-8")
    whole = tmp_path / "one.csv"
    whole.write_text(HEADER + _unit("u01") + "".join(u02) + _unit("u03"), encoding="utf-8")
    run_batch(whole, tmp_path / "ref.csv", audit=tmp_path / "ref.jsonl", audit_level=level)
    audit = tmp_path / "a.jsonl"
    run_dask(
        [str(one), str(two)],
        tmp_path / "r.csv",
        client=client,
        progress=False,
        audit=audit,
        audit_level=level,  # type: ignore[arg-type]
    )
    got = [json.loads(x) for x in audit.read_text(encoding="utf-8").splitlines()]
    ref = [json.loads(x) for x in (tmp_path / "ref.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [d["unit"] for d in got] == ["u01", "u02", "u03"]
    if level == "record":
        assert (got[1]["table"], got[1]["rows"]) == (str(one), [4, 5, 2])
        assert (ref[1]["table"], ref[1]["rows"]) == (str(whole), [4, 5, 6])
        for d in (got[1], ref[1]):
            del d["table"], d["rows"], d["folder"]
        assert explain(audit, "u02") == explain(tmp_path / "ref.jsonl", "u02")
    assert got[1] == ref[1]


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


# ---------------------------------------------------------------------------
# the client's search for units in more than one file: streamed, never every id at once

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from perfrules.batch._dask import (  # noqa: E402
    _chains,
    _Edges,
    _ids_path,
    _Part,
    _repeated,
    _straddlers,
)


def _plain_search(units_of: list[list[str]]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Straddlers and chains computed the plain way, from every part's whole list of ids."""
    where: dict[str, list[int]] = {}
    for i, units in enumerate(units_of):
        for u in units:
            if i not in where.setdefault(u, []):
                where[u].append(i)
    split = {u: (p[0], p[1]) for u, p in where.items() if len(p) > 1}
    chains = {}
    for u, p in where.items():
        lo, hi = p[0], p[-1]
        if lo == hi or p != list(range(lo, hi + 1)):
            continue
        if units_of[lo][-1] != u or units_of[hi][0] != u:
            continue
        if all(units_of[m] == [u] for m in range(lo + 1, hi)):
            chains[u] = (lo, hi)
    return split, chains


def _edges_of(units_of: list[list[str]], folder: Path) -> _Edges:
    parts, files = [], []
    for i, units in enumerate(units_of):
        ids = sorted(set(units))
        path = _ids_path(str(folder / f"part-{i:05d}.parquet"))
        pq.write_table(pa.table({"unit": pa.array(ids, type=pa.string())}), path)
        files.append(path)
        parts.append(
            _Part(
                index=i,
                units=len(units),
                engines=(),
                first=units[0] if units else None,
                last=units[-1] if units else None,
            )
        )
    return _Edges.of(parts[::-1], _repeated(files))


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.lists(st.sampled_from(["u1", "u2", "u3", "u4", "u5"]), max_size=4, unique=True),
        min_size=1,
        max_size=6,
    )
)
def test_the_streamed_search_finds_what_the_whole_lists_would(units_of: list[list[str]]) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        edges = _edges_of(units_of, Path(tmp))
        split, chains = _plain_search(units_of)
        assert _straddlers(edges) == split
        assert _chains(edges) == chains


def test_the_streamed_search_reads_each_part_a_batch_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 3 parts of 2,000 ids each, overlapping in exactly two ids; batches far smaller than a part
    units_of = [
        [f"a{k:05d}" for k in range(2000)] + ["shared"],
        ["shared"] + [f"b{k:05d}" for k in range(2000)] + ["also"],
        ["also"] + [f"c{k:05d}" for k in range(2000)],
    ]
    files = []
    for i, units in enumerate(units_of):
        path = _ids_path(str(tmp_path / f"part-{i:05d}.parquet"))
        pq.write_table(pa.table({"unit": sorted(units)}), path)
        files.append(path)
    import perfrules.batch._dask as D

    batches: list[int] = []
    real = D._id_stream

    def counting(path: str, batch: int, part: int) -> Any:
        batches.append(batch)
        return real(path, batch, part)

    monkeypatch.setattr(D, "_id_stream", counting)
    got = _repeated(files * 100)  # 300 parts: each read in batches of 873 ids
    assert set(batches) == {262_144 // 300}
    assert got["shared"] == [k for k in range(300) if k % 3 in (0, 1)]
    assert got["also"] == [k for k in range(300) if k % 3 in (1, 2)]
    assert len(got) == 2 + 3 * 2000  # the files repeated 100 times: every id is in 100 parts
