"""The HTML page: self-contained, escaped, the same content as Markdown, and the loss chart."""

from __future__ import annotations

import html
import re
from fractions import Fraction
from html.parser import HTMLParser
from pathlib import Path

import attrs
import pytest

import perfrules
from perfrules.report import to_html
from perfrules.report._audit import audit_blocks
from perfrules.report._blocks import Heading, Items, Para, Table
from perfrules.report._chart import BAR_COLOUR, BAR_MAX

ROOT = Path(__file__).resolve().parent.parent
VOID = {"meta", "br", "hr", "img", "input", "link"}


def _evaluate(example: str) -> perfrules.Evaluation:
    spec, actuals = perfrules.load_example(ROOT / "examples" / example)
    return perfrules.evaluate(spec, actuals)


@pytest.fixture(scope="module")
def seed() -> perfrules.Evaluation:
    return _evaluate("hunan-2024-general-office")


@pytest.fixture(scope="module")
def catalogue() -> perfrules.Evaluation:
    return _evaluate("catalogue-demo")


class _Checker(HTMLParser):
    """Collects tags, attributes and text; checks every element is closed in order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:]}")
        else:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse(page: str) -> _Checker:
    p = _Checker()
    p.feed(page)
    p.close()
    assert not p.errors and not p.stack, (p.errors, p.stack)
    return p


@pytest.mark.parametrize("example", ["hunan-2024-general-office", "catalogue-demo"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_page_is_self_contained_and_well_formed(example: str, lang: str) -> None:
    page = to_html(_evaluate(example), lang=lang)  # type: ignore[arg-type]
    assert page.startswith("<!DOCTYPE html>\n")
    low = page.lower()
    for banned in (
        "http://",
        "https://",
        "<link",
        "<script",
        "src=",
        "href=",
        "@import",
        "url(",
        "<img",
        "<iframe",
    ):
        assert banned not in low, banned
    p = _parse(page)
    assert p.tags[0] == ("html", {"lang": "zh-CN" if lang == "zh" else "en"})
    assert ("meta", {"charset": "utf-8"}) in p.tags
    assert "@media print" in page and "print-color-adjust: exact" in page


def test_same_content_as_markdown(catalogue: perfrules.Evaluation) -> None:
    page = to_html(catalogue)
    text = "".join(_parse(page).text)
    for block in audit_blocks(catalogue):
        if isinstance(block, Heading | Para):
            assert block.text in text
        elif isinstance(block, Items):
            for item in block.items:
                assert item in text
        elif isinstance(block, Table):
            for h in block.head:
                assert f">{html.escape(h)}</th>" in page
            for row in block.rows:
                for c in row.cells:
                    assert f">{html.escape(c)}</td>" in page, c


def test_every_step_and_rule_is_on_the_page(seed: perfrules.Evaluation) -> None:
    text = "".join(_parse(to_html(seed)).text)
    for r in (seed.budget_execution, *seed.indicators):
        assert r is not None
        for step in r.steps:
            assert step.zh in text
        tail = "［注" if r.citation.status == "recalled" else "（"  # recalled: a footnote
        assert f"依据：{r.citation.document}{tail}" in text
    assert "条文凭记忆引述，正式引用前须核对原文" in text  # the footnote itself
    assert "总分 99 分（满分 100 分，扣 1 分），等级：优" in text


def test_user_text_is_escaped() -> None:
    spec, actuals = perfrules.load_example(ROOT / "examples" / "hunan-2024-general-office")
    evil = '<script>alert("x")</script> & <b>'
    spec2 = attrs.evolve(
        spec,
        meta=attrs.evolve(spec.meta, unit=evil),
        indicators=tuple(
            attrs.evolve(i, name=evil) if i.id == "hunan_info_issues" else i
            for i in spec.indicators
        ),
        categories=tuple(
            attrs.evolve(c, name=evil) if c.id == "output" else c for c in spec.categories
        ),
    )
    page = to_html(perfrules.evaluate(spec2, actuals))
    assert "<script" not in page and "<b>" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;" in page
    p = _parse(page)
    assert (
        sum(evil in t for t in p.text) >= 4
    )  # the unit, the indicator's row and heading, the category
    assert not any(tag in ("script", "b") for tag, _ in p.tags)


def _bars(page: str) -> dict[str, Fraction]:
    found = re.findall(
        r'<rect class="bar" data-key="([^"]*)" x="\d+" y="\d+" width="([\d.]+)"', page
    )
    return {key: Fraction(width) for key, width in found}


def test_chart_has_one_bar_per_category_and_the_budget_row(seed: perfrules.Evaluation) -> None:
    page = to_html(seed)
    assert page.count("<svg") == 1 and f'fill="{BAR_COLOUR}"' in page
    bars = _bars(page)
    assert list(bars) == ["budget_execution", "output", "benefit", "satisfaction"]
    # each bar is the share of its own points lost: 1 of the budget row's 10 is a tenth of the track
    assert bars == {"budget_execution": BAR_MAX / 10, "output": 0, "benefit": 0, "satisfaction": 0}


def test_chart_lengths_are_the_share_of_each_categorys_points_lost(
    catalogue: perfrules.Evaluation,
) -> None:
    bars = _bars(to_html(catalogue))
    # (points lost, the category's own points)
    lost = {
        "budget_execution": (Fraction(2), 10),
        "input": (Fraction("8.17"), 30),
        "output": (Fraction("1.5"), 60),
    }
    assert set(bars) == set(lost)
    for key, (points, weight) in lost.items():
        assert abs(bars[key] - points / weight * BAR_MAX) <= Fraction(1, 200), key


def test_chart_with_nothing_lost_has_only_zero_bars(seed: perfrules.Evaluation) -> None:
    be = seed.budget_execution
    assert be is not None
    full = attrs.evolve(seed, budget_execution=attrs.evolve(be, score=be.weight))
    assert set(_bars(to_html(full)).values()) == {0}


def test_long_category_names_are_shortened_on_the_chart_only(seed: perfrules.Evaluation) -> None:
    long_name = "产出指标" * 10
    cats = tuple(
        attrs.evolve(c, name=long_name) if c.id == "output" else c for c in seed.categories
    )
    page = to_html(attrs.evolve(seed, categories=cats))
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert (
        f">{'产出指标' * 3}产出…</text>" in svg
    )  # 14 CJK characters and the ellipsis fit the label width
    assert f"<title>{long_name}：未扣分</title>" in svg  # the full name is the row's tooltip
    assert f"<td>{long_name}</td>" in page  # and is in the table under the chart
