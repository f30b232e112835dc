"""Tests for :mod:`perfrules.loading._toml_index`."""

from __future__ import annotations

import string
import tomllib
from typing import Any

import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from perfrules.loading._toml_index import PathKey, index_positions

EXAMPLE = """\
title = "x"
[meta]
id = "a"          # comment with = and [brackets]
[[indicators]]
id = "i1"
target = { comparator = "≥", value = 400 }
[[indicators]]
id = "i2"
"quoted key".sub = 1
grades = [ { name = "优", min = 90 },
           { name = "良", min = 80 } ]
[[indicators.children]]
x = 1
[actuals.portal_updates]
value = 2.7
"""


def all_paths(value: Any, prefix: PathKey = ()) -> set[PathKey]:
    """Every dict-key and list-index path in a ``tomllib.loads`` result."""
    paths: set[PathKey] = set()
    if isinstance(value, dict):
        for key, item in value.items():
            paths.add((*prefix, key))
            paths |= all_paths(item, (*prefix, key))
    elif isinstance(value, list):
        for number, item in enumerate(value):
            paths.add((*prefix, number))
            paths |= all_paths(item, (*prefix, number))
    return paths


def assert_same_paths(text: str) -> dict[PathKey, tuple[int, int]]:
    """Index *text* and check its paths equal those tomllib produces."""
    index = index_positions(text)
    assert set(index) == all_paths(tomllib.loads(text))
    return index


def test_example_document_exact_positions() -> None:
    index = assert_same_paths(EXAMPLE)
    expected: dict[PathKey, tuple[int, int]] = {
        ("title",): (1, 1),
        ("meta",): (2, 2),
        ("meta", "id"): (3, 1),
        ("indicators",): (4, 3),
        ("indicators", 0): (4, 3),
        ("indicators", 0, "id"): (5, 1),
        ("indicators", 0, "target"): (6, 1),
        ("indicators", 0, "target", "comparator"): (6, 12),
        ("indicators", 0, "target", "value"): (6, 30),
        ("indicators", 1): (7, 3),
        ("indicators", 1, "id"): (8, 1),
        ("indicators", 1, "quoted key"): (9, 1),
        ("indicators", 1, "quoted key", "sub"): (9, 14),
        ("indicators", 1, "grades"): (10, 1),
        ("indicators", 1, "grades", 0): (10, 12),
        ("indicators", 1, "grades", 0, "name"): (10, 14),
        ("indicators", 1, "grades", 0, "min"): (10, 26),
        ("indicators", 1, "grades", 1): (11, 12),
        ("indicators", 1, "grades", 1, "name"): (11, 14),
        ("indicators", 1, "grades", 1, "min"): (11, 26),
        ("indicators", 1, "children"): (12, 14),
        ("indicators", 1, "children", 0): (12, 14),
        ("indicators", 1, "children", 0, "x"): (13, 1),
        ("actuals",): (14, 2),
        ("actuals", "portal_updates"): (14, 10),
        ("actuals", "portal_updates", "value"): (15, 1),
    }
    assert index == expected


def test_crlf_line_endings() -> None:
    text = EXAMPLE.replace("\n", "\r\n")
    assert index_positions(text) == index_positions(EXAMPLE)
    assert_same_paths(text)


def test_scalar_array_elements() -> None:
    index = assert_same_paths('xs = [1, 2]\nys = ["a",\n  -3.5e2 ]\n')
    assert index[("xs", 0)] == (1, 7)
    assert index[("xs", 1)] == (1, 10)
    assert index[("ys", 0)] == (2, 7)
    assert index[("ys", 1)] == (3, 3)


@pytest.mark.parametrize(
    "value",
    [
        '"plain"',
        "'lit = [x]'",
        '"esc \\" \\\\ \\u00e9 \\U0001F600 # ["',
        '"""multi\nline \\""" still"\nend"""',
        '"""line \\\n    continued"""',
        '""""quoted""""',
        "'''raw\n'' [x] = # '''",
        "''''''''",
        "''''a'''''",
    ],
)
def test_string_values_are_skipped(value: str) -> None:
    text = f"a = {value}\nb = 1 # after\n"
    index = assert_same_paths(text)
    assert index[("a",)] == (1, 1)
    assert index[("b",)] == (value.count("\n") + 2, 1)
    # The same strings inside an array followed by another element.
    text = f"arr = [ {value} , 7 ]\n"
    index = assert_same_paths(text)
    assert index[("arr", 0)] == (1, 9)
    assert index[("arr", 1)][0] == value.count("\n") + 1


def test_quoted_keys_are_decoded() -> None:
    text = (
        '"a\\"b" = 1\n'
        '"\\u5206\\u503c" = 2\n'
        "'lit\\eral' = 3\n"
        '"tab\\there".\'x.y\' . "\\U0001F600" = 4\n'
        '"1.2" = 5\n'
        '"" = 6\n'
    )
    index = assert_same_paths(text)
    assert index[('a"b',)] == (1, 1)
    assert index[("分值",)] == (2, 1)
    assert index[("lit\\eral",)] == (3, 1)
    assert index[("tab\there",)] == (4, 1)
    assert index[("tab\there", "x.y")] == (4, 13)
    assert index[("tab\there", "x.y", "😀")] == (4, 21)
    assert index[("1.2",)] == (5, 1)
    assert index[("",)] == (6, 1)


def test_dotted_keys_whitespace_and_tabs() -> None:
    text = "[ tbl . sub ]\n\ta . b\t.c = 1 # c\n  d.e = { f . g = [ 1 ] }\n"
    index = assert_same_paths(text)
    assert index[("tbl",)] == (1, 3)
    assert index[("tbl", "sub")] == (1, 9)
    assert index[("tbl", "sub", "a")] == (2, 2)
    assert index[("tbl", "sub", "a", "b")] == (2, 6)
    assert index[("tbl", "sub", "a", "b", "c")] == (2, 9)
    assert index[("tbl", "sub", "d", "e", "f", "g", 0)] == (3, 21)


def test_multiline_arrays_with_comments() -> None:
    text = """\
nums = [  # start
  1,   # one
  # a comment line with ] and ,
  [2, [3, "]"]],
  { k = 'v' },
  "x",  # trailing comma follows
]
after = true
"""
    index = assert_same_paths(text)
    assert index[("nums", 0)] == (2, 3)
    assert index[("nums", 1)] == (4, 3)
    assert index[("nums", 1, 1, 1)] == (4, 11)
    assert index[("nums", 2, "k")] == (5, 5)
    assert index[("nums", 3)] == (6, 3)
    assert index[("after",)] == (8, 1)


def test_nested_array_of_tables_counting() -> None:
    text = """\
[[a]]
n = 0
[[a.b]]
m = 0
[[a]]
[a.c]
z = 1
[[a.b]]
[[a.b]]
m = 2
[[a.b.d]]
"""
    index = assert_same_paths(text)
    assert index[("a", 0)] == (1, 3)
    assert index[("a", 0, "b", 0)] == (3, 5)
    assert index[("a", 0, "b", 0, "m")] == (4, 1)
    assert index[("a", 1)] == (5, 3)
    assert index[("a", 1, "c", "z")] == (7, 1)
    assert index[("a", 1, "b", 0)] == (8, 5)
    assert index[("a", 1, "b", 1)] == (9, 5)
    assert index[("a", 1, "b", 1, "m")] == (10, 1)
    assert index[("a", 1, "b", 1, "d", 0)] == (11, 7)
    assert ("a", 2) not in index


def test_opaque_value_tokens() -> None:
    text = (
        "a = 1979-05-27 07:32:00Z\nb = 1979-05-27\nc = 07:32:00.5\n"
        "d = [inf, -nan, +1_000, 0xDEAD_beef, 0o7, 0b1, 1e-3, true, false,"
        " 1979-05-27T00:32:00.999999-07:00, 1979-05-27 07:32:00]\ne = 0\n"
    )
    index = assert_same_paths(text)
    assert index[("d", 10)] == (4, 101)
    assert index[("e",)] == (5, 1)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\n\n",
        "# only a comment",
        "# one\n   # two\r\n\t# three\n",
        '"1.2" = 1\n',
        "a.b.c = 1\n",
        "a.b.c = 1\na.b.d = 2\n[x.y.z]\n[x]\n",
        "[[t]]\n[[t]]\n",
        "a = []\nb = [[], [[]]]\nc = {}\n",
        "a = [\n]\n",
    ],
)
def test_odd_but_valid_documents(text: str) -> None:
    assert_same_paths(text)


def test_first_definition_wins_for_implicit_parents() -> None:
    index = assert_same_paths("[x.y]\n[x]\nk = 1\n")
    assert index[("x",)] == (1, 2)


@pytest.mark.parametrize(
    "text",
    ["a = ", "a = [1, 2", "[a", 'a = "open', "a = '''x", "= 1", "a = 1 2", "\r"],
)
def test_invalid_input_stops_gracefully(text: str) -> None:
    assert isinstance(index_positions(text), dict)


# --------------------------------------------------------------- property
_CHARS = st.characters(exclude_categories=["Cs"])  # no lone surrogates
_SPECIAL_KEYS = ["分值", "a b", "1.2", 'quote"d', "it's", "", "tab\tkey", "é", "-_", "😀"]
_keys = st.one_of(
    st.sampled_from(_SPECIAL_KEYS),
    st.text(alphabet=string.ascii_letters + string.digits + "_-", min_size=1, max_size=6),
    st.text(_CHARS, max_size=6),
)
_scalars = st.one_of(
    st.integers(),
    st.floats(allow_nan=False),
    st.booleans(),
    st.text(_CHARS, max_size=12),
    st.dates(),
    st.datetimes(),
    st.times(),
)
_values = st.recursive(
    _scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(_keys, children, max_size=4),
        st.lists(st.dictionaries(_keys, children, max_size=3), min_size=1, max_size=3),
    ),
    max_leaves=25,
)
_documents = st.dictionaries(_keys, _values, max_size=6)


def _quoted_prefix(rest: str) -> str:
    """Return the quoted key at the start of *rest*, including its quotes."""
    if rest.startswith("'"):
        return rest[: rest.index("'", 1) + 1]
    assert rest.startswith('"')
    pos = 1
    while rest[pos] != '"':
        pos += 2 if rest[pos] == "\\" else 1
    return rest[: pos + 1]


def _assert_key_at(rest: str, key: str) -> None:
    """Check that *rest* starts with *key*, bare or quoted."""
    if key and all(ch in string.ascii_letters + string.digits + "_-" for ch in key):
        if rest.startswith(key):
            return
    quoted = _quoted_prefix(rest)
    assert list(tomllib.loads(f"{quoted} = 0")) == [key]


def _first_char(value: Any, multiline: bool) -> str:
    """First character tomli_w writes for an inline array element."""
    if isinstance(value, dict):
        return "{"
    if isinstance(value, list):
        return "["
    return tomli_w.dumps({"v": value}, multiline_strings=multiline)[4]


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(doc=_documents, multiline=st.booleans())
def test_property_tomli_w_documents(doc: dict[str, Any], multiline: bool) -> None:
    text = tomli_w.dumps(doc, multiline_strings=multiline)
    data = tomllib.loads(text)
    index = index_positions(text)
    paths = all_paths(data)
    assert set(index) == paths
    lines = text.split("\n")
    for path in paths:
        line, column = index[path]
        rest = lines[line - 1][column - 1 :]
        last = path[-1]
        if isinstance(last, str):
            _assert_key_at(rest, last)
            continue
        parent: Any = data
        for part in path[:-1]:
            parent = parent[part]
        element = parent[last]
        if lines[line - 1].startswith("[["):  # element of an array of tables
            parent_key = next(p for p in reversed(path) if isinstance(p, str))
            _assert_key_at(rest, parent_key)
        else:
            assert rest.startswith(_first_char(element, multiline))


@given(doc=_documents, cut=st.integers(min_value=0))
def test_property_truncated_documents_never_raise(doc: dict[str, Any], cut: int) -> None:
    text = tomli_w.dumps(doc)
    truncated = text[: cut % (len(text) + 1)]
    assert isinstance(index_positions(truncated), dict)


@given(text=st.text())
def test_property_arbitrary_text_never_raises(text: str) -> None:
    assert isinstance(index_positions(text), dict)


def test_deep_nesting_does_not_raise() -> None:
    assert isinstance(index_positions("a = " + "[" * 5000 + "]" * 5000), dict)
