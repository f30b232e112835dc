"""What every command shares: spec/actuals arguments, writing an output file (consoles: ``_console``)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from perfrules._names import ACTUALS_FILE, SPEC_FILE
from perfrules.cli._exit import UsageError
from perfrules.model import Actuals, Spec
from perfrules.spec import load_actuals, load_spec


def resolve(spec_arg: str, actuals_arg: str | None, *, need_actuals: bool) -> tuple[Path, Path | None]:
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
        raise UsageError(f"no actuals: give an actuals file or a folder holding {SPEC_FILE} and {ACTUALS_FILE}")
    return spec_path, actuals_path


def load(spec_path: Path, actuals_path: Path | None) -> tuple[Spec, Actuals | None]:
    """Load the spec, and the actuals against it."""
    spec = load_spec(spec_path)
    actuals = load_actuals(actuals_path, spec=spec) if actuals_path is not None else None
    return spec, actuals


def check_output(path: str | os.PathLike[str], *, option: str = "-o") -> Path:
    """An output file path that can be written: its folder exists and it is not itself a folder (else exit 2)."""
    out = Path(path)
    if out.is_dir():
        raise UsageError(f"{option} {out}: is a folder; give a file name / 是文件夹，请写文件名")
    folder = out.parent
    if not folder.is_dir():
        raise UsageError(f"{option} {out}: the folder {folder} does not exist / 文件夹 {folder} 不存在")
    return out


def write_text(path: str | os.PathLike[str], text: str, *, option: str = "-o") -> Path:
    """Write ``text`` to ``path`` atomically (a temporary file beside it, then a rename): all or nothing."""
    out = check_output(path, option=option)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(tmp, 0o666 & ~mask)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return out
