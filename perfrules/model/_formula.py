"""Small arithmetic formulas for derived figures: parser and immutable AST.

Policy authors write derived figures (rates, amounts) as short formulas such
as ``spent / budget``, ``(budget - spent) / budget``, ``min(spent / budget, 1)``
or ``round(a / b * 100, 2)``. This module turns such text into a frozen AST;
it never evaluates anything (see :mod:`perfrules.core._formula_eval`) and
never hands user text to ``eval``/``exec``/``compile`` or the ``ast`` module.

Grammar (hand-written recursive descent)::

    expr    := term (('+' | '-') term)*
    term    := unary (('*' | '/') unary)*
    unary   := ('-' | '+') unary | primary
    primary := NUMBER ['%'] | NAME | NAME '(' [expr (',' expr)*] ')' | '(' expr ')'

* ``NUMBER`` is a plain decimal: ``12``, ``0.5``, ``.5``. No exponent
  (``1e3``), no digit separators, no trailing point (``12.``), ASCII digits
  only. A ``%`` after a number divides it by 100 exactly: ``95%`` is 0.95.
* ``NAME`` is identifier-like (Unicode letters allowed, so ``全年执行数``
  works) and may contain dots between parts: ``budget.spent``.
* Whitespace of any kind (including the full-width space U+3000) is ignored.
  Full-width operators typed with Chinese IMEs are accepted as aliases:
  ``（ ） ＋ － × ÷ ， ％`` (and ``＊ ／`` and the minus sign ``−``).
* Functions: ``min(a, b, ...)`` and ``max(a, b, ...)`` (two or more
  arguments), ``abs(x)``, ``round(x, n)`` where ``n`` is a whole-number
  literal from 0 to 10.

Limits: at most :data:`MAX_LENGTH` characters of text, :data:`MAX_NODES` AST
nodes and :data:`MAX_DEPTH` levels of nested parentheses (grouping and
function-call parentheses both count); every number literal keeps the
bounds of every number perfrules reads (:func:`perfrules._limits.number_problem`:
below 10^15, at most 10 decimal places). Unary signs are parsed in a loop, so
the parser's recursion is bounded by the parenthesis depth, which is checked
before every recursive step. Every :class:`Formula`, however it was built,
satisfies the limits, so everything that walks its AST is bounded too.

Columns are 1-based character offsets into the whole text (code points, not
display width; a full-width character counts as one column).

``str(formula)`` is the *normalised* text: no whitespace, ASCII operators,
minimal parentheses, number literals spelled as written. It is never longer
than the text it was parsed from (so it always parses back, to an equal
formula). :func:`unparse` with ``spaced=True`` gives a more readable form for
display, which may exceed the length limit.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Callable, Collection
from decimal import Decimal
from typing import Any, Literal, NamedTuple, TypeAlias, cast

import attrs

from perfrules._errors import PerfrulesError
from perfrules._limits import number_problem

__all__ = [
    "FUNCTIONS",
    "MAX_DEPTH",
    "MAX_LENGTH",
    "MAX_NODES",
    "MAX_ROUND_PLACES",
    "Binary",
    "BinaryOp",
    "Call",
    "Formula",
    "FormulaError",
    "FunctionSpec",
    "Name",
    "Node",
    "Number",
    "Unary",
    "UnaryOp",
    "unparse",
]

MAX_LENGTH = 500
"""Longest formula text accepted, in characters."""

MAX_NODES = 200
"""Most AST nodes (numbers, names, operators, function calls) in one formula."""

MAX_DEPTH = 32
"""Deepest nesting of parentheses (grouping or function call) in one formula."""

MAX_ROUND_PLACES = 10
"""Largest number of decimal places ``round(x, n)`` accepts."""


class FormulaError(PerfrulesError, ValueError):
    """A formula that cannot be parsed, exceeds a limit or uses an unknown name.

    ``en`` and ``zh`` are the English and Chinese messages, ``column`` the
    1-based character position the problem is at (``None`` when the formula
    was built from an AST rather than text), ``suggestion`` a did-you-mean
    replacement or the correct usage of a function, when there is one.
    """

    def __init__(
        self, en: str, zh: str, column: int | None = None, suggestion: str | None = None
    ) -> None:
        super().__init__(en)
        self.en = en
        self.zh = zh
        self.column = column
        self.suggestion = suggestion

    def __str__(self) -> str:
        return self.en if self.column is None else f"column {self.column}: {self.en}"

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.en, self.zh, self.column, self.suggestion))


# --------------------------------------------------------------------------- AST

UnaryOp: TypeAlias = Literal["+", "-"]
"""The operator of a :class:`Unary` node."""

BinaryOp: TypeAlias = Literal["+", "-", "*", "/"]
"""The operator of a :class:`Binary` node."""

_DIGITS = frozenset("0123456789")


def _literal_value(literal: str) -> Decimal | None:
    """The value of a number literal as :class:`Number` spells it, or ``None`` if malformed."""
    body, percent = (literal[:-1], True) if literal.endswith("%") else (literal, False)
    whole, dot, frac = body.partition(".")
    if not set(whole) <= _DIGITS or not set(frac) <= _DIGITS:
        return None
    if (dot and not frac) or not (whole or frac):
        return None
    value = Decimal(body)  # exact: the constructor ignores the context precision
    if percent:
        sign, digits, exponent = value.as_tuple()
        assert isinstance(exponent, int)
        value = Decimal((sign, digits, exponent - 2))  # exact ÷ 100
    return value


def _check_number(instance: Number, attribute: attrs.Attribute[Decimal], value: Decimal) -> None:
    if not isinstance(value, Decimal) or not value.is_finite() or value.is_signed():
        raise FormulaError(
            "a number literal must be a finite, non-negative "
            f"Decimal, not {value!r} (write a sign as Unary)",
            f"数字字面量须为有限的非负Decimal，而非{value!r}（负号应写作一元运算）",
        )
    problem = number_problem(value)
    if problem is not None:
        raise FormulaError(*problem)


def _check_literal(
    instance: Number, attribute: attrs.Attribute[str | None], value: str | None
) -> None:
    if value is None:
        return
    parsed = _literal_value(value) if isinstance(value, str) else None
    if parsed is None or parsed != instance.value:
        raise FormulaError(
            f"literal {value!r} does not spell the number {instance.value}",
            f"字面量{value!r}与数值{instance.value}不符",
        )


@attrs.frozen
class Number:
    """A non-negative number literal; ``95%`` is stored as ``Decimal('0.95')``.

    ``literal`` keeps the spelling the author used (``.5``, ``95%``) so the
    normalised text shows it; it does not take part in equality.
    """

    value: Decimal = attrs.field(validator=_check_number)
    literal: str | None = attrs.field(
        default=None, eq=False, kw_only=True, validator=_check_literal
    )
    column: int | None = attrs.field(default=None, eq=False, kw_only=True)


def _is_name_start(ch: str) -> bool:
    return ch.isidentifier()


def _is_name_char(ch: str) -> bool:
    return ("a" + ch).isidentifier()


def _valid_name(name: str) -> bool:
    parts = name.split(".")
    return all(p and _is_name_start(p[0]) and all(_is_name_char(c) for c in p[1:]) for p in parts)


def _check_name(instance: Name, attribute: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or not _valid_name(value):
        raise FormulaError(f"{value!r} is not a valid name", f"{value!r}不是有效的名称")


@attrs.frozen
class Name:
    """A reference to a named figure, e.g. ``spent``, ``budget.spent`` or ``全年执行数``."""

    name: str = attrs.field(validator=_check_name)
    column: int | None = attrs.field(default=None, eq=False, kw_only=True)


def _check_node(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, _NODE_TYPES):
        raise FormulaError(
            f"{attribute.name} must be a formula node, not {type(value).__name__}",
            f"{attribute.name}须为公式节点，而非{type(value).__name__}",
        )


def _check_op(allowed: str) -> Callable[[object, attrs.Attribute[str], str], None]:
    def check(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
        if not (isinstance(value, str) and len(value) == 1 and value in allowed):
            raise FormulaError(f"unknown operator {value!r}", f"未知运算符{value!r}")

    return check


@attrs.frozen
class Unary:
    """A sign applied to an operand: ``-x`` or ``+x``."""

    op: UnaryOp = attrs.field(validator=_check_op("+-"))
    operand: Node = attrs.field(validator=_check_node)
    column: int | None = attrs.field(default=None, eq=False, kw_only=True)


@attrs.frozen
class Binary:
    """``left op right`` for ``+ - * /``; ``column`` is the operator's."""

    op: BinaryOp = attrs.field(validator=_check_op("+-*/"))
    left: Node = attrs.field(validator=_check_node)
    right: Node = attrs.field(validator=_check_node)
    column: int | None = attrs.field(default=None, eq=False, kw_only=True)


class FunctionSpec(NamedTuple):
    """Arity and usage of one formula function."""

    min_args: int
    max_args: int | None  # None: no upper bound
    usage: str
    zh: str


FUNCTIONS: dict[str, FunctionSpec] = {
    "min": FunctionSpec(2, None, "min(a, b, ...)", "取最小值"),
    "max": FunctionSpec(2, None, "max(a, b, ...)", "取最大值"),
    "abs": FunctionSpec(1, 1, "abs(x)", "取绝对值"),
    "round": FunctionSpec(2, 2, "round(x, n)", "四舍五入保留n位小数"),
}
"""The functions a formula may call, by name."""


def _arity_error(func: str, given: int, column: int | None) -> FormulaError | None:
    spec = FUNCTIONS[func]
    if given >= spec.min_args and (spec.max_args is None or given <= spec.max_args):
        return None
    if spec.max_args is None:
        en_need, zh_need = f"at least {spec.min_args}", f"至少{spec.min_args}个"
    else:
        en_need, zh_need = f"exactly {spec.min_args}", f"{spec.min_args}个"
    plural = "" if spec.min_args == 1 and spec.max_args == 1 else "s"
    return FormulaError(
        f"{func}() takes {en_need} argument{plural}, got {given}; usage: {spec.usage}",
        f"函数{func}需要{zh_need}参数，实际为{given}个；用法：{spec.usage}",
        column,
        spec.usage,
    )


def _round_places_error(arg: Node) -> FormulaError | None:
    if (
        isinstance(arg, Number)
        and arg.value == arg.value.to_integral_value()
        and arg.value <= MAX_ROUND_PLACES
    ):
        return None
    return FormulaError(
        "the second argument of round() must be a "
        f"whole-number literal from 0 to {MAX_ROUND_PLACES} "
        "(the number of decimal places), such as 2",
        f"round的第二个参数须为0至{MAX_ROUND_PLACES}的整数字面量（保留的小数位数），如2",
        arg.column,
    )


def _check_call(
    instance: Call, attribute: attrs.Attribute[tuple[Node, ...]], args: tuple[Node, ...]
) -> None:
    if not isinstance(instance.func, str):
        raise FormulaError("Call.func must be a str", "Call.func须为字符串")
    if instance.func not in FUNCTIONS:
        raise _unknown_function(instance.func, instance.column)
    if not isinstance(args, tuple):
        raise FormulaError("Call.args must be a tuple", "Call.args须为元组")
    for arg in args:
        if not isinstance(arg, _NODE_TYPES):
            raise FormulaError(
                f"function arguments must be formula nodes, not {type(arg).__name__}",
                f"函数参数须为公式节点，而非{type(arg).__name__}",
            )
    error = _arity_error(instance.func, len(args), instance.column)
    if error is None and instance.func == "round":
        error = _round_places_error(args[1])
    if error is not None:
        raise error


@attrs.frozen
class Call:
    """A call of one of :data:`FUNCTIONS`; ``column`` is the function name's."""

    func: str
    args: tuple[Node, ...] = attrs.field(validator=_check_call)
    column: int | None = attrs.field(default=None, eq=False, kw_only=True)


Node: TypeAlias = Number | Name | Unary | Binary | Call
"""Any formula AST node."""

_NODE_TYPES = (Number, Name, Unary, Binary, Call)


# ----------------------------------------------------------------- suggestions


def _fold(word: str) -> str:
    # NFKC maps full-width letters and digits (typed in a Chinese IME) to ASCII
    return unicodedata.normalize("NFKC", word).casefold()


def _did_you_mean(word: str, candidates: Collection[str]) -> str | None:
    pool = [c for c in candidates if c != word]
    folded = {_fold(c): c for c in pool}
    if _fold(word) in folded:
        return folded[_fold(word)]
    match = difflib.get_close_matches(word, pool, n=1, cutoff=0.6)
    return match[0] if match else None


def _unknown_function(func: str, column: int | None) -> FormulaError:
    hint = _did_you_mean(func, FUNCTIONS)
    known = ", ".join(FUNCTIONS)
    en = f"unknown function '{func}'"
    zh = f"未知函数“{func}”"
    if hint is not None:
        en += f"; did you mean '{hint}'?"
        zh += f"，是否应为“{hint}”？"
    else:
        en += f"; available: {known}"
        zh += f"；可用函数：{known}"
    return FormulaError(en, zh, column, hint)


# ----------------------------------------------------------------------- lexer

_ALIASES = {
    "（": "(",
    "）": ")",
    "＋": "+",
    "－": "-",
    "−": "-",
    "×": "*",
    "＊": "*",
    "÷": "/",
    "／": "/",
    "，": ",",
    "％": "%",
}
_PUNCT_KIND: dict[str, str] = {
    "+": "op",
    "-": "op",
    "*": "op",
    "/": "op",
    "(": "(",
    ")": ")",
    ",": ",",
    "%": "%",
}


class _Token(NamedTuple):
    kind: str  # "num", "name", "op", "(", ")", ",", "%" or "end"
    text: str  # normalised (ASCII operators, literal as written)
    raw: str  # as written, for messages
    column: int
    value: Decimal | None = None


def _describe(tok: _Token) -> str:
    if tok.kind == "end":
        return "the end of the formula"
    if tok.kind == "num":
        return f"number {tok.raw}"
    if tok.kind == "name":
        return f"name '{tok.raw}'"
    return f"'{tok.raw}'"


def _describe_zh(tok: _Token) -> str:
    if tok.kind == "end":
        return "公式结尾"
    if tok.kind == "num":
        return f"数字{tok.raw}"
    if tok.kind == "name":
        return f"名称“{tok.raw}”"
    return f"“{tok.raw}”"


class _Lexer:
    """Produces one token at a time, so errors come out in text order."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def error(self, en: str, zh: str, index: int) -> FormulaError:
        return FormulaError(en, zh, index + 1)

    def next(self) -> _Token:
        text, n = self.text, len(self.text)
        while self.pos < n and text[self.pos].isspace():
            self.pos += 1
        if self.pos >= n:
            return _Token("end", "", "", n + 1)
        start = self.pos
        ch = text[start]
        norm = _ALIASES.get(ch, ch)
        if norm in _PUNCT_KIND:
            self.pos += 1
            return _Token(_PUNCT_KIND[norm], norm, ch, start + 1)
        if ch in _DIGITS or ch == ".":
            return self._number(start)
        if _is_name_start(ch):
            return self._name(start)
        if ch.isdigit():
            raise self.error(
                f"unexpected character '{ch}': write digits as ASCII 0-9",
                f"无法识别的字符“{ch}”：数字请使用半角0-9",
                start,
            )
        raise self.error(f"unexpected character '{ch}'", f"无法识别的字符“{ch}”", start)

    def _number(self, start: int) -> _Token:
        text, n = self.text, len(self.text)
        pos = start
        while pos < n and text[pos] in _DIGITS:
            pos += 1
        if pos < n and text[pos] == ".":
            if pos + 1 < n and text[pos + 1] in _DIGITS:
                pos += 1
                while pos < n and text[pos] in _DIGITS:
                    pos += 1
            elif pos == start:
                raise self.error("'.' must be followed by digits", "小数点后须有数字", pos)
            else:
                raise self.error(
                    "a decimal point must be followed by digits "
                    f"(write {text[start:pos]} or {text[start:pos]}.0)",
                    f"小数点后须有数字（应写作{text[start:pos]}或{text[start:pos]}.0）",
                    pos,
                )
        if pos < n:
            ch = text[pos]
            if ch == ".":
                raise self.error(
                    "a number has only one decimal point", "数字中只能有一个小数点", pos
                )
            if ch in "eE" and pos + 1 < n and (text[pos + 1] in _DIGITS or text[pos + 1] in "+-"):
                raise self.error(
                    "scientific notation (such as 1e3) is not "
                    "supported; write the number as a plain decimal",
                    "不支持科学计数法（如1e3），请写成普通小数",
                    pos,
                )
            if _is_name_char(ch):
                raise self.error(
                    f"a number cannot be directly followed by '{ch}'; "
                    "put an operator between them (e.g. 2 * x)",
                    f"数字后不能直接跟“{ch}”，请在两者之间加运算符（如 2 * x）",
                    pos,
                )
        self.pos = pos
        literal = text[start:pos]
        return _Token("num", literal, literal, start + 1, Decimal(literal))

    def _name(self, start: int) -> _Token:
        text, n = self.text, len(self.text)
        pos = start + 1
        while True:
            while pos < n and _is_name_char(text[pos]):
                pos += 1
            if pos < n and text[pos] == ".":
                if pos + 1 < n and _is_name_start(text[pos + 1]):
                    pos += 2
                    continue
                raise self.error(
                    "'.' in a name must be followed by a letter or '_' (e.g. budget.spent)",
                    "名称中的“.”后须跟字母或下划线（如 budget.spent）",
                    pos,
                )
            break
        self.pos = pos
        name = text[start:pos]
        return _Token("name", name, name, start + 1)


# ---------------------------------------------------------------------- parser


class _Parser:
    def __init__(self, text: str) -> None:
        self.lexer = _Lexer(text)
        self.prev: _Token | None = None
        self.tok = self.lexer.next()
        self.nodes = 0
        self.depth = 0

    def advance(self) -> _Token:
        tok = self.tok
        self.prev = tok
        self.tok = self.lexer.next()
        return tok

    # --- limits

    def made(self, node: Node) -> Node:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise _too_many_nodes(node.column)
        return node

    def enter(self, paren: _Token) -> None:
        if self.depth >= MAX_DEPTH:
            raise FormulaError(
                f"parentheses are nested too deeply: more than {MAX_DEPTH} levels",
                f"括号嵌套过深：超过{MAX_DEPTH}层",
                paren.column,
            )
        self.depth += 1

    # --- errors

    def expected_operand(self) -> FormulaError:
        tok = self.tok
        if tok.kind == "end" and self.prev is not None and self.prev.kind in ("op", "(", ","):
            return FormulaError(
                f"the formula ends after '{self.prev.raw}'; expected a number, a name or '('",
                f"公式在“{self.prev.raw}”后意外结束，此处应为数字、名称或“(”",
                tok.column,
            )
        if tok.kind == "%":
            return _percent_error(tok)
        return FormulaError(
            f"unexpected {_describe(tok)}; expected a number, a name or '('",
            f"此处不应出现{_describe_zh(tok)}，应为数字、名称或“(”",
            tok.column,
        )

    def expected_after_operand(self, closers: str, opener: _Token | None) -> FormulaError:
        """The current token cannot follow a complete operand (``closers``: what else could)."""
        tok = self.tok
        if tok.kind == "%":
            return _percent_error(tok)
        if tok.kind == "end" and opener is not None:
            return FormulaError(
                f"'{opener.raw}' at column {opener.column} is never closed; add ')'",
                f"第{opener.column}列的“{opener.raw}”缺少对应的“)”",
                opener.column,
            )
        if tok.kind == ")" and opener is None:
            return FormulaError("unmatched ')'", "多余的“)”，没有与之对应的“(”", tok.column)
        if tok.kind in ("num", "name", "("):
            return FormulaError(
                f"missing operator before {_describe(tok)}",
                f"{_describe_zh(tok)}之前缺少运算符",
                tok.column,
            )
        if tok.kind == "," and opener is None:
            return FormulaError(
                "',' may only separate function arguments",
                "“,”只能用于分隔函数参数",
                tok.column,
            )
        return FormulaError(
            f"unexpected {_describe(tok)}; expected an operator or {closers}",
            f"此处不应出现{_describe_zh(tok)}，应为运算符或{closers}",
            tok.column,
        )

    # --- grammar

    def parse(self) -> Node:
        if self.tok.kind == "end":
            raise FormulaError("empty formula", "公式为空", 1)
        node = self.expr()
        if self.tok.kind != "end":
            raise self.expected_after_operand("the end of the formula", None)
        return node

    def expr(self) -> Node:
        left = self.term()
        while self.tok.kind == "op" and self.tok.text in "+-":
            op = self.advance()
            right = self.term()
            left = self.made(Binary(cast(BinaryOp, op.text), left, right, column=op.column))
        return left

    def term(self) -> Node:
        left = self.unary()
        while self.tok.kind == "op" and self.tok.text in "*/":
            op = self.advance()
            right = self.unary()
            left = self.made(Binary(cast(BinaryOp, op.text), left, right, column=op.column))
        return left

    def unary(self) -> Node:
        signs: list[_Token] = []
        while self.tok.kind == "op" and self.tok.text in "+-":  # a loop, not recursion
            signs.append(self.advance())
        node = self.primary()
        for sign in reversed(signs):
            node = self.made(Unary(cast(UnaryOp, sign.text), node, column=sign.column))
        return node

    def primary(self) -> Node:
        tok = self.tok
        if tok.kind == "num":
            self.advance()
            assert tok.value is not None
            literal, value = tok.text, tok.value
            if self.tok.kind == "%":
                self.advance()
                literal = tok.text + "%"
                percent = _literal_value(literal)
                assert percent is not None
                value = percent
            problem = number_problem(value, literal)
            if problem is not None:
                raise FormulaError(*problem, tok.column)
            return self.made(Number(value, literal=literal, column=tok.column))
        if tok.kind == "name":
            self.advance()
            if self.tok.kind == "(":
                return self.call(tok)
            return self.made(Name(tok.text, column=tok.column))
        if tok.kind == "(":
            self.enter(tok)
            self.advance()
            node = self.expr()
            if self.tok.kind != ")":
                raise self.expected_after_operand("')'", tok)
            self.advance()
            self.depth -= 1
            return node
        raise self.expected_operand()

    def call(self, name: _Token) -> Node:
        func = name.text
        if func not in FUNCTIONS:
            raise _unknown_function(func, name.column)
        opener = self.tok
        self.enter(opener)
        self.advance()
        args: list[Node] = []
        if self.tok.kind == ")":
            self.advance()
        else:
            while True:
                args.append(self.expr())
                if self.tok.kind == ",":
                    self.advance()
                    continue
                if self.tok.kind == ")":
                    self.advance()
                    break
                raise self.expected_after_operand("',' or ')'", opener)
        self.depth -= 1
        error = _arity_error(func, len(args), name.column)
        if error is None and func == "round":
            error = _round_places_error(args[1])
        if error is not None:
            raise error
        return self.made(Call(func, tuple(args), column=name.column))


def _percent_error(tok: _Token) -> FormulaError:
    return FormulaError(
        "'%' may only follow a number literal (it means ÷ 100, not remainder)",
        "“%”只能紧跟在数字之后（表示除以100，而非取余）",
        tok.column,
    )


def _too_many_nodes(column: int | None) -> FormulaError:
    return FormulaError(
        f"the formula is too complex: more than {MAX_NODES} "
        "parts (numbers, names, operators, function calls)",
        f"公式过于复杂：超过{MAX_NODES}个组成部分（数字、名称、运算符、函数）",
        column,
    )


# ------------------------------------------------------------------- traversal


def _source_order(root: Node, limit: int | None = None) -> list[Node]:
    """Every node, in the order its column appears in the text; iterative.

    With ``limit``, raises :class:`FormulaError` as soon as there are more nodes.
    """
    out: list[Node] = []
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, expanded = stack.pop()
        if expanded or isinstance(node, Number | Name):
            out.append(node)
            if limit is not None and len(out) > limit:
                raise _too_many_nodes(None)
        elif isinstance(node, Binary):
            stack += [(node.right, False), (node, True), (node.left, False)]
        elif isinstance(node, Unary):
            stack += [(node.operand, False), (node, True)]
        else:
            stack += [(arg, False) for arg in reversed(node.args)]
            stack.append((node, True))
    return out


# --------------------------------------------------------------------- unparse

_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2}


def _format_number(node: Number) -> str:
    if node.literal is not None:
        return node.literal
    return format(node.value, "f")  # exact, never exponent notation


def _unparse(node: Node, spaced: bool) -> str:
    if isinstance(node, Number):
        return _format_number(node)
    if isinstance(node, Name):
        return node.name
    if isinstance(node, Unary):
        inner = _unparse(node.operand, spaced)
        return f"{node.op}({inner})" if isinstance(node.operand, Binary) else node.op + inner
    if isinstance(node, Binary):
        prec = _PRECEDENCE[node.op]
        left = _unparse(node.left, spaced)
        if isinstance(node.left, Binary) and _PRECEDENCE[node.left.op] < prec:
            left = f"({left})"
        right = _unparse(node.right, spaced)
        if isinstance(node.right, Binary) and _PRECEDENCE[node.right.op] <= prec:
            right = f"({right})"  # keeps left-associativity: a-(b-c), a/(b*c)
        return f"{left} {node.op} {right}" if spaced else f"{left}{node.op}{right}"
    sep = ", " if spaced else ","
    return f"{node.func}({sep.join(_unparse(arg, spaced) for arg in node.args)})"


def unparse(node: Node, *, spaced: bool = False) -> str:
    """The normalised text of ``node``; it parses back to an equal AST.

    The default output has no whitespace and minimal parentheses (left
    associativity of ``-`` and ``/`` is kept: ``a-(b-c)``). ``spaced=True``
    puts spaces around binary operators and after commas, for display.
    Raises :class:`FormulaError` for an AST of more than :data:`MAX_NODES` nodes.
    """
    _source_order(node, MAX_NODES)
    return _unparse(node, spaced)


def _paren_depth(text: str) -> int:
    depth = deepest = 0
    for ch in text:
        if ch == "(":
            depth += 1
            deepest = max(deepest, depth)
        elif ch == ")":
            depth -= 1
    return deepest


def _check_root(instance: Formula, attribute: attrs.Attribute[Node], root: Node) -> None:
    if not isinstance(root, _NODE_TYPES):
        raise FormulaError(
            f"Formula.root must be a formula node, not {type(root).__name__}",
            f"Formula.root须为公式节点，而非{type(root).__name__}",
        )
    _source_order(root, MAX_NODES)
    text = _unparse(root, False)
    if len(text) > MAX_LENGTH:
        raise FormulaError(
            f"the formula is too long: {len(text)} characters, at most {MAX_LENGTH} allowed",
            f"公式过长：共{len(text)}个字符，最多允许{MAX_LENGTH}个",
        )
    if _paren_depth(text) > MAX_DEPTH:
        raise FormulaError(
            f"parentheses are nested too deeply: more than {MAX_DEPTH} levels",
            f"括号嵌套过深：超过{MAX_DEPTH}层",
        )


# --------------------------------------------------------------------- Formula


@attrs.frozen
class Formula:
    """A parsed formula: the text as written and its AST (equality is by AST only).

    Every instance is within the limits (:data:`MAX_NODES` nodes, and a
    normalised text of at most :data:`MAX_LENGTH` characters and
    :data:`MAX_DEPTH` nested parentheses), so ``Formula.parse(str(f)) == f``.
    """

    text: str = attrs.field(eq=False, validator=attrs.validators.instance_of(str))
    root: Node = attrs.field(validator=_check_root)

    @classmethod
    def parse(cls, text: str) -> Formula:
        """Parse ``text``; raises :class:`FormulaError` with the column of the first problem."""
        if not isinstance(text, str):
            raise TypeError(f"formula text must be str, not {type(text).__name__}")
        if len(text) > MAX_LENGTH:
            raise FormulaError(
                f"the formula is too long: {len(text)} characters, at most {MAX_LENGTH} allowed",
                f"公式过长：共{len(text)}个字符，最多允许{MAX_LENGTH}个",
                MAX_LENGTH + 1,
            )
        return cls(text, _Parser(text).parse())

    @classmethod
    def from_node(cls, root: Node) -> Formula:
        """A formula for an AST built in code; its ``text`` is the normalised text."""
        _source_order(root, MAX_NODES)
        return cls(_unparse(root, False), root)

    def __str__(self) -> str:
        return _unparse(self.root, False)

    @property
    def names(self) -> frozenset[str]:
        """Every name the formula refers to (function names excluded)."""
        return frozenset(n.name for n in _source_order(self.root) if isinstance(n, Name))

    def check(self, known: Collection[str]) -> list[FormulaError]:
        """One error per reference to a name not in ``known``, in text order.

        Each error has the reference's column and, when one is close enough,
        a did-you-mean ``suggestion`` among ``known``.
        """
        if isinstance(known, str):
            raise TypeError("known must be a collection of names, not a single str")
        pool = frozenset(known)
        errors: list[FormulaError] = []
        for node in _source_order(self.root):
            if isinstance(node, Name) and node.name not in pool:
                hint = _did_you_mean(node.name, pool)
                en = f"unknown name '{node.name}'"
                zh = f"未知名称“{node.name}”"
                if hint is not None:
                    en += f"; did you mean '{hint}'?"
                    zh += f"，是否应为“{hint}”？"
                errors.append(FormulaError(en, zh, node.column, hint))
        return errors

    def divisors(self) -> tuple[Node, ...]:
        """Every right operand of ``/``, in text order (what must not be zero)."""
        return tuple(
            n.right for n in _source_order(self.root) if isinstance(n, Binary) and n.op == "/"
        )
