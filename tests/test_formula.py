"""Formulas for derived figures: parser, AST, normalised text and exact evaluation."""

from __future__ import annotations

import math
import pickle
import sys
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from perfrules.core._formula_eval import FormulaZeroDivision, evaluate_formula
from perfrules.model._formula import (
    FUNCTIONS,
    MAX_DEPTH,
    MAX_LENGTH,
    MAX_NODES,
    Binary,
    Call,
    Formula,
    FormulaError,
    Name,
    Node,
    Number,
    Unary,
    unparse,
)

F = Fraction


def ev(text: str, **env: Fraction | Decimal | int) -> Fraction:
    return evaluate_formula(Formula.parse(text), env)


def err(text: str) -> FormulaError:
    with pytest.raises(FormulaError) as info:
        Formula.parse(text)
    return info.value


def n(value: str) -> Number:
    return Number(Decimal(value))


a, b, c = Name("a"), Name("b"), Name("c")


# ------------------------------------------------------------- grammar & values


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("8 / 4 / 2", F(1)),
        ("2 - 3 - 4", F(-5)),
        ("-2 * 3", F(-6)),
        ("2 * -3", F(-6)),
        ("-(2 * 3)", F(-6)),
        ("2 + 3 * 4", F(14)),
        ("(2 + 3) * 4", F(20)),
        ("2 * 3 + 4", F(10)),
        ("12 / 3 * 2", F(8)),  # left to right, not 12 / 6
        ("2 - -3", F(5)),
        ("--2", F(2)),
        ("+2", F(2)),
        ("-+-2", F(2)),
        ("1 / 3 * 3", F(1)),
        ("0.1 + 0.2", F(3, 10)),
        (".5 + 0.25", F(3, 4)),
        ("1 / 3", F(1, 3)),
        ("007", F(7)),
    ],
)
def test_precedence_associativity_and_exactness(text: str, expected: Fraction) -> None:
    value = ev(text)
    assert type(value) is Fraction
    assert value == expected


def test_parenthesised_sum_over_name() -> None:
    f = Formula.parse("(a + b) / c")
    assert f.root == Binary("/", Binary("+", a, b), c)
    assert evaluate_formula(f, {"a": 1, "b": 2, "c": 4}) == F(3, 4)
    assert Formula.parse("a + b / c").root == Binary("+", a, Binary("/", b, c))


def test_left_associativity_in_the_ast() -> None:
    assert Formula.parse("a - b - c").root == Binary("-", Binary("-", a, b), c)
    assert Formula.parse("a / b / c").root == Binary("/", Binary("/", a, b), c)
    assert Formula.parse("a / b * c").root == Binary("*", Binary("/", a, b), c)
    assert Formula.parse("-a * b").root == Binary("*", Unary("-", a), b)


def test_spec_examples() -> None:
    env: dict[str, Fraction | Decimal | int] = {
        "spent": Decimal("80.5"),
        "budget": 100,
        "a": 2,
        "b": 3,
    }
    assert evaluate_formula(Formula.parse("spent / budget"), env) == F(161, 200)
    assert evaluate_formula(Formula.parse("(budget - spent) / budget"), env) == F(39, 200)
    assert evaluate_formula(Formula.parse("min(spent / budget, 1)"), env) == F(161, 200)
    assert evaluate_formula(Formula.parse("min(spent / budget, 1)"), {**env, "spent": 120}) == 1
    assert evaluate_formula(Formula.parse("round(a / b * 100, 2)"), env) == F("66.67")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("95%", F(95, 100)),
        ("95 %", F(95, 100)),
        ("95％", F(95, 100)),
        ("12.5%", F(1, 8)),
        (".5%", F(1, 200)),
        ("100%", F(1)),
        ("0%", F(0)),
        ("-95%", F(-95, 100)),
        ("a * 80%", F(8, 5)),
        ("min(a, 95%)", F(95, 100)),
    ],
)
def test_percent_literals(text: str, expected: Fraction) -> None:
    assert ev(text, a=2) == expected


def test_percent_is_an_exact_number_node() -> None:
    root = Formula.parse("95%").root
    assert root == Number(Decimal("0.95"))
    assert isinstance(root, Number) and root.literal == "95%"
    assert Formula.parse("95%") == Formula.parse("0.95")


def test_full_width_operators_and_spaces() -> None:
    fw = Formula.parse("（全年执行数－上年结转）×20％÷预算数＋max（a，b）")
    ascii_ = Formula.parse("(全年执行数 - 上年结转) * 20% / 预算数 + max(a, b)")
    assert fw == ascii_
    assert str(Formula.parse("a\u3000＋\u3000b\t×\nc")) == "a+b*c"
    assert Formula.parse("a ＊ b ／ c − d") == Formula.parse("a * b / c - d")
    assert ev("min（a，b）", a=1, b=2) == 1


def test_unicode_and_dotted_names() -> None:
    f = Formula.parse("全年执行数 / 年初预算数 + budget.spent * amounts.x_1 - _tmp")
    assert f.names == frozenset({"全年执行数", "年初预算数", "budget.spent", "amounts.x_1", "_tmp"})
    env: dict[str, Fraction | Decimal | int] = {
        "全年执行数": 90,
        "年初预算数": 100,
        "budget.spent": 2,
        "amounts.x_1": Decimal("0.5"),
        "_tmp": F(1, 10),
    }
    assert evaluate_formula(f, env) == F(9, 10) + 1 - F(1, 10)


def test_function_name_without_call_is_a_plain_name() -> None:
    assert Formula.parse("min + 1").names == {"min"}


# ------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("text", "column", "fragment"),
    [
        ("a + * b", 5, "unexpected '*'"),
        ("", 1, "empty"),
        ("  \u3000 ", 1, "empty"),
        ("(a + b", 1, "never closed"),
        ("（a＋b", 1, "never closed"),
        ("((a + b) * c", 1, "never closed"),
        ("min(a, b", 4, "never closed"),
        ("a + b)", 6, "unmatched ')'"),
        ("a b", 3, "missing operator"),
        ("2 (a)", 3, "missing operator"),
        ("(a + b c)", 8, "missing operator"),
        ("a +", 4, "ends after '+'"),
        ("a *", 4, "ends after '*'"),
        ("(", 2, "ends after '('"),
        ("()", 2, "unexpected ')'"),
        ("1e3", 2, "scientific"),
        ("2.5E-3", 4, "scientific"),
        ("2x", 2, "directly followed"),
        ("1_000", 2, "directly followed"),
        ("12.", 3, "decimal point"),
        (".", 1, "followed by digits"),
        ("1.2.3", 4, "one decimal point"),
        ("a.", 2, "'.' in a name"),
        ("a.5", 2, "'.' in a name"),
        ("a..b", 2, "'.' in a name"),
        ("a $ b", 3, "unexpected character '$'"),
        ("a + 全年执行数 @", 11, "unexpected character '@'"),
        ("１ + a", 1, "ASCII"),
        ("a %", 3, "'%' may only follow a number"),
        ("(a)%", 4, "'%' may only follow a number"),
        ("5%%", 3, "'%' may only follow a number"),
        ("% 5", 1, "'%' may only follow a number"),
        ("a, b", 2, "function arguments"),
        ("(a, b)", 3, "unexpected ','"),
        ("min(a b)", 7, "missing operator"),
        ("min(a,)", 7, "unexpected ')'"),
        ("min(,a)", 5, "unexpected ','"),
        ("a ** b", 4, "unexpected '*'"),
        ("a = b", 3, "unexpected character '='"),
    ],
)
def test_syntax_errors_have_exact_columns(text: str, column: int, fragment: str) -> None:
    e = err(text)
    assert e.column == column, (e.column, str(e))
    assert fragment in e.en
    assert e.zh and e.zh != e.en
    assert str(e).startswith(f"column {column}: ")


@pytest.mark.parametrize(
    ("text", "en", "zh"),
    [
        # what may come instead is named in the message's own language (it was "')'" in both)
        (
            "(1,2)",
            "unexpected ','; expected an operator or ')'",
            "此处不应出现“,”，应为运算符或“)”",
        ),
        ("1 2", "missing operator before number 2", "数字2之前缺少运算符"),
        ("a b", "missing operator before name 'b'", "名称“b”之前缺少运算符"),
        (
            "1 + * 2",
            "unexpected '*'; expected a number, a name or '('",
            "此处不应出现“*”，应为数字、名称或“(”",
        ),
        (
            "abs(1,2)",
            "abs() takes exactly 1 argument, got 2; usage: abs(x)",
            "函数abs需要1个参数，实际为2个；用法：abs(x)",
        ),
        (
            "min(1)",
            "min() takes at least 2 arguments, got 1; usage: min(a, b, ...)",
            "函数min需要至少2个参数，实际为1个；用法：min(a, b, ...)",
        ),
        (
            "round(1)",
            "round() takes exactly 2 arguments, got 1; usage: round(x, n)",
            "函数round需要2个参数，实际为1个；用法：round(x, n)",
        ),
        (
            "foo(1)",
            "unknown function 'foo'; available: min, max, abs, round",
            "未知函数“foo”；可用函数：min, max, abs, round",
        ),
        (
            "1.",
            "a decimal point must be followed by digits (write 1 or 1.0)",
            "小数点后须有数字（应写作1或1.0）",
        ),
    ],
)
def test_messages_in_both_languages(text: str, en: str, zh: str) -> None:
    e = err(text)
    assert (e.en, e.zh) == (en, zh)


@pytest.mark.parametrize(
    ("text", "column", "suggestion"),
    [
        ("mni(a, b)", 1, "min"),
        ("a + MAX(a, b)", 5, "max"),
        ("rnd(a, 2)", 1, "round"),
        ("absolute(a)", 1, None),
        ("sqrt(a)", 1, None),
        ("全年执行数(a)", 1, None),
        ("ｍａｘ（a，b）", 1, "max"),  # full-width letters are not accepted, but suggested
    ],
)
def test_unknown_function_with_did_you_mean(text: str, column: int, suggestion: str | None) -> None:
    e = err(text)
    assert (e.column, e.suggestion) == (column, suggestion)
    assert "unknown function" in e.en
    if suggestion:
        assert f"did you mean '{suggestion}'" in e.en and f"“{suggestion}”" in e.zh
    else:
        assert "available: min, max, abs, round" in e.en


@pytest.mark.parametrize(
    ("text", "column", "usage"),
    [
        ("min(a)", 1, "min(a, b, ...)"),
        ("min()", 1, "min(a, b, ...)"),
        ("a + max(a)", 5, "max(a, b, ...)"),
        ("abs(a, b)", 1, "abs(x)"),
        ("abs()", 1, "abs(x)"),
        ("round(a)", 1, "round(x, n)"),
        ("round(a, 2, 3)", 1, "round(x, n)"),
    ],
)
def test_wrong_arity(text: str, column: int, usage: str) -> None:
    e = err(text)
    assert (e.column, e.suggestion) == (column, usage)
    assert "argument" in e.en and usage in e.zh


@pytest.mark.parametrize(
    ("text", "column"),
    [
        ("round(a, -1)", 10),
        ("round(a, 11)", 10),
        ("round(a, 1.5)", 10),
        ("round(a, b)", 10),
        ("round(a, 1 + 1)", 12),
    ],
)
def test_round_places_must_be_a_small_whole_literal(text: str, column: int) -> None:
    e = err(text)
    assert e.column == column
    assert "0 to 10" in e.en


def test_first_error_in_text_order_wins() -> None:
    # the lexer runs on demand, so a bad character later on does not mask an earlier error
    assert err("a + * b $").column == 5
    assert err("mni(a, $)").column == 1


def test_check_reports_every_unknown_name_with_suggestion() -> None:
    f = Formula.parse("spnet / budgte + spnet * 全年执行率 - ok")
    errors = f.check({"spent", "budget", "全年执行数", "ok"})
    assert [(e.column, e.suggestion) for e in errors] == [
        (1, "spent"),
        (9, "budget"),
        (18, "spent"),
        (26, "全年执行数"),
    ]
    assert errors[0].en == "unknown name 'spnet'; did you mean 'spent'?"
    assert errors[0].zh == "未知名称“spnet”，是否应为“spent”？"
    assert f.check(["spnet", "budgte", "全年执行率", "ok"]) == []
    far = Formula.parse("zzz").check(["spent"])
    assert len(far) == 1 and far[0].suggestion is None and far[0].column == 1
    assert Formula.parse("Budget").check(["budget"])[0].suggestion == "budget"
    assert Formula.parse("ｂｕｄｇｅｔ").check(["budget"])[0].suggestion == "budget"


def test_divisors_in_text_order() -> None:
    f = Formula.parse("a / b / (c - d) + e / 2 + a / (b / c)")
    assert [unparse(d) for d in f.divisors()] == ["b", "c-d", "2", "b/c", "c"]
    assert Formula.parse("a * b").divisors() == ()


# ------------------------------------------------------------------- limits


def test_length_limit() -> None:
    assert Formula.parse("a" * MAX_LENGTH).names == {"a" * MAX_LENGTH}
    e = err("a" * (MAX_LENGTH + 1))
    assert e.column == MAX_LENGTH + 1 and "too long" in e.en


def test_node_limit() -> None:
    two_hundred = "-" + "+".join(["a"] * 100)  # 100 names + 99 '+' + 1 sign
    assert Formula.parse(two_hundred).names == {"a"}
    e = err("+".join(["a"] * 101))  # 201 nodes: the last '+' is one too many
    assert "too complex" in e.en and e.column == 200
    e = err("--" + "+".join(["a"] * 100))
    assert "too complex" in e.en and e.column == 200  # the last '+' again
    e = err("-" * 300 + "a")  # signs are collected in a loop and counted as they wrap
    assert "too complex" in e.en and e.column == 101


def test_depth_limit() -> None:
    ok = "(" * MAX_DEPTH + "a" + ")" * MAX_DEPTH
    assert Formula.parse(ok).root == a
    e = err("(" * (MAX_DEPTH + 1) + "a" + ")" * (MAX_DEPTH + 1))
    assert e.column == MAX_DEPTH + 1 and "nested too deeply" in e.en
    assert Formula.parse("abs(" * MAX_DEPTH + "a" + ")" * MAX_DEPTH)
    e = err("abs(" * (MAX_DEPTH + 1) + "a" + ")" * (MAX_DEPTH + 1))
    assert e.column == 4 * MAX_DEPTH + 4


@pytest.mark.parametrize(
    "text",
    [
        "(" * 500,
        "(" * 250 + ")" * 250,
        "-" * 500,
        "abs(" * 125,
        "-(" * 250,
        "min(a," * 83,
        "a" + "+a" * 249,
    ],
)
def test_hostile_inputs_raise_formula_error_not_recursion_error(text: str) -> None:
    assert len(text) <= MAX_LENGTH
    with pytest.raises(FormulaError):
        Formula.parse(text)


def _stack_depth() -> int:
    frame, depth = sys._getframe(), 0
    while frame is not None:
        frame, depth = frame.f_back, depth + 1  # type: ignore[assignment]
    return depth


@pytest.mark.parametrize(
    "text",
    [
        "(" * MAX_DEPTH + "a" + ")" * MAX_DEPTH,
        "abs(" * MAX_DEPTH + "a" + ")" * MAX_DEPTH,
        "-" * (MAX_NODES - 1) + "a",
        "+".join(["a"] * 100),
        "-(" * 31 + "a" + ")" * 31,
    ],
)
def test_worst_case_formulas_need_a_bounded_stack(text: str) -> None:
    f = Formula.parse(text)
    old = sys.getrecursionlimit()
    # parse, str and evaluate need about one frame per AST level (≤ MAX_NODES) ...
    sys.setrecursionlimit(_stack_depth() + MAX_NODES + 50)
    try:
        again = Formula.parse(str(Formula.parse(text)))
        evaluate_formula(again, {"a": 1})
    finally:
        sys.setrecursionlimit(old)
    # ... attrs' generated __eq__/__hash__ about two
    sys.setrecursionlimit(_stack_depth() + 2 * MAX_NODES + 50)
    try:
        assert again == f and hash(again) == hash(f)
    finally:
        sys.setrecursionlimit(old)


def test_ast_built_in_code_is_held_to_the_limits() -> None:
    node: Node = a
    for _ in range(MAX_NODES):
        node = Unary("-", node)
    with pytest.raises(FormulaError, match="too complex"):
        Formula.from_node(node)
    with pytest.raises(FormulaError, match="too complex"):
        unparse(node)
    with pytest.raises(FormulaError, match="too complex"):
        evaluate_formula(node, {"a": 1})
    deep: Node = a
    for _ in range(MAX_DEPTH + 1):
        deep = Call("abs", (deep,))
    with pytest.raises(FormulaError, match="nested too deeply"):
        Formula.from_node(deep)
    with pytest.raises(FormulaError, match="too long"):
        Formula.from_node(Name("x" * (MAX_LENGTH + 1)))


# ------------------------------------------------------------- AST invariants


def test_column_is_excluded_from_equality_and_hash() -> None:
    f, g = Formula.parse("a+b"), Formula.parse("  a  +  b ")
    assert f == g and hash(f) == hash(g) and f.text != g.text
    assert f.root.column == 2 and g.root.column == 6
    assert Name("a", column=1) == Name("a", column=9)
    assert Number(Decimal("0.5"), literal=".5") == Number(Decimal("0.50"))


@pytest.mark.parametrize(
    "make",
    [
        lambda: Number(Decimal(-1)),
        lambda: Number(Decimal("-0")),
        lambda: Number(Decimal("NaN")),
        lambda: Number(Decimal("Infinity")),
        lambda: Number(1),  # type: ignore[arg-type]
        lambda: Number(Decimal("0.5"), literal="1"),
        lambda: Number(Decimal("0.5"), literal="5e-1"),
        lambda: Name("a b"),
        lambda: Name("a."),
        lambda: Name("1a"),
        lambda: Name(""),
        lambda: Unary("*", a),  # type: ignore[arg-type]
        lambda: Binary("%", a, b),  # type: ignore[arg-type]
        lambda: Binary("+", a, "b"),  # type: ignore[arg-type]
        lambda: Call("sqrt", (a,)),
        lambda: Call(1, (a, b)),  # type: ignore[arg-type]
        lambda: Call("min", (a,)),
        lambda: Call("min", [a, b]),  # type: ignore[arg-type]
        lambda: Call("round", (a, n("11"))),
        lambda: Call("round", (a, n("1.5"))),
        lambda: Call("round", (a, b)),
        lambda: Formula("a", "a"),  # type: ignore[arg-type]
    ],
)
def test_invalid_nodes_are_rejected(make: object) -> None:
    with pytest.raises(FormulaError):
        make()  # type: ignore[operator]


@pytest.mark.parametrize(
    ("node", "text"),
    [
        (Binary("-", a, Binary("-", b, c)), "a-(b-c)"),
        (Binary("-", Binary("-", a, b), c), "a-b-c"),
        (Binary("/", a, Binary("*", b, c)), "a/(b*c)"),
        (Binary("*", a, Binary("*", b, c)), "a*(b*c)"),
        (Binary("/", Binary("*", a, b), c), "a*b/c"),
        (Binary("*", Binary("+", a, b), c), "(a+b)*c"),
        (Binary("+", a, Binary("*", b, c)), "a+b*c"),
        (Unary("-", Binary("+", a, b)), "-(a+b)"),
        (Unary("-", Binary("*", a, b)), "-(a*b)"),
        (Binary("*", Unary("-", a), b), "-a*b"),
        (Binary("-", a, Unary("-", b)), "a--b"),
        (Unary("-", Unary("-", a)), "--a"),
        (Call("min", (Binary("/", a, b), n("1"))), "min(a/b,1)"),
        (Number(Decimal("1E-7")), "0.0000001"),
        (Number(Decimal("1E+2")), "100"),
        (Number(Decimal("0.95"), literal="95%"), "95%"),
    ],
)
def test_unparse_is_minimal_and_faithful(node: Node, text: str) -> None:
    assert unparse(node) == text
    assert Formula.parse(text).root == node
    assert Formula.parse(unparse(node, spaced=True)).root == node


def test_str_and_spaced_display() -> None:
    f = Formula.parse(" ( budget － spent ) ÷ budget ")
    assert str(f) == "(budget-spent)/budget"
    assert unparse(f.root, spaced=True) == "(budget - spent) / budget"
    assert unparse(Formula.parse("round(min(a,b),2)").root, spaced=True) == "round(min(a, b), 2)"
    assert Formula.from_node(f.root) == f and Formula.from_node(f.root).text == str(f)


def test_errors_pickle() -> None:
    e = err("mni(a, b)")
    back = pickle.loads(pickle.dumps(e))
    assert (back.en, back.zh, back.column, back.suggestion) == (e.en, e.zh, e.column, e.suggestion)
    with pytest.raises(FormulaZeroDivision) as info:
        ev("a / 0", a=1)
    z = pickle.loads(pickle.dumps(info.value))
    assert (z.divisor_text, z.column) == ("0", 3)


# --------------------------------------------------------------- evaluation


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("round(2.5, 0)", "3"),
        ("round(-2.5, 0)", "-3"),
        ("round(3.5, 0)", "4"),  # not banker's rounding
        ("round(-3.5, 0)", "-4"),
        ("round(2.4999, 0)", "2"),
        ("round(-2.4999, 0)", "-2"),
        ("round(0.125, 2)", "0.13"),
        ("round(-0.125, 2)", "-0.13"),
        ("round(1.005, 2)", "1.01"),  # 1.00499999… as a binary float
        ("round(2.675, 2)", "2.68"),
        ("round(1 / 3, 2)", "0.33"),
        ("round(2 / 3, 2)", "0.67"),
        ("round(-2 / 3, 2)", "-0.67"),
        ("round(1 / 3, 10)", "0.3333333333"),
        ("round(5 / 9, 0)", "1"),
        ("round(0.5%, 2)", "0.01"),
        ("round(0, 3)", "0"),
        ("round(-0.0004, 3)", "0"),
        ("round(-0.0005, 3)", "-0.001"),
        ("round(12345.5, 0)", "12346"),
    ],
)
def test_round_is_half_up_away_from_zero(text: str, expected: str) -> None:
    assert ev(text) == Fraction(expected)


def test_min_max_abs() -> None:
    assert ev("min(3, 1, 2)") == 1
    assert ev("max(3, 1, 2, 7/2)") == F(7, 2)
    assert ev("abs(-3/4)") == F(3, 4)
    assert ev("abs(a - b)", a=1, b=5) == 4
    assert ev("max(min(a, 1), 0)", a=F(-1, 2)) == 0


def test_division_by_zero_names_the_divisor() -> None:
    with pytest.raises(FormulaZeroDivision) as info:
        ev("spent / (budget - adjusted)", spent=1, budget=5, adjusted=Decimal("5.00"))
    e = info.value
    assert isinstance(e, ArithmeticError) and isinstance(e, ZeroDivisionError)
    assert e.divisor_text == "budget-adjusted" == unparse(Formula.parse("budget - adjusted").root)
    assert e.column == 7
    assert "budget-adjusted" in e.en and "budget-adjusted" in e.zh and "除数" in e.zh
    with pytest.raises(FormulaZeroDivision) as info2:
        ev("1 / 全年执行数", 全年执行数=0)
    assert info2.value.divisor_text == "全年执行数"
    with pytest.raises(FormulaZeroDivision) as info3:
        evaluate_formula(Binary("/", a, n("0")), {"a": 1})
    assert info3.value.column is None and info3.value.divisor_text == "0"
    assert ev("0 / a", a=3) == 0


def test_env_values() -> None:
    assert ev("a + b + c", a=1, b=Decimal("0.1"), c=F(1, 3)) == F(1) + F(1, 10) + F(1, 3)
    with pytest.raises(KeyError) as info:
        ev("a + missing", a=1)
    assert info.value.args == ("missing",)
    with pytest.raises(TypeError, match="float"):
        evaluate_formula(Formula.parse("a"), {"a": 0.1})  # type: ignore[dict-item]
    with pytest.raises(TypeError, match="bool"):
        ev("a", a=True)
    with pytest.raises(ValueError, match="finite"):
        ev("a", a=Decimal("NaN"))
    # no Decimal context precision loss for long values
    long = Decimal("1234567890123456789012345678901234567890.123456789")
    assert ev("a * 3 / 3 - a", a=long) == 0
    assert ev("a + 1", a=long) == Fraction(long) + 1


def test_evaluate_accepts_bare_nodes() -> None:
    assert evaluate_formula(Binary("-", a, Binary("-", b, c)), {"a": 1, "b": 2, "c": 3}) == 2


# --------------------------------------------------------------- properties

NAMES = [
    "a",
    "b",
    "spent",
    "budget",
    "budget.spent",
    "amounts.x",
    "全年执行数",
    "预算数",
    "_x1",
    "min",
]


@st.composite
def literals(draw: st.DrawFn) -> Number:
    whole = draw(st.text("0123456789", max_size=4))
    frac = draw(st.text("0123456789", min_size=0 if whole else 1, max_size=4))
    body = whole + ("." + frac if frac else "")
    percent = draw(st.booleans())
    value = Decimal(body)
    if percent:
        value = value * Decimal("0.01")
    if draw(st.booleans()):
        return Number(value, literal=body + ("%" if percent else ""))
    return Number(value)


leaves = st.one_of(st.sampled_from(NAMES).map(Name), literals())


def _extend(children: st.SearchStrategy[Node]) -> st.SearchStrategy[Node]:
    return st.one_of(
        st.builds(Unary, st.sampled_from(["+", "-"]), children),
        st.builds(Binary, st.sampled_from(["+", "-", "*", "/"]), children, children),
        st.builds(
            lambda args: Call("min", tuple(args)), st.lists(children, min_size=2, max_size=4)
        ),
        st.builds(
            lambda args: Call("max", tuple(args)), st.lists(children, min_size=2, max_size=4)
        ),
        st.builds(lambda x: Call("abs", (x,)), children),
        st.builds(
            lambda x, k: Call("round", (x, Number(Decimal(k)))), children, st.integers(0, 10)
        ),
    )


trees = st.recursive(leaves, _extend, max_leaves=40)

exact_values = st.one_of(
    st.integers(-1000, 1000),
    st.fractions(min_value=-1000, max_value=1000, max_denominator=1000),
    st.decimals(min_value=-1000, max_value=1000, places=3, allow_nan=False, allow_infinity=False),
)


def reference(node: Node, env: dict[str, Fraction]) -> Fraction:
    """An independent, naive evaluator of the AST."""
    if isinstance(node, Number):
        return Fraction(str(node.value))
    if isinstance(node, Name):
        return env[node.name]
    if isinstance(node, Unary):
        return -reference(node.operand, env) if node.op == "-" else reference(node.operand, env)
    if isinstance(node, Binary):
        x, y = reference(node.left, env), reference(node.right, env)
        return {"+": x + y, "-": x - y, "*": x * y}[node.op] if node.op != "/" else x / y
    if node.func == "round":
        x = reference(node.args[0], env) * 10 ** int(node.args[1].value)  # type: ignore[union-attr]
        k = math.floor(x + Fraction(1, 2)) if x >= 0 else -math.floor(-x + Fraction(1, 2))
        return Fraction(k, 10 ** int(node.args[1].value))  # type: ignore[union-attr]
    values = [reference(arg, env) for arg in node.args]
    if node.func == "min":
        return min(values)
    if node.func == "max":
        return max(values)
    assert node.func == "abs"
    return abs(values[0])


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(trees, st.dictionaries(st.sampled_from(NAMES), exact_values, min_size=len(NAMES)))
def test_random_ast_round_trips_with_equal_exact_value(
    node: Node, raw_env: dict[str, int | Fraction | Decimal]
) -> None:
    try:
        formula = Formula.from_node(node)
    except FormulaError:
        assume(False)
        raise
    env = dict(raw_env)
    text = str(formula)
    again = Formula.parse(text)
    assert again == formula
    assert str(again) == text
    spaced = unparse(node, spaced=True)
    if len(spaced) <= MAX_LENGTH:
        assert Formula.parse(spaced) == formula
    exact_env = {k: Fraction(v) for k, v in env.items()}
    try:
        expected = reference(node, exact_env)
    except ZeroDivisionError:
        with pytest.raises(FormulaZeroDivision):
            evaluate_formula(again, env)
        return
    value = evaluate_formula(again, env)
    assert type(value) is Fraction and value == expected


FULL_WIDTH = {"(": "（", ")": "）", "+": "＋", "-": "－", "*": "×", "/": "÷", ",": "，", "%": "％"}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(trees, st.data())
def test_written_variants_parse_to_the_same_ast(node: Node, data: st.DataObject) -> None:
    """Full-width operators, any whitespace and redundant parentheses do not change the AST."""
    try:
        formula = Formula.from_node(node)
    except FormulaError:
        assume(False)
        raise
    out = []
    for ch in unparse(node, spaced=True):
        if ch in FULL_WIDTH and data.draw(st.booleans()):
            ch = FULL_WIDTH[ch]
        elif ch == " ":
            ch = data.draw(st.sampled_from(["", " ", "\u3000", "\t", "  "]))
        out.append(ch)
    text = "".join(out)
    if data.draw(st.booleans()) and unparse(node).count("(") < MAX_DEPTH:  # count bounds the depth
        text = f"（ {text} )"
    assume(len(text) <= MAX_LENGTH)
    parsed = Formula.parse(text)
    assert parsed == formula
    assert parsed.text == text


TOKENS = [
    "a",
    "b",
    "全年执行数",
    "budget.spent",
    "1",
    "0.5",
    ".5",
    "95",
    "%",
    "％",
    "+",
    "-",
    "*",
    "/",
    "(",
    ")",
    "（",
    "）",
    "×",
    "÷",
    "＋",
    "－",
    "，",
    ",",
    "min(",
    "max(",
    "abs(",
    "round(",
    "2",
    " ",
    "\u3000",
    ".",
    "e",
    "$",
    "mni(",
    "1e3",
    "12.",
]


@settings(max_examples=600, deadline=None)
@given(st.one_of(st.lists(st.sampled_from(TOKENS), max_size=40).map("".join), st.text(max_size=80)))
def test_random_text_only_ever_raises_formula_error(text: str) -> None:
    try:
        formula = Formula.parse(text)
    except FormulaError as e:
        assert e.column is None or 1 <= e.column <= len(text) + 1
        assert e.en and e.zh
        return
    normal = str(formula)
    assert len(normal) <= len(text)  # the normalised text never grows, so it always re-parses
    assert Formula.parse(normal) == formula


@given(st.lists(st.sampled_from(TOKENS), max_size=40).map("".join))
@settings(max_examples=300, deadline=None)
def test_columns_point_at_the_node_text(text: str) -> None:
    try:
        formula = Formula.parse(text)
    except FormulaError:
        return
    for error in formula.check([]):
        assert error.column is not None
        name = error.en.split("'")[1]
        assert text[error.column - 1 : error.column - 1 + len(name)] == name


def test_functions_table_matches_docs() -> None:
    assert set(FUNCTIONS) == {"min", "max", "abs", "round"}
