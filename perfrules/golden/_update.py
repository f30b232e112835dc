"""``--update``: re-record the expected values of failing cases in their case files.

Only the values that differ are rewritten, each in place; everything else of
the file (comments, layout, key order, other cases, keys that agree) is left
byte for byte. A warnings entry the evaluation now raises for an indicator the
case did not name is added to the case's warnings table; an entry whose
warnings are gone is kept and set to ``[]``.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Sequence
from pathlib import Path

import attrs

from perfrules._atomic import Transaction
from perfrules._errors import Lang, SpecError
from perfrules.golden._check import Mismatch
from perfrules.golden._edit import Edit, EditError, add_key, apply, replace_value, toml_value
from perfrules.golden._load import loads_case_file
from perfrules.golden._run import CaseResult, RunResult
from perfrules.loading import index_positions


@attrs.frozen(kw_only=True)
class Change:
    """One expected value re-recorded."""

    file: str | None
    case: str
    mismatch: Mismatch

    @property
    def location(self) -> str:
        """``file:line`` of the value (as it was before the update; the case's file when it is
        new)."""
        where = self.file if self.file is not None else "<input>"
        return f"{where}:{self.mismatch.line}" if self.mismatch.line is not None else where

    def label(self, lang: Lang = "zh") -> str:
        """What was re-recorded."""
        return self.mismatch.label(lang)

    @property
    def old_text(self) -> str:
        """The value expected before."""
        return self.mismatch.expected_text

    @property
    def new_text(self) -> str:
        """The value recorded now."""
        return self.mismatch.actual_text


def update_text(
    text: str, results: Iterable[CaseResult], *, file: str | None = None
) -> tuple[str, tuple[Change, ...]]:
    """``text`` (a case file) with the expected values of the failed ``results`` re-recorded. Pure.

    Raises :class:`~perfrules.golden.EditError` when a value is written in a
    form the editor cannot rewrite in place (the text is then left alone).
    """
    positions = index_positions(text)
    edits: list[Edit] = []
    changes: list[Change] = []
    for res in results:
        if res.status != "failed":
            continue
        for m in res.mismatches:
            new = toml_value(m.actual)
            if m.expected is None:
                edits.append(add_key(text, positions, m.path[:-1], str(m.path[-1]), new))
            else:
                edits.append(replace_value(text, positions, m.path, new))
            changes.append(
                Change(file=file if file is not None else res.file, case=res.name, mismatch=m)
            )
    if not edits:
        return text, ()
    out = apply(text, edits)
    try:
        tomllib.loads(out)
        loads_case_file(out, file=file)
    except (tomllib.TOMLDecodeError, SpecError) as exc:  # never write a file the loader refuses
        raise EditError(f"the updated text would not load: {exc}") from None
    return out, tuple(changes)


def update_files(run: RunResult | Sequence[CaseResult]) -> tuple[Change, ...]:
    """Rewrite every case file with failed cases in ``run``; return what was re-recorded.

    Each file is read, edited in place (see :func:`update_text`) and written
    back only when something changed. The changed files are replaced together,
    atomically (``perfrules._atomic``), keeping their permissions: a failure
    (an edit the editor cannot make, a full disk) leaves every file as it was.
    """
    results = run.cases if isinstance(run, RunResult) else tuple(run)
    by_file: dict[str, list[CaseResult]] = {}
    for r in results:
        if r.status == "failed" and r.file is not None:
            by_file.setdefault(r.file, []).append(r)
    changes: list[Change] = []
    with Transaction(keep_mode=True) as tx:
        for file, rs in by_file.items():
            path = Path(file)
            raw = path.read_bytes()
            text = raw.decode("utf-8-sig")
            bom = "\ufeff" if raw.startswith(b"\xef\xbb\xbf") else ""
            new, done = update_text(text, rs, file=file)
            if done:
                tx.add(path, (bom + new).encode("utf-8"))
                changes.extend(done)
        tx.commit()
    return tuple(changes)
