"""``check``, ``evaluate`` and ``explain``: one spec and its actuals."""

from __future__ import annotations

import argparse
import json
import sys
from io import StringIO

from rich.console import Console

from perfrules._errors import Lang, Problem, SpecError, problem_document
from perfrules._messages import Message, listing, message
from perfrules._safe_text import json_controls
from perfrules._suggest import suggest
from perfrules.cli._common import check_distinct, check_output, load, resolve, spec_file, write_text
from perfrules.cli._console import console
from perfrules.cli._exit import EXIT_INPUT, EXIT_OK, UsageError
from perfrules.cli._parser import BUDGET_IDS
from perfrules.core import Evaluation, IndicatorResult, evaluate, to_document, to_json
from perfrules.render import AuditTable, IndicatorDetail


def json_out(doc: object) -> None:
    """Write ``doc`` as indented JSON (Chinese kept as is) to standard output."""
    sys.stdout.write(json_controls(json.dumps(doc, ensure_ascii=False, indent=2)) + "\n")


# ---------------------------------------------------------------------------
# check


def run_check(args: argparse.Namespace, lang: Lang, out: Console) -> int:
    try:
        spec_path, actuals_path = resolve(args.spec, args.actuals, need_actuals=False)
        spec, actuals = load(spec_path, actuals_path)
    except SpecError as err:
        if args.format != "json":
            raise
        json_out(
            {
                "schema": "perfrules.check",
                "schema_version": 1,
                "valid": False,
                "problems": [problem_document(p) for p in err.problems],
            }
        )
        return EXIT_INPUT
    n = len(spec.indicators)
    if args.format == "json":
        json_out(
            {
                "schema": "perfrules.check",
                "schema_version": 1,
                "valid": True,
                "spec": {
                    "id": spec.meta.id,
                    "file": spec.source.file if spec.source else str(spec_path),
                    "categories": len(spec.categories),
                    "indicators": n,
                },
                "actuals": None if actuals_path is None else str(actuals_path),
                "problems": [],
            }
        )
        return EXIT_OK
    if lang == "zh":
        msg = f"✓ 规范 {spec.meta.id} 有效：{len(spec.categories)} 个类别，{n} 个三级指标"
        msg += f"；实际完成值 {actuals_path} 与之相符" if actuals is not None else ""
    else:
        msg = f"✓ spec {spec.meta.id} is valid: {len(spec.categories)} categories, {n} indicators"
        msg += f"; actuals {actuals_path} match it" if actuals is not None else ""
    out.print(msg, markup=False)
    return EXIT_OK


# ---------------------------------------------------------------------------
# evaluate, explain


def _evaluation(spec_arg: str, actuals_arg: str | None) -> Evaluation:
    spec_path, actuals_path = resolve(spec_arg, actuals_arg, need_actuals=True)
    spec, actuals = load(spec_path, actuals_path)
    assert actuals is not None
    return evaluate(spec, actuals)


def run_evaluate(args: argparse.Namespace, lang: Lang, out: Console) -> int:
    if args.output:
        check_output(args.output)  # before the work: a bad path is exit 2 at once
        spec_path, actuals_path = resolve(args.spec, args.actuals, need_actuals=True)
        check_distinct(
            [("-o", args.output)], [("SPEC", spec_file(spec_path)), ("ACTUALS", actuals_path)]
        )
    ev = _evaluation(args.spec, args.actuals)
    if args.format == "json":
        # C1 controls as \u009b: no raw escape reaches a terminal
        text = json_controls(to_json(ev)) + "\n"
        if args.output:
            write_text(args.output, text)
        else:
            sys.stdout.write(text)
    elif args.output:
        buf = StringIO()
        # control characters shown escaped
        console(buf, args.width or 160).print(AuditTable(ev, lang=lang))
        write_text(args.output, buf.getvalue())
    else:
        out.print(AuditTable(ev, lang=lang))
    return EXIT_OK


def find_indicator(ev: Evaluation, wanted: str) -> IndicatorResult:
    """The indicator ``wanted`` names: its id, its exact name, or a unique part of its name (else
    a located problem)."""
    rows = list(ev.indicators)
    for how in (lambda r: r.id == wanted, lambda r: r.name == wanted, lambda r: wanted in r.name):
        hits = [r for r in rows if how(r)]
        if len(hits) == 1:
            return hits[0]
        if len(hits) > 1:
            listed = "; ".join(f"{r.id}（{r.name}）" for r in hits)
            listed_en = "; ".join(f"{r.id} ({r.name})" for r in hits)
            raise SpecError(
                [
                    Problem(
                        code="ambiguous-indicator",
                        path=(wanted,),
                        file="<command line>",
                        **message(
                            "ambiguous-indicator",
                            wanted=wanted,
                            count=len(hits),
                            hits=Message(listed_en, listed),
                        ).as_message(),
                    )
                ]
            )
    hint = suggest(wanted, [r.id for r in rows] + [r.name for r in rows] + list(BUDGET_IDS))
    if hint is not None:
        named = next((r for r in rows if r.name == hint), None)
        hint = named.id if named is not None else hint
    raise SpecError(
        [
            Problem(
                code="unknown-indicator",
                path=(wanted,),
                file="<command line>",
                **message(
                    "unknown-indicator",
                    wanted=wanted,
                    spec=ev.spec_id,
                    ids=listing(r.id for r in rows),
                ).as_message(),
                suggestion=hint,
            )
        ]
    )


def run_explain(args: argparse.Namespace, lang: Lang, out: Console) -> int:
    parts: list[str] = args.args
    if len(parts) not in (2, 3):
        raise UsageError("explain takes SPEC [ACTUALS] INDICATOR")
    wanted = parts[-1]
    ev = _evaluation(parts[0], parts[1] if len(parts) == 3 else None)
    if wanted in BUDGET_IDS:
        if ev.budget_execution is None:
            raise UsageError("this spec has no budget-execution block / 该规范没有预算执行率")
        if args.format == "json":
            json_out(to_document(ev)["budget_execution"])
        else:
            out.print(IndicatorDetail(ev.budget_execution, lang=lang))
        return EXIT_OK
    row = find_indicator(ev, wanted)
    if args.format == "json":
        json_out(next(i for i in to_document(ev)["indicators"] if i["id"] == row.id))
    else:
        out.print(IndicatorDetail(row, lang=lang))
    return EXIT_OK
