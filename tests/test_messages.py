"""The message table (perfrules/_messages.py): its entries, its one function, its uses, and the
ratchet on the bilingual messages still written inline at their raise sites (issue 11, item 7)."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

import perfrules
from perfrules._codes import PROBLEMS, WARNINGS
from perfrules._messages import (
    API_MESSAGES,
    MESSAGES,
    Message,
    MessageKey,
    alternatives,
    api_message,
    code_of,
    fields_of,
    listing,
    message,
    shown,
    slashed,
)
from perfrules.lint import CODES as LINT_CODES
from perfrules.service import ERROR_CODES as API_CODES

PKG = Path(perfrules.__file__).parent
ROOT = PKG.parent
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
MESSAGE_ARGS = {"en", "zh", "message", "message_zh", "needs", "needs_zh"}

# Inline bilingual message expressions per file (see ``_inline``), outside the table. The count
# may only go down: move a file's messages into perfrules/_messages.py, then lower its number
# here (the test fails until you do, so that the number cannot creep back up). A file not listed
# has none and may not start.
INLINE: dict[str, int] = {
    "batch/_dask.py": 4,
    "batch/_engines.py": 1,
    "batch/_run.py": 3,
    "batch/_summary.py": 7,
    "batch/_write.py": 1,
    "cli/_authoring.py": 6,
    "cli/_batch.py": 6,
    "cli/_catalogue.py": 4,
    "cli/_commands.py": 2,
    "cli/_common.py": 4,
    "cli/_docs.py": 6,
    "cli/_interchange.py": 11,
    "cli/_main.py": 4,
    "cli/_parser.py": 9,
    "cli/_schema.py": 1,
    "cli/_serve.py": 1,
    "core/_budget.py": 3,
    "core/_evaluate.py": 24,
    "core/_formula_eval.py": 1,
    "core/_fullmarks.py": 0,
    "core/_scoring.py": 1,
    "core/_whynot.py": 3,
    "core/methods/__init__.py": 1,
    "core/methods/_ratio_family.py": 12,
    "core/methods/bands.py": 19,
    "core/methods/deviation.py": 14,
    "core/methods/per_occurrence.py": 3,
    "core/methods/qualitative.py": 1,
    "core/methods/rate.py": 6,
    "core/methods/step.py": 6,
    "golden/_check.py": 2,
    "golden/_run.py": 1,
    "interchange/_cells.py": 1,
    "interchange/_compare.py": 1,
    "interchange/_layout.py": 10,
    "interchange/_read.py": 16,
    "interchange/_targets.py": 2,
    "interchange/_write.py": 4,
    "lint/_contradictions.py": 10,
    "lint/_figures.py": 14,
    "lint/_lint.py": 1,
    "lint/_model.py": 15,
    "lint/_targets.py": 30,
    "loading/_converter.py": 2,
    "loading/_extends.py": 9,
    "model/_formula.py": 4,
    "model/_target.py": 5,
    "model/_tree.py": 1,
    "render/_audit_table.py": 15,
    "render/_diff.py": 33,
    "render/_findings.py": 9,
    "render/_golden.py": 9,
    "render/_indicator_detail.py": 7,
    "render/_losses.py": 4,
    "render/_problems.py": 2,
    "render/_warnings.py": 1,
    "report/_audit.py": 4,
    "report/_chart.py": 1,
    "report/_docx.py": 1,
    "report/_full.py": 31,
    "report/_narrative.py": 13,
    "report/_pdf.py": 1,
    "report/_prose.py": 13,
    "report/_unit_text.py": 10,
    "service/_routes.py": 1,
    "service/_sources.py": 1,
    "testing/__init__.py": 1,
    "testing/_properties.py": 3,
    "testing/_strategies.py": 10,
}


def _source_files() -> list[Path]:
    return sorted(p for p in PKG.rglob("*.py") if p.name not in {"_messages.py", "_codes.py"})


def _has_chinese_literal(node: ast.AST) -> bool:
    for sub in ast.walk(node):
        if isinstance(sub, ast.Constant) and isinstance(sub.value, str) and CJK.search(sub.value):
            return True
    return False


def _inline(path: Path) -> int:
    """Inline bilingual message expressions of ``path``: arguments of a call, positional or named
    ``en``/``zh``/``message``/``message_zh``/``needs``/``needs_zh``, whose expression holds a
    Chinese string literal or f-string (a message written at its raise site, not taken from the
    table). Named arguments such as ``help=`` (the command line's help texts) are not counted."""
    n = 0
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            args = [*node.args, *(k.value for k in node.keywords if k.arg in MESSAGE_ARGS)]
            n += sum(_has_chinese_literal(a) for a in args)
    return n


def _message_calls(
    function: str = "message",
) -> list[tuple[Path, int, MessageKey | None, set[str] | None]]:
    """Every ``message(...)`` call (or ``api_message(...)``) of the package: file, line, its key
    (None when not a literal) and the names of its fields (None when it passes ``**fields``)."""
    out: list[tuple[Path, int, MessageKey | None, set[str] | None]] = []
    for path in _source_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == function
            ):
                continue
            key: MessageKey | None = None
            first = node.args[0] if node.args else None
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                key = first.value
            elif (
                isinstance(first, ast.Tuple)
                and len(first.elts) == 2
                and all(
                    isinstance(e, ast.Constant) and isinstance(e.value, str) for e in first.elts
                )
            ):
                code, variant = (str(e.value) for e in first.elts if isinstance(e, ast.Constant))
                key = (code, variant)
            names = (
                None
                if any(k.arg is None for k in node.keywords)
                else {k.arg for k in node.keywords if k.arg is not None}
            )
            out.append((path, node.lineno, key, names))
    return out


# ---------------------------------------------------------------------------------------------
# the table


def test_every_entry_names_a_catalogued_code() -> None:
    """A key's code is a problem or warning code (perfrules/_codes.py) or a lint finding code
    (perfrules.lint.CODES); the two catalogues share no code, so a key means one thing."""
    assert set(LINT_CODES).isdisjoint(set(PROBLEMS) | set(WARNINGS))
    for key in MESSAGES:
        assert isinstance(key, str) or (len(key) == 2 and all(key)), key
        code = code_of(key)
        assert code in PROBLEMS or code in WARNINGS or code in LINT_CODES, key
    # the service's errors: a table of their own, keyed by the service's error codes
    for key in API_MESSAGES:
        assert isinstance(key, str) or (len(key) == 2 and all(key)), key
        assert code_of(key) in API_CODES, key


@pytest.mark.parametrize(
    ("table", "key"),
    [*(("MESSAGES", k) for k in MESSAGES), *(("API_MESSAGES", k) for k in API_MESSAGES)],
    ids=repr,
)
def test_both_languages_name_the_same_fields(table: str, key: MessageKey) -> None:
    m = (MESSAGES if table == "MESSAGES" else API_MESSAGES)[key]
    assert m.en.strip() and m.zh.strip(), key
    assert fields_of(m.en) == fields_of(m.zh), key
    for name in fields_of(m.en):
        assert name.isidentifier(), f"{key!r}: field {name!r} is not a plain name"
    assert CJK.search(m.zh), f"{key!r}: the Chinese template has no Chinese"


def test_every_entry_is_used_and_every_use_is_an_entry() -> None:
    """A message call names its key literally, gives exactly the fields of its templates, and
    every entry has one use at least (or the generated docs would show a message never raised)."""
    for function, table in (("message", MESSAGES), ("api_message", API_MESSAGES)):
        calls = _message_calls(function)
        assert calls, f"no {function}() calls found: the scan is stale"
        used: set[MessageKey] = set()
        for path, line, key, names in calls:
            where = f"{path.relative_to(PKG)}:{line}"
            assert key is not None, f"{where}: {function}() with a key that is not a literal"
            assert key in table, f"{where}: {key!r} is not in perfrules/_messages.py"
            m = table[key]
            if names is not None:
                assert names == fields_of(m.en), f"{where}: fields {sorted(names)} for {key!r}"
            used.add(key)
        assert set(table) - used == set(), f"entries nothing uses ({function})"


def _message_key(node: ast.AST, function: str = "message") -> MessageKey | None:
    """The literal key of ``message(...)`` (or of ``function(...)``), also inside
    ``*message(...)`` and ``**message(...).as_message()``; None for anything else."""
    if isinstance(node, ast.Starred):
        node = node.value
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in {"as_message", "as_en_zh"}
    ):
        node = node.func.value
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
        return None
    if node.func.id != function or not node.args:
        return None
    first = node.args[0]
    if isinstance(first, ast.Constant) and isinstance(first.value, str):
        return first.value
    if isinstance(first, ast.Tuple) and all(
        isinstance(e, ast.Constant) and isinstance(e.value, str) for e in first.elts
    ):
        code, variant = (str(e.value) for e in first.elts if isinstance(e, ast.Constant))
        return (code, variant)
    return None


def test_a_problem_gets_the_message_of_its_own_code() -> None:
    """Where a call names its code (a literal, ``code=``, or a module constant such as
    ``CASE_EMPTY``) and takes its text from ``message(...)`` in the same call, the key is of that
    code: a raise site cannot pair one code with another code's message."""
    trees = {path: ast.parse(path.read_text(encoding="utf-8")) for path in _source_files()}
    constants: dict[str, set[str]] = {}  # module-level string constants, by name, package-wide
    for tree in trees.values():
        for stmt in tree.body:
            if (
                isinstance(stmt, ast.Assign)
                and len(stmt.targets) == 1
                and isinstance(stmt.targets[0], ast.Name)
                and isinstance(stmt.value, ast.Constant)
                and isinstance(stmt.value.value, str)
            ):
                constants.setdefault(stmt.targets[0].id, set()).add(stmt.value.value)
    names = {name: next(iter(vs)) for name, vs in constants.items() if len(vs) == 1}
    checked = api_checked = 0
    for path, tree in trees.items():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            given = [k.value for k in node.keywords if k.arg == "code"] or node.args[:1]
            code = None
            for g in given:
                if isinstance(g, ast.Constant) and isinstance(g.value, str):
                    code = g.value
                elif isinstance(g, ast.Name) and g.id in names:
                    code = names[g.id]
            api = isinstance(node.func, ast.Name) and node.func.id == "ApiError"
            if api:
                assert code in API_CODES, f"{path.relative_to(PKG)}:{node.lineno}: {code!r}"
            elif code not in PROBLEMS and code not in LINT_CODES:
                continue
            for arg in [*node.args[1:], *(k.value for k in node.keywords)]:
                key = _message_key(arg, "api_message" if api else "message")
                if key is not None:
                    where = f"{path.relative_to(PKG)}:{node.lineno}"
                    assert code_of(key) == code, f"{where}: code {code!r} with message {key!r}"
                    checked += 1
                    api_checked += api
    assert checked > 40, f"only {checked} sites checked: the scan is stale"
    assert api_checked > 15, f"only {api_checked} ApiError sites checked: the scan is stale"


# ---------------------------------------------------------------------------------------------
# the function


def test_message_fills_both_templates_like_an_f_string() -> None:
    name, digits = "a'b", 4301
    m = message(("file", "not-regular"), file=name)
    assert isinstance(m, Message)
    assert m == (f"{name} is not a regular file", f"{name} 不是普通文件")
    assert m.as_en_zh() == {"en": m.en, "zh": m.zh}
    assert m.as_message() == {"message": m.en, "message_zh": m.zh}
    # a Message field fills each language with its own text
    both = message("unknown-key", key="x", allowed=listing(["a", "b"]))
    assert both == ("unknown key 'x'; allowed here: a, b", "未知的键“x”；此处可用的键：a、b")
    # conversions and format specs are str.format's, which are an f-string's
    template = "{k!r} {n:,}"
    assert template.format(k=name, n=digits) == f"{name!r} {digits:,}"


def test_message_refuses_an_unknown_key_and_a_wrong_field() -> None:
    with pytest.raises(ValueError, match=r"no message \('file', 'not-regulr'\) .did you mean"):
        message(("file", "not-regulr"), file="x")
    with pytest.raises(ValueError, match="no message 'no-such-code'"):
        message("no-such-code")
    with pytest.raises(ValueError, match="missing field.s. file"):
        message(("file", "not-regular"))
    with pytest.raises(ValueError, match="unexpected field.s. path"):
        message(("file", "not-regular"), file="x", path="y")
    # the service's table: its own keys, the same checks
    with pytest.raises(ValueError, match=r"no API message 'not-founds' .did you mean 'not-found'"):
        api_message("not-founds")
    with pytest.raises(ValueError, match="no message 'internal-error'"):
        message("internal-error")  # an API error code, not a problem code
    with pytest.raises(ValueError, match="missing field.s. limit"):
        api_message("body-too-large")
    assert api_message("body-too-large", limit=10) == (
        "the body is larger than 10 bytes",
        "请求体超过 10 字节",
    )


def test_alternatives_quote_each_label_in_chinese() -> None:
    labels = alternatives(["预算部门", "主管部门"])
    assert labels == ("预算部门 / 主管部门", "预算部门”或“主管部门")
    m = message("unit-missing", labels=labels)
    assert m.zh == "未找到单位名称：应有“预算部门”或“主管部门”标签及其右侧的名称"
    assert m.en == "no unit: a cell labelled 预算部门 / 主管部门 with its name beside it"


def test_slashed_joins_choices_in_each_language() -> None:
    tiers = slashed(["优", "良"])
    assert tiers == ("优 / 良", "优／良")
    m = message(("missing-actual", "tier"), indicator=Message("x", "指标甲"), tiers=tiers)
    assert m == (
        "indicator 'x' is qualitative and needs a tier: 优 / 良",
        "指标“指标甲”为定性指标，须填写档次：优／良",
    )


def test_shown_writes_each_field_as_its_name() -> None:
    assert shown("key {key!r} of {n:,} digits") == "key {key} of {n} digits"
    assert shown("key {key!r}", markdown=True) == "key `{key}`"


# ---------------------------------------------------------------------------------------------
# the docs


def test_the_docs_show_each_message_and_check_fails_when_stale(tmp_path: Path) -> None:
    """docs/spec-format.md's code table carries each code's templates, and
    ``python -m perfrules._codes --check`` exits 1 when an entry changed and the page did not."""
    page = ROOT / "docs" / "spec-format.md"
    text = page.read_text(encoding="utf-8")
    for key, m in MESSAGES.items():
        if PROBLEMS.get(code_of(key), None) is not None and PROBLEMS[code_of(key)].page == (
            "spec-format"
        ):
            zh, en = shown(m.zh, markdown=True), shown(m.en, markdown=True)
            assert f"{zh} / {en}".replace("|", "\\|") in text, key
    check = [sys.executable, "-m", "perfrules._codes", "--check"]
    ok = subprocess.run([*check, str(page)], capture_output=True, text=True, cwd=ROOT)
    assert ok.returncode == 0, ok.stderr
    key, m = next((k, v) for k, v in MESSAGES.items() if PROBLEMS[code_of(k)].page == "spec-format")
    stale = tmp_path / "spec-format.md"
    zh = shown(m.zh, markdown=True)
    assert zh in text
    stale.write_text(text.replace(zh, zh + "（旧）", 1), encoding="utf-8")
    bad = subprocess.run([*check, str(stale)], capture_output=True, text=True, cwd=ROOT)
    assert bad.returncode == 1 and "stale code tables" in bad.stderr


# ---------------------------------------------------------------------------------------------
# the ratchet


def test_inline_messages_only_go_down() -> None:
    counts = {str(p.relative_to(PKG)): _inline(p) for p in _source_files()}
    found = {f: n for f, n in counts.items() if n}
    assert sum(found.values()) > 100, "the scan finds too few inline messages: it is stale"
    more = {f: (n, INLINE.get(f, 0)) for f, n in found.items() if n > INLINE.get(f, 0)}
    assert more == {}, "new inline messages (found, allowed): put them in perfrules/_messages.py"
    fewer = {f: (counts.get(f, 0), n) for f, n in INLINE.items() if counts.get(f, 0) < n}
    assert fewer == {}, "fewer inline messages than allowed (found, allowed): lower INLINE"


def test_the_ratchet_counts_what_it_names(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "f(code, en=f'bad {x}', zh=f'坏 {x}')\n"  # one: the Chinese half
        "g(code, at, 'bad', '坏')\n"  # one: positional
        "h(en=m.en, zh=m.zh)\n"  # none: from the table
        "p.add_argument('-x', help='帮助')\n",  # none: a help text
        encoding="utf-8",
    )
    assert _inline(sample) == 2


# ---------------------------------------------------------------------------------------------
# the Chinese says what the English says (texts reworded when they moved into the table)


def test_a_refused_table_suffix_is_named_in_both_languages(tmp_path: Path) -> None:
    from perfrules import SpecError
    from perfrules.batch import read_table

    for name, zh_suffix in (("t.txt", "“.txt”"), ("noext", "无后缀的文件")):
        path = tmp_path / name
        path.write_text("unit\nu\n", encoding="utf-8")
        with pytest.raises(SpecError) as caught:
            read_table(path)
        (p,) = caught.value.problems
        assert p.code == "file"
        en_suffix = "'.txt'" if "." in name else "'no suffix'"
        assert p.message == f"{path}: a table must be .csv, .parquet or .xlsx, not {en_suffix}"
        assert p.message_zh == f"{path}：表格须为 .csv、.parquet 或 .xlsx 文件，不能是{zh_suffix}"


def test_benefit_qualitative_names_the_category_id_in_both_languages() -> None:
    from perfrules.lint import lint

    spec = perfrules.load_spec(ROOT / "examples" / "hunan-2024-general-office" / "spec.toml")
    (f,) = [f for f in lint(spec) if f.code == "benefit-qualitative"]
    assert f.en.startswith("效益指标 (benefit): 2 of its 3 indicators are qualitative")
    assert f.zh.startswith(
        "效益指标（benefit）：3个三级指标中2个为定性指标（公共机构节能工作、普法工作）"
    )


def test_an_encoding_problem_names_the_byte_in_both_languages() -> None:
    from perfrules.loading import encoding_problem

    raw = b'id = 1\nname = "\xff"\n'
    p = encoding_problem(raw, 15)
    assert (p.code, p.line, p.column) == ("encoding", 2, 9)
    assert p.message == "not UTF-8 text (byte 15); save the file as UTF-8"
    assert p.message_zh == "文件不是 UTF-8 编码（第 15 字节）；请用 UTF-8 编码另存"
    # a line of a batch table: the byte's offset in its file, and "here" (此处) in Chinese
    here = encoding_problem(raw, 15, byte=1015, here=True)
    assert here.message == "not UTF-8 text (byte 1015); save the file as UTF-8"
    assert here.message_zh == "此处不是 UTF-8 编码（第 1015 字节）；请用 UTF-8 编码另存"


def test_a_cell_of_another_type_names_the_type_in_both_languages() -> None:
    import datetime

    from perfrules.interchange._cells import CellValueError, read_decimal

    with pytest.raises(CellValueError) as caught:
        read_decimal(datetime.date(2024, 1, 2), None)
    assert caught.value.en == "'2024-01-02' (date) is not a number"
    assert caught.value.zh == "“2024-01-02”（date）不是数字"
