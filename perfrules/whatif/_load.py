"""The I/O edge of what-if: reading the two specs and the units' actuals named on a command line."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from perfrules._errors import Problem, SpecError
from perfrules._messages import message
from perfrules.loading import ACTUALS_FILE, SPEC_FILE, load_actuals, load_spec
from perfrules.whatif._compare import compare
from perfrules.whatif._model import SpecDiff, UnitInput

NO_ACTUALS = "no-actuals"


def _spec_file(arg: str | os.PathLike[str]) -> str:
    p = Path(arg)
    return str(p / SPEC_FILE) if p.is_dir() else str(p)


def actuals_files(paths: Sequence[str | os.PathLike[str]]) -> list[str]:
    """The actuals files ``paths`` name.

    A file is one unit; a folder holding ``actuals.toml`` (an example folder)
    is that unit; any other folder is every ``*.toml`` file directly in it,
    one unit each (a batch of units' actuals; ``spec.toml`` and case files
    excepted). A path that does not exist is
    kept, so that it is reported as that unit's error.
    """
    out: list[str] = []
    for given in paths:
        p = Path(given)
        if p.is_dir():
            if (p / ACTUALS_FILE).is_file():
                out.append(str(p / ACTUALS_FILE))
            else:
                out.extend(
                    str(f)
                    for f in sorted(p.glob("*.toml"))
                    if f.is_file() and f.name != SPEC_FILE and not f.name.endswith(".case.toml")
                )
        else:
            out.append(str(p))
    return out


def default_actuals(old: str | os.PathLike[str], new: str | os.PathLike[str]) -> list[str]:
    """Without ``--actuals``: the ``actuals.toml`` of OLD's folder, else of NEW's (empty when
    neither has one)."""
    for arg in (old, new):
        p = Path(arg)
        folder = p if p.is_dir() else p.parent
        if (folder / ACTUALS_FILE).is_file():
            return [str(folder / ACTUALS_FILE)]
    return []


def load_units(files: Sequence[str]) -> list[UnitInput]:
    """Each file's actuals (read strictly, not yet checked against a spec), or the problems
    reading it."""
    units: list[UnitInput] = []
    for f in files:
        try:
            units.append(UnitInput(name=f, actuals=load_actuals(f)))
        except SpecError as err:
            units.append(UnitInput(name=f, problems=err.problems))
    return units


def diff_paths(
    old: str | os.PathLike[str],
    new: str | os.PathLike[str],
    actuals: Sequence[str | os.PathLike[str]] = (),
    *,
    progress: Callable[[int, int], None] | None = None,
) -> SpecDiff:
    """Read the specs ``old`` and ``new`` (files or folders) and compare them over the ``actuals``
    units.

    Without ``actuals``, the ``actuals.toml`` beside OLD (else NEW) is the one
    unit. Raises :class:`~perfrules.SpecError` when a spec does not load (every
    problem of both) or when there are no actuals; a unit whose actuals do not
    load or fit is reported in the result and the others are still compared.
    ``progress(done, total)`` is called after each unit is read and compared.
    """
    old_file, new_file = _spec_file(old), _spec_file(new)
    problems: list[Problem] = []
    specs = []
    for f in (old_file, new_file):
        try:
            specs.append(load_spec(f))
        except SpecError as err:
            problems.extend(err.problems)
    if problems:
        raise SpecError(problems)
    files = actuals_files(actuals) if actuals else default_actuals(old, new)
    if not files:
        raise SpecError(
            [
                Problem(
                    code=NO_ACTUALS,
                    file="<command line>",
                    **message("no-actuals", actuals_file=ACTUALS_FILE).as_message(),
                )
            ]
        )
    return compare(
        specs[0], specs[1], _counted(files, progress), old_file=old_file, new_file=new_file
    )


def _counted(
    files: Sequence[str], progress: Callable[[int, int], None] | None
) -> Iterator[UnitInput]:
    """Each file's unit, read as it is compared; ``progress`` after each (the comparison asks for
    the next)."""
    total = len(files)
    for done, f in enumerate(files):
        if progress is not None and done:
            progress(done, total)
        yield from load_units([f])
    if progress is not None:
        progress(total, total)
