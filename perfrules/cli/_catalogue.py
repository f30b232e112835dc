"""``frameworks`` and ``template``: what ships with perfrules and its installed framework
packages."""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.console import Console
from rich.table import Table

from perfrules import _atomic
from perfrules._errors import Lang
from perfrules._resources import template_path
from perfrules.cli._commands import json_out
from perfrules.cli._common import check_output
from perfrules.cli._exit import EXIT_OK, UsageError
from perfrules.loading import available_frameworks, framework_entry, package_places

# ---------------------------------------------------------------------------
# frameworks, template


def run_frameworks(args: argparse.Namespace, lang: Lang, out: Console) -> int:
    start = Path(args.start)
    if not start.is_dir():
        raise UsageError(f"--from {start}: not a folder / 不是文件夹")
    listed = available_frameworks(start)
    broken = [p for p in package_places() if p.error is not None]
    zh = lang == "zh"
    if args.format == "json":
        json_out(
            {
                "schema": "perfrules.frameworks",
                "schema_version": 1,
                "frameworks": [
                    {
                        **framework_entry(f),
                        "file": str(f.path),
                        "display": f.display,
                        "used": shadow is None,
                        "shadowed_by": None if shadow is None else str(shadow.path),
                    }
                    for f, shadow in listed
                ],
                "broken_packages": [{"source": p.name, "error": p.error} for p in broken],
            }
        )
        return EXIT_OK
    origin = {
        "local": ("本地 specs/", "local specs/"),
        "package": ("框架包", "package"),
        "shipped": ("perfrules 自带", "shipped with perfrules"),
    }
    table = Table(title="可用的框架" if zh else "Available frameworks", show_lines=False)
    for head in (
        ("编号", "id"),
        ("名称", "title"),
        ("版本", "versions"),
        ("来源", "origin"),
        ("文件", "file"),
    ):
        table.add_column(head[0] if zh else head[1], overflow="fold")
    for f, shadow in listed:
        versions = "、".join(f.versions) if zh else ", ".join(f.versions)
        if not versions:
            versions = f.valid or ("所有年度" if zh else "all years")
        where = origin[f.place.kind][0 if zh else 1]
        if f.place.kind != "local":
            where += f"：{f.place.name}" if zh else f": {f.place.name}"
        ident = (
            f.id
            if shadow is None
            else f"{f.id}（被 {shadow.display} 覆盖）"
            if zh
            else f"{f.id} (shadowed by {shadow.display})"
        )
        table.add_row(
            ident, f.title, versions, where, str(f.path), style=None if shadow is None else "dim"
        )
    out.print(table)
    for p in broken:
        out.print(
            f"{'无法加载框架包' if zh else 'cannot load framework package'} {p.name}: {p.error}",
            markup=False,
            style="bold red",
        )
    if not listed:
        out.print("没有可用的框架" if zh else "no frameworks found", style="dim")
    return EXIT_OK


def run_template(args: argparse.Namespace, lang: Lang, out: Console) -> int:
    target = check_output(args.output)
    # atomically: an existing file stays whole on any failure
    _atomic.copy_file(template_path(), target)
    out.print(f"已写入 {target}" if lang == "zh" else f"wrote {target}", markup=False)
    return EXIT_OK
