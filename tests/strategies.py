"""Malformed-TOML strategies for the loader's fuzz tests.

Valid specs, actuals and (spec, actuals) cases come from the project's own
hypothesis kit, :mod:`perfrules.testing` (``specs``, ``actuals_for``,
``cases``); this module keeps only what the kit has no use for: random edits
that break a TOML document in the ways hand-edited files break.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TypeVar

import tomli_w
from hypothesis import strategies as st

# free text: any characters TOML strings can carry (hypothesis excludes surrogates)
free_text = st.text(max_size=12)
ids = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789_-.指标率", min_size=1, max_size=10)

T = TypeVar("T")


def pick(draw: st.DrawFn, options: Sequence[T]) -> T:
    """One of ``options`` (cheaper than building a sampled_from strategy per draw)."""
    return options[draw(st.integers(0, len(options) - 1))]


KEYS = [
    "id",
    "name",
    "weight",
    "category",
    "parent",
    "target",
    "target_text",
    "method",
    "derive",
    "total",
    "policy",
    "base",
    "cap",
    "score",
    "tier",
    "value",
    "min",
    "max",
    "year",
    "kind",
    "wieght",
    "unknown",
    "overshoot_warning",
    "negative",
    "equal_above",
    "rounding",
    "grades",
    "tiers",
    "numerator",
    "denominator",
    "bands",
    "per",
    "deduct",
    "partial",
    "on",
    "not_applicable",
    "deductions",
    "points",
    "reason",
    "effect",
]


mutation_keys = st.sampled_from(KEYS) | ids


def _toml_string(s: str) -> str:
    return tomli_w.dumps({"k": s})[4:].rstrip("\n")


toml_literals = st.one_of(
    st.integers(-(10**20), 10**20).map(str),
    st.decimals(allow_nan=False, allow_infinity=False, places=3).map(lambda d: format(d, "f")),
    st.sampled_from(
        [
            "true",
            "false",
            "inf",
            "-inf",
            "nan",
            "+nan",
            "1e30",
            "1e-30",
            "1e400",
            "-0",
            "0",
            "0.0",
            "[]",
            "{}",
            "[1, 2]",
            '["a"]',
            '{ name = "x" }',
            '{ numerator = "a" }',
            "2024-01-01",
            '"≥ abc"',
            '"≥400期"',
            '"≤100%"',
            '"=0"',
            '">0"',
            '"ratio"',
            '"linear_overshoot"',
            '"qualitative"',
            '"round_whole"',
            '"initial"',
            '"部门整体支出"',
            '"达成"',
            '""',
            "99999999999999999999999999999999",
            "0.00000000000000000000001",
            "1_000",
            "0x10",
            '"step"',
            '"bands"',
            '"rate"',
            '"per_occurrence"',
            '{ name = "step", per = 1, deduct = 0.5 }',
            '{ name = "bands", bands = [{ score = 1 }] }',
            "[{ min = 0, score = 1 }]",
            '"a / b"',
            '"(a"',
        ]
    ),
    free_text.map(_toml_string),
)


@st.composite
def mutated(draw: st.DrawFn, text: str) -> str:
    """``text`` with one to three random edits (line deleted, key inserted, value replaced, truncated, …)."""
    for _ in range(draw(st.integers(1, 3))):
        lines = text.split("\n")
        op = pick(
            draw,
            [
                "delete",
                "insert",
                "replace",
                "replace",
                "truncate",
                "duplicate",
                "char",
                "number",
                "string",
            ],
        )
        i = draw(st.integers(0, max(0, len(lines) - 1)))
        if op == "delete" and lines:
            del lines[i]
        elif op == "insert":
            key = draw(mutation_keys)
            lines.insert(i, f"{_toml_key(key)} = {draw(toml_literals)}")
        elif op == "replace":
            candidates = [n for n, line in enumerate(lines) if " = " in line]
            if candidates:
                n = pick(draw, candidates)
                key = lines[n].split(" = ", 1)[0]
                lines[n] = f"{key} = {draw(toml_literals)}"
        elif op == "number":  # a plausible number for a numeric value: reaches the semantic checks
            candidates = [
                n for n, line in enumerate(lines) if re.search(r" = -?[0-9][0-9.]*\s*(#.*)?$", line)
            ]
            if candidates:
                n = pick(draw, candidates)
                key = lines[n].split(" = ", 1)[0]
                lines[n] = (
                    f"{key} = {pick(draw, ['0', '-1', '1', '2.5', '3', '9.995', '10', '50', '100', '2025'])}"
                )
        elif op == "string":  # another string of the same document: ids, categories, enums
            strings = re.findall(r'"[^"\\\n]*"', text)
            candidates = [
                n for n, line in enumerate(lines) if re.search(r' = "[^"]*"\s*(#.*)?$', line)
            ]
            if candidates and strings:
                n = pick(draw, candidates)
                key = lines[n].split(" = ", 1)[0]
                lines[n] = f"{key} = {pick(draw, strings)}"
        elif op == "duplicate" and lines:
            lines.insert(i, lines[i])
        elif op == "truncate":
            joined = "\n".join(lines)
            lines = joined[: draw(st.integers(0, len(joined)))].split("\n")
        elif op == "char":
            joined = "\n".join(lines)
            if joined:
                at = draw(st.integers(0, len(joined) - 1))
                joined = (
                    joined[:at] + pick(draw, list("=[]{}\"'#,.\n 0x≥") + ["\\"]) + joined[at + 1 :]
                )
            lines = joined.split("\n")
        text = "\n".join(lines)
    return text


def _toml_key(key: str) -> str:
    if key and all(c.isascii() and (c.isalnum() or c in "_-") for c in key):
        return key
    return _toml_string(key)
