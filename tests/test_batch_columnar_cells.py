"""The columnar runner's per-chunk helpers: codes of per-unit cells and the longest cell, against plain Python."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

pa = pytest.importorskip("pyarrow")
np = pytest.importorskip("numpy")
pc = pytest.importorskip("pyarrow.compute")

from perfrules.batch import _columnar as C  # noqa: E402


def _python_codes(texts: list[str]) -> list[int]:
    """Codes by first appearance among the non-empty texts; −1 for an empty one."""
    seen: dict[str, int] = {}
    return [-1 if not t else seen.setdefault(t, len(seen)) for t in texts]


def _ranks(codes: list[int]) -> list[int]:
    """Codes renumbered 0, 1, … in their sorted order (−1 kept): what sorting by code sees."""
    order = {c: k for k, c in enumerate(sorted(set(codes) - {-1}))}
    return [-1 if c == -1 else order[c] for c in codes]


@pytest.mark.parametrize("share", [0.0, 0.03, 0.2, 0.3, 0.9, 1.0])
@pytest.mark.parametrize("offset", [0, 3])
def test_codes_of_a_per_unit_column_on_both_paths(share: float, offset: int) -> None:
    rnd = random.Random(f"{share}-{offset}")
    words = ["base.toml", "其他.toml", " spaced ", "2025", "x"]
    texts = [rnd.choice(words) if rnd.random() < share else "" for _ in range(400)]
    arr = pa.array(["pad"] * offset + texts).slice(offset)
    filled = np.array([bool(t) for t in texts])
    assert _ranks(C._filled_codes(arr, filled).tolist()) == _python_codes(texts)


@pytest.mark.parametrize("path", ["all", "filled"])
def test_both_paths_give_the_same_codes(path: str, monkeypatch: pytest.MonkeyPatch) -> None:
    texts = ["", "b", "", "a", "b", "", "", "", "a", "c"] * 30
    arr = pa.array(texts)
    filled = np.array([bool(t) for t in texts])
    # 0.0: every column is encoded cell by cell; 1.01: only the filled cells are
    monkeypatch.setattr(C, "ENCODE_ALL_SHARE", 0.0 if path == "all" else 1.01)
    assert _ranks(C._filled_codes(arr, filled).tolist()) == _python_codes(texts)


@pytest.mark.parametrize("offset", [0, 1, 4])
def test_the_longest_cell_is_read_off_the_offsets(offset: int) -> None:
    texts = ["", "ab", "中文", "x" * 17, "", "y"]
    arr = pa.array(["z" * 40] * 2 + texts).slice(2 + offset)
    want = max((len(t.encode()) for t in texts[offset:]), default=0)
    assert C._longest(arr) == want
    assert C._longest(pa.array([], type=pa.string())) == 0


def _agrees_in_python(ids: list[str]) -> bool:
    import pyarrow.compute as pc

    trimmed = pc.utf8_trim_whitespace(pa.array(ids)).to_pylist()
    return all(u.strip() != "" and u.strip() == t for u, t in zip(ids, trimmed, strict=True))


@pytest.mark.parametrize(
    "ids",
    [
        ["u1", "u2", "u2", "u300"],
        ["u1", "", "u2"],
        ["u1", "   ", "u2"],
        [" u1", "u1 ", "\tu2"],
        ["单位甲", "单位乙", "u3"],
        ["u1", "u2\u00a0", "u3"],
        ["u1", "\u3000单位", "u3"],
        ["u1", "u2\x1c", "u3"],
        ["u1", "\x1fu2"],
        ["a b", "c\u00a0d"],
        [""],
    ],
)
@pytest.mark.parametrize("offset", [0, 2])
def test_strip_agrees_as_python_and_arrow_trim_alike(ids: list[str], offset: int) -> None:
    from perfrules.batch._table import strip_agrees

    arr = pa.array(["  ", ""][:offset] + ids).slice(offset)
    assert strip_agrees(arr) is _agrees_in_python(ids)


_IDS = st.lists(
    st.one_of(
        st.sampled_from(
            ["u1", "u2", " u1", "u1 ", "\tu2", "单位", "\u3000单位", "u2\u00a0", "", "a b"]
        ),
        st.text(max_size=4),
    ),
    max_size=12,
)


@settings(max_examples=300, deadline=None)
@given(_IDS, st.integers(0, 2))
def test_unit_ids_are_cut_where_the_trimmed_id_changes(ids: list[str], offset: int) -> None:
    """The reading thread's cut: ``_trimmed`` is Arrow's whitespace trim of every id (the array itself
    when nothing can be trimmed), and ``_changes`` the rows whose trimmed id differs from the row
    before's — as the ids' dictionary codes give them."""
    arr = pa.array(["x", "y"][:offset] + ids, type=pa.string()).slice(offset)
    want = pc.utf8_trim_whitespace(arr)
    got = C._trimmed(arr)
    assert got.to_pylist() == want.to_pylist()
    codes = pc.dictionary_encode(want).indices.to_pylist()
    assert C._changes(got).tolist() == [i for i in range(1, len(codes)) if codes[i] != codes[i - 1]]
