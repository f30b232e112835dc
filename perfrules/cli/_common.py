"""What every command shares: spec/actuals arguments, writing an output file (consoles:
``_console``)."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from perfrules import _atomic
from perfrules._names import ACTUALS_FILE, SPEC_FILE
from perfrules.cli._exit import UsageError
from perfrules.loading import load_actuals, load_spec
from perfrules.model import Actuals, Spec


def resolve(
    spec_arg: str, actuals_arg: str | None, *, need_actuals: bool
) -> tuple[Path, Path | None]:
    """The spec file or folder and the actuals file the arguments name."""
    spec_path = Path(spec_arg)
    if not spec_path.exists():
        load_spec(spec_path)  # raises the located "cannot read" problem
    actuals_path = Path(actuals_arg) if actuals_arg else None
    if actuals_path is None and spec_path.is_dir():
        candidate = spec_path / ACTUALS_FILE
        if candidate.exists() or need_actuals:
            actuals_path = candidate
    if need_actuals and actuals_path is None:
        raise UsageError(
            f"no actuals: give an actuals file or a folder holding {SPEC_FILE} and {ACTUALS_FILE}"
        )
    return spec_path, actuals_path


def spec_file(spec_path: Path) -> Path:
    """The spec file a SPEC argument names: the file itself, or ``spec.toml`` in the folder."""
    return spec_path / SPEC_FILE if spec_path.is_dir() else spec_path


def load(spec_path: Path, actuals_path: Path | None) -> tuple[Spec, Actuals | None]:
    """Load the spec, and the actuals against it."""
    spec = load_spec(spec_path)
    actuals = load_actuals(actuals_path, spec=spec) if actuals_path is not None else None
    return spec, actuals


def check_output(path: str | os.PathLike[str], *, option: str = "-o") -> Path:
    """An output file path that can be written: its folder exists and it is not itself a folder
    (else exit 2)."""
    out = Path(path)
    if out.is_dir():
        raise UsageError(f"{option} {out}: is a folder; give a file name / 是文件夹，请写文件名")
    folder = out.parent
    if not folder.is_dir():
        raise UsageError(
            f"{option} {out}: the folder {folder} does not exist / 文件夹 {folder} 不存在"
        )
    return out


def write_text(path: str | os.PathLike[str], text: str, *, option: str = "-o") -> Path:
    """Write ``text`` to ``path`` atomically (``perfrules._atomic``): the old file stays whole on
    any failure."""
    out = check_output(path, option=option)
    return _atomic.write_text(out, text)


Named = tuple[str, str | os.PathLike[str] | None]


def check_distinct(outputs: Iterable[Named], inputs: Iterable[Named] = ()) -> None:
    """Refuse (exit 2) an output that is one of the inputs, or another output, before any work is
    done.

    ``outputs`` and ``inputs`` are (what it is, path) pairs, ``None`` paths
    skipped. Paths are compared as files: :func:`os.path.samefile` when both
    exist (a link, ``./a`` and ``a``), else their resolved absolute paths.
    """
    outs = [(what, p) for what, p in outputs if p is not None]
    ins = [(what, p) for what, p in inputs if p is not None]
    for i, (what, out) in enumerate(outs):
        for in_what, source in ins:
            if _atomic.same_file(out, source):
                raise UsageError(
                    f"{what} {out} 与输入 {in_what} {source} 是同一文件，写入会覆盖输入；请换一个输出路径 / "
                    f"{what} {out} is the input {in_what} "
                    f"{source}: writing it would destroy the input; "
                    "choose another output path"
                )
        for other_what, other in outs[:i]:
            if _atomic.same_file(out, other):
                raise UsageError(
                    f"{what} {out} 与 {other_what} {other} 是同一文件，两个输出会相互覆盖；请换一个路径 / "
                    f"{what} {out} is also {other_what} "
                    f"{other}: one output would overwrite the other; "
                    "choose another path"
                )
