"""``perfrules docs [TOPIC]``: the shipped documentation, read in the terminal (perfrules/cli/_docs.py)."""

from __future__ import annotations

import argparse
import io
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from rich.console import Console

from perfrules.cli import _docs
from perfrules.cli._parser import build_parser

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
PAGES = sorted(p.stem for p in DOCS.glob("*.md"))


def _parser() -> argparse.ArgumentParser:
    """The parser ``perfrules`` builds (the docs subcommand with --lang and --width)."""
    return build_parser()


def _run(argv: list[str], *, terminal: bool = False, width: int | None = None) -> tuple[int, str]:
    args = _parser().parse_args(["docs", *argv])
    sink = io.StringIO()
    out = Console(
        file=sink,
        width=width or (100 if terminal else 160),
        force_terminal=terminal,
        soft_wrap=not terminal,
        highlight=False,
        color_system="standard" if terminal else None,
    )
    code = _docs.run(args, out)
    return code, sink.getvalue()


def test_without_a_topic_it_lists_every_page_with_its_title() -> None:
    code, out = _run([])
    assert code == 0
    listed = re.findall(r"^(\S+)\s{2,}(.+?)\s*$", out, re.M)
    rows = {stem: title for stem, title in listed if stem in PAGES}
    assert set(rows) == set(PAGES)
    for stem, title in rows.items():
        heading = next(
            line
            for line in (DOCS / f"{stem}.md").read_text(encoding="utf-8").splitlines()
            if line.startswith("# ")
        )
        assert title == heading[2:].replace("`", "").strip()
    assert [s for s, _ in listed if s in PAGES][0] == "index"  # reading order: the overview first
    assert "perfrules docs" in out and str(DOCS) in out
    code, en = _run(["--lang", "en"])
    assert code == 0 and "Read one: perfrules docs TOPIC" in en


def test_raw_listing_is_tab_separated() -> None:
    code, out = _run(["--raw"])
    assert code == 0
    assert [line.split("\t")[0] for line in out.splitlines()] == list(_docs.topics())
    assert set(_docs.topics()) == set(PAGES)


def test_reading_order_is_the_sites_navigation() -> None:
    nav = re.findall(
        r"^\s*-\s+(?:[^:\n]+:\s+)?([a-z0-9-]+)\.md\s*$",
        (ROOT / "mkdocs.yml").read_text(encoding="utf-8"),
        re.M,
    )
    assert tuple(nav) == _docs.ORDER
    assert list(_docs.topics())[: len(nav)] == [s for s in nav if s in PAGES]


@pytest.mark.parametrize(
    ("given", "topic"),
    [
        ("scoring", "scoring"),
        ("scoring.md", "scoring"),
        ("docs/scoring.md", "scoring"),
        ("SCORING", "scoring"),
        ("Spec-Format.MD", "spec-format"),
        ("评分", "scoring"),
        ("规范", "spec-format"),
        ("diff", "what-if"),
        ("test", "golden-cases"),
        ("export", "excel"),
        ("json", "json-format"),
        ("home", "index"),
        ("自评表", "excel"),
    ],
)
def test_a_topic_by_stem_file_name_command_or_alias(given: str, topic: str) -> None:
    assert _docs.resolve(given, _docs.topics()) == topic


def test_every_alias_and_command_names_a_shipped_page() -> None:
    pages = _docs.topics()
    assert set(_docs.ALIASES.values()) <= set(pages)
    assert set(_docs.ORDER) <= set(pages)
    commands = {
        "check",
        "evaluate",
        "explain",
        "lint",
        "test",
        "diff",
        "import",
        "export",
        "batch",
        "schema",
        "frameworks",
    }
    assert commands <= set(_docs.ALIASES)


def test_raw_prints_the_markdown_source() -> None:
    code, out = _run(["--raw", "what-if"])
    assert code == 0
    assert out == (DOCS / "what-if.md").read_text(encoding="utf-8")


def test_piped_output_is_plain_and_never_wrapped_inside_a_paragraph() -> None:
    code, out = _run(["what-if"])
    assert code == 0
    assert "\x1b[" not in out and not re.search(r"[ \t]$", out, re.M)
    lines = out.splitlines()
    assert lines[:2] == [
        "What-if: comparing two versions of a spec",
        "=" * len("What-if: comparing two versions of a spec"),
    ]
    # a paragraph of the source (several lines there) is one line here, however long
    source = (DOCS / "what-if.md").read_text(encoding="utf-8")
    first = source.split("\n\n")[1]
    assert first.count("\n") >= 2
    joined = " ".join(first.split("\n")).replace("`", "")
    assert joined in lines
    assert max(len(line) for line in lines) > 160
    # a link to another page names the command that shows it
    assert "([frameworks.md](frameworks.md))" in source
    assert "(frameworks.md (perfrules docs frameworks))" in out
    # code blocks keep their lines
    assert any(
        line.strip()
        == "perfrules diff OLD NEW --format json                     # the same as a JSON document"
        for line in lines
    )


def test_links_read_in_the_terminal() -> None:
    pages = _docs.topics()
    text = "See [the rules](scoring.md#bands), [below](#errors), [ext](https://example.org) and [x](nowhere.md)."
    assert _docs.terminal_text(text, pages) == (
        "See the rules (`perfrules docs scoring`), below, [ext](https://example.org) and [x](nowhere.md)."
    )


def test_width_given_wraps_at_that_width() -> None:
    code, out = _run(["what-if", "--width", "60"], width=60)
    assert code == 0
    assert max(len(line.rstrip()) for line in out.splitlines()) <= 60


def test_a_terminal_pages_through_the_system_pager(monkeypatch: pytest.MonkeyPatch) -> None:
    import pydoc

    shown: list[str] = []
    monkeypatch.setattr(pydoc, "pager", lambda text, title="": shown.append(text))
    monkeypatch.delenv("LESS", raising=False)
    code, out = _run(["scoring"], terminal=True)
    assert code == 0 and out == ""
    assert len(shown) == 1 and "Scoring rules" in shown[0]
    import os

    assert os.environ.get("LESS") == "-FRX"  # colours kept, one screen quits at once
    shown.clear()
    code, out = _run(["scoring", "--no-pager"], terminal=True)
    assert code == 0 and shown == [] and "Scoring rules" in out


def test_an_unknown_topic_exits_2_with_a_did_you_mean(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _run(["scorng"])
    assert (code, out) == (2, "")
    err = capsys.readouterr().err
    assert "没有主题“scorng”（是否应为 “scoring”？）" in err
    assert "perfrules docs （列出全部主题）" in err
    code, _ = _run(["whatif2", "--lang", "en"])
    assert code == 2
    assert "no topic 'whatif2' (did you mean 'what-if'?)" in capsys.readouterr().err
    code, _ = _run(["zzzzzz", "--lang", "en"])
    err = capsys.readouterr().err
    assert code == 2 and "no topic 'zzzzzz'" in err and "did you mean" not in err


def test_it_reads_the_installed_copy_not_the_checkout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Installed, the pages come from perfrules._docs (perfrules._resources.docs_root), wherever that is."""
    (tmp_path / "alpha.md").write_text("# Alpha page\n\nOne line.\nTwo line.\n", encoding="utf-8")
    (tmp_path / "index.md").write_text("```sh\n# not a title\n```\n# Overview\n", encoding="utf-8")
    monkeypatch.setattr(_docs, "docs_root", lambda: tmp_path)
    code, out = _run([])
    assert (
        code == 0
        and re.search(r"^index\s+Overview\s*$", out, re.M)
        and re.search(r"^alpha\s+Alpha page\s*$", out, re.M)
    )
    code, out = _run(["alpha"])
    assert code == 0 and "One line. Two line." in out.splitlines()


def test_a_missing_data_package_is_bad_input(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def missing() -> Path:
        raise FileNotFoundError(
            "perfrules is installed without its data (perfrules._docs); reinstall it"
        )

    monkeypatch.setattr(_docs, "docs_root", missing)
    assert _run(["scoring"])[0] == 2
    assert "installed without its data" in capsys.readouterr().err


def test_every_file_of_docs_is_shipped_in_the_wheel() -> None:
    """pyproject maps docs/ to perfrules._docs; its package-data patterns must cover every file there."""
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
        "setuptools"
    ]
    assert data["package-dir"]["perfrules._docs"] == "docs"
    patterns = data["package-data"]["perfrules._docs"]
    unshipped = [
        p.name for p in DOCS.iterdir() if p.is_file() and not any(p.match(pat) for pat in patterns)
    ]
    assert unshipped == [], (
        f"docs/ files a wheel would leave out (add their pattern to package-data): {unshipped}"
    )
    assert not [p for p in DOCS.iterdir() if p.is_dir()], (
        "docs/ sub-folders are not shipped (perfrules._docs is flat)"
    )


def test_the_module_imports_no_rich() -> None:
    """The parser imports perfrules.cli._docs: it must stay light (rich is imported when rendering)."""
    code = "import sys, perfrules.cli._docs; print('rich' in sys.modules)"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert done.stdout.strip() == "False"


def test_through_the_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    """Wired into ``perfrules`` (perfrules/cli/_main.py, _parser.py)."""
    from perfrules.cli import main

    assert main(["docs", "--raw", "scoring"]) == 0
    assert capsys.readouterr().out == (DOCS / "scoring.md").read_text(encoding="utf-8")
    assert main(["docs", "scorng", "--lang", "en"]) == 2
    assert "did you mean 'scoring'?" in capsys.readouterr().err
