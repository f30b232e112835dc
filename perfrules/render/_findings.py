"""Lint findings (``perfrules lint``) and the figure audit, as rich renderables.

The render layer does not import :mod:`perfrules.lint`: it renders anything
shaped like its :class:`~perfrules.lint.Finding` and
:class:`~perfrules.lint.FigureCheck` (the protocols below).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Protocol

from rich import box
from rich.console import Console, ConsoleOptions, RenderResult
from rich.table import Table
from rich.text import Text

from perfrules._errors import Lang, PathKey, format_path
from perfrules.core import Citation, show


class EvidenceLike(Protocol):
    """One number a finding rests on."""

    @property
    def value(self) -> str: ...

    def label(self, lang: Lang = ...) -> str: ...


class FindingLike(Protocol):
    """What :class:`FindingList` needs of a finding."""

    @property
    def code(self) -> str: ...

    @property
    def severity(self) -> str: ...

    @property
    def location(self) -> str: ...

    @property
    def path(self) -> PathKey: ...

    @property
    def evidence(self) -> Sequence[EvidenceLike]: ...

    @property
    def citation(self) -> Citation | None: ...

    def title(self, lang: Lang = ...) -> str: ...

    def text(self, lang: Lang = ...) -> str: ...


class FigureCheckLike(Protocol):
    """What :class:`FigureAuditTable` needs of a recomputed figure."""

    @property
    def name(self) -> str: ...

    @property
    def label(self) -> str | None: ...

    @property
    def formula(self) -> str: ...

    @property
    def stated(self) -> str: ...

    @property
    def status(self) -> str: ...

    @property
    def percent(self) -> bool: ...

    @property
    def places(self) -> int | None: ...

    @property
    def value(self) -> Fraction | None: ...

    @property
    def rounded(self) -> Decimal | None: ...


_SEVERITY = {"warning": ("警告", "warning", "yellow"), "info": ("提示", "info", "cyan")}
_STATUS = {
    "agrees": ("✓ 一致", "✓ agrees", "green"),
    "disagrees": ("✗ 不一致", "✗ disagrees", "bold red"),
    "unreadable": ("? 无法读取", "? unreadable", "yellow"),
    "error": ("? 无法计算", "? not computable", "yellow"),
}
_STATUS_NOTE = {
    "recalled": (
        "条文据回忆，引用前请核对原文",
        "clause as recalled; check the official text before quoting",
    ),
    "practice": ("生产实践，无文号", "production practice, no document number"),
    "inferred": ("据已公开结果归纳", "inferred from published results"),
}


def figure_summary(figures: Sequence[FigureCheckLike], lang: Lang = "zh") -> str:
    """One line: how many figures were recomputed and how many agree."""
    statuses = [f.status for f in figures]
    n, ok, bad = len(statuses), statuses.count("agrees"), statuses.count("disagrees")
    unchecked = n - ok - bad
    if n == 0:
        if lang == "zh":
            return "数字核对：无可核对的数字（实际完成值没有 [figures]，派生指标也未填报 text）"
        return (
            "Figure audit: nothing to recompute (no "
            "[figures], and no derived indicator states a text)"
        )
    if lang == "zh":
        return f"数字核对：{n} 项，一致 {ok} 项，不一致 {bad} 项，无法核对 {unchecked} 项"
    return (
        f"Figure audit: {n} figure{'s' if n != 1 else ''}, "
        f"{ok} agree, {bad} disagree, {unchecked} not checked"
    )


class FindingList:
    """Every finding, numbered: severity, code and title, location and key path, message, evidence,
    rule.

    With ``figures`` (the figure checks of the same run) a one-line summary of
    the figure audit follows the header; with ``show_figures`` the whole
    :class:`FigureAuditTable` is printed at the end.
    """

    def __init__(
        self,
        findings: Sequence[FindingLike],
        *,
        lang: Lang = "zh",
        figures: Sequence[FigureCheckLike] | None = None,
        show_figures: bool = False,
        title: str | None = None,
    ) -> None:
        self.findings = tuple(findings)
        self.lang = lang
        self.figures = None if figures is None else tuple(figures)
        self.show_figures = show_figures
        self.title = title

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        zh = self.lang == "zh"
        warnings = sum(1 for f in self.findings if f.severity == "warning")
        infos = len(self.findings) - warnings
        head = Text()
        if self.title:
            head.append(self.title + ("：" if zh else ": "), style="bold")
        if not self.findings:
            head.append("未发现问题" if zh else "no findings", style="bold green")
        elif zh:
            head.append(
                f"{warnings} 个警告，{infos} 个提示",
                style="bold yellow" if warnings else "bold cyan",
            )
        else:
            head.append(
                f"{warnings} warning{'s' if warnings != 1 else ''}, {infos} info",
                style="bold yellow" if warnings else "bold cyan",
            )
        yield head
        if self.figures is not None:
            bad = any(f.status != "agrees" for f in self.figures)
            yield Text(figure_summary(self.figures, self.lang), style="yellow" if bad else "green")
        cited: set[str] = set()
        for i, f in enumerate(self.findings, 1):
            sev_zh, sev_en, style = _SEVERITY.get(f.severity, (f.severity, f.severity, "white"))
            yield Text()
            line = Text()
            line.append(f"{i}. ", style="bold")
            line.append(sev_zh if zh else sev_en, style=f"bold {style}")
            line.append(f" [{f.code}] ", style="dim")
            line.append(f.title(self.lang), style="bold")
            yield line
            where = Text("   ")
            where.append(f.location, style="bold")
            path = format_path(f.path)
            if path:
                where.append("  ")
                where.append(path, style="cyan")
            yield where
            yield Text("   " + f.text(self.lang))
            if f.evidence:
                ev = Text("   " + ("证据：" if zh else "Evidence: "), style="dim")
                ev.append(
                    ("；" if zh else "; ").join(
                        f"{e.label(self.lang)} {e.value}" for e in f.evidence
                    )
                )
                yield ev
            if f.citation is not None:
                rule = Text("   " + ("依据：" if zh else "Rule: "), style="dim")
                if f.citation.id in cited:  # the text once; later findings name the document only
                    rule.append(
                        f.citation.document + ("（同上）" if zh else " (as above)"), style="dim"
                    )
                else:
                    cited.add(f.citation.id)
                    rule.append(f"{f.citation.document}：“{f.citation.text}”", style="dim")
                    note = _STATUS_NOTE.get(f.citation.status)
                    if note is not None:
                        rule.append(f"（{note[0]}）" if zh else f" ({note[1]})", style="dim italic")
                yield rule
        if self.show_figures and self.figures:
            yield Text()
            yield FigureAuditTable(self.figures, lang=self.lang)


class FigureAuditTable:
    """Every recomputed figure: formula, stated, recomputed, at the stated precision, and the
    verdict."""

    def __init__(self, figures: Sequence[FigureCheckLike], *, lang: Lang = "zh") -> None:
        self.figures = tuple(figures)
        self.lang = lang

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        zh = self.lang == "zh"
        t = Table(box=box.SIMPLE_HEAVY, title="数字核对" if zh else "Figure audit")
        heads = (
            ("核对项", "公式", "报告数", "重算数", "按报告精度", "结果")
            if zh
            else ("Figure", "Formula", "Stated", "Recomputed", "At stated precision", "Result")
        )
        for i, h in enumerate(heads):
            t.add_column(
                h,
                overflow="fold",
                justify="right" if i in (2, 3, 4) else "left",
                ratio=3 if i in (0, 1) else None,
            )
        for f in self.figures:
            pct = "%" if f.percent else ""
            formula = f.formula + (" × 100%" if f.percent else "")
            value = "" if f.value is None else f"{show(f.value, 6)}{pct}"
            rounded = "" if f.rounded is None else f"{f.rounded:f}{pct}"
            text_zh, text_en, style = _STATUS.get(f.status, (f.status, f.status, "white"))
            name = f"{f.label}（{f.name}）" if f.label else f.name
            t.add_row(
                name,
                formula,
                f.stated,
                value,
                rounded,
                Text(text_zh if zh else text_en, style=style),
            )
        yield t
