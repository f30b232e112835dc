"""``perfrules docs [TOPIC]``: the documentation shipped with perfrules, read in the terminal.

The Markdown files of the repository's ``docs/`` ship in the wheel as
``perfrules._docs`` (:func:`perfrules._resources.docs_root`), so an installed
perfrules reads them offline, with no checkout. Without a topic the command
lists the topics (file stems) with their titles; with one it renders that page
with rich — through a pager when standard output is a terminal (``--no-pager``:
never), otherwise unwrapped, one line per paragraph, for ``grep`` and files.
``--raw`` prints the Markdown source. A topic is a file stem (``scoring``), a
file name (``scoring.md``), a subcommand (``perfrules docs diff``) or one of the
aliases of :data:`ALIASES` (``规范``, ``json``).

The lead hooks this in ``perfrules/cli/_main.py``::

    from perfrules.cli import _docs
    _docs.add_parser(sub, common)           # in _build_parser
    if args.command == "docs": return _docs.run(args, out)

Exit codes: 0 shown or listed, 2 an unknown topic (with a did-you-mean).

Only the standard library and perfrules' own light modules are imported at
the top: rich is imported when something is rendered.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from perfrules._resources import docs_root
from perfrules._suggest import suggest

if TYPE_CHECKING:  # pragma: no cover - rich is imported lazily
    from rich.console import Console

EXIT_OK, EXIT_INPUT = 0, 2

ORDER = (
    "index",
    "spec-format",
    "scoring",
    "frameworks",
    "editors",
    "json-format",
    "reports",
    "excel",
    "lint",
    "golden-cases",
    "what-if",
    "testing",
    "batch",
    "serve",
    "reliability",
    "architecture",
)
"""The reading order of the topic list (the site's navigation, mkdocs.yml); other pages follow by
name."""

ALIASES: dict[str, str] = {
    # the subcommands, each to the page that documents it
    "check": "spec-format",
    "evaluate": "scoring",
    "explain": "scoring",
    "lint": "lint",
    "serve": "serve",
    "test": "golden-cases",
    "diff": "what-if",
    "import": "excel",
    "export": "excel",
    "batch": "batch",
    "schema": "editors",
    "frameworks": "frameworks",
    # short English names
    "home": "index",
    "overview": "index",
    "spec": "spec-format",
    "specs": "spec-format",
    "format": "spec-format",
    "actuals": "spec-format",
    "rules": "scoring",
    "json": "json-format",
    "document": "json-format",
    "framework": "frameworks",
    "extends": "frameworks",
    "report": "reports",
    "html": "reports",
    "markdown": "reports",
    "narrative": "reports",
    "xlsx": "excel",
    "workbook": "excel",
    "golden": "golden-cases",
    "cases": "golden-cases",
    "whatif": "what-if",
    "kit": "testing",
    "hypothesis": "testing",
    "pytest": "golden-cases",
    "editor": "editors",
    "vscode": "editors",
    "taplo": "editors",
    "schemas": "editors",
    "编辑器": "editors",
    # Chinese
    "概览": "index",
    "规范": "spec-format",
    "规范格式": "spec-format",
    "实际完成值": "spec-format",
    "评分": "scoring",
    "计分": "scoring",
    "评分规则": "scoring",
    "框架": "frameworks",
    "指标体系": "frameworks",
    "报告": "reports",
    "自评报告": "reports",
    "自评表": "excel",
    "工作簿": "excel",
    "检查": "lint",
    "用例": "golden-cases",
    "对比": "what-if",
    "批量": "batch",
    "测试": "testing",
    "可靠性": "reliability",
    "architecture": "architecture",
    "howitworks": "architecture",
    "架构": "architecture",
    "limits": "reliability",
    "限制": "reliability",
    "atomic": "reliability",
}
"""Other names of a topic: ``perfrules docs <alias>`` shows the page named here (when it is
shipped)."""

_HEADING = re.compile(r"^#\s+(.+?)\s*#*\s*$")
_LOCAL_ANCHOR = re.compile(r"\[([^\]\n]+)\]\(#[^)\s]*\)")
_PAGE_LINK = re.compile(r"\[([^\]\n]+)\]\(([A-Za-z0-9_.-]+)\.md(?:#[^)\s]*)?\)")


def topics(root: Path | None = None) -> dict[str, Path]:
    """Every shipped page by topic (file stem), in reading order (:data:`ORDER`, then by name)."""
    folder = docs_root() if root is None else root
    pages = {p.stem: p for p in folder.glob("*.md") if p.is_file()}
    ordered = [s for s in ORDER if s in pages] + sorted(s for s in pages if s not in ORDER)
    return {s: pages[s] for s in ordered}


def title(path: Path) -> str:
    """A page's title: its first level-1 heading (``# …``) without code marks, else its stem."""
    in_fence = False
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.lstrip().startswith(("```", "~~~")):
                in_fence = not in_fence
            elif not in_fence and (m := _HEADING.match(line)):
                return m[1].replace("`", "")
    return path.stem


def resolve(name: str, pages: dict[str, Path]) -> str | None:
    """The topic ``name`` stands for (stem, file name, docs/ path, alias; case-insensitive), or
    ``None``."""
    word = name.strip()
    candidates = [word, Path(word).name]
    candidates += [c[: -len(".md")] for c in candidates if c.lower().endswith(".md")]
    folded = {s.casefold(): s for s in pages}
    for c in candidates:
        if c in pages:
            return c
        if c.casefold() in folded:
            return folded[c.casefold()]
        target = ALIASES.get(c) or ALIASES.get(c.casefold())
        if target in pages:
            return target
    return None


def terminal_text(markdown: str, pages: dict[str, Path]) -> str:
    """The Markdown as read in a terminal: links within the page lose their target, and a link to
    another
    page names the command that shows it (``[scoring.md](scoring.md#bands)`` → ``scoring.md``
    (perfrules docs scoring))."""

    def page(m: re.Match[str]) -> str:
        stem = m[2]
        return f"{m[1]} (`perfrules docs {stem}`)" if stem in pages else m[0]

    return _PAGE_LINK.sub(page, _LOCAL_ANCHOR.sub(r"\1", markdown))


def _err(args: argparse.Namespace, message: str) -> None:
    zh = getattr(args, "lang", "zh") == "zh"
    print(f"perfrules docs: {message}", file=sys.stderr)
    print(
        "perfrules docs " + ("（列出全部主题）" if zh else "(lists every topic)"), file=sys.stderr
    )


def run(args: argparse.Namespace, out: Console) -> int:
    """Run ``perfrules docs``; the exit code."""
    zh = getattr(args, "lang", "zh") == "zh"
    try:
        pages = topics()
    except FileNotFoundError as exc:  # an install without its data
        _err(args, str(exc))
        return EXIT_INPUT
    if args.topic is None:
        return _list(args, out, pages)
    topic = resolve(args.topic, pages)
    if topic is None:
        hint = suggest(args.topic, [*pages, *(a for a, t in ALIASES.items() if t in pages)])
        hint_topic = resolve(hint, pages) if hint is not None else None
        if zh:
            msg = f"没有主题“{args.topic}”" + (
                f"（是否应为 “{hint_topic}”？）" if hint_topic else ""
            )
        else:
            msg = f"no topic {args.topic!r}" + (
                f" (did you mean {hint_topic!r}?)" if hint_topic else ""
            )
        _err(args, msg)
        return EXIT_INPUT
    text = pages[topic].read_text(encoding="utf-8")
    if args.raw:
        out.file.write(text if text.endswith("\n") else text + "\n")
        out.file.flush()
        return EXIT_OK
    _show(args, out, terminal_text(text, pages))
    return EXIT_OK


def _list(args: argparse.Namespace, out: Console, pages: dict[str, Path]) -> int:
    zh = getattr(args, "lang", "zh") == "zh"
    if args.raw:
        for stem, path in pages.items():
            out.file.write(f"{stem}\t{title(path)}\n")
        out.file.flush()
        return EXIT_OK
    from rich.table import Table

    table = Table(box=None, show_header=True, header_style="bold", padding=(0, 2, 0, 0))
    table.add_column("主题" if zh else "topic", style="bold cyan", no_wrap=True)
    table.add_column("标题" if zh else "title")
    for stem, path in pages.items():
        table.add_row(stem, title(path))
    out.print(
        "perfrules 文档（离线可读）" if zh else "perfrules documentation (readable offline)",
        style="bold",
        markup=False,
    )
    if out.is_terminal:
        out.print(table)
    else:  # without the padding of the last column
        with out.capture() as captured:
            out.print(table)
        out.file.write("".join(line.rstrip() + "\n" for line in captured.get().splitlines()))
    if zh:
        out.print(
            "阅读：perfrules docs 主题（如 perfrules docs scoring；--raw 输出 Markdown 原文）",
            markup=False,
        )
        out.print(f"文件位置：{docs_root()}", markup=False, style="dim")
    else:
        out.print(
            "Read one: perfrules docs TOPIC (e.g. perfrules "
            "docs scoring; --raw prints the Markdown)",
            markup=False,
        )
        out.print(f"Files: {docs_root()}", markup=False, style="dim")
    return EXIT_OK


def _show(args: argparse.Namespace, out: Console, text: str) -> None:
    from rich.markdown import Markdown

    if out.is_terminal:
        md = Markdown(text, hyperlinks=False)
        if args.no_pager:
            out.print(md)
            return
        # less: keep the colours, quit when it fits one screen
        os.environ.setdefault("LESS", "-FRX")
        with out.pager(styles=os.name != "nt"):
            out.print(md)
        return
    if args.width is not None:  # asked for: wrapped at that width
        from rich.console import Console

        Console(file=out.file, width=args.width, highlight=False).print(
            Markdown(text, hyperlinks=False)
        )
        return
    out.file.write(plain_text(text))
    out.file.flush()


PIPE_WIDTH = 8192
"""Columns of the rendering written to a pipe or a file: paragraphs and list items are never
wrapped."""


def _widest(text: str) -> int:
    """The widest line ``text`` can render to unwrapped, in terminal cells (an upper bound).

    A paragraph or list joined onto one line (lines without a blank line between
    them are joined whole), a table row, a line of a code block.
    """
    from rich.cells import cell_len

    widest, fence = 0, False
    chunk: list[str] = []
    for line in [*text.splitlines(), ""]:
        if line.lstrip().startswith(("```", "~~~")):
            fence = not fence
        if fence or not line.strip() or line.lstrip().startswith("|"):  # a table row is one line
            widest = max(widest, cell_len(" ".join(chunk)), cell_len(line))
            chunk = []
        else:
            chunk.append(line.strip())
    return widest


def plain_text(text: str, width: int = PIPE_WIDTH) -> str:
    """``text`` (Markdown) rendered as plain text for a pipe or a file.

    No colours, no line broken inside a sentence: each paragraph and list item is
    one line (laid out at most ``width`` columns wide), headings are left-aligned and
    underlined, tables as wide as their content, trailing blanks stripped.
    """
    import io

    from rich.console import Console, ConsoleOptions, RenderResult
    from rich.markdown import Heading, HorizontalRule, Markdown, MarkdownElement
    from rich.text import Text

    class PlainHeading(Heading):
        def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
            heading = self.text.copy()
            heading.justify = "left"
            if self.tag == "h2":
                yield Text()
            yield heading
            if self.tag in ("h1", "h2"):
                yield Text(("=" if self.tag == "h1" else "-") * heading.cell_len)

    class PlainRule(HorizontalRule):
        def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
            yield Text("-" * 40)
            yield Text()

    class PlainMarkdown(Markdown):
        elements: ClassVar[dict[str, type[MarkdownElement]]] = {
            **Markdown.elements,
            "heading_open": PlainHeading,
            "hr": PlainRule,
        }

    sink = io.StringIO()
    console = Console(
        file=sink,
        width=min(width, _widest(text) + 8),
        color_system=None,
        force_terminal=False,
        force_jupyter=False,
        highlight=False,
        emoji=False,
        legacy_windows=False,
    )
    console.print(PlainMarkdown(text, hyperlinks=False))
    lines: list[str] = []
    for line in (raw.rstrip() for raw in sink.getvalue().splitlines()):
        if line or (lines and lines[-1]):  # no leading blank line, no two in a row
            lines.append(line)
    return "\n".join(lines).rstrip("\n") + "\n"
