"""The ``perfrules`` argument parser: every command, its options and examples (standard library
only).

Building the parser imports nothing heavy, so ``perfrules --version``,
``perfrules --help`` and shell completion start at once; each command's
implementation is imported only when that command runs (``_main.COMMANDS``).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from perfrules._names import ACTUALS_FILE, CASE_SUFFIX, SPEC_FILE
from perfrules._resources import SCHEMA_NAMES
from perfrules._version import __version__
from perfrules.cli._exit import UsageError

BUDGET_IDS = ("budget_execution", "预算执行率")
EXPORT_FORMATS = ("xlsx", "docx", "pdf", "md", "html", "narrative")
SHELLS = ("bash", "zsh", "fish")
BATCH_ENGINES = (
    "auto",
    "pure",
    "vector",
)  # perfrules.batch.ENGINES (tests/test_cli_conventions.py holds them equal)

DESCRIPTION = """\
预算绩效自评 as code: check specs, evaluate actuals, explain every point.

Exit codes: 0 ok; 1 findings (lint --strict warnings, failed golden cases, import
disagreements, batch units that failed); 2 bad input or usage; 3 internal error.
Documentation (offline): perfrules docs [TOPIC]."""

EXAMPLES = """\
examples:
  perfrules evaluate examples/hunan-2024-general-office          \
the 自评表 with every deduction explained
  perfrules explain unit/ 预算执行率                               every step behind one score
  perfrules check my-unit/spec.toml                                every problem, located, at once
  perfrules frameworks                                             the frameworks a unit can extend
  perfrules docs spec-format                                       the spec format, offline"""

COMPLETION_INSTALL = """\
install (then open a new shell):
  bash   perfrules completion bash > ~/.local/share/bash-completion/completions/perfrules
         (needs the bash-completion package; \
or add  source <(perfrules completion bash)  to ~/.bashrc)
  zsh    mkdir -p ~/.zfunc && perfrules completion zsh > ~/.zfunc/_perfrules
         and in ~/.zshrc, before compinit:  fpath=(~/.zfunc $fpath); autoload -Uz compinit; compinit
         (or, after compinit:  source <(perfrules completion zsh))
  fish   perfrules completion fish > ~/.config/fish/completions/perfrules.fish

安装（之后打开新的终端）：bash 写入 ~/.local/share/bash-completion/completions/perfrules；
zsh 写入 fpath 中某个文件夹下的 _perfrules（该文件夹须在 compinit 之前加入 fpath）；
fish 写入 ~/.config/fish/completions/perfrules.fish。
The script is static: generate it again after upgrading perfrules."""

SCHEMA_WHAT = {
    "spec": "spec.toml (a unit spec or a flat spec)",
    "actuals": "actuals.toml",
    "framework": "a framework (specs/*.toml)",
    "case": "a golden-case file (*.case.toml)",
    "evaluation": "the JSON document of an evaluation (perfrules evaluate --format json)",
}

Common = Callable[[argparse.ArgumentParser], None]


class Parser(argparse.ArgumentParser):
    """An argument parser whose errors are :class:`UsageError` (exit 2, one message) rather than
    SystemExit."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("formatter_class", argparse.RawDescriptionHelpFormatter)
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog}: {message}")


def decimal_arg(text: str) -> Decimal:
    """An exact, finite number from the command line."""
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not value.is_finite():
        raise argparse.ArgumentTypeError(f"not a finite number: {text!r}")
    return value


def _common(sp: argparse.ArgumentParser) -> None:
    sp.add_argument(
        "--lang", choices=("zh", "en"), default="zh", help="output language (default zh)"
    )
    sp.add_argument(
        "--width",
        type=int,
        default=None,
        metavar="N",
        help="width of tables (default: the terminal's; 160 when piped, prose never wrapped)",
    )


def _examples(*lines: str) -> str:
    return "examples:\n" + "\n".join(f"  {line}" for line in lines)


def _spec_args(sp: argparse.ArgumentParser, *, actuals_required: bool) -> None:
    held = (
        f"{SPEC_FILE} and {ACTUALS_FILE}"
        if actuals_required
        else f"{SPEC_FILE} (and {ACTUALS_FILE})"
    )
    sp.add_argument("spec", metavar="SPEC", help=f"spec file, or a folder holding {held}")
    default = (
        f"{ACTUALS_FILE} in the spec's folder"
        if actuals_required
        else f"{ACTUALS_FILE} in a spec folder, if present"
    )
    sp.add_argument(
        "actuals", nargs="?", metavar="ACTUALS", help=f"actuals file (default: {default})"
    )


def build_parser() -> Parser:
    """The whole ``perfrules`` parser."""
    p = Parser(prog="perfrules", description=DESCRIPTION, epilog=EXAMPLES)
    p.add_argument("-V", "--version", action="version", version=f"perfrules {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser, title="commands")
    common: Common = _common

    c = sub.add_parser(
        "check",
        help="validate a spec, and actuals against it",
        epilog=_examples(
            "perfrules check examples/hunan-2024-general-office",
            "perfrules check my-unit/spec.toml my-unit/actuals-2025.toml",
            "perfrules check my-unit --format json          problems as JSON (exit 2 when any)",
        ),
    )
    _spec_args(c, actuals_required=False)
    c.add_argument("--format", choices=("table", "json"), default="table")
    common(c)

    e = sub.add_parser(
        "evaluate",
        help="score actuals against a spec: the 自评表 with every deduction explained",
        epilog=_examples(
            "perfrules evaluate examples/hunan-2024-general-office",
            "perfrules evaluate unit --format json -o unit.json     the versioned JSON document",
            "perfrules evaluate unit --lang en",
        ),
    )
    _spec_args(e, actuals_required=True)
    e.add_argument("--format", choices=("table", "json"), default="table")
    e.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="write to this file (atomically) instead of standard output",
    )
    common(e)

    x = sub.add_parser(
        "explain",
        help="every step behind one indicator's score",
        epilog=_examples(
            "perfrules explain examples/hunan-2024-general-office counsellor_proposals",
            "perfrules explain examples/hunan-2024-general-office 预算执行率",
            "perfrules explain unit 志愿服务活动          an indicator's name works when it is unique",
        ),
    )
    x.add_argument(
        "args",
        nargs="+",
        metavar="SPEC [ACTUALS] INDICATOR",
        help="spec (file or folder), optional actuals file, then the indicator: its id, its name "
        f"(a unique match) or {' / '.join(BUDGET_IDS)} for the budget row",
    )
    x.add_argument("--format", choices=("table", "json"), default="table")
    common(x)

    lt = sub.add_parser(
        "lint",
        help="target-setting quality and the figure audit (perfrules docs lint)",
        epilog=_examples(
            "perfrules lint examples/hunan-2024-general-office",
            "perfrules lint unit --strict                  exit 1 on a warning-level finding",
            "perfrules lint unit --ignore target-low --format json",
        ),
    )
    _spec_args(lt, actuals_required=False)
    lt.add_argument("--format", choices=("table", "json"), default="table")
    lt.add_argument(
        "--strict", action="store_true", help="exit 1 when there is a warning-level finding"
    )
    lt.add_argument(
        "--overshoot",
        type=decimal_arg,
        metavar="X",
        help="target-low when actual ≥ X × target (default: "
        "the spec's policy.overshoot_warning, or 1.3)",
    )
    lt.add_argument(
        "--benefit-qualitative-share",
        type=decimal_arg,
        metavar="S",
        help="benefit-qualitative when more than S of a 效益 category is qualitative (default 0.5)",
    )
    lt.add_argument(
        "--min-weight-share",
        type=decimal_arg,
        metavar="S",
        help="weight-trivial when weight < S × meta.total (default 0.01)",
    )
    lt.add_argument(
        "--min-sibling-share",
        type=decimal_arg,
        metavar="S",
        help="weight-minor when weight < S × its category's average weight (default 0.5; 0: off)",
    )
    lt.add_argument(
        "--ignore",
        action="append",
        default=[],
        metavar="CODE",
        help="do not report this finding code (repeatable)",
    )
    lt.add_argument(
        "--figures", action="store_true", help="also print every recomputed figure (table format)"
    )
    common(lt)

    ts = sub.add_parser(
        "test",
        help=f"run golden cases (*{CASE_SUFFIX}) and show "
        "what differs (perfrules docs golden-cases)",
        epilog=_examples(
            "perfrules test examples/ specs/",
            "perfrules test unit/cases --update          re-record after a deliberate rule change",
            "perfrules test unit/cases --format json",
        ),
    )
    ts.add_argument(
        "paths",
        nargs="+",
        metavar="PATH",
        help=f"case files, or folders searched for *{CASE_SUFFIX}",
    )
    ts.add_argument(
        "--update",
        action="store_true",
        help="re-record the expected values of failing cases "
        "in their files (after a deliberate rule change)",
    )
    ts.add_argument("-q", "--quiet", action="store_true", help="do not list the cases that pass")
    ts.add_argument("--format", choices=("table", "json"), default="table")
    common(ts)

    df = sub.add_parser(
        "diff",
        help="score two spec versions over units' actuals and compare (perfrules docs what-if)",
        epilog=_examples("perfrules diff old/ new/ --actuals units/"),
    )
    df.add_argument(
        "old", metavar="OLD", help=f"the old spec: a spec file or a folder holding {SPEC_FILE}"
    )
    df.add_argument(
        "new", metavar="NEW", help=f"the new spec: a spec file or a folder holding {SPEC_FILE}"
    )
    df.add_argument(
        "--actuals",
        nargs="+",
        default=[],
        metavar="PATH",
        help=f"units' actuals: files, folders holding {ACTUALS_FILE}, or folders of actuals files "
        f"(default: {ACTUALS_FILE} beside OLD, else beside NEW)",
    )
    df.add_argument("--format", choices=("table", "json"), default="table")
    df.add_argument("--all-rows", action="store_true", help="table: list unchanged rows too")
    common(df)

    im = sub.add_parser(
        "import",
        help="read a filled 自评表 workbook into spec.toml + actuals.toml (perfrules docs excel)",
        epilog=_examples(
            "perfrules import 自评表.xlsx -o unit/",
            "perfrules import hand-filled.xlsx -o unit/ --framework hunan-department",
        ),
    )
    im.add_argument("xlsx", metavar="XLSX", help="the 自评表 workbook (.xlsx)")
    im.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="FOLDER",
        help=f"folder to write {SPEC_FILE} and {ACTUALS_FILE} into (created if missing)",
    )
    im.add_argument(
        "--framework",
        metavar="ID",
        help="the framework a hand-filled form follows, e.g. hunan-department or national-project "
        "(perfrules frameworks lists them; not needed for a workbook perfrules exported)",
    )
    im.add_argument(
        "--force",
        action="store_true",
        help=f"replace the {SPEC_FILE} and {ACTUALS_FILE} "
        "already in FOLDER (both together, atomically)",
    )
    common(im)

    ex = sub.add_parser(
        "export",
        help="write the evaluated 自评表 (xlsx) or the 自评报告 (docx, pdf, md, html, narrative)",
        epilog=_examples(
            "perfrules export unit --to xlsx -o 自评表.xlsx",
            "perfrules export unit --to docx -o 自评报告.docx",
            "perfrules export unit --to pdf -o 自评报告.pdf",
            "perfrules export unit --to html -o report.html --style province.css",
            "perfrules export unit --to narrative",
        ),
    )
    ex.add_argument(
        "spec",
        metavar="SPEC",
        help=f"spec file, or a folder holding {SPEC_FILE} and {ACTUALS_FILE}",
    )
    ex.add_argument(
        "actuals",
        nargs="?",
        metavar="ACTUALS",
        help=f"actuals file (default: {ACTUALS_FILE} beside the spec)",
    )
    ex.add_argument("--to", required=True, choices=EXPORT_FORMATS, dest="to", help="output format")
    ex.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="output file (required for xlsx, docx and pdf; others default to stdout)",
    )
    ex.add_argument(
        "--report-text",
        metavar="FILE",
        help="the unit's own sections of the report (default: "
        "report.toml beside the spec, when there is one)",
    )
    ex.add_argument(
        "--style",
        metavar="FILE",
        action="append",
        default=[],
        help="restyle the report: a .css file for html and "
        "pdf, a reference .docx for docx (repeatable)",
    )
    ex.add_argument(
        "--stated-actuals",
        action="store_true",
        help="report: a derived rate's 实际完成值 as the actuals "
        "state it (85.4%%), not as computed (85.39%%)",
    )
    common(ex)

    b = sub.add_parser(
        "batch",
        help="score every unit of a long table (CSV, xlsx, Parquet) (perfrules docs batch)",
        epilog=_examples(
            "perfrules batch units.csv --out results.csv",
            "perfrules batch units.parquet --out results.parquet "
            "--audit audit.jsonl --audit-level record",
        ),
    )
    b.add_argument(
        "input",
        metavar="IN",
        help="the long table: .csv, .xlsx or .parquet, one row per unit × indicator",
    )
    b.add_argument(
        "--out",
        required=True,
        metavar="OUT",
        help="units table (.csv or .parquet); <stem>.indicators, "
        ".categories and .problems beside it",
    )
    b.add_argument(
        "--audit",
        metavar="AUDIT.jsonl",
        help="stream every unit's audit trail here (one JSON line per unit, with an index)",
    )
    b.add_argument(
        "--audit-level",
        choices=("full", "record"),
        default="full",
        help="full: the core's evaluation document of every "
        "unit (pure path); record: every input cell "
        "and output of the unit at batch speed, turned into the full document on demand by "
        "perfrules.batch.explain (perfrules docs batch)",
    )
    b.add_argument(
        "--engine",
        choices=BATCH_ENGINES,
        default="auto",
        help="auto: the vectorised path when installed, else "
        "pure; pure; vector (needs perfrules[batch])",
    )
    b.add_argument("-q", "--quiet", action="store_true", help="no progress bar and no summary")
    common(b)

    fw = sub.add_parser(
        "frameworks",
        help="list the frameworks a spec can extend, and where each comes from",
        epilog=_examples(
            "perfrules frameworks",
            "perfrules frameworks --from my-unit/        as a unit in my-unit/ would see them",
            "perfrules frameworks --format json",
        ),
    )
    fw.add_argument(
        "--from",
        dest="start",
        metavar="DIR",
        default=".",
        help="the folder a unit spec is in: local specs/ folders above it come first (default: .)",
    )
    fw.add_argument("--format", choices=("table", "json"), default="table")
    common(fw)

    tp = sub.add_parser(
        "template",
        help="copy the blank 自评表 workbook shipped with perfrules",
        epilog=_examples(
            "perfrules template -o 自评表-空白.xlsx",
            "perfrules import 自评表-空白.xlsx -o unit/ --framework hunan-department",
        ),
    )
    tp.add_argument(
        "-o", "--output", required=True, metavar="FILE", help="where to write the workbook (.xlsx)"
    )
    common(tp)

    sc = sub.add_parser(
        "schema",
        help="print a JSON Schema perfrules ships: of its TOML "
        "files, for editors (perfrules docs editors), "
        "or of the evaluation JSON document",
        description="Print (or write with -o) a JSON Schema perfrules ships:\n"
        + "\n".join(f"  {name:<11}{what}" for name, what in SCHEMA_WHAT.items())
        + "\nThe TOML schemas (draft-07) check keys, types and enumerations as an editor types;"
        "\nperfrules check does the rest (perfrules docs editors).",
        epilog=_examples(
            "perfrules schema spec -o spec.schema.json",
            "perfrules schema evaluation > evaluation.schema.json",
        ),
    )
    sc.add_argument(
        "name", metavar="NAME", choices=SCHEMA_NAMES, help=f"one of: {', '.join(SCHEMA_NAMES)}"
    )
    sc.add_argument(
        "-o", "--output", metavar="FILE", help="write the schema to FILE instead of standard output"
    )
    common(sc)

    d = sub.add_parser(
        "docs",
        help="read the documentation in the terminal (offline; perfrules docs lists the topics)",
        description="The documentation shipped with perfrules. Without TOPIC: the list of topics.",
        epilog=_examples(
            "perfrules docs                       the topics",
            "perfrules docs scoring               one page (a file stem, a command or 评分 work too)",
            "perfrules docs spec-format --raw     the Markdown source",
        ),
    )
    d.add_argument(
        "topic",
        nargs="?",
        metavar="TOPIC",
        help="a topic (file stem such as scoring, a file name "
        "such as scoring.md, or a command such as lint)",
    )
    d.add_argument(
        "--raw", action="store_true", help="print the Markdown source instead of rendering it"
    )
    d.add_argument("--no-pager", action="store_true", help="never page, even on a terminal")
    common(d)

    cp = sub.add_parser(
        "completion",
        help="print a shell-completion script for bash, zsh or "
        "fish (how to install it: perfrules completion -h)",
        description="Print a completion script for SHELL on standard "
        "output: every command, option and choice\n"
        "of perfrules, with file names where a command takes a path. 输出 SHELL 的命令补全脚本。",
        epilog=_examples(
            "perfrules completion bash > ~/.local/share/bash-completion/completions/perfrules"
        )
        + "\n\n"
        + COMPLETION_INSTALL,
    )
    cp.add_argument("shell", metavar="SHELL", choices=SHELLS, help="bash, zsh or fish")
    common(cp)

    sv = sub.add_parser(
        "serve",
        help="serve the JSON API and the browser page "
        "(needs perfrules[serve]; perfrules docs serve)",
        description="Serve the JSON API (/api/v1, OpenAPI at "
        "/api/v1/openapi.json) and the browser page (/).\n"
        "启动网页与 JSON 接口：浏览器打开所示地址即可填报自评表。",
        epilog=_examples(
            "perfrules serve                                  http://127.0.0.1:8000/",
            "perfrules serve --port 8080 --frameworks /srv/perfrules/specs",
        ),
    )
    sv.add_argument(
        "--host",
        default="127.0.0.1",
        metavar="HOST",
        help="address to listen on (default 127.0.0.1)",
    )
    sv.add_argument("--port", type=int, default=8000, metavar="PORT", help="port (default 8000)")
    sv.add_argument(
        "--frameworks",
        metavar="DIR",
        help="a specs/ folder of framework files (or a "
        "folder holding one), looked up before installed "
        "and shipped frameworks; read only",
    )
    common(sv)
    return p
