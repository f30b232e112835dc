"""Outputs that never destroy: atomic files and outputs committed as one generation (standard
library only).

Every file perfrules writes goes through this module:

* :func:`write_bytes` / :func:`write_text` write one file atomically: the
  content goes to a temporary file in the destination's folder, is flushed
  and ``fsync``-ed, given the permissions of a normal new file (``0o666`` less
  the umask) and renamed over the destination with :func:`os.replace`. Readers
  see the old file or the new one, never a part; on any failure (a full disk,
  a folder that cannot be written, an exception, Ctrl-C) the temporary file is
  removed and the old file is left as it was.
* A :class:`Transaction` commits several outputs as **one generation** (the
  spec/actuals pair of ``import``, the four batch tables with the audit and
  its index). Every output is first written completely to its temporary file;
  only then are the temporaries renamed into place, one after the other. If a
  rename fails, the outputs already renamed are put back from backups (hard
  links to the old files, made before the first rename; a copy where the file
  system has no hard links) or removed when there was no old file, so either
  every output is new or every output is as it was.

  The honest window: the renames are separate system calls. A process killed
  by SIGKILL, or a machine losing power, between the first and the last rename
  of one commit (microseconds for a handful of files) leaves some outputs new
  and some old, with the old ones' backups beside them as
  ``.<name>.<pid>.<random>.perfrules-old``. SIGINT and SIGTERM cannot cause
  this under the command line: :func:`signals_as_exceptions` turns them into
  exceptions, deferred while a commit (or its rollback) runs.

Temporary files are hidden and recognisable: ``.<name>.<pid>.<random>.perfrules-tmp``
(backups: ``….perfrules-old``). They are removed on every exception, and —
with :func:`signals_as_exceptions` in force — on SIGTERM, SIGHUP and SIGINT.
Nothing can run on SIGKILL: its temporaries stay, and the next successful
commit into the same folder removes those left for the same outputs by
processes that no longer exist (:func:`sweep`).

Errors are :class:`OSError` with the **destination** as ``filename`` (never
the temporary name), so the command line reports "cannot write OUT: No space
left on device" and exits 2.
"""

from __future__ import annotations

import atexit
import contextlib
import errno
import functools
import io
import os
import signal
import sys
import threading
import time
import weakref
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from types import FrameType
from typing import IO, Any, BinaryIO, cast

TEMP_SUFFIX = ".perfrules-tmp"
BACKUP_SUFFIX = ".perfrules-old"
# of the destination's name kept in a temporary file's name (file names stop at 255 bytes)
_NAME_BYTES = 120
_BUFFER = 1 << 20

StrPath = str | os.PathLike[str]


class Interrupted(BaseException):
    """A termination signal (SIGTERM, SIGHUP) raised as an exception, so that ``finally`` blocks
    run.

    A :class:`BaseException`, like :class:`KeyboardInterrupt`: ``except
    Exception`` does not swallow it. ``signum`` is the signal's number (the
    command line exits ``128 + signum``).
    """

    def __init__(self, signum: int) -> None:
        super().__init__(f"interrupted by signal {signum}")
        self.signum = signum


# ---------------------------------------------------------------------------
# names


def _short(name: str) -> str:
    raw = name.encode("utf-8", "surrogateescape")
    if len(raw) <= _NAME_BYTES:
        return name
    return raw[:_NAME_BYTES].decode("utf-8", "ignore")  # a character cut in half is dropped


def temp_path(dest: StrPath, suffix: str = TEMP_SUFFIX) -> Path:
    """A fresh temporary name beside ``dest``: ``.<name>.<pid>.<random>.perfrules-tmp``."""
    d = Path(dest)
    return d.with_name(f".{_short(d.name)}.{os.getpid()}.{os.urandom(4).hex()}{suffix}")


def is_temp(name: str) -> bool:
    """Whether a file name is one of perfrules' temporary files or backups."""
    return name.startswith(".") and name.endswith((TEMP_SUFFIX, BACKUP_SUFFIX))


def _owner(name: str, dest_name: str) -> int | None:
    """The process id in a temporary name made for ``dest_name`` (None: not one of its
    temporaries)."""
    prefix = f".{_short(dest_name)}."
    if not name.startswith(prefix) or not is_temp(name):
        return None
    middle = name[len(prefix) :].rsplit(".", 1)[0]  # "<pid>.<random>"
    pid, _, rand = middle.partition(".")
    return int(pid) if pid.isdigit() and len(rand) == 8 else None


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # EPERM: it exists, under another user
        return True
    return True


def sweep(dest: StrPath) -> list[Path]:
    """Remove the temporaries and backups left beside ``dest`` by processes that no longer run; the
    removed paths.

    Only names made for ``dest`` by :func:`temp_path` are considered, and only
    those whose process id is not a running process on this machine (POSIX;
    on Windows nothing is removed). Called after each successful commit.
    """
    if os.name != "posix":
        return []
    d = Path(dest)
    removed: list[Path] = []
    try:
        names = os.listdir(d.parent or ".")
    except OSError:
        return removed
    for name in names:
        pid = _owner(name, d.name)
        if pid is None or _alive(pid):
            continue
        with contextlib.suppress(OSError):
            (d.parent / name).unlink()
            removed.append(d.parent / name)
    return removed


def same_file(a: StrPath, b: StrPath) -> bool:
    """Whether two paths name the same file: :func:`os.path.samefile` when both exist, else their
    resolved paths."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        pass
    return os.path.normcase(os.path.realpath(a)) == os.path.normcase(os.path.realpath(b))


# ---------------------------------------------------------------------------
# errors


def _located(exc: OSError, dest: StrPath) -> OSError:
    """``exc`` as an OSError of the same kind naming ``dest`` (the temporary name means nothing
    to a user)."""
    if exc.errno is None:
        return exc
    new = OSError(exc.errno, exc.strerror or os.strerror(exc.errno), os.fspath(dest))
    new.__cause__ = exc
    return new


# ---------------------------------------------------------------------------
# signals


class _Signals:
    depth = 0  # > 0 while a commit or rollback runs: signals wait
    pending: list[int] = []
    raised: list[BaseException] = []  # the exceptions the handler raised, until they are seen
    in_hook = False  # True while the unraisable hook runs: a signal then is sent again, not raised


def _unraisable(info: Any, fallback: Callable[[Any], object]) -> None:
    """``sys.unraisablehook`` while signals are exceptions: a signal's exception swallowed is sent again.

    The handler raises where the main thread happens to be; when that is a
    finaliser or a weakref callback (an object freed mid-run), Python swallows
    the exception ("Exception ignored in …") and the run would go on as if the
    signal never came. Instead the signal is delivered again, from a helper
    thread, so that the handler runs once the callback is over; nothing is
    printed. Any other unraisable exception goes to the previous hook.
    """
    exc = info.exc_value
    if not any(exc is r for r in _Signals.raised):
        fallback(info)
        return
    _Signals.in_hook = True
    try:
        _send_again(exc.signum if isinstance(exc, Interrupted) else signal.SIGINT)
    finally:
        _Signals.in_hook = False


def _send_again(signum: int) -> None:
    """Deliver ``signum`` to this process again in a moment, from a helper thread."""

    def send() -> None:
        time.sleep(0.01)  # the hook (or the handler) that asked has returned by then
        os.kill(os.getpid(), signum)

    threading.Thread(target=send, name="perfrules-signal", daemon=True).start()


def _raise_for(signum: int) -> None:
    exc: BaseException = KeyboardInterrupt() if signum == signal.SIGINT else Interrupted(signum)
    _Signals.raised[:] = [exc]  # the latest only: an earlier one was seen or swallowed
    raise exc


def _on_signal(signum: int, frame: FrameType | None) -> None:
    if _Signals.depth:
        _Signals.pending.append(signum)
        return
    if _Signals.in_hook:  # raised here it would be swallowed again
        _send_again(signum)
        return
    _raise_for(signum)


@contextlib.contextmanager
def _critical() -> Iterator[None]:
    """Signals handled by :func:`signals_as_exceptions` wait until the block is done."""
    _Signals.depth += 1
    failed = False
    try:
        yield
    except BaseException:
        failed = True
        raise
    finally:
        _Signals.depth -= 1
        if _Signals.depth == 0 and _Signals.pending:
            signum = _Signals.pending[0]
            _Signals.pending.clear()
            if not failed:  # an exception on its way out ends the run anyway
                _raise_for(signum)


def _catchable() -> list[signal.Signals]:
    names = ("SIGINT", "SIGTERM", "SIGHUP")
    return [getattr(signal, n) for n in names if hasattr(signal, n)]


@contextlib.contextmanager
def signals_as_exceptions() -> Iterator[None]:
    """Within the block, SIGTERM and SIGHUP raise :class:`Interrupted` and SIGINT
    :class:`KeyboardInterrupt`.

    So every ``finally`` runs and every writer removes its temporary files. A
    signal arriving while outputs are being renamed into place waits until
    the commit (or its rollback) is done. Signals set to be ignored (``nohup``)
    stay ignored; outside the main thread the block does nothing. The previous
    handlers are restored at the end.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous: dict[int, object] = {}
    hook = sys.unraisablehook
    for sig in _catchable():
        try:
            current = signal.getsignal(sig)
            if current in (signal.SIG_IGN, None):
                continue
            if current not in (signal.SIG_DFL, signal.default_int_handler):
                continue  # someone else's handler: leave it
            previous[sig] = signal.signal(sig, _on_signal)
        except (ValueError, OSError):  # pragma: no cover - not the main interpreter
            continue
    if previous:
        sys.unraisablehook = functools.partial(_unraisable, fallback=hook)
    try:
        yield
    finally:
        for number, handler in previous.items():
            with contextlib.suppress(ValueError, OSError, TypeError):
                signal.signal(number, handler)  # type: ignore[arg-type]
        if previous:
            sys.unraisablehook = hook
            _Signals.raised.clear()


# ---------------------------------------------------------------------------
# files


class _Raw(io.RawIOBase):
    """A temporary file's descriptor, closed once (:class:`_Staged` writes it); every error names the
    destination."""

    def __init__(self, fd: int, dest: Path) -> None:
        super().__init__()
        self._fd = fd
        self._dest = dest

    @property
    def dest_path(self) -> Path:
        """The destination this descriptor's temporary file stands for (named in errors)."""
        return self._dest

    def fileno(self) -> int:
        return self._fd

    def close(self) -> None:
        if self.closed:
            return
        try:
            os.close(self._fd)
        except OSError as exc:
            raise _located(exc, self._dest) from None
        finally:
            super().close()


# an output larger than this goes on past it with direct I/O (Linux O_DIRECT: see _Staged)
DIRECT_FROM = 64 << 20
# direct writes start, end and sit in memory at multiples of this (a page: every block size Linux has)
_ALIGN = 4096
# a buffer that grows for a reserve() grows to a multiple of this
_GROW = 1 << 20


def _page_aligned(size: int) -> Any:
    """An anonymous memory map of ``size`` bytes: page-aligned; private, so a forked child never shares it."""
    import mmap

    private = {"flags": mmap.MAP_PRIVATE} if hasattr(mmap, "MAP_PRIVATE") else {}
    return mmap.mmap(-1, size, **private)


class _Staged(io.BufferedIOBase):
    """A buffered binary file whose buffer is page-aligned: past :data:`DIRECT_FROM` bytes it is written with direct I/O.

    Written like :class:`io.BufferedWriter` over :class:`_Raw` (which it
    replaces for a transaction's files), with the same contents on disk at
    every ``flush``. The difference is the way of a large output's bytes:
    once the file holds :data:`DIRECT_FROM` bytes, the descriptor is switched
    to ``O_DIRECT`` (Linux) and every full buffer goes from this page-aligned
    buffer straight to the device, without a copy into the page cache. On a
    virtual machine a fresh page-cache page costs far more to touch the first
    time than the copy into it; a 3.8 GB record audit otherwise takes about a
    million of them. Bytes after the last whole page of a ``flush`` are
    written through the page cache (the descriptor without ``O_DIRECT`` for
    that one write) and written again, with the page they start, by the next
    direct write.

    Where the system or the file system refuses direct I/O (no ``O_DIRECT``,
    ``fcntl`` or a write refused with ``EINVAL``: tmpfs, some network file
    systems), the file is written through the page cache from then on; the
    contents are the same either way.
    """

    def __init__(self, raw: _Raw, size: int = _BUFFER) -> None:
        size = max(_ALIGN, size - size % _ALIGN)
        buf = _page_aligned(size)
        super().__init__()
        self._size = size
        self._buf = buf
        self._view = memoryview(buf)
        self._base = 0  # the file offset of the buffer's first byte (a multiple of _ALIGN)
        self._n = 0  # bytes held in the buffer
        self._dirty = False  # whether the buffer holds bytes the file does not have yet
        self._direct = False
        self._can_direct = _DIRECT_FLAG != 0
        self._fd = raw.fileno()
        self.raw = raw  # last: a file not made whole never closes the descriptor

    # -- the io interface ---------------------------------------------------

    @property
    def closed(self) -> bool:
        raw = getattr(self, "raw", None)
        return raw is None or bool(raw.closed)

    def _check_open(self, what: str) -> None:
        if self.closed:
            raise ValueError(f"{what} of closed file")

    def writable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def readable(self) -> bool:
        return False

    def fileno(self) -> int:
        self._check_open("fileno")
        return self._fd

    def tell(self) -> int:
        return self._base + self._n

    def write(self, b: Any) -> int:
        return self.write_with(b, None)

    def write_with(self, b: Any, copy: Callable[[memoryview, memoryview], None] | None) -> int:
        """:meth:`write`, each piece of ``b`` copied into the buffer by ``copy(into, piece)`` (two
        byte views of one length): a caller's copy that releases the GIL (NumPy's), for the large
        blocks of the batch record audit, whose copy would otherwise hold it. ``None``: the
        memoryview's own copy."""
        self._check_open("write")
        with memoryview(b) as mv, mv.cast("B") as src:
            total = len(src)
            at = 0
            while at < total:
                if self._n == self._size:  # a full buffer goes out before more is taken
                    self._put(self._view, self._base)
                    self._n = 0
                    self._base += self._size
                    self._dirty = False
                take = min(self._size - self._n, total - at)
                if copy is None:
                    self._view[self._n : self._n + take] = src[at : at + take]
                else:
                    with self._view[self._n : self._n + take] as into, src[at : at + take] as piece:
                        copy(into, piece)
                self._n += take
                self._dirty = True
                at += take
        return total

    def reserve(self, size: int) -> memoryview:
        """A writable view of the buffer's room for the file's next ``size`` bytes (the buffer first puts
        its whole pages out, then grows when that is not room enough): fill it, then :meth:`advance` by
        the bytes that count, as many as a :meth:`write` of them would take. Nothing else may write
        between the two. The batch record audit joins its lines straight into it (no copy)."""
        self._check_open("reserve")
        if size < 0:
            raise ValueError(f"negative size {size}")
        if self._n + size > self._size:
            self._drain()
            if self._n + size > self._size:
                self._grow(self._n + size)
        return self._view[self._n : self._n + size]

    def advance(self, size: int) -> None:
        """Take the first ``size`` bytes of the room :meth:`reserve` gave as written."""
        self._check_open("advance")
        if size < 0 or self._n + size > self._size:
            raise ValueError(f"advance by {size}: not within the reserved room")
        if size:
            self._n += size
            self._dirty = True

    def _drain(self) -> None:
        """Put the buffer's whole pages out; the partial page after them moves to its start."""
        n = self._n
        whole = n - n % _ALIGN
        if not whole:
            return
        if self._dirty:
            with self._view[:whole] as pages:
                self._put(pages, self._base)
        self._view[: n - whole] = self._view[whole:n]
        self._n = n - whole
        self._base += whole

    def _grow(self, need: int) -> None:
        """A larger page-aligned buffer (whole MiB) holding the bytes of this one."""
        size = -(-need // _GROW) * _GROW
        buf = _page_aligned(size)
        view = memoryview(buf)
        view[: self._n] = self._view[: self._n]
        old_view, old_buf = self._view, self._buf
        self._buf, self._view, self._size = buf, view, size
        with contextlib.suppress(Exception):  # a view of it still held: freed with the last one
            old_view.release()
            old_buf.close()

    def flush(self) -> None:
        """Every byte written so far is in the file (through the page cache for its last partial page)."""
        self._check_open("flush")
        if not self._dirty:
            return
        self._drain()  # the partial page moves to the buffer's start; the next write starts at its page
        if self._n:
            with self._view[: self._n] as part:
                self._put(part, self._base, buffered=True)
        self._dirty = False

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        self._check_open("seek")
        self.flush()
        if whence == os.SEEK_CUR:
            offset += self.tell()
        elif whence == os.SEEK_END:
            offset += os.fstat(self._fd).st_size
        elif whence != os.SEEK_SET:
            raise ValueError(f"invalid whence ({whence})")
        if offset < 0:
            raise ValueError(f"negative seek position {offset}")
        base = offset - offset % _ALIGN
        head = b""
        if offset > base:  # the start of the page written next: read back (through the page cache)
            if self._direct:
                self._set_direct(False)
            try:
                head = self._pread(offset - base, base)
            except OSError as exc:
                raise _located(exc, self.raw.dest_path) from None
            finally:
                if self._direct:
                    self._set_direct(True)
        self._view[: len(head)] = head
        if len(head) < offset - base:  # past the end: zeros, as a write past the end leaves
            self._view[len(head) : offset - base] = bytes(offset - base - len(head))
        # nothing to write until the next write (a seek past the end alone does not grow the file)
        self._base, self._n, self._dirty = base, offset - base, False
        return offset

    def close(self) -> None:
        if self.closed:  # also after the descriptor alone was closed (a discarded output)
            self._release()
            return
        try:
            self.flush()
        finally:
            try:
                self.raw.close()
            finally:
                self._release()

    def detach(self) -> Any:
        raise io.UnsupportedOperation("detach")

    # -- writing ------------------------------------------------------------

    def _release(self) -> None:
        view = getattr(self, "_view", None)
        if view is not None:
            with contextlib.suppress(Exception):
                view.release()
        buf = getattr(self, "_buf", None)
        if buf is not None:
            with contextlib.suppress(Exception):
                buf.close()

    def _put(self, data: memoryview, offset: int, *, buffered: bool = False) -> None:
        """Write ``data`` at ``offset`` whole; direct from :data:`DIRECT_FROM` on, unless ``buffered``."""
        if not buffered and not self._direct and self._can_direct and offset >= DIRECT_FROM:
            self._direct = self._set_direct(True)
            self._can_direct = self._direct
        if buffered and self._direct:
            self._set_direct(False)
        try:
            self._pwrite(data, offset)
        except OSError as exc:
            if not (self._direct and exc.errno == errno.EINVAL):
                raise _located(exc, self.raw.dest_path) from None
            # the file system takes no direct write here: the page cache from now on
            self._direct = self._can_direct = False
            self._set_direct(False)
            try:
                self._pwrite(data, offset)
            except OSError as exc2:
                raise _located(exc2, self.raw.dest_path) from None
        finally:
            if buffered and self._direct:
                self._set_direct(True)

    def _pwrite(self, data: memoryview, offset: int) -> None:
        """Write ``data`` whole at ``offset`` (``os.pwrite``; a seek and ``os.write`` where there is
        none: Windows)."""
        pwrite = getattr(os, "pwrite", None)
        done = 0
        if pwrite is None:
            os.lseek(self._fd, offset, os.SEEK_SET)
        while done < len(data):
            # the slice is released even when the write fails (the buffer can then be unmapped)
            with data[done:] as rest:
                done += (
                    os.write(self._fd, rest)
                    if pwrite is None
                    else pwrite(self._fd, rest, offset + done)
                )

    def _pread(self, size: int, offset: int) -> bytes:
        """``size`` bytes at ``offset`` (fewer past the end), as :meth:`_pwrite` writes them."""
        pread = getattr(os, "pread", None)
        if pread is not None:
            return bytes(pread(self._fd, size, offset))
        os.lseek(self._fd, offset, os.SEEK_SET)
        return os.read(self._fd, size)

    def _set_direct(self, on: bool) -> bool:
        """Switch the descriptor's O_DIRECT on or off; whether it is now as asked."""
        try:
            import fcntl

            flags = fcntl.fcntl(self._fd, fcntl.F_GETFL)
            fcntl.fcntl(
                self._fd, fcntl.F_SETFL, flags | _DIRECT_FLAG if on else flags & ~_DIRECT_FLAG
            )
        except (ImportError, OSError):
            return not on
        return True


_DIRECT_FLAG: int = getattr(os, "O_DIRECT", 0)


class _Item:
    """One output of a transaction: its temporary file, while it is written."""

    def __init__(self, dest: Path, mode: int | None) -> None:
        self.dest = dest
        self.tmp = temp_path(dest)
        self.mode = mode
        try:
            fd = os.open(
                self.tmp,
                os.O_RDWR  # a seek reads back the start of the page it lands in
                | os.O_CREAT
                | os.O_EXCL
                | getattr(os, "O_CLOEXEC", 0)
                | getattr(os, "O_BINARY", 0),
                0o666,
            )
        except OSError as exc:
            raise _located(exc, dest) from None
        raw = _Raw(fd, dest)
        try:
            self.file = _Staged(raw, _BUFFER)
        except BaseException:
            raw.close()
            self.tmp.unlink()
            raise
        self.text: IO[str] | None = None

    def binary(self) -> BinaryIO:
        """The temporary file, as the binary file it behaves as."""
        return cast(BinaryIO, self.file)

    def finish(self) -> None:
        """Flush, fsync and close the temporary file; give it its permissions."""
        if self.text is not None and not self.text.closed:
            self.text.flush()
        if self.file.closed:
            return
        self.file.flush()
        fd = self.file.fileno()
        try:
            if self.mode is not None:
                if hasattr(os, "fchmod"):
                    os.fchmod(fd, self.mode)
                else:  # pragma: no cover - Windows
                    os.chmod(self.tmp, self.mode)
            os.fsync(fd)
        except OSError as exc:
            raise _located(exc, self.dest) from None
        finally:
            self.file.close()

    def discard(self) -> None:
        """Close and remove the temporary file, whatever state it is in (buffered bytes are
        dropped, not written)."""
        with contextlib.suppress(Exception):
            # closes the descriptor: the buffered file then counts as closed, nothing is flushed
            self.file.raw.close()
        with contextlib.suppress(Exception):
            self.file.close()
        with contextlib.suppress(OSError):
            self.tmp.unlink()


_live: weakref.WeakSet[Transaction] = weakref.WeakSet()


class Transaction:
    """Several output files committed as one generation (see the module's documentation).

    ``open``/``open_text`` give a file to stream an output into; ``add``
    gives an output's whole content. :meth:`commit` renames every output
    into place, or none; :meth:`abort` (also on leaving a ``with`` block with
    an exception, or without a commit) removes every temporary file and leaves
    the destinations as they were.

    ``keep_mode``: an output replacing a file keeps that file's permissions
    (``test --update`` rewriting a case file); otherwise outputs get the
    permissions of a normal new file.
    """

    def __init__(self, *, keep_mode: bool = False) -> None:
        self._items: list[_Item] = []
        self._scratch: list[_Item] = []
        self._keep_mode = keep_mode
        self.state = "open"  # open, committed, aborted
        _live.add(self)

    def __enter__(self) -> Transaction:
        return self

    def __exit__(self, kind: object, value: object, tb: object) -> None:
        if self.state == "open" and kind is not None:
            self.abort()
        elif self.state == "open":
            self.abort()
            raise RuntimeError("a Transaction left without commit() or abort()")

    # -- building -------------------------------------------------------

    @property
    def outputs(self) -> tuple[Path, ...]:
        """The destinations, in the order they were added."""
        return tuple(i.dest for i in self._items)

    def _new(self, dest: StrPath) -> _Item:
        if self.state != "open":
            raise RuntimeError(f"the transaction is {self.state}")
        d = Path(dest)
        for other in self._items:
            if same_file(other.dest, d):
                raise ValueError(f"{d} is written twice in one transaction (as {other.dest})")
        mode = None
        if self._keep_mode:
            with contextlib.suppress(OSError):
                mode = os.stat(d).st_mode & 0o7777
        # a signal never falls between creating the temporary file and recording it
        with _critical():
            item = _Item(d, mode)
            self._items.append(item)
        return item

    def open(self, dest: StrPath) -> BinaryIO:
        """A binary file to write the output ``dest`` into (buffered; do not close it:
        :meth:`commit` does)."""
        return self._new(dest).binary()

    def open_text(self, dest: StrPath, *, encoding: str = "utf-8") -> IO[str]:
        """A text file (``\\n`` line ends) to write the output ``dest`` into."""
        item = self._new(dest)
        item.text = io.TextIOWrapper(
            item.binary(), encoding=encoding, newline="\n", write_through=False
        )
        return item.text

    def add(self, dest: StrPath, content: bytes | str, *, encoding: str = "utf-8") -> None:
        """The whole content of the output ``dest``."""
        item = self._new(dest)
        try:
            item.file.write(content.encode(encoding) if isinstance(content, str) else content)
        except BaseException:
            self.abort()
            raise

    def scratch(self, near: StrPath) -> tuple[Path, BinaryIO]:
        """A temporary working file beside ``near`` (named as a temporary of it), removed at
        commit or abort."""
        if self.state != "open":
            raise RuntimeError(f"the transaction is {self.state}")
        with _critical():
            item = _Item(Path(near), None)
            self._scratch.append(item)
        return item.tmp, item.binary()

    # -- committing ------------------------------------------------------

    def commit(self) -> tuple[Path, ...]:
        """Rename every output into place, or — on any failure — none; the destinations written."""
        if self.state != "open":
            raise RuntimeError(f"the transaction is {self.state}")
        try:
            for item in self._items:
                item.finish()
            for item in self._scratch:
                item.discard()
        except BaseException:
            self.abort()
            raise
        with _critical():
            backups: dict[int, Path] = {}
            done: list[_Item] = []
            try:
                if len(self._items) > 1:
                    for n, item in enumerate(self._items):
                        backup = _backup(item.dest)
                        if backup is not None:
                            backups[n] = backup
                for item in self._items:
                    try:
                        os.replace(item.tmp, item.dest)
                    except OSError as exc:
                        raise _located(exc, item.dest) from None
                    done.append(item)
            except BaseException as exc:
                kept = _rollback(done, backups, self._items)
                for item in self._items:
                    item.discard()
                for backup in backups.values():
                    if backup not in kept:
                        with contextlib.suppress(OSError):
                            backup.unlink()
                if kept:
                    exc.add_note(
                        "perfrules could not restore every previous "
                        "output; the previous files are kept as " + ", ".join(map(str, kept))
                    )
                self.state = "aborted"
                raise
            for backup in backups.values():
                with contextlib.suppress(OSError):
                    backup.unlink()
            self.state = "committed"
        _fsync_folders(i.dest for i in self._items)
        for item in self._items:
            sweep(item.dest)
        return self.outputs

    def abort(self) -> None:
        """Remove every temporary file; the destinations stay as they were. Safe to call more
        than once."""
        if self.state != "open":
            return
        with _critical():  # a second Ctrl-C does not leave temporary files behind
            self.state = "aborted"
            for item in (*self._items, *self._scratch):
                item.discard()


def _backup(dest: Path) -> Path | None:
    """A second name for the current file at ``dest`` (a hard link, else a copy); None when there
    is none."""
    if not os.path.lexists(dest):
        return None
    backup = temp_path(dest, BACKUP_SUFFIX)
    try:
        os.link(dest, backup, follow_symlinks=False)
    except (OSError, NotImplementedError):  # no hard links here (FAT, some network shares): a copy
        import shutil

        try:
            if os.path.islink(dest):
                os.symlink(os.readlink(dest), backup)
            else:
                shutil.copy2(dest, backup)
        except OSError as exc:
            with contextlib.suppress(OSError):
                backup.unlink()
            raise _located(exc, dest) from None
    return backup


def _rollback(done: list[_Item], backups: dict[int, Path], items: list[_Item]) -> list[Path]:
    """Put back the previous files of the outputs already renamed; the backups that could not be
    put back."""
    kept: list[Path] = []
    index = {id(item): n for n, item in enumerate(items)}
    for item in reversed(done):
        backup = backups.get(index[id(item)])
        try:
            if backup is not None:
                os.replace(backup, item.dest)
            else:
                item.dest.unlink()
        except OSError:
            if backup is not None:
                kept.append(backup)
    return kept


def _fsync_folders(paths: Iterable[Path]) -> None:
    """Make the renames durable (best effort: some file systems cannot sync a folder)."""
    if os.name != "posix":
        return
    for folder in {os.path.abspath(p.parent) for p in paths}:
        try:
            fd = os.open(folder, os.O_RDONLY)
        except OSError:
            continue
        try:
            os.fsync(fd)
        except OSError:
            pass
        finally:
            os.close(fd)


@atexit.register
def _abort_leftovers() -> None:  # pragma: no cover - exercised by the kill tests in a subprocess
    for tx in list(_live):
        tx.abort()


# ---------------------------------------------------------------------------
# one file


def write_bytes(path: StrPath, data: bytes, *, keep_mode: bool = False) -> Path:
    """Write ``data`` to ``path`` atomically (see the module's documentation); ``path``."""
    with Transaction(keep_mode=keep_mode) as tx:
        tx.add(path, data)
        tx.commit()
    return Path(path)


def write_text(
    path: StrPath, text: str, *, encoding: str = "utf-8", keep_mode: bool = False
) -> Path:
    """Write ``text`` to ``path`` atomically, ``\\n`` line ends kept as they are; ``path``."""
    return write_bytes(path, text.encode(encoding), keep_mode=keep_mode)


def copy_file(source: StrPath, path: StrPath) -> Path:
    """Copy the file ``source`` to ``path`` atomically; ``path``."""
    import shutil

    with Transaction() as tx:
        out = tx.open(path)
        try:
            with open(source, "rb") as fh:
                shutil.copyfileobj(fh, out, _BUFFER)
        except BaseException:
            tx.abort()
            raise
        tx.commit()
    return Path(path)


__all__ = [
    "BACKUP_SUFFIX",
    "TEMP_SUFFIX",
    "Interrupted",
    "Transaction",
    "copy_file",
    "is_temp",
    "same_file",
    "signals_as_exceptions",
    "sweep",
    "temp_path",
    "write_bytes",
    "write_text",
]
