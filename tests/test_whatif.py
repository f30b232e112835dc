"""What-if: two spec versions over the same units' actuals — the data API, the JSON document and the CLI."""

from __future__ import annotations

import json
import re
import shutil
from decimal import Decimal
from pathlib import Path

import attrs
import pytest
from conftest import line_of

import perfrules
from perfrules.cli import main
from perfrules.whatif import (
    DIFF_SCHEMA,
    UnitInput,
    compare,
    diff_paths,
    spec_changes,
    to_diff_document,
)

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "examples" / "hunan-2024-general-office"


@pytest.fixture(scope="module")
def proportional(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the seed spec (flattened) whose budget execution is scored proportionally, beside a copy of its actuals."""
    folder = tmp_path_factory.mktemp("proportional")
    text = perfrules.dumps_spec(perfrules.load_spec(SEED))
    assert text.count('policy = "round_whole"') == 1
    (folder / "spec.toml").write_text(
        text.replace('policy = "round_whole"', 'policy = "proportional"'), encoding="utf-8"
    )
    shutil.copy(SEED / "actuals.toml", folder / "actuals.toml")
    return folder


def test_the_seed_and_its_proportional_copy(proportional: Path) -> None:
    d = diff_paths(SEED, proportional)
    [unit] = d.units
    assert unit.unit.endswith("hunan-2024-general-office/actuals.toml")  # OLD's actuals by default
    assert (unit.old_total, unit.new_total, unit.total_delta) == (
        Decimal(99),
        Decimal("99.45"),
        Decimal("0.45"),
    )
    assert (unit.old_grade, unit.new_grade, unit.grade_changed) == ("优", "优", False)
    [row] = [r for r in unit.rows if r.changed and r.kind != "subtotal"]
    assert (row.kind, row.name, row.old, row.new, row.delta) == (
        "budget_execution",
        "预算执行率",
        Decimal(9),
        Decimal("9.45"),
        Decimal("0.45"),
    )
    assert "扣0.55分" in (row.new_reason or "") and "扣1分" in (row.old_reason or "")
    assert {r.kind for r in unit.changed_rows} == {
        "budget_execution"
    }  # no indicator or subtotal moved
    assert len(unit.rows) == 1 + 19 + 11
    assert [(c.path, c.old, c.new) for c in d.spec_changes] == [
        ("budget_execution.policy", "round_whole", "proportional"),
        ("framework", "hunan-department@2024–", None),  # the copy is flattened
    ]
    s = d.summary
    assert (s.units, s.compared, s.bad, s.changed, s.grade_changed) == (1, 1, 0, 1, 0)
    assert (s.min_total_delta, s.max_total_delta) == (Decimal("0.45"), Decimal("0.45"))
    assert [(r.id, r.units_changed, r.max_delta) for r in s.rows] == [
        ("budget_execution", 1, Decimal("0.45"))
    ]


def test_the_result_is_frozen_data(proportional: Path) -> None:
    d = diff_paths(SEED, proportional)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        d.units[0].new_total = Decimal(0)  # type: ignore[misc]
    assert d == diff_paths(SEED, proportional)  # deterministic, comparable


def test_cli_json(proportional: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", str(SEED), str(proportional), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["schema"] == DIFF_SCHEMA and doc["schema_version"] == 1
    [unit] = doc["units"]
    assert unit["old"] == {"total": "99", "grade": "优"} and unit["new"] == {
        "total": "99.45",
        "grade": "优",
    }
    assert unit["total_delta"] == "+0.45" and unit["ok"] and unit["errors"] == []
    be = next(r for r in unit["rows"] if r["id"] == "budget_execution")
    assert (be["old"], be["new"], be["delta"], be["changed"]) == ("9", "9.45", "+0.45", True)
    assert doc["spec_changes"][0] == {
        "path": "budget_execution.policy",
        "old": "round_whole",
        "new": "proportional",
    }
    assert doc["summary"]["changed"] == 1 and doc["summary"]["grade_changes"] == []


def test_cli_table(proportional: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["diff", str(SEED / "spec.toml"), str(proportional / "spec.toml"), "--width", "200"])
        == 0
    )
    out = capsys.readouterr().out
    assert "总分 99 → 99.45（+0.45）" in out
    assert re.search(r"预算执行率\s+预算执行率\s+9\s+9\.45\s+\+0\.45", out)
    assert re.search(r"budget_execution\.policy\s+round_whole\s+proportional", out)
    assert "其余 30 行得分未变化" in out
    assert main(["diff", str(SEED), str(proportional), "--lang", "en", "--width", "200"]) == 0
    assert "total 99 → 99.45 (+0.45)" in capsys.readouterr().out


def _unit_actuals(tmp: Path, name: str, spent: str, *, extra: str = "") -> Path:
    text = (
        (SEED / "actuals.toml")
        .read_text(encoding="utf-8")
        .replace("spent = 31092.65", f"spent = {spent}")
    )
    p = tmp / name
    p.write_text(text + extra, encoding="utf-8")
    return p


def test_many_units_bad_ones_reported_the_others_compared(
    proportional: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    units = tmp_path / "units"
    units.mkdir()
    _unit_actuals(units, "a.toml", "31092.65")
    _unit_actuals(units, "b.toml", "32909.2")  # 100%: no change
    _unit_actuals(units, "c.toml", "31250")  # 94.96%: 9 → 9.5 (round_whole: 9.496 → 9)
    bad = _unit_actuals(units, "d.toml", "31092.65").read_text(encoding="utf-8")
    (units / "d.toml").write_text(
        bad.replace("gazette_issues = {", "gazete_issues = {"), encoding="utf-8"
    )
    (units / "e.toml").write_text("[indicators\n", encoding="utf-8")
    assert (
        main(["diff", str(SEED), str(proportional), "--actuals", str(units), "--format", "json"])
        == 2
    )
    captured = capsys.readouterr()
    doc = json.loads(captured.out)
    by = {Path(u["unit"]).name: u for u in doc["units"]}
    assert [by[f"{n}.toml"]["ok"] for n in "abcde"] == [True, True, True, False, False]
    assert by["b.toml"]["changed"] is False and by["c.toml"]["total_delta"] == "+0.5"
    errs = [e for e in by["d.toml"]["errors"] if e["code"] == "unknown-indicator"]
    assert {e["side"] for e in errs} == {"old", "new"}  # fits neither spec
    assert all(
        e["path"] == "indicators.gazete_issues" and e["suggestion"] == "gazette_issues"
        for e in errs
    )
    line = line_of((units / "d.toml").read_text(encoding="utf-8"), "gazete_issues")
    assert all(e["file"].endswith("d.toml") and (e["line"], e["column"]) == (line, 1) for e in errs)
    assert (
        by["e.toml"]["errors"][0]["side"] == "actuals"
        and by["e.toml"]["errors"][0]["code"] == "toml-syntax"
    )
    s = doc["summary"]
    assert (s["units"], s["compared"], s["bad"], s["changed"]) == (5, 3, 2, 2)
    assert (s["min_total_delta"], s["max_total_delta"]) == ("0", "+0.5")  # b unchanged, c +0.5
    assert "d.toml" in captured.err and "gazete_issues" in captured.err  # problems also on stderr
    # the table names the bad units and still compares the others
    assert (
        main(
            [
                "diff",
                str(SEED),
                str(proportional),
                "--actuals",
                str(units / "c.toml"),
                str(units / "e.toml"),
                "--width",
                "200",
            ]
        )
        == 2
    )
    out = capsys.readouterr().out
    assert (
        "总分 99 → 99.5（+0.5）" in out
        and "输入有误，未比较" in out
        and "无法读取实际完成值" in out
    )


def test_a_unit_that_fits_only_one_spec(tmp_path: Path) -> None:
    old = perfrules.load_spec(SEED)
    extra = perfrules.Indicator(
        id="new_one",
        name="新增指标",
        category="output.quantity",
        weight=Decimal(0),
        target=perfrules.QuantitativeTarget.parse("≥1个"),
    )
    new = attrs.evolve(old, indicators=(*old.indicators, extra))
    actuals = perfrules.load_actuals(SEED / "actuals.toml")
    try:
        d = compare(old, new, [UnitInput(name="seed", actuals=actuals)])
    except (
        perfrules.SpecError
    ):  # pragma: no cover - a zero weight may be refused by the spec checks
        pytest.skip("zero-weight indicator refused")
    [unit] = d.units
    assert not unit.ok and {e.side for e in unit.errors} == {"new"}
    assert any("new_one" in e.problem.message for e in unit.errors)
    assert d.summary.bad == 1 and d.summary.compared == 0


def test_grade_changes_are_listed(seed: tuple[perfrules.Spec, perfrules.Actuals]) -> None:
    old, actuals = seed
    stricter = tuple(
        attrs.evolve(g, min=Decimal(99.5)) if g.name == "优" else g for g in old.grades
    )
    new = attrs.evolve(old, grades=stricter)
    d = compare(
        old,
        new,
        [UnitInput(name="seed", actuals=actuals), UnitInput(name="again", actuals=actuals)],
    )
    assert [u.unit for u in d.grade_changes] == ["seed", "again"]
    assert [(m.old, m.new, m.units) for m in d.summary.grade_moves] == [("优", "良", 2)]
    assert d.summary.grade_changed == 2 and d.summary.changed == 2
    assert [c.path for c in d.spec_changes] == ["grades[0].min"]
    doc = to_diff_document(d)
    assert doc["summary"]["grade_changes"] == [
        {"unit": "seed", "old": "优", "new": "良"},
        {"unit": "again", "old": "优", "new": "良"},
    ]


def test_spec_changes_collapse_added_and_removed_entries(seed_spec: perfrules.Spec) -> None:
    dropped = attrs.evolve(seed_spec, indicators=seed_spec.indicators[1:])
    changes = spec_changes(seed_spec, dropped)
    assert [(c.path, c.old, c.new) for c in changes] == [
        ("indicators[portal_updates]", "省政府门户网站全年信息更新量", None)
    ]
    reweighted = attrs.evolve(
        seed_spec,
        indicators=(
            attrs.evolve(seed_spec.indicators[0], weight=Decimal(4)),
            *seed_spec.indicators[1:],
        ),
    )
    assert [(c.path, c.old, c.new) for c in spec_changes(seed_spec, reweighted)] == [
        ("indicators[portal_updates].weight", "3", "4")
    ]
    assert spec_changes(seed_spec, seed_spec) == ()


def test_same_spec_reports_no_change(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", str(SEED), str(SEED)]) == 0
    out = capsys.readouterr().out
    assert "两版规范的规则相同" in out and "各项得分均未变化" in out


def test_bad_spec_and_missing_actuals_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "spec.toml").write_text("[meta]\nid = 1\n", encoding="utf-8")
    assert main(["diff", str(SEED), str(tmp_path)]) == 2
    assert "spec.toml:2" in capsys.readouterr().err
    flat = tmp_path / "flat.toml"
    flat.write_text(perfrules.dumps_spec(perfrules.load_spec(SEED)), encoding="utf-8")
    assert main(["diff", str(flat), str(flat)]) == 2
    assert "没有可比较的实际完成值" in capsys.readouterr().err
    assert (
        main(
            [
                "diff",
                str(flat),
                str(flat),
                "--actuals",
                str(tmp_path / "nope.toml"),
                "--format",
                "json",
            ]
        )
        == 2
    )
    doc = json.loads(capsys.readouterr().out)
    assert doc["units"][0]["errors"][0]["code"] == "file"


# ---------------------------------------------------------------------------
# the documentation


def _same(doc: object, real: object, path: str) -> None:
    """``doc`` (an excerpt) agrees with ``real``: same keys; equal values except "…" placeholders."""
    if isinstance(doc, dict):
        assert isinstance(real, dict) and set(doc) == set(real), (
            f"{path}: {set(doc)} vs {set(real)}"
        )
        for k, v in doc.items():
            _same(v, real[k], f"{path}.{k}")
    elif isinstance(doc, list):
        assert isinstance(real, list) and len(doc) == len(real), path
        for i, (d, r) in enumerate(zip(doc, real, strict=True)):
            _same(d, r, f"{path}[{i}]")
    elif not (isinstance(doc, str) and "…" in doc):
        assert doc == real, f"{path}: {doc!r} vs {real!r}"


def test_the_documented_example_and_json_are_real(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(ROOT / "specs", tmp_path / "specs", ignore=shutil.ignore_patterns("cases"))
    shutil.copytree(SEED, tmp_path / "examples" / SEED.name, ignore=shutil.ignore_patterns("cases"))
    doc_text = (ROOT / "docs" / "what-if.md").read_text(encoding="utf-8")
    [script] = re.findall(r"^```sh\n(mkdir -p work.*?)^```", doc_text, re.S | re.M)
    assert "printf '\\n[overrides.budget_execution]\\npolicy = \"proportional\"\\n'" in script
    shutil.copytree(tmp_path / "examples" / SEED.name, tmp_path / "work" / "proportional")
    with (tmp_path / "work" / "proportional" / "spec.toml").open("a", encoding="utf-8") as fh:
        fh.write('\n[overrides.budget_execution]\npolicy = "proportional"\n')
    monkeypatch.chdir(tmp_path)
    real = to_diff_document(diff_paths(f"examples/{SEED.name}", "work/proportional"))
    for unit in real["units"]:  # the doc shows only the changed rows
        unit["rows"] = [r for r in unit["rows"] if r["changed"]]
    [block] = re.findall(r"^```json\n(.*?)^```", doc_text, re.S | re.M)
    _same(json.loads(block), real, "doc")
