"""Bounded cost on the loading side (issue 16): what ``check`` lets through, ``evaluate`` finishes.

Each reproducer of the issue gives a located exit 2 (through :func:`perfrules.cli.main`
and through the library) in bounded time: numbers with huge exponents or digits at every
numeric place, years out of range, nesting far too deep, named pipes and devices where a
file is expected. Where the failure mode is a hang (a pipe, ``/dev/zero``) the command
runs in a subprocess with a timeout. The scaling test at the end counts operations; it
is not a timed assertion (timings belong to ``benchmarks/scale.py``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest
from conftest import line_of

import perfrules
from perfrules import (
    Actuals,
    Category,
    Indicator,
    IndicatorActual,
    Kind,
    Meta,
    QuantitativeTarget,
    Spec,
    SpecError,
)
from perfrules._limits import MAX_KEY_PARTS, MAX_NESTING, MAX_SPEC_BYTES
from perfrules.cli import main
from perfrules.golden import load_case_file

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = ROOT / "examples" / "catalogue-demo"
SEED = ROOT / "examples" / "hunan-2024-general-office"
TIMEOUT = 120  # seconds for a subprocess whose failure mode is a hang (start-up included, on a loaded machine)

ZERO_EXP = "0e-999999999"  # zero with a huge exponent: 42 s and 2 GB in evaluate before the fix
HUGE_EXP = "1e999999"
LONG_INT = "9" * 5000  # past Python's 4,300-digit int conversion limit: tomllib raised ValueError
INT_200 = "2" * 200  # converts, but is far beyond the bound


def _copy(tmp_path: Path, folder: Path = CATALOGUE) -> Path:
    unit = tmp_path / "unit"
    shutil.copytree(folder, unit)
    return unit


def _located(err: SpecError) -> None:
    assert err.problems
    for p in err.problems:
        assert p.file is not None and p.line is not None and p.column is not None, str(p)


def _problems(call: Any) -> list[perfrules.Problem]:
    with pytest.raises(SpecError) as info:
        call()
    _located(info.value)
    return list(info.value.problems)


def _decimals(value: object) -> list[Decimal]:
    """Every Decimal inside a model object."""
    if isinstance(value, Decimal):
        return [value]
    if attrs.has(type(value)):
        return [
            d
            for f in attrs.fields(type(value))
            if f.eq is not False
            for d in _decimals(getattr(value, f.name))
        ]
    if isinstance(value, tuple):
        return [d for v in value for d in _decimals(v)]
    return []


def _cli(*argv: str) -> tuple[int, str]:
    """``perfrules ARGS`` in a subprocess (a hang fails the test after TIMEOUT seconds): exit code and output."""
    proc = subprocess.run(
        [sys.executable, "-m", "perfrules", argv[0], "--lang", "en", *argv[1:]],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        stdin=subprocess.DEVNULL,
    )
    return proc.returncode, proc.stdout + proc.stderr


# ---------------------------------------------------------------------------
# numbers at every numeric place

# (file, text to replace, replacement with {N} for the number), in the catalogue example
SPEC_PLACES = {
    "meta.total": ('kind = "部门整体支出"\n', 'kind = "部门整体支出"\ntotal = {N}\n'),
    "budget_execution.weight": (
        "[budget_execution]\nweight = 10",
        "[budget_execution]\nweight = {N}",
    ),
    "budget_execution band min": ("{ min = 95, score = 10 }", "{ min = {N}, score = 10 }"),
    "band score": ("{ min = 90, score = 5 }", "{ min = 90, score = {N} }"),
    "overshoot_deduction.threshold": ("threshold = 1.3", "threshold = {N}"),
    "overshoot_deduction.per": ("per = 0.1,", "per = {N},"),
    "overshoot_warning": ("[policy]\n", "[policy]\novershoot_warning = {N}\n"),
    "rounding.score": ("[policy]\n", "[rounding]\nscore = {N}\n\n[policy]\n"),
    "category weight": ('name = "投入"\nweight = 30', 'name = "投入"\nweight = {N}'),
    "bonus cap": ("cap = 2", "cap = {N}"),
    "indicator weight": (
        'category = "input"\nweight = 5\ntarget = "≤100%"\nmethod = { name = "step", per = 1,',
        'category = "input"\nweight = {N}\ntarget = "≤100%"\nmethod = { name = "step", per = 1,',
    ),
    "step per": (
        '{ name = "step", per = 1, deduct = 0.5 }',
        '{ name = "step", per = {N}, deduct = 0.5 }',
    ),
    "per_occurrence deduct": (
        '{ name = "per_occurrence", deduct = 1 }',
        '{ name = "per_occurrence", deduct = {N} }',
    ),
    "target table": ('target = "≥10场"', 'target = { comparator = "≥", value = {N}, unit = "场" }'),
    "target string": ('target = "≥10场"', 'target = "≥{N}场"'),
    "round_to": ('target = "≥5个"\n', 'target = "≥5个"\nround_to = {N}\n'),
    "derive formula literal": (
        'derive = "three_public_spent / three_public_budget"',
        'derive = "three_public_spent / three_public_budget * {N}"',
    ),
    "grade min": (
        '[[categories]]\nid = "input"',
        '[[grades]]\nname = "优"\nmin = {N}\n\n[[grades]]\nname = "差"\n'
        'min = 0\n\n[[categories]]\nid = "input"',
    ),
    "tier min": (
        '[[categories]]\nid = "input"',
        '[[tiers]]\nname = "达成"\nmin = {N}\nmax = 1\n\n[[categories]]\nid = "input"',
    ),
}
ACTUALS_PLACES = {
    "budget.full_year": ("full_year = 1000", "full_year = {N}"),
    "budget.spent": ("spent = 925", "spent = {N}"),
    "budget.initial": ("spent = 925\n", "spent = 925\ninitial = {N}\n"),
    "budget line": ("[amounts]", '[[budget.lines]]\nname = "基本支出"\nspent = {N}\n\n[amounts]'),
    "amount": ("three_public_budget = 100", "three_public_budget = {N}"),
    "indicator value": ("staff_control = { value = 102.5 }", "staff_control = { value = {N} }"),
    "deduction points": ("points = 0.5", "points = {N}"),
    "bonus points": ("points = 1.5", "points = {N}"),
    "figure formula literal": (
        "[bonus]",
        '[figures]\nx = { formula = "budget.spent * {N}", stated = "1" }\n\n[bonus]',
    ),
}
VALUES = [ZERO_EXP, HUGE_EXP, LONG_INT, INT_200]


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= 1, f"{old!r} is not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _load_and_evaluate(unit: Path) -> None:
    """Load the example (and evaluate it when it loads): a located problem, or a result without huge exponents."""
    try:
        spec, actuals = perfrules.load_example(unit)
        ev = perfrules.evaluate(spec, actuals)
    except SpecError as err:
        _located(err)
        return
    assert all(d.as_tuple().exponent > -100 for d in _decimals(spec) + _decimals(actuals)), (
        "a huge exponent got in"
    )
    assert ev.total >= 0


@pytest.mark.parametrize(
    "value", VALUES, ids=["zero-exponent", "huge-exponent", "5000-digits", "200-digits"]
)
@pytest.mark.parametrize("place", sorted(SPEC_PLACES))
def test_every_spec_number_is_bounded(tmp_path: Path, place: str, value: str) -> None:
    unit = _copy(tmp_path)
    old, new = SPEC_PLACES[place]
    _edit(unit / "spec.toml", old, new.replace("{N}", value))
    if value == ZERO_EXP:
        _load_and_evaluate(unit)
        return
    problems = _problems(lambda: perfrules.load_example(unit))
    assert {p.code for p in problems} <= {"invalid-value"}, [str(p) for p in problems]


@pytest.mark.parametrize(
    "value", VALUES, ids=["zero-exponent", "huge-exponent", "5000-digits", "200-digits"]
)
@pytest.mark.parametrize("place", sorted(ACTUALS_PLACES))
def test_every_actuals_number_is_bounded(tmp_path: Path, place: str, value: str) -> None:
    unit = _copy(tmp_path)
    old, new = ACTUALS_PLACES[place]
    _edit(unit / "actuals.toml", old, new.replace("{N}", value))
    if value == ZERO_EXP:
        _load_and_evaluate(unit)
        return
    problems = _problems(lambda: perfrules.load_example(unit))
    assert {p.code for p in problems} <= {"invalid-value"}, [str(p) for p in problems]


@pytest.mark.parametrize("value", [HUGE_EXP, LONG_INT, INT_200])
@pytest.mark.parametrize("key", ["tolerance", "total"])
def test_case_file_numbers_are_bounded(tmp_path: Path, key: str, value: str) -> None:
    unit = _copy(tmp_path)
    case = unit / "cases" / "catalogue.case.toml"
    if key == "tolerance":
        _edit(case, 'spec = ".."', f'spec = ".."\ntolerance = {value}')
    else:
        _edit(case, "total = 84.83", f"total = {value}")
    problems = _problems(lambda: load_case_file(case))
    assert {p.code for p in problems} == {"invalid-value"}


def test_a_framework_number_is_bounded(tmp_path: Path) -> None:
    unit = _copy(tmp_path)
    (unit / "fw.toml").write_text(
        f'[framework]\nid = "fw"\ntitle = "t"\n\n[policy]\novershoot_warning = {HUGE_EXP}\n',
        encoding="utf-8",
    )
    _edit(unit / "spec.toml", "[meta]", 'extends = "./fw.toml"\n\n[meta]')
    problems = _problems(lambda: perfrules.load_spec(unit))
    assert [(p.code, Path(p.file or "").name, p.line) for p in problems] == [
        ("invalid-value", "fw.toml", 6)
    ]


def test_zero_with_a_huge_exponent_is_plain_zero(tmp_path: Path) -> None:
    """The issue's first reproducer: ``spent = 0e-999999999`` passed check, then evaluate took 42 s and 2 GB."""
    unit = _copy(tmp_path)
    _edit(unit / "actuals.toml", "spent = 925", f"spent = {ZERO_EXP}")
    spec, actuals = perfrules.load_example(unit)
    assert actuals.budget is not None and actuals.budget.spent == 0
    assert actuals.budget.spent.as_tuple().exponent == 0
    ev = perfrules.evaluate(spec, actuals)
    assert ev.budget_execution is not None and ev.budget_execution.score == 0
    code, out = _cli("evaluate", str(unit), "--format", "json")  # the command, in bounded time
    assert code == 0, out


def test_huge_exponent_and_long_integer_are_located_through_the_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    unit = _copy(tmp_path)
    _edit(unit / "actuals.toml", "spent = 925", f"spent = {HUGE_EXP}")
    assert main(["check", "--lang", "en", str(unit)]) == 2
    out = capsys.readouterr()
    text = (unit / "actuals.toml").read_text(encoding="utf-8")
    assert (
        f"actuals.toml:{line_of(text, 'spent = ')}:1: budget.spent: 1E+999999 is too large"
        in out.out + out.err
    )
    _edit(unit / "actuals.toml", f"spent = {HUGE_EXP}", f"spent = {LONG_INT}")
    assert main(["check", "--lang", "en", str(unit)]) == 2
    out = capsys.readouterr()
    assert (
        f"actuals.toml:{line_of(text, 'spent = ')}:9: budget.spent: an integer of 5,000 digits is too large"
        in (out.out + out.err)
    )
    assert "Traceback" not in out.out + out.err


def test_long_integer_in_a_spec_is_located_at_its_key(tmp_path: Path) -> None:
    unit = _copy(tmp_path)
    _edit(unit / "spec.toml", "cap = 2", f"cap = {LONG_INT}")
    (p,) = _problems(lambda: perfrules.load_spec(unit))
    text = (unit / "spec.toml").read_text(encoding="utf-8")
    assert (p.code, p.path, p.line, p.column) == (
        "invalid-value",
        ("bonus", 0, "cap"),
        line_of(text, "cap = "),
        7,
    )


# ---------------------------------------------------------------------------
# years


@pytest.mark.parametrize("year", ["-2024", "9" * 155, "1899", "2201"])
def test_meta_year_is_a_budget_year(tmp_path: Path, year: str) -> None:
    unit = _copy(tmp_path)
    _edit(unit / "spec.toml", "year = 2024", f"year = {year}")
    (p,) = _problems(lambda: perfrules.load_spec(unit))
    assert (p.code, p.path) == ("invalid-value", ("meta", "year"))
    assert "is not a budget year (expected 1900–2200)" in p.message
    assert len(p.message) < 120  # a 155-digit year is not echoed whole


def test_actuals_year_and_framework_periods_are_budget_years(tmp_path: Path) -> None:
    unit = _copy(tmp_path)
    _edit(unit / "actuals.toml", "[budget]", "year = -2024\n\n[budget]")
    (p,) = _problems(lambda: perfrules.load_actuals(unit))
    assert (p.code, p.path) == ("invalid-value", ("year",))
    seed = _copy(tmp_path / "seed", SEED)
    (seed / "fw.toml").write_text(
        '[framework]\nid = "fw"\ntitle = "t"\nvalid = { from = -5, to = 2024-12-31 }\n'
        "\n[[versions]]\nvalid = { from = 1999, to = " + "9" * 155 + " }\n",
        encoding="utf-8",
    )
    spec = ROOT / "examples" / "hunan-2024-general-office" / "spec.toml"
    text = spec.read_text(encoding="utf-8").replace(
        'extends = "hunan-department"', 'extends = "./fw.toml"'
    )
    (seed / "spec.toml").write_text(text, encoding="utf-8")
    problems = _problems(lambda: perfrules.load_spec(seed))
    bad = {
        (Path(p.file or "").name, p.path)
        for p in problems
        if p.code == "invalid-value" and "budget year" in p.message
    }
    assert bad == {
        ("fw.toml", ("framework", "valid", "from")),
        ("fw.toml", ("versions", 0, "valid", "to")),
    }


def test_thousands_of_versions_cost_bounded_work(tmp_path: Path) -> None:
    """More versions than budget years always overlap: the first 20 pairs are listed, not millions."""
    seed = _copy(tmp_path, SEED)
    versions = [
        f"[[versions]]\nvalid = {{ from = {1900 + i % 301}, to = {1900 + i % 301} }}\n"
        for i in range(5_000)
    ]
    (seed / "fw.toml").write_text(
        '[framework]\nid = "fw"\ntitle = "t"\n\n' + "\n".join(versions), encoding="utf-8"
    )
    _edit(seed / "spec.toml", 'extends = "hunan-department"', 'extends = "./fw.toml"')
    problems = _problems(lambda: perfrules.load_spec(seed))
    overlaps = [p for p in problems if p.code == "version-overlap"]
    assert len(overlaps) == 20 and overlaps[0].path == ("versions", 301, "valid")


def test_meta_year_through_the_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    seed = _copy(tmp_path, SEED)
    _edit(seed / "spec.toml", "year = 2024", "year = -2024")
    assert main(["check", "--lang", "en", str(seed)]) == 2
    out = capsys.readouterr()
    assert (
        "meta.year: -2024 is not a budget year (expected 1900–2200) [invalid-value]"
        in out.out + out.err
    )


# ---------------------------------------------------------------------------
# nesting and the shape of the TOML


def test_arrays_nested_900_deep_are_located(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    unit = _copy(tmp_path)
    _edit(unit / "spec.toml", "cap = 2", "cap = 2\nnote = " + "[" * 900 + "]" * 900)
    (p,) = _problems(lambda: perfrules.load_spec(unit))
    assert p.code == "toml-syntax" and f"nested more than {MAX_NESTING} deep" in p.message
    assert main(["check", str(unit)]) == 2
    assert "Traceback" not in "".join(capsys.readouterr())


@pytest.mark.parametrize("depth", [MAX_NESTING - 2, MAX_NESTING + 1])
def test_nesting_limit(tmp_path: Path, depth: int) -> None:
    """Arrays and tables nested more than MAX_NESTING deep (the top table not counted) are refused."""
    text = "x = " + "[" * depth + "]" * depth + "\n"  # the inner array is at depth `depth`
    if depth <= MAX_NESTING:
        assert perfrules.loading._toml_index.parse_toml(text)["x"] is not None
    else:
        with pytest.raises(SpecError) as info:
            perfrules.loading._toml_index.parse_toml(text)
        assert info.value.problems[0].code == "toml-syntax"


def test_inline_tables_nested_deep_are_located(tmp_path: Path) -> None:
    unit = _copy(tmp_path)
    _edit(unit / "spec.toml", "cap = 2", "cap = 2\nnote = " + "{ a = " * 300 + "1" + " }" * 300)
    (p,) = _problems(lambda: perfrules.load_spec(unit))
    assert p.code == "toml-syntax"


def test_formula_nested_900_deep_is_located(tmp_path: Path) -> None:
    unit = _copy(tmp_path)
    deep = "(" * 900 + "three_public_spent" + ")" * 900
    _edit(
        unit / "spec.toml",
        'derive = "three_public_spent / three_public_budget"',
        f'derive = "{deep}"',
    )
    (p,) = _problems(lambda: perfrules.load_spec(unit))
    assert p.code == "invalid-value" and "too long" in p.message
    within = "(" * 40 + "a" + ")" * 40  # short enough, too deep
    _edit(unit / "spec.toml", f'derive = "{deep}"', f'derive = "{within}"')
    (p,) = _problems(lambda: perfrules.load_spec(unit))
    assert p.code == "invalid-value" and "nested too deeply" in p.message


def test_a_dotted_key_of_thousands_of_parts_is_refused_before_parsing(tmp_path: Path) -> None:
    """tomllib's time grows with the square of a dotted key's parts (16,000 parts: 8 s)."""
    unit = _copy(tmp_path)
    _edit(unit / "spec.toml", "[meta]\n", "[meta]\n" + ".".join(["a"] * 50_000) + " = 1\n")
    (p,) = _problems(lambda: perfrules.load_spec(unit))
    assert p.code == "toml-syntax" and f"more than {MAX_KEY_PARTS} parts" in p.message
    assert p.line == line_of((unit / "spec.toml").read_text(encoding="utf-8"), "a.a.a")


def test_many_dots_in_strings_and_comments_are_fine(tmp_path: Path) -> None:
    unit = _copy(tmp_path)
    dots = ".".join(["1"] * 100)
    _edit(unit / "spec.toml", "[meta]\n", f"# {dots}\n[meta]\n")
    _edit(unit / "spec.toml", 'name = "投入"', f'name = "投入{dots}"')
    assert perfrules.load_spec(unit).categories[0].name == f"投入{dots}"


# ---------------------------------------------------------------------------
# files: only regular files, of bounded size


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    if not hasattr(os, "mkfifo"):
        pytest.skip("named pipes need os.mkfifo (POSIX)")
    path = tmp_path / "fifo.toml"
    os.mkfifo(path)
    return path


def test_a_pipe_as_the_spec_is_refused(fifo: Path) -> None:
    code, out = _cli("check", str(fifo))
    assert code == 2 and "is not a regular file" in out and "[file]" in out, out
    script = f"import perfrules\ntry:\n    perfrules.load_spec({str(fifo)!r})\nexcept perfrules.SpecError as e:\n    print(e)"
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=TIMEOUT
    )
    assert f"{fifo}: {fifo} is not a regular file" in proc.stdout


def test_a_pipe_as_the_actuals_is_refused(tmp_path: Path, fifo: Path) -> None:
    unit = _copy(tmp_path)
    code, out = _cli("check", str(unit / "spec.toml"), str(fifo))
    assert code == 2 and "is not a regular file" in out, out


def test_a_pipe_reached_through_extends_is_refused(tmp_path: Path, fifo: Path) -> None:
    unit = _copy(tmp_path)
    _edit(unit / "spec.toml", "[meta]", 'extends = "../fifo.toml"\n\n[meta]')
    code, out = _cli("check", str(unit))
    assert (
        code == 2 and "spec.toml:" in out and "is not a regular file" in out and "[extends]" in out
    ), out


def test_a_pipe_planted_in_a_specs_folder_is_skipped(tmp_path: Path) -> None:
    if not hasattr(os, "mkfifo"):
        pytest.skip("named pipes need os.mkfifo (POSIX)")
    (tmp_path / ".git").mkdir()  # the search for specs/ folders stops here
    (tmp_path / "specs").mkdir()
    os.mkfifo(tmp_path / "specs" / "planted.toml")
    unit = _copy(tmp_path, SEED)  # extends "hunan-department": found among the shipped frameworks
    code, out = _cli("check", str(unit))
    assert code == 0, out
    code, out = _cli("frameworks", "--from", str(unit))
    assert code == 0 and "Available frameworks" in out, out
    os.mkfifo(
        tmp_path / "specs" / "hunan-department.toml"
    )  # a pipe named after the id: refused, located
    code, out = _cli("check", str(unit))
    assert code == 2 and "is not a regular file" in out and "[extends]" in out, out


def test_a_pipe_as_a_case_file_is_refused(tmp_path: Path) -> None:
    if not hasattr(os, "mkfifo"):
        pytest.skip("named pipes need os.mkfifo (POSIX)")
    unit = _copy(tmp_path)
    os.mkfifo(unit / "cases" / "planted.case.toml")
    code, out = _cli("test", str(unit / "cases"))
    assert code == 2 and "is not a regular file" in out, out


def test_a_pipe_named_in_a_batch_spec_cell_fails_its_unit(tmp_path: Path, fifo: Path) -> None:
    table = tmp_path / "units.csv"
    table.write_text(
        "单位,spec,指标,分值,实际完成值\nu1,fifo.toml,a,100,1\nu2,,a,100,1\n", encoding="utf-8"
    )
    code, out = _cli("batch", str(table), "--out", str(tmp_path / "r.csv"), "--engine", "pure")
    assert code in (1, 2) and "is not a regular file" in out, out
    if code == 1:  # u1 failed at its spec cell; u2 was still read
        units = (tmp_path / "r.csv").read_text(encoding="utf-8") + (
            tmp_path / "r.problems.csv"
        ).read_text(encoding="utf-8")
        assert "u1" in units and "u2" in units


def test_dev_zero_as_the_spec_is_refused() -> None:
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero here")
    code, out = _cli("check", "/dev/zero")
    assert code == 2 and "/dev/zero: /dev/zero is not a regular file" in out, out


def test_a_file_larger_than_the_limit_is_refused(tmp_path: Path) -> None:
    big = tmp_path / "spec.toml"
    with open(big, "wb") as fh:  # sparse: no disk space used
        fh.truncate(MAX_SPEC_BYTES + 1)
    (p,) = _problems_unlocated(lambda: perfrules.load_spec(big))
    assert p.code == "file" and f"more than the {MAX_SPEC_BYTES:,} perfrules reads" in p.message


def _problems_unlocated(call: Any) -> list[perfrules.Problem]:
    with pytest.raises(SpecError) as info:
        call()
    return list(info.value.problems)


def test_a_folder_as_a_case_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "x.case.toml").mkdir()
    (p,) = _problems_unlocated(lambda: load_case_file(tmp_path / "x.case.toml"))
    assert p.code == "file" and "is a folder" in p.message


# ---------------------------------------------------------------------------
# scaling: near-linear in the number of indicators (operations counted, not timed)


def _big(n: int, categories: int = 10) -> tuple[str, str]:
    """A spec of ``n`` indicators in ``categories`` 二级 categories, and its actuals, as TOML text."""
    per = n // categories
    spec = [
        '[meta]\nid = "big"\ntitle = "t"\nunit = "u"\nyear = 2024\nkind = "项目支出"',
        f"total = {n + 10}",
        "[budget_execution]\nweight = 10",
        f'[[categories]]\nid = "out"\nname = "产出"\nweight = {n}',
    ]
    spec += [
        f'[[categories]]\nid = "out.{c}"\nname = "类别{c}"\nparent = "out"\nweight = {per}'
        for c in range(categories)
    ]
    actuals = ['spec = "big"\nyear = 2024\n[budget]\nfull_year = 500\nspent = 463.5\n[indicators]']
    for i in range(n):
        target, actual = [
            ('"≥100件"', str(90 + i % 20)),
            ('"≤100%"', str(95 + i % 10)),
            (None, '{ tier = "达成" }'),
        ][i % 3]
        what = f"target = {target}" if target else 'target_text = "完成"'
        spec.append(
            f'[[indicators]]\nid = "i{i}"\nname = "指标{i}"\ncategory = "out.{i // per}"\nweight = 1\n{what}'
        )
        actuals.append(f"i{i} = {actual}")
    return "\n\n".join(spec) + "\n", "\n".join(actuals) + "\n"


def test_twenty_thousand_indicators_load_and_evaluate(tmp_path: Path) -> None:
    spec_text, actuals_text = _big(20_000)
    (tmp_path / "spec.toml").write_text(spec_text, encoding="utf-8")
    (tmp_path / "actuals.toml").write_text(actuals_text, encoding="utf-8")
    spec, actuals = perfrules.load_example(tmp_path)
    ev = perfrules.evaluate(spec, actuals)
    assert len(ev.indicators) == 20_000 and ev.indicator("i19999").id == "i19999"
    assert len(ev.indicators_in("out.3")) == 2_000
    assert ev.category("out").score == sum(r.score for r in ev.indicators)
    assert perfrules.to_json(ev).count('"category_path"') == 20_000


class _CountingStr(str):
    """A str that counts how often it is compared for equality (a scan per lookup compares n times)."""

    compared = 0

    def __eq__(self, other: object) -> bool:
        _CountingStr.compared += 1
        return str.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    __hash__ = str.__hash__


def _counted_spec(n: int) -> tuple[Spec, Actuals]:
    def ident(i: int) -> str:
        return _CountingStr(
            f"i{i}"
        )  # a new object per use: dict lookups compare values, not identities

    cats = (Category(id=_CountingStr("c"), name="类别", weight=Decimal(n)),)
    inds = tuple(
        Indicator(
            id=ident(i),
            name=f"指标{i}",
            category=_CountingStr("c"),
            weight=Decimal(1),
            target=QuantitativeTarget.parse("≥100件"),
        )
        for i in range(n)
    )
    meta = Meta(id="count", title="t", unit="u", year=2024, kind=Kind.PROJECT, total=Decimal(n))
    spec = Spec(meta=meta, categories=cats, indicators=inds)
    actuals = Actuals(
        indicators=tuple(
            IndicatorActual(id=ident(i), value=Decimal(90 + i % 20)) for i in reversed(range(n))
        )
    )
    return spec, actuals


@pytest.mark.parametrize("n", [500, 2_000])
def test_lookups_by_id_do_not_scan(n: int) -> None:
    """Validation and evaluation compare ids a bounded number of times per indicator (a scan would be n² / 2)."""
    spec, actuals = _counted_spec(n)
    _CountingStr.compared = 0
    ev = perfrules.evaluate(spec, actuals)
    for res in ev.indicators:
        assert ev.indicator(res.id) is res
    assert len(ev.indicators_in("c")) == n
    assert _CountingStr.compared <= 20 * n, (
        f"{_CountingStr.compared} comparisons for {n} indicators"
    )


def test_many_unknown_ids_get_bounded_did_you_means(tmp_path: Path) -> None:
    """Every actual under an id the spec lacks is reported; the did-you-mean work is bounded (no n² difflib)."""
    spec_text, actuals_text = _big(3_000)
    (tmp_path / "spec.toml").write_text(spec_text, encoding="utf-8")
    (tmp_path / "actuals.toml").write_text(actuals_text.replace("\ni", "\nid_"), encoding="utf-8")
    spec = perfrules.load_spec(tmp_path)
    problems = _problems(lambda: perfrules.load_actuals(tmp_path, spec=spec))
    unknown = [p for p in problems if p.code == "unknown-indicator"]
    assert len(unknown) == 3_000
    assert unknown[0].suggestion == "i0"  # within the budget: the did-you-mean a scan gives
    assert unknown[-1].suggestion is None  # past it (SUGGEST_BUDGET comparisons): none
