"""Exit codes of the ``perfrules`` command and the usage error (standard library only).

==  =====================================================================
0   success
1   findings: ``lint --strict`` warnings, failed golden cases, ``import``
    disagreements, ``batch`` units that failed (every other unit written)
2   bad input or usage: a spec, actuals, table or workbook that does not
    load (every problem located), bad arguments, an output path that cannot
    be written, a missing optional dependency (``perfrules.MissingExtraError``)
3   internal error: a bug in perfrules (the traceback is printed; please
    report it with the input)
==  =====================================================================
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_INPUT = 2
EXIT_INTERNAL = 3
EXIT_INTERRUPTED = 130


class UsageError(Exception):
    """Bad command-line arguments or an output that cannot be written (exit 2); the message is shown
    as is.

    Internal to the command line: raised and caught inside ``perfrules.cli``
    (never out of :func:`perfrules.cli.main`), and defined here, in a module
    of the standard library only, so that parsing loads nothing heavy — hence
    not a :class:`perfrules.PerfrulesError` (which lives beside ``Problem``
    and attrs).
    """


def __getattr__(name: str) -> type[Exception]:
    """``ExtraMissing``: the older name of :class:`perfrules.MissingExtraError` (deprecated),
    imported on use."""
    if name == "ExtraMissing":
        from perfrules._errors import MissingExtraError

        return MissingExtraError
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
