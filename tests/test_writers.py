"""Writers that never destroy (issue 16): outputs never replace inputs, every writer is atomic, runs commit one generation.

* an output path equal to an input, or to another output, is refused before any work (exit 2);
* a full disk (ENOSPC) or a folder that cannot be written (EACCES) is exit 2 with the path, the old file whole and
  no temporary file left;
* several outputs (the import's spec/actuals pair, batch tables + audit + index, ``test --update``'s case files)
  are replaced together or not at all: a rename failing half-way puts the old files back;
* ``import -o`` into a folder holding a spec asks for ``--force``;
* a batch killed with SIGTERM leaves its previous outputs whole and no temporary file; one killed with SIGKILL
  leaves its previous outputs whole (nothing can run on SIGKILL: its temporary files stay, named
  ``.<name>.<pid>.<random>.perfrules-tmp``, until the next successful run into the same folder removes them).
"""

from __future__ import annotations

import csv
import errno
import json
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import ROOT, SEED_DIR
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import perfrules
import perfrules._atomic as atomic
from perfrules._atomic import Transaction, is_temp, sweep, temp_path, write_bytes, write_text
from perfrules.cli import main

SEED_XLSX = SEED_DIR / "自评表.xlsx"
HEADER = ["unit", "indicator", "category", "weight", "comparator", "target", "actual", "year"]


def table(path: Path, n: int, prefix: str, *, bad: bool = True, per_unit: int = 5) -> Path:
    """A long table of ``n`` inline units (ids ``<prefix>00000`` …), the last one failing when ``bad``."""
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(HEADER)
        for u in range(n):
            for i in range(per_unit):
                actual = "九" if bad and u == n - 1 and i == 0 else str(90 + (u + i) % 15)
                w.writerow(
                    [
                        f"{prefix}{u:05d}",
                        f"i{i}",
                        "产出指标",
                        100 // per_unit,
                        ">=",
                        100,
                        actual,
                        2024,
                    ]
                )
    return path


def temps(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if is_temp(p.name))


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.fixture
def fail_call(monkeypatch: pytest.MonkeyPatch) -> Callable[[str, int, int], None]:
    """``fail_call("replace", n, errno)``: the n-th call of ``os.<name>`` from now raises that error (others run)."""

    def install(name: str, nth: int, code: int = errno.ENOSPC) -> None:
        real = getattr(os, name)
        calls = {"n": 0}

        def fake(*args: object, **kwargs: object) -> object:
            calls["n"] += 1
            if calls["n"] == nth:
                raise OSError(code, os.strerror(code))
            return real(*args, **kwargs)

        monkeypatch.setattr(atomic.os, name, fake)

    return install


# ---------------------------------------------------------------------------
# the atomic module itself


def test_write_replaces_atomically_with_the_permissions_of_a_new_file(tmp_path: Path) -> None:
    out = tmp_path / "x.txt"
    out.write_text("old", encoding="utf-8")
    out.chmod(0o600)
    write_text(out, "new\n")
    mask = os.umask(0)
    os.umask(mask)
    assert (
        out.read_text(encoding="utf-8") == "new\n" and out.stat().st_mode & 0o777 == 0o666 & ~mask
    )
    write_bytes(out, b"kept", keep_mode=True)
    assert out.stat().st_mode & 0o777 == 0o666 & ~mask and temps(tmp_path) == []
    out.chmod(0o640)
    write_bytes(out, b"kept", keep_mode=True)  # test --update keeps a case file's permissions
    assert out.stat().st_mode & 0o777 == 0o640


# -- large outputs: a page-aligned buffer, direct I/O past DIRECT_FROM ------------------

_OPS = st.lists(
    st.one_of(
        st.tuples(st.just("write"), st.sampled_from([0, 1, 7, 4095, 4096, 4097, 9000, 70_000])),
        st.tuples(st.just("write_with"), st.sampled_from([1, 4097, 70_000])),
        st.tuples(st.just("reserve"), st.sampled_from([0, 5, 4096, 20_000, 70_000])),
        st.tuples(st.just("flush"), st.just(0.0)),
        st.tuples(st.just("seek"), st.floats(0, 1.5)),  # past the end too
        st.tuples(st.just("truncate"), st.floats(0, 1)),  # as empty_file: flush, seek, ftruncate
        st.tuples(st.just("cut"), st.floats(0, 1)),  # flush, ftruncate, then seek
    ),
    max_size=40,
)


def _direct_on(fd: int) -> bool:
    import fcntl

    return bool(fcntl.fcntl(fd, fcntl.F_GETFL) & getattr(os, "O_DIRECT", 0))


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ops=_OPS, direct_from=st.sampled_from([0, 8192, 1 << 40]))
def test_an_output_holds_what_a_plain_buffered_file_would(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ops: list[tuple[str, float]], direct_from: int
) -> None:
    """Writes, flushes, seeks (past the end too) and truncations through the page-aligned buffer,
    direct or not, against the same calls on ``io.BufferedWriter`` over a plain file: the same
    position after every call, the same file after every flush, the same output at the end."""
    monkeypatch.setattr(atomic, "DIRECT_FROM", direct_from)
    monkeypatch.setattr(atomic, "_BUFFER", 16384)  # many buffers' worth in small examples
    out, plain = tmp_path / "big.bin", tmp_path / "plain.bin"
    rnd = random.Random(len(ops))
    with Transaction() as tx, open(plain, "wb", buffering=16384) as ref:
        fh = tx.open(out)
        tmp = tx._items[0].tmp
        for op, arg in ops:
            if op == "write":
                data = rnd.randbytes(int(arg))
                assert fh.write(data) == ref.write(data) == len(data)
            elif op == "write_with":  # the pieces copied by the caller's function, as given
                data = rnd.randbytes(int(arg))
                pieces: list[int] = []

                def copy(into: memoryview, piece: memoryview, pieces: list[int] = pieces) -> None:
                    assert len(into) == len(piece)
                    pieces.append(len(piece))
                    into[:] = piece

                assert fh.write_with(data, copy) == ref.write(data) == len(data)
                assert sum(pieces) == len(data)
            elif op == "reserve":  # joined in place: filled with more than it keeps, then advanced
                data = rnd.randbytes(int(arg))
                room = fh.reserve(len(data) + 16)
                room[:] = data + rnd.randbytes(16)
                room.release()
                fh.advance(len(data))
                ref.write(data)
            elif op == "flush":
                fh.flush()
                ref.flush()
                assert tmp.read_bytes() == plain.read_bytes()
            elif op == "seek":
                pos = int(arg * ref.tell())
                assert fh.seek(pos) == ref.seek(pos) == pos
            elif op == "truncate":
                for f in (fh, ref):
                    f.flush()
                    pos = int(arg * os.fstat(f.fileno()).st_size)
                    f.seek(pos)
                    os.ftruncate(f.fileno(), pos)
            else:
                for f in (fh, ref):
                    f.flush()
                    pos = int(arg * os.fstat(f.fileno()).st_size)
                    os.ftruncate(f.fileno(), pos)
                    f.seek(pos)
            assert fh.tell() == ref.tell()
        ref.flush()
        tx.commit()
    assert out.read_bytes() == plain.read_bytes()
    assert temps(tmp_path) == []


def test_a_seek_past_the_end_alone_does_not_grow_the_file(tmp_path: Path) -> None:
    with Transaction() as tx:
        fh = tx.open(tmp_path / "x.bin")
        fh.write(b"a" * 100)
        fh.seek(5000)
        tx.commit()
    assert (tmp_path / "x.bin").read_bytes() == b"a" * 100


def test_a_buffer_that_cannot_be_made_closes_nothing_else(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No memory for the buffer: the output's descriptor is closed once, and the number it had,
    given to the next file opened, stays that file's."""
    import gc
    import mmap

    def no_memory(*args: object, **kwargs: object) -> object:
        raise OSError(errno.ENOMEM, os.strerror(errno.ENOMEM))

    monkeypatch.setattr(mmap, "mmap", no_memory)
    try:
        with Transaction() as tx:
            tx.open(tmp_path / "x.bin")
    except OSError as exc:
        assert exc.errno == errno.ENOMEM
        # opened while the error (and what it holds of the half-made file) is alive: the number is free
        other = open(tmp_path / "other.bin", "wb")  # noqa: SIM115
    else:
        pytest.fail("no error")
    monkeypatch.undo()
    with other:
        gc.collect()  # the half-made file is gone now
        os.write(other.fileno(), b"still mine")
    assert (tmp_path / "other.bin").read_bytes() == b"still mine" and temps(tmp_path) == []


def test_a_system_without_pwrite_writes_the_same_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Windows has no ``os.pwrite``/``os.pread``: a seek, then ``os.write``/``os.read``."""
    monkeypatch.setattr(atomic, "_BUFFER", 16384)
    monkeypatch.delattr(os, "pwrite")
    monkeypatch.delattr(os, "pread")
    data = random.Random(4).randbytes(100_003)
    with Transaction() as tx:
        fh = tx.open(tmp_path / "x.bin")
        fh.write(data)
        fh.flush()
        fh.seek(50_001)  # reads back the start of the page it lands in
        fh.write(b"tail")
        tx.commit()
    assert (tmp_path / "x.bin").read_bytes() == data[:50_001] + b"tail" + data[50_005:]


def _takes_direct_io(folder: Path) -> bool:
    flag = getattr(os, "O_DIRECT", 0)
    if not flag:
        return False
    probe = folder / "probe"
    try:
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | flag, 0o600)
    except OSError:
        return False
    os.close(fd)
    probe.unlink()
    return True


def test_an_output_goes_on_with_direct_io_past_direct_from(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not _takes_direct_io(tmp_path):
        pytest.skip("this system or file system has no O_DIRECT")
    monkeypatch.setattr(atomic, "DIRECT_FROM", 1 << 20)
    data = random.Random(1).randbytes((3 << 20) + 123)
    with Transaction() as tx:
        fh = tx.open(tmp_path / "big.bin")
        fh.write(data[: 1 << 20])
        assert not _direct_on(fh.fileno())  # the first DIRECT_FROM bytes: the page cache
        fh.write(data[1 << 20 :])
        assert _direct_on(fh.fileno())
        fh.flush()  # the last partial page through the page cache, then direct again
        assert _direct_on(fh.fileno())
        tx.commit()
    assert (tmp_path / "big.bin").read_bytes() == data


def test_a_refused_direct_write_is_written_through_the_page_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file system that accepts O_DIRECT on the descriptor but refuses the write (EINVAL): the
    same bytes are written without it, and the rest of the file too."""
    if not getattr(os, "O_DIRECT", 0):
        pytest.skip("this system has no O_DIRECT")
    import fcntl

    monkeypatch.setattr(atomic, "DIRECT_FROM", 0)
    real = os.pwrite
    refused = []

    def pwrite(fd: int, data: object, offset: int) -> int:
        if fcntl.fcntl(fd, fcntl.F_GETFL) & os.O_DIRECT:
            refused.append(offset)
            raise OSError(errno.EINVAL, os.strerror(errno.EINVAL))
        return real(fd, data, offset)  # type: ignore[arg-type]

    monkeypatch.setattr(atomic.os, "pwrite", pwrite)
    data = random.Random(2).randbytes((5 << 20) + 5)
    with Transaction() as tx:
        fh = tx.open(tmp_path / "big.bin")
        fh.write(data)
        assert not _direct_on(fh.fileno())
        tx.commit()
    assert refused == [0] and (tmp_path / "big.bin").read_bytes() == data


def test_a_descriptor_that_refuses_o_direct_is_written_through_the_page_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not getattr(os, "O_DIRECT", 0):
        pytest.skip("this system has no O_DIRECT")
    import fcntl

    monkeypatch.setattr(atomic, "DIRECT_FROM", 0)
    real = fcntl.fcntl
    asked = []

    def refuse(fd: int, cmd: int, arg: int = 0) -> int:
        if cmd == fcntl.F_SETFL and arg & os.O_DIRECT:
            asked.append(fd)
            raise OSError(errno.EINVAL, os.strerror(errno.EINVAL))
        return real(fd, cmd, arg)

    monkeypatch.setattr(fcntl, "fcntl", refuse)
    data = random.Random(3).randbytes((4 << 20) + 9)
    with Transaction() as tx:
        fh = tx.open(tmp_path / "big.bin")
        fh.write(data)
        fh.write(data)
        tx.commit()
    assert len(asked) == 1  # asked once, not at every buffer
    assert (tmp_path / "big.bin").read_bytes() == data + data


def test_a_direct_write_failing_otherwise_is_an_error_naming_the_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(atomic, "DIRECT_FROM", 0)

    def full(fd: int, data: object, offset: int) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(atomic.os, "pwrite", full)
    out = tmp_path / "big.bin"
    with pytest.raises(OSError) as info, Transaction() as tx:
        tx.open(out).write(bytes(3 << 20))
    assert info.value.errno == errno.ENOSPC and info.value.filename == str(out)
    assert temps(tmp_path) == []
    assert tx._items[
        0
    ].file._buf.closed  # its buffer is unmapped, the failed write's views released


def test_temporary_names_are_hidden_and_recognisable(tmp_path: Path) -> None:
    name = temp_path(tmp_path / "results.csv").name
    assert (
        name.startswith(f".results.csv.{os.getpid()}.")
        and name.endswith(".perfrules-tmp")
        and is_temp(name)
    )
    long = temp_path(tmp_path / ("长" * 200 + ".csv")).name  # a long name stays a legal file name
    assert len(long.encode()) < 255 and is_temp(long)


def test_an_exception_while_writing_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    out = tmp_path / "x.csv"
    out.write_bytes(b"old")
    with pytest.raises(RuntimeError), Transaction() as tx:
        tx.open(out).write(b"half")
        raise RuntimeError("a bug half-way")
    assert out.read_bytes() == b"old" and temps(tmp_path) == []
    with pytest.raises(KeyboardInterrupt), Transaction() as tx:  # Ctrl-C is an exception too
        tx.open(out).write(b"half")
        raise KeyboardInterrupt
    assert out.read_bytes() == b"old" and temps(tmp_path) == []


def test_a_transaction_commits_every_output_or_none(
    tmp_path: Path, fail_call: Callable[..., None]
) -> None:
    a, b, c = tmp_path / "a.txt", tmp_path / "b.txt", tmp_path / "c.txt"
    a.write_text("a0", encoding="utf-8")
    b.write_text("b0", encoding="utf-8")  # c does not exist yet
    fail_call("replace", 3)  # a and b are replaced, c fails: a and b are put back
    with pytest.raises(OSError) as info, Transaction() as tx:
        for p in (a, b, c):
            tx.add(p, p.stem + "1")
        tx.commit()
    assert info.value.errno == errno.ENOSPC and info.value.filename == str(c)
    assert (a.read_text(encoding="utf-8"), b.read_text(encoding="utf-8"), c.exists()) == (
        "a0",
        "b0",
        False,
    )
    assert temps(tmp_path) == []
    fail_call(
        "replace", 2
    )  # b fails after a new c... order: a, b, c — a is put back, c was never written
    with pytest.raises(OSError), Transaction() as tx:
        for p in (c, a, b):
            tx.add(p, p.stem + "1")
        tx.commit()
    assert (a.read_text(encoding="utf-8"), b.read_text(encoding="utf-8"), c.exists()) == (
        "a0",
        "b0",
        False,
    )
    assert temps(tmp_path) == []
    with Transaction() as tx:
        for p in (a, b, c):
            tx.add(p, p.stem + "1")
        tx.commit()
    assert [p.read_text(encoding="utf-8") for p in (a, b, c)] == ["a1", "b1", "c1"] and temps(
        tmp_path
    ) == []


def test_one_file_twice_in_a_transaction_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="twice"), Transaction() as tx:
        tx.add(tmp_path / "x", "1")
        tx.add(tmp_path / "sub" / ".." / "x", "2")
    assert temps(tmp_path) == [] and not (tmp_path / "x").exists()


def test_a_successful_commit_sweeps_what_dead_processes_left(tmp_path: Path) -> None:
    out = tmp_path / "r.csv"
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    pid = int(dead.stdout)  # a process that has ended
    stale = tmp_path / f".r.csv.{pid}.0123abcd.perfrules-tmp"
    stale.write_bytes(b"x" * 100)
    live = (
        tmp_path / f".r.csv.{os.getppid()}.0123abcd.perfrules-tmp"
    )  # a running process's: left alone
    live.write_bytes(b"x")
    other = tmp_path / f".other.csv.{pid}.0123abcd.perfrules-tmp"  # another output's: left alone
    other.write_bytes(b"x")
    write_text(out, "new")
    assert temps(tmp_path) == sorted([live.name, other.name])
    assert sweep(tmp_path / "other.csv") == [other]


@pytest.mark.skipif(os.name != "posix", reason="POSIX signals")
def test_sigterm_is_an_exception_that_removes_the_temporary_files(tmp_path: Path) -> None:
    out = tmp_path / "x.csv"
    out.write_bytes(b"old")
    with (
        pytest.raises(atomic.Interrupted) as info,
        atomic.signals_as_exceptions(),
        Transaction() as tx,
    ):
        tx.open(out).write(b"half")
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(5)  # interrupted at once
    assert info.value.signum == signal.SIGTERM
    assert out.read_bytes() == b"old" and temps(tmp_path) == []
    assert (
        signal.getsignal(signal.SIGTERM) == signal.SIG_DFL
    )  # the handler is the previous one again


@pytest.mark.skipif(os.name != "posix", reason="POSIX signals")
def test_a_signal_landing_in_a_weakref_callback_is_not_lost(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    """The handler's exception, swallowed by a callback ("Exception ignored in …"), comes back after it.

    The signal is delivered again once the callback is over: the block ends with Interrupted,
    its temporary files removed, and nothing is printed.
    """
    import weakref

    class Owner:
        pass

    ran: list[str] = []

    def callback(_: object) -> None:
        ran.append("entered")
        os.kill(os.getpid(), signal.SIGTERM)
        for _ in range(1000):  # the handler runs here, inside the callback, and raises
            pass
        ran.append("finished")  # not reached when the handler raised in the callback

    out = tmp_path / "x.csv"
    out.write_bytes(b"old")
    before = sys.unraisablehook
    with (
        pytest.raises(atomic.Interrupted) as info,
        atomic.signals_as_exceptions(),
        Transaction() as tx,
    ):
        tx.open(out).write(b"half")
        owner = Owner()
        ref = weakref.ref(owner, callback)
        del owner  # the callback runs now; its exception is swallowed
        assert ref() is None
        time.sleep(5)  # the signal again, delivered once the callback is over
    assert ran == ["entered"], "the handler did not raise inside the callback: nothing tested"
    assert info.value.signum == signal.SIGTERM
    assert out.read_bytes() == b"old" and temps(tmp_path) == []
    assert sys.unraisablehook is before
    assert "Traceback" not in capfd.readouterr().err


@pytest.mark.skipif(os.name != "posix", reason="POSIX signals")
def test_a_signal_during_the_commit_waits_until_every_output_is_in_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    a.write_bytes(b"a0")
    b.write_bytes(b"b0")
    real = os.replace

    def replace_then_signal(src: str, dst: str) -> None:
        real(src, dst)
        if Path(dst) == a:  # between the two renames
            os.kill(os.getpid(), signal.SIGINT)

    monkeypatch.setattr(atomic.os, "replace", replace_then_signal)
    with pytest.raises(KeyboardInterrupt), atomic.signals_as_exceptions(), Transaction() as tx:
        tx.add(a, "a1")
        tx.add(b, "b1")
        tx.commit()  # the signal waits: both outputs are new, then Ctrl-C is raised
    assert (a.read_bytes(), b.read_bytes()) == (b"a1", b"b1") and temps(tmp_path) == []


# ---------------------------------------------------------------------------
# an output is never an input, nor another output


def test_batch_output_equal_to_its_input_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = table(tmp_path / "in.csv", 3, "u")
    before = src.read_bytes()
    assert main(["batch", str(src), "--out", str(src)]) == 2
    err = capsys.readouterr().err
    assert (
        "in.csv" in err and "输入" in err and "destroy the input" in err and "Traceback" not in err
    )
    assert src.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == ["in.csv"]
    # the same file by another name: a relative detour, a symbolic link
    assert main(["batch", str(src), "--out", str(tmp_path / "x" / ".." / "in.csv")]) == 2
    (tmp_path / "link.csv").symlink_to(src)
    assert main(["batch", str(tmp_path / "link.csv"), "--out", str(src)]) == 2
    # a derived output (<stem>.indicators.csv) that is the input
    ind = table(tmp_path / "r.indicators.csv", 3, "u")
    assert main(["batch", str(ind), "--out", str(tmp_path / "r.csv")]) == 2
    assert src.read_bytes() == before and ind.read_bytes() == before
    assert not (tmp_path / "r.csv").exists()


def test_batch_audit_equal_to_an_output_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = table(tmp_path / "in.csv", 3, "u")
    for audit in ("r.csv", "r.problems.csv"):
        assert (
            main(
                [
                    "batch",
                    str(src),
                    "--out",
                    str(tmp_path / "r.csv"),
                    "--audit",
                    str(tmp_path / audit),
                ]
            )
            == 2
        )
        err = capsys.readouterr().err
        assert "两个输出会相互覆盖" in err and "one output would overwrite the other" in err
    assert main(["batch", str(src), "--out", str(tmp_path / "r.csv"), "--audit", str(src)]) == 2
    err = capsys.readouterr().err
    assert "--audit" in err and "in.csv" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv"]  # nothing written, no work done


def test_evaluate_and_export_never_overwrite_the_spec_or_actuals(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import shutil

    unit = tmp_path / "unit"
    shutil.copytree(SEED_DIR, unit)
    before = snapshot(unit)
    assert main(["evaluate", str(unit), "-o", str(unit / "spec.toml")]) == 2
    assert main(["evaluate", str(unit), "--format", "json", "-o", str(unit / "actuals.toml")]) == 2
    assert main(["export", str(unit), "--to", "md", "-o", str(unit / "actuals.toml")]) == 2
    assert (
        main(
            [
                "export",
                str(unit / "spec.toml"),
                str(unit / "actuals.toml"),
                "--to",
                "xlsx",
                "-o",
                str(unit / "spec.toml"),
            ]
        )
        == 2
    )
    err = capsys.readouterr().err
    assert "-o" in err and "spec.toml" in err and "Traceback" not in err
    assert snapshot(unit) == before


def test_import_never_overwrites_its_workbook(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    form = tmp_path / "spec.toml"  # a workbook named like the output
    form.write_bytes(SEED_XLSX.read_bytes())
    assert main(["import", str(form), "-o", str(tmp_path), "--force"]) == 2
    assert "XLSX" in capsys.readouterr().err and form.read_bytes() == SEED_XLSX.read_bytes()


# ---------------------------------------------------------------------------
# a full disk, a folder that cannot be written


def test_enospc_on_evaluate_keeps_the_old_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fail_call: Callable[..., None]
) -> None:
    out = tmp_path / "old.json"
    out.write_text("the previous evaluation\n", encoding="utf-8")
    fail_call("pwrite", 1)  # the first block written: the disk is full
    assert main(["evaluate", str(SEED_DIR), "--format", "json", "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "No space left on device" in err and str(out) in err and "Traceback" not in err
    assert out.read_text(encoding="utf-8") == "the previous evaluation\n" and temps(tmp_path) == []


@pytest.mark.parametrize("call", ["pwrite", "replace", "fsync"])
def test_enospc_on_every_writer_is_exit_2_with_the_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fail_call: Callable[..., None], call: str
) -> None:
    src = table(tmp_path / "in.csv", 3, "u")
    outs = tmp_path / "outs"
    outs.mkdir()
    for f in ("r.csv", "x.md", "x.xlsx", "t.xlsx", "s.json"):
        (outs / f).write_text("old", encoding="utf-8")
    unit = tmp_path / "unit"
    unit.mkdir()
    for f in ("spec.toml", "actuals.toml"):
        (unit / f).write_text("old", encoding="utf-8")
    commands = [
        ["batch", str(src), "--out", str(outs / "r.csv"), "--audit", str(outs / "a.jsonl")],
        ["export", str(SEED_DIR), "--to", "md", "-o", str(outs / "x.md")],
        ["export", str(SEED_DIR), "--to", "xlsx", "-o", str(outs / "x.xlsx")],
        ["template", "-o", str(outs / "t.xlsx")],
        ["import", str(SEED_XLSX), "-o", str(unit), "--force"],
    ]
    for argv in commands:
        before = snapshot(outs), snapshot(unit)
        fail_call(call, 1)
        assert main(argv) == 2, argv
        err = capsys.readouterr().err
        assert "No space left on device" in err and "Traceback" not in err, argv
        assert (snapshot(outs), snapshot(unit)) == before, argv
        assert temps(outs) == [] and temps(unit) == [], argv
    fail_call(call, 1)
    assert main(["schema", "spec", "-o", str(outs / "s.json")]) == 2
    assert (
        "No space left on device" in capsys.readouterr().err
        and (outs / "s.json").read_text(encoding="utf-8") == "old"
    )


def test_eacces_is_exit_2_with_the_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    real = os.open

    def refuse_temporaries(path: str, *args: object, **kwargs: object) -> int:
        if is_temp(
            Path(path).name
        ):  # creating the temporary file is refused (root ignores chmod: simulated)
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))
        return real(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(atomic.os, "open", refuse_temporaries)
    out = tmp_path / "x.md"
    assert main(["export", str(SEED_DIR), "--to", "md", "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert (
        "Permission denied" in err
        and str(out) in err
        and "Traceback" not in err
        and not out.exists()
    )


@pytest.mark.skipif(
    os.name != "posix" or os.geteuid() == 0, reason="root writes into read-only folders"
)
def test_a_read_only_folder_is_exit_2_and_keeps_the_old_results(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = table(tmp_path / "in.csv", 3, "u")
    locked = tmp_path / "locked"
    locked.mkdir()
    assert main(["batch", str(src), "--out", str(locked / "r.csv"), "-q"]) == 1
    before = snapshot(locked)
    locked.chmod(0o500)
    try:
        assert main(["batch", str(src), "--out", str(locked / "r.csv"), "-q"]) == 2
        err = capsys.readouterr().err
        assert str(locked / "r.csv") in err and "Traceback" not in err
        assert snapshot(locked) == before
    finally:
        locked.chmod(0o700)


# ---------------------------------------------------------------------------
# one generation: batch results with the audit, the import pair, test --update


def _generations(folder: Path, out: str = "r", audit: str = "a.jsonl") -> set[str]:
    """The generation (unit id prefix) of every output of a batch run in ``folder``; checks the index matches."""
    gens: set[str] = set()
    for name in (
        f"{out}.csv",
        f"{out}.indicators.csv",
        f"{out}.categories.csv",
        f"{out}.problems.csv",
    ):
        rows = list(csv.DictReader(open(folder / name, encoding="utf-8")))
        gens.add(rows[0]["unit"][0])
    with open(folder / audit, "rb") as fh:
        gens.add(json.loads(fh.readline())["unit"][0])
    with open(folder / (audit + ".idx"), "rb") as fh:
        head = json.loads(fh.readline())
        assert head["size"] == (folder / audit).stat().st_size  # the index belongs to this audit
        gens.add(json.loads(fh.readline())[0][0])
    return gens


def test_a_batch_commit_failing_half_way_keeps_the_previous_generation(
    tmp_path: Path, fail_call: Callable[..., None]
) -> None:
    argv = ["--out", str(tmp_path / "r.csv"), "--audit", str(tmp_path / "a.jsonl"), "-q"]
    assert main(["batch", str(table(tmp_path / "a.csv", 4, "a")), *argv]) == 1
    assert _generations(tmp_path) == {"a"}
    before = snapshot(tmp_path)
    for nth in range(1, 7):  # six outputs: the 1st … 6th rename fails
        fail_call("replace", nth)
        assert main(["batch", str(table(tmp_path / "b.csv", 5, "b")), *argv]) == 2
        (tmp_path / "b.csv").unlink()
        assert snapshot(tmp_path) == before, nth  # every previous output whole, no stray file
    assert main(["batch", str(table(tmp_path / "b.csv", 5, "b")), *argv]) == 1
    assert _generations(tmp_path) == {"b"} and temps(tmp_path) == []


def test_import_never_leaves_half_a_pair(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fail_call: Callable[..., None]
) -> None:
    unit = tmp_path / "unit"
    unit.mkdir()
    (unit / "spec.toml").write_text("# old spec\n", encoding="utf-8")
    (unit / "actuals.toml").write_text("# old actuals\n", encoding="utf-8")
    before = snapshot(unit)
    fail_call("replace", 2)  # spec.toml is renamed into place, actuals.toml fails
    assert main(["import", str(SEED_XLSX), "-o", str(unit), "--force"]) == 2
    assert "actuals.toml" in capsys.readouterr().err
    assert snapshot(unit) == before  # both old files, nothing else


def test_import_into_a_folder_holding_a_spec_asks_for_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    unit = tmp_path / "unit"
    assert main(["import", str(SEED_XLSX), "-o", str(unit)]) == 0  # a new folder: no question
    capsys.readouterr()
    (unit / "spec.toml").write_text("# edited by hand\n", encoding="utf-8")
    before = snapshot(unit)
    assert main(["import", str(SEED_XLSX), "-o", str(unit)]) == 2
    err = capsys.readouterr().err
    assert "--force" in err and "spec.toml" in err
    assert snapshot(unit) == before
    (unit / "spec.toml").unlink()  # actuals.toml alone also asks
    assert main(["import", str(SEED_XLSX), "-o", str(unit), "--lang", "en"]) == 2
    assert "add --force" in capsys.readouterr().err
    assert main(["import", str(SEED_XLSX), "-o", str(unit), "--force"]) == 0
    assert perfrules.load_example(unit) == perfrules.load_example(SEED_DIR)  # both files replaced
    assert temps(unit) == []


UNIT_CASE = """
[spec.meta]
id = "u"
title = "测试"
unit = "测试单位"
year = 2024
kind = "项目支出"

[[spec.categories]]
id = "output"
name = "产出指标"
weight = 100

[[spec.indicators]]
id = "a"
name = "指标甲"
category = "output"
weight = 100
target = "≥100件"

[[cases]]
name = "c"

[cases.actuals]
indicators = { a = 90 }

[cases.expect]
total = 1
"""


def test_test_update_rewrites_every_case_file_or_none(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fail_call: Callable[..., None]
) -> None:
    for name in ("x.case.toml", "y.case.toml"):
        (tmp_path / name).write_text(UNIT_CASE, encoding="utf-8")
    before = snapshot(tmp_path)
    fail_call("replace", 2)
    assert main(["test", str(tmp_path), "--update"]) == 2
    assert "No space left on device" in capsys.readouterr().err
    assert snapshot(tmp_path) == before
    assert main(["test", str(tmp_path), "--update"]) == 0  # both files re-recorded, the cases pass
    capsys.readouterr()
    assert all(
        "total = 90" in (tmp_path / n).read_text(encoding="utf-8")
        for n in ("x.case.toml", "y.case.toml")
    )
    assert main(["test", str(tmp_path)]) == 0 and temps(tmp_path) == []


# ---------------------------------------------------------------------------
# killed runs


def _run_and_kill(argv: list[str], sig: int, delay: float, cwd: Path) -> int:
    proc = subprocess.Popen(
        [sys.executable, "-m", "perfrules", *argv],
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    # The kill point is measured from the moment the run starts writing (its first temporary appears), not
    # from process start: a faster machine or core must not let the run finish before the signal lands.
    deadline = time.monotonic() + 60
    while not temps(cwd) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(delay)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=120)
    assert b"Traceback" not in err, err.decode()
    return proc.returncode


def _kill_points(n: int) -> Iterator[float]:
    rng = random.Random(16)  # fixed: the same points each run (the timing is the machine's)
    for _ in range(n):
        yield rng.uniform(0.0, 1.5)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
@pytest.mark.skipif(os.name != "posix", reason="POSIX signals")
def test_a_killed_batch_keeps_the_previous_outputs(tmp_path: Path, sig: int) -> None:
    """SIGTERM: the run stops, its temporary files are removed, the previous outputs stay (or, killed during the
    commit, the new ones are complete). SIGKILL: nothing runs — the previous outputs stay whole (a kill inside the
    microseconds of the final renames could leave a mix: not aimed at here), its temporary files remain, named as
    perfrules temporaries, and the next run removes them."""
    argv = [
        "--out",
        str(tmp_path / "r.csv"),
        "--audit",
        str(tmp_path / "a.jsonl"),
        "--engine",
        "pure",
        "-q",
    ]
    old = ["batch", str(table(tmp_path / "a.csv", 10, "a")), *argv]
    new = [
        "batch",
        str(table(tmp_path / "b.csv", 8000, "b")),
        *argv,
    ]  # ~15 s of work on the pure engine (2 ms a unit): a kill 0–1.5 s after the first write lands in the middle
    assert main(old) == 1
    outputs = {
        n: (tmp_path / n).read_bytes()
        for n in (
            "r.csv",
            "r.indicators.csv",
            "r.categories.csv",
            "r.problems.csv",
            "a.jsonl",
            "a.jsonl.idx",
        )
    }
    for delay in _kill_points(3):
        code = _run_and_kill(new, sig, delay, tmp_path)
        gens = _generations(tmp_path)
        assert len(gens) == 1, (delay, gens)  # one generation, never a mix
        if gens == {"a"}:
            assert all((tmp_path / n).read_bytes() == data for n, data in outputs.items())
        if sig == signal.SIGTERM:
            assert code in (128 + signal.SIGTERM, -signal.SIGTERM, 1), (
                code
            )  # stopped, or done before the signal
            assert temps(tmp_path) == [], delay
        else:
            assert code == -signal.SIGKILL
            assert all(n.endswith((".perfrules-tmp", ".perfrules-old")) for n in temps(tmp_path))
        if gens == {"b"}:  # finished before the signal: start again from the old generation
            for n, data in outputs.items():
                (tmp_path / n).write_bytes(data)
    assert main(old) == 1
    assert temps(tmp_path) == []  # a successful run removes what the killed ones left


def test_the_package_runs_as_a_module() -> None:
    res = subprocess.run(
        [sys.executable, "-m", "perfrules", "--version"], capture_output=True, text=True, cwd=ROOT
    )
    assert res.returncode == 0 and res.stdout.startswith("perfrules ")
