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
from perfrules._messages import Message, message

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
        raise FormulaError(*message(("invalid-value", "formula-number"), value=value))
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
            *message(("invalid-value", "formula-literal"), literal=value, value=instance.value)
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
        raise FormulaError(*message(("invalid-value", "formula-name"), value=value))


@attrs.frozen
class Name:
    """A reference to a named figure, e.g. ``spent``, ``budget.spent`` or ``全年执行数``."""

    name: str = attrs.field(validator=_check_name)
    column: int | None = attrs.field(default=None, eq=False, kw_only=True)


def _check_node(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, _NODE_TYPES):
        raise FormulaError(
            *message(
                ("invalid-value", "formula-node"), field=attribute.name, kind=type(value).__name__
            )
        )


def _check_op(allowed: str) -> Callable[[object, attrs.Attribute[str], str], None]:
    def check(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
        if not (isinstance(value, str) and len(value) == 1 and value in allowed):
            raise FormulaError(*message(("invalid-value", "formula-operator"), value=value))

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
        need = message(("invalid-value", "formula-at-least"), n=spec.min_args)
    elif spec.min_args == 1 and spec.max_args == 1:
        need = message(("invalid-value", "formula-exactly-one"))
    else:
        need = message(("invalid-value", "formula-exactly"), n=spec.min_args)
    said = message(
        ("invalid-value", "formula-arity"), func=func, need=need, given=given, usage=spec.usage
    )
    return FormulaError(*said, column, spec.usage)


def _round_places_error(arg: Node) -> FormulaError | None:
    if (
        isinstance(arg, Number)
        and arg.value == arg.value.to_integral_value()
        and arg.value <= MAX_ROUND_PLACES
    ):
        return None
    return FormulaError(
        *message(("invalid-value", "formula-round-places"), places=MAX_ROUND_PLACES), arg.column
    )


def _check_call(
    instance: Call, attribute: attrs.Attribute[tuple[Node, ...]], args: tuple[Node, ...]
) -> None:
    if not isinstance(instance.func, str):
        raise FormulaError(*message(("invalid-value", "formula-call-func")))
    if instance.func not in FUNCTIONS:
        raise _unknown_function(instance.func, instance.column)
    if not isinstance(args, tuple):
        raise FormulaError(*message(("invalid-value", "formula-call-args")))
    for arg in args:
        if not isinstance(arg, _NODE_TYPES):
            raise FormulaError(
                *message(("invalid-value", "formula-argument-node"), kind=type(arg).__name__)
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
    more = (
        message(("invalid-value", "formula-functions"), known=", ".join(FUNCTIONS))
        if hint is None
        else message(("invalid-value", "formula-did-you-mean"), hint=hint)
    )
    return FormulaError(
        *message(("invalid-value", "formula-function"), func=func, hint=more), column, hint
    )


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


def _describe(tok: _Token) -> Message:
    """What stands at ``tok`` (in both languages)."""
    if tok.kind == "end":
        return message(("invalid-value", "formula-at-end"))
    if tok.kind == "num":
        return message(("invalid-value", "formula-at-number"), raw=tok.raw)
    if tok.kind == "name":
        return message(("invalid-value", "formula-at-name"), raw=tok.raw)
    return Message(f"'{tok.raw}'", f"“{tok.raw}”")  # a mark: no words to put in the table


class _Lexer:
    """Produces one token at a time, so errors come out in text order."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def error(self, said: Message, index: int) -> FormulaError:
        return FormulaError(*said, index + 1)

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
            raise self.error(message(("invalid-value", "formula-wide-digit"), ch=ch), start)
        raise self.error(message(("invalid-value", "formula-character"), ch=ch), start)

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
                raise self.error(message(("invalid-value", "formula-bare-point")), pos)
            else:
                raise self.error(
                    message(("invalid-value", "formula-trailing-point"), whole=text[start:pos]), pos
                )
        if pos < n:
            ch = text[pos]
            if ch == ".":
                raise self.error(message(("invalid-value", "formula-two-points")), pos)
            if ch in "eE" and pos + 1 < n and (text[pos + 1] in _DIGITS or text[pos + 1] in "+-"):
                raise self.error(message(("invalid-value", "formula-exponent")), pos)
            if _is_name_char(ch):
                raise self.error(message(("invalid-value", "formula-number-then-name"), ch=ch), pos)
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
                raise self.error(message(("invalid-value", "formula-name-point")), pos)
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
                *message(("invalid-value", "formula-depth"), depth=MAX_DEPTH), paren.column
            )
        self.depth += 1

    # --- errors

    def expected_operand(self) -> FormulaError:
        tok = self.tok
        if tok.kind == "end" and self.prev is not None and self.prev.kind in ("op", "(", ","):
            return FormulaError(
                *message(("invalid-value", "formula-ends-after"), after=self.prev.raw), tok.column
            )
        if tok.kind == "%":
            return _percent_error(tok)
        return FormulaError(
            *message(("invalid-value", "formula-operand"), token=_describe(tok)), tok.column
        )

    def expected_after_operand(self, closers: Message, opener: _Token | None) -> FormulaError:
        """The current token cannot follow a complete operand (``closers``: what else could)."""
        tok = self.tok
        if tok.kind == "%":
            return _percent_error(tok)
        if tok.kind == "end" and opener is not None:
            said = message(
                ("invalid-value", "formula-unclosed"), opener=opener.raw, column=opener.column
            )
            return FormulaError(*said, opener.column)
        if tok.kind == ")" and opener is None:
            return FormulaError(*message(("invalid-value", "formula-unmatched")), tok.column)
        if tok.kind in ("num", "name", "("):
            return FormulaError(
                *message(("invalid-value", "formula-missing-operator"), token=_describe(tok)),
                tok.column,
            )
        if tok.kind == "," and opener is None:
            return FormulaError(*message(("invalid-value", "formula-comma")), tok.column)
        said = message(
            ("invalid-value", "formula-operator-expected"), token=_describe(tok), closers=closers
        )
        return FormulaError(*said, tok.column)

    # --- grammar

    def parse(self) -> Node:
        if self.tok.kind == "end":
            raise FormulaError(*message(("invalid-value", "formula-empty")), 1)
        node = self.expr()
        if self.tok.kind != "end":
            raise self.expected_after_operand(message(("invalid-value", "formula-at-end")), None)
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
                raise self.expected_after_operand(Message("')'", "“)”"), tok)
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
                raise self.expected_after_operand(
                    message(("invalid-value", "formula-comma-or-paren")), opener
                )
        self.depth -= 1
        error = _arity_error(func, len(args), name.column)
        if error is None and func == "round":
            error = _round_places_error(args[1])
        if error is not None:
            raise error
        return self.made(Call(func, tuple(args), column=name.column))


def _percent_error(tok: _Token) -> FormulaError:
    return FormulaError(*message(("invalid-value", "formula-percent")), tok.column)


def _too_many_nodes(column: int | None) -> FormulaError:
    return FormulaError(*message(("invalid-value", "formula-nodes"), nodes=MAX_NODES), column)


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
            *message(
                ("invalid-value", "formula-node"), field="Formula.root", kind=type(root).__name__
            )
        )
    _source_order(root, MAX_NODES)
    text = _unparse(root, False)
    if len(text) > MAX_LENGTH:
        raise FormulaError(
            *message(("invalid-value", "formula-length"), length=len(text), limit=MAX_LENGTH)
        )
    if _paren_depth(text) > MAX_DEPTH:
        raise FormulaError(*message(("invalid-value", "formula-depth"), depth=MAX_DEPTH))


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
            said = message(("invalid-value", "formula-length"), length=len(text), limit=MAX_LENGTH)
            raise FormulaError(*said, MAX_LENGTH + 1)
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
                more = (
                    Message("", "")
                    if hint is None
                    else message(("invalid-value", "formula-did-you-mean"), hint=hint)
                )
                said = message(("invalid-value", "formula-unknown-name"), name=node.name, hint=more)
                errors.append(FormulaError(*said, node.column, hint))
        return errors

    def divisors(self) -> tuple[Node, ...]:
        """Every right operand of ``/``, in text order (what must not be zero)."""
        return tuple(
            n.right for n in _source_order(self.root) if isinstance(n, Binary) and n.op == "/"
        )
