"""Why not full marks: the rows that lost points, the most first, with what it would have taken."""

from __future__ import annotations

from rich import box
from rich.console import Console, ConsoleOptions, RenderResult
from rich.table import Table

from perfrules._errors import Lang
from perfrules.core import Evaluation
from perfrules.render._format import pts


class LossRanking:
    """失分排序: every row that lost points, ranked, with its reason and the full-marks condition."""

    def __init__(self, evaluation: Evaluation, *, lang: Lang = "zh") -> None:
        self.evaluation = evaluation
        self.lang = lang

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        zh = self.lang == "zh"
        rows = self.evaluation.losses()
        if not rows:
            return
        t = Table(
            box=box.SIMPLE,
            title="失分排序（差多少得满分）"
            if zh
            else "Points lost, most first (what full marks needed)",
        )
        t.add_column("#", justify="right", style="dim")
        t.add_column("指标" if zh else "Row", overflow="fold", ratio=2)
        t.add_column("扣分" if zh else "Lost", justify="right", style="red")
        t.add_column("原因" if zh else "Why", overflow="fold", ratio=4)
        t.add_column("满分条件" if zh else "Full marks with", overflow="fold", ratio=3)
        for i, r in enumerate(rows, 1):
            reason = (r.reason if zh else r.reason_en) or ""
            fm = r.full_marks
            t.add_row(str(i), r.name, pts(r.lost), reason, (fm.zh if zh else fm.en) if fm else "")
        yield t
