"""The JSON Schemas of the TOML files (docs/editors.md): generated from the model, shipped, used by taplo.

* drift: the shipped ``specs/schemas/{spec,actuals,framework,case}.schema.json``
  are exactly what ``perfrules.schema`` generates from the attrs model now;
* every key has a description in Chinese and English, and every model field a key;
* every shipped spec, actuals, framework and case file validates, with
  ``jsonschema`` (draft-07) and with taplo (the PyPI wheel, ``taplo check``),
  and starts with a ``#:schema`` line naming its schema;
* known-bad files (a misspelt key, a wrong type, a value not allowed, a missing
  key) are rejected by both validators — and by perfrules' own loader, so the
  schemas are never stricter than the loader;
* ``perfrules schema NAME`` prints the shipped files; the ``.taplo.toml`` and
  ``settings.json`` of docs/editors.md do what the page says.

taplo runs offline: ``--no-auto-config`` (no stray configuration), local
``file://`` schemas, no schema catalogs, and its cache in a temporary folder.
"""

from __future__ import annotations

import argparse
import ast
import datetime
import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft7Validator, Draft202012Validator

import perfrules
import perfrules.schema
from perfrules._errors import SpecError
from perfrules._resources import SCHEMA_NAMES, schema_path, schema_text
from perfrules.cli import _schema as cli_schema
from perfrules.golden import loads_case_file, run_case_file
from perfrules.schema import (
    MODEL_SCHEMAS,
    REGENERATE,
    _describe,
    dumps_schema,
    json_schema,
    shipped,
    stale_schemas,
)
from perfrules.schema.__main__ import main as schema_main
from perfrules.schema._generate import toml_fields, used_descriptions

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = ROOT / "specs" / "schemas"
SEED = ROOT / "examples" / "hunan-2024-general-office"
CATALOGUE = ROOT / "examples" / "catalogue-demo"
EDITORS = ROOT / "docs" / "editors.md"


# ---------------------------------------------------------------------------
# the files


def _kind(path: Path) -> str:
    """Which schema a shipped TOML file is checked against."""
    if path.name.endswith(".case.toml"):
        return "case"
    if path.parent == ROOT / "specs":
        return "framework"
    return {"spec.toml": "spec", "actuals.toml": "actuals"}[path.name]


def shipped_toml() -> list[Path]:
    """Every TOML file shipped with perfrules or its examples (each must name its schema)."""
    files = [
        *sorted((ROOT / "specs").rglob("*.toml")),
        *sorted(
            p for p in (ROOT / "examples").rglob("*.toml") if p.name != "report.toml"
        ),  # report.toml (the report's own text, issue 13) has no JSON Schema yet
    ]
    assert files
    return files


# Other specs the tests keep (complete flat specs; the batch bases are partial specs, no kind of their own).
TEST_SPECS = [
    ROOT / "tests" / "data" / "hunan-2024-general-office-flat.toml",
    ROOT / "tests" / "data" / "batch_engines" / "spec.toml",
]


def _json_value(value: Any) -> Any:
    """TOML data as taplo hands it to the validator: dates and times become ISO strings; numbers stay exact."""
    if isinstance(value, dict):
        return {k: _json_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_value(v) for v in value]
    if isinstance(value, datetime.date | datetime.time):  # datetime is a date
        return value.isoformat()
    return value  # str, bool, int, Decimal (jsonschema counts a Decimal as a number, not as an integer)


def _data(text: str) -> Any:
    return _json_value(tomllib.loads(text, parse_float=Decimal))


def _errors(name: str, text: str) -> list[str]:
    validator = Draft7Validator(json_schema(name))
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in validator.iter_errors(_data(text))
    ]


# ---------------------------------------------------------------------------
# taplo


def _taplo_binary() -> str | None:
    """The ``taplo`` executable of the installed PyPI package ``taplo`` (a binary wheel), if any."""
    try:
        dist = importlib.metadata.distribution("taplo")
    except importlib.metadata.PackageNotFoundError:
        return shutil.which("taplo", path=os.path.dirname(sys.executable))
    for f in dist.files or ():
        if f.name in ("taplo", "taplo.exe"):
            path = Path(str(dist.locate_file(f))).resolve()
            if path.is_file() and os.access(path, os.X_OK):
                return str(path)
    return None


TAPLO = _taplo_binary()
needs_taplo = pytest.mark.skipif(
    TAPLO is None,
    reason="taplo is not installed: pip install taplo (the PyPI wheel of the taplo CLI)",
)


def taplo(
    tmp_path: Path, *args: str, cwd: Path | None = None, auto_config: bool = False
) -> subprocess.CompletedProcess[str]:
    """Run ``taplo check`` offline: no configuration file unless asked, no catalogs, a private cache."""
    assert TAPLO is not None
    cache = tmp_path / ".taplo-cache"
    cache.mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("TAPLO")}
    env["RUST_LOG"] = "warn"
    options = ["--colors", "never", "--cache-path", str(cache)]
    if not auto_config:
        options.append("--no-auto-config")
    return subprocess.run(
        [TAPLO, "check", *options, *args],
        cwd=cwd or ROOT,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )


def _schema_url(name: str) -> str:
    return (SCHEMAS / f"{name}.schema.json").resolve().as_uri()


# ---------------------------------------------------------------------------
# drift


@pytest.mark.parametrize("name", MODEL_SCHEMAS)
def test_the_shipped_schema_is_what_the_model_gives(name: str) -> None:
    path = SCHEMAS / f"{name}.schema.json"
    assert path.is_file(), f"{path} is missing; regenerate it with: {REGENERATE}"
    assert path.read_text(encoding="utf-8") == dumps_schema(json_schema(name)), (
        f"{path.relative_to(ROOT)} has drifted from the model; regenerate it with: {REGENERATE}"
    )


def test_no_stale_schema_and_the_module_command_agrees(tmp_path: Path) -> None:
    assert stale_schemas(SCHEMAS) == []
    assert schema_main(["--check", str(SCHEMAS)]) == 0
    assert [p.name for p in perfrules.schema.write_schemas(tmp_path)] == [
        f"{n}.schema.json" for n in MODEL_SCHEMAS
    ]
    for name in MODEL_SCHEMAS:
        assert (tmp_path / f"{name}.schema.json").read_bytes() == (
            SCHEMAS / f"{name}.schema.json"
        ).read_bytes()
    (tmp_path / "spec.schema.json").write_text("{}\n", encoding="utf-8")
    assert stale_schemas(tmp_path) == ["spec"]
    assert schema_main(["--check", str(tmp_path)]) == 1
    assert schema_main(["--write", str(tmp_path)]) == 0 and stale_schemas(tmp_path) == []
    assert schema_main(["--check", str(tmp_path / "nowhere")]) == 2


def test_shipped_and_json_schema() -> None:
    assert set(SCHEMA_NAMES) == {*MODEL_SCHEMAS, "evaluation"}
    for name in SCHEMA_NAMES:
        assert shipped(name) == json.loads(schema_path(name).read_text(encoding="utf-8"))
    assert json_schema("evaluation") == shipped(
        "evaluation"
    )  # hand-written: the shipped file itself
    with pytest.raises(ValueError, match="choose one of"):
        json_schema("spec.toml")


@pytest.mark.parametrize("name", MODEL_SCHEMAS)
def test_the_toml_schemas_are_draft_07(name: str) -> None:
    schema = shipped(name)
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    Draft7Validator.check_schema(schema)
    Draft202012Validator.check_schema(shipped("evaluation"))


# ---------------------------------------------------------------------------
# descriptions


_BILINGUAL = re.compile(r"[\u4e00-\u9fff].* / .*[A-Za-z]", re.S)


def _all_descriptions() -> dict[str, str]:
    return {**_describe.FIELDS, **_describe.SPECIAL, **_describe.METHODS, **_describe.ENUMS}


def test_every_model_field_has_a_description() -> None:
    missing = sorted(toml_fields() - set(_describe.FIELDS))
    assert not missing, (
        f"add a description to perfrules/schema/_describe.py FIELDS for: {', '.join(missing)}"
    )


def test_every_description_is_used_and_bilingual() -> None:
    unused = sorted(set(_all_descriptions()) - used_descriptions())
    assert not unused, f"descriptions no schema uses (stale): {', '.join(unused)}"
    for key, text in _all_descriptions().items():
        assert _BILINGUAL.search(text), f"{key}: not 'Chinese / English': {text!r}"


def _walk(node: Any, path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            yield from _walk(value, f"{path}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _walk(value, f"{path}/{i}")


@pytest.mark.parametrize("name", MODEL_SCHEMAS)
def test_every_key_of_the_schemas_shows_a_description(name: str) -> None:
    """What taplo shows on hover: each key's own description (not one behind a $ref), each enum value's meaning."""
    schema = shipped(name)
    assert _BILINGUAL.search(schema["description"])
    keys = 0
    for path, node in _walk(schema):
        if path.endswith("/propertyNames"):
            continue
        if "/if" in f"{path}/" or path.endswith(
            "/else"
        ):  # conditions, and what a complete spec requires
            continue
        for key, sub in node.get("properties", {}).items():
            keys += 1
            assert _BILINGUAL.search(sub.get("description", "")), (
                f"{name}: {path}/properties/{key} has no description"
            )
        if "enum" in node and "x-taplo" in node:
            assert len(node["x-taplo"]["docs"]["enumValues"]) == len(node["enum"]), path
        if "$ref" in node:
            assert set(node) == {"$ref"} and path.endswith("/items"), (
                f"{name}: {path}: $ref only as array items"
            )
    assert keys > 20


# ---------------------------------------------------------------------------
# the shipped files validate


@pytest.mark.parametrize("path", shipped_toml(), ids=lambda p: str(p.relative_to(ROOT)))
def test_shipped_file_validates_with_jsonschema(path: Path) -> None:
    assert _errors(_kind(path), path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize("path", TEST_SPECS, ids=lambda p: str(p.relative_to(ROOT)))
def test_other_specs_validate_with_jsonschema(path: Path) -> None:
    assert _errors("spec", path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize("path", shipped_toml(), ids=lambda p: str(p.relative_to(ROOT)))
def test_shipped_file_names_its_schema_on_the_first_line(path: Path) -> None:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    m = re.fullmatch(r"#:schema (\S+)", first)
    assert m, (
        f"{path.relative_to(ROOT)}: the first line must be '#:schema <path to its schema>', not {first!r}"
    )
    target = (path.parent / m[1]).resolve()
    assert target == (SCHEMAS / f"{_kind(path)}.schema.json").resolve(), (
        f"{path.relative_to(ROOT)} names {m[1]}"
    )
    assert target.is_file()


@needs_taplo
def test_shipped_files_validate_with_taplo(tmp_path: Path) -> None:
    by_kind: dict[str, list[str]] = {}
    for path in [*shipped_toml(), *TEST_SPECS]:
        by_kind.setdefault(_kind(path) if path in shipped_toml() else "spec", []).append(
            str(path.relative_to(ROOT))
        )
    for name, files in by_kind.items():
        run = taplo(tmp_path, "--schema", _schema_url(name), *files)
        assert run.returncode == 0, f"taplo rejects {name} files:\n{run.stderr}"


@needs_taplo
def test_taplo_follows_the_schema_lines(tmp_path: Path) -> None:
    """Without --schema, taplo reads each file's #:schema line (a path relative to the file)."""
    files = [str(p.relative_to(ROOT)) for p in shipped_toml()]
    run = taplo(tmp_path, *files)
    assert run.returncode == 0, run.stderr
    # the line is really read: a file naming a schema that is not there fails
    moved = tmp_path / "spec.toml"
    moved.write_text((SEED / "spec.toml").read_text(encoding="utf-8"), encoding="utf-8")
    run = taplo(tmp_path, str(moved))
    # taplo says "failed to load schema" or "failed to fetch schema" (it varies with where the file lies)
    assert run.returncode != 0 and re.search(r"failed to (load|fetch) schema", run.stderr), (
        run.stderr
    )


# ---------------------------------------------------------------------------
# known-bad files: rejected by jsonschema, by taplo and by the loader


# (name, source file, text to replace, replacement, what taplo's and jsonschema's message contains)
BAD = [
    (
        "spec-misspelt-key",
        SEED / "spec.toml",
        "weight = 20\n",
        "wieght = 20\n",
        "'wieght' was unexpected",
    ),
    (
        "spec-misspelt-key-in-a-table",
        SEED / "spec.toml",
        "unit = ",
        "unti = ",
        "'unti' was unexpected",
    ),
    (
        "spec-year-string",
        SEED / "spec.toml",
        "year = 2024",
        'year = "2024"',
        "is not of type 'integer'",
    ),
    (
        "spec-weight-string",
        CATALOGUE / "spec.toml",
        "weight = 5\n",
        'weight = "5"\n',
        "is not of type",
    ),
    (
        "spec-bad-kind",
        CATALOGUE / "spec.toml",
        'kind = "部门整体支出"',
        'kind = "部门支出"',
        "is not one of",
    ),
    (
        "spec-bad-method-name",
        CATALOGUE / "spec.toml",
        'method = "rate"',
        'method = "rates"',
        "is not one of",
    ),
    (
        "spec-method-missing-parameter",
        CATALOGUE / "spec.toml",
        'method = { name = "step", per = 1, deduct = 0.5 }',
        'method = { name = "step", deduct = 0.5 }',
        "'per' is a required property",
    ),
    (
        "spec-parameter-of-another-method",
        CATALOGUE / "spec.toml",
        'method = { name = "step", per = 1, deduct = 0.5 }',
        'method = { name = "step", per = 1, deduct = 0.5, on = "actual" }',
        "is not one of",
    ),
    (
        "spec-flat-without-kind",
        CATALOGUE / "spec.toml",
        'kind = "部门整体支出"\n',
        "",
        "'kind' is a required property",
    ),
    (
        "spec-target-in-words",
        SEED / "spec.toml",
        'target = "≥400期"',
        'target = "不少于400期"',
        "does not match",
    ),
    (
        "spec-framework-table",
        SEED / "spec.toml",
        "[meta]\n",
        '[framework]\nid = "x"\ntitle = "x"\n\n[meta]\n',
        "'framework' was unexpected",
    ),
    (
        "actuals-misspelt-key",
        SEED / "actuals.toml",
        "full_year = 32909.2",
        "ful_year = 32909.2",
        "'ful_year' was unexpected",
    ),
    (
        "actuals-year-string",
        SEED / "actuals.toml",
        "year = 2024",
        'year = "2024"',
        "is not of type 'integer'",
    ),
    (
        "actuals-tier-number",
        SEED / "actuals.toml",
        'info_adoption = { tier = "达成年度指标"',
        "info_adoption = { tier = 1",
        "is not of type",
    ),
    (
        "actuals-bonus-without-reason",
        CATALOGUE / "actuals.toml",
        'innovation = { points = 1.5, reason = "获评省级改革创新案例" }',
        "innovation = 1.5",
        "is not of type 'object'",
    ),
    (
        "framework-bad-policy",
        ROOT / "specs" / "hunan-department.toml",
        'policy = "round_whole"',
        'policy = "round_hole"',
        "is not one of",
    ),
    (
        "framework-misspelt-period",
        ROOT / "specs" / "hunan-department.toml",
        "valid = { from = 2024 }",
        "valid = { form = 2024 }",
        "'form' was unexpected",
    ),
    (
        "framework-misspelt-table",
        ROOT / "specs" / "national-department.toml",
        "[framework]\n",
        "[framwork]\n",
        "'framwork' was unexpected",
    ),
    (
        "case-misspelt-key",
        SEED / "cases" / "report-2024.case.toml",
        "total = 99",
        "totl = 99",
        "'totl' was unexpected",
    ),
    (
        "case-total-string",
        SEED / "cases" / "report-2024.case.toml",
        "total = 99",
        'total = "99"',
        "is not of type",
    ),
    (
        "case-inline-spec-misspelt-key",
        ROOT / "specs" / "cases" / "national-department.case.toml",
        "weight = 60\n",
        "wieght = 60\n",
        "'wieght' was unexpected",
    ),
]


def _bad_text(source: Path, old: str, new: str) -> str:
    text = source.read_text(encoding="utf-8")
    assert old in text, (
        f"{source.relative_to(ROOT)} no longer holds {old!r}: update the known-bad case"
    )
    return text.replace(old, new, 1)


@pytest.mark.parametrize(("name", "source", "old", "new", "message"), BAD, ids=[b[0] for b in BAD])
def test_known_bad_file_is_rejected_by_jsonschema(
    name: str, source: Path, old: str, new: str, message: str
) -> None:
    errors = _errors(_kind(source), _bad_text(source, old, new))
    assert errors, f"{name}: jsonschema accepts it"
    assert any(message in e for e in errors), errors


@needs_taplo
def test_known_bad_files_are_rejected_by_taplo(tmp_path: Path) -> None:
    for name, source, old, new, message in BAD:
        bad = tmp_path / name / source.name
        bad.parent.mkdir()
        bad.write_text(_bad_text(source, old, new), encoding="utf-8")
        run = taplo(tmp_path, "--schema", _schema_url(_kind(source)), str(bad))
        assert run.returncode != 0, f"{name}: taplo accepts it"
        assert message.replace("'", '"') in run.stderr or message in run.stderr, (
            f"{name}:\n{run.stderr[-2000:]}"
        )


@needs_taplo
def test_done_criterion_taplo_flags_a_misspelt_key_in_a_spec(tmp_path: Path) -> None:
    """Issue 10, item 4: taplo flags a misspelled key in a spec file against the shipped schema."""
    spec = tmp_path / "spec.toml"
    spec.write_text(
        _bad_text(CATALOGUE / "spec.toml", "weight = 5\n", "wieght = 5\n"), encoding="utf-8"
    )
    run = taplo(tmp_path, "--schema", schema_path("spec").resolve().as_uri(), str(spec))
    assert run.returncode == 1
    assert "Additional properties are not allowed ('wieght' was unexpected)" in run.stderr
    line = next(
        i
        for i, t in enumerate(spec.read_text(encoding="utf-8").splitlines(), 1)
        if t.startswith("wieght")
    )
    assert f"{line} │ │ wieght = 5" in run.stderr  # the key itself is shown


def _loader_rejects(source: Path, text: str, tmp_path: Path) -> bool:
    kind = _kind(source)
    try:
        if kind == "spec":
            perfrules.loads_spec(text, file=str(source))
        elif kind == "actuals":
            perfrules.loads_actuals(text, file=str(source))
        elif kind == "case":
            results = run_case_file(loads_case_file(text, file=str(source)))
            return any(r.status == "error" for r in results)
        else:  # a framework: a unit that extends it, in a project of its own
            project = tmp_path / "project"
            shutil.copytree(
                ROOT / "specs",
                project / "specs",
                ignore=shutil.ignore_patterns("templates", "cases"),
            )
            (project / ".git").mkdir()
            (project / "specs" / source.name).write_text(text, encoding="utf-8")
            shutil.copytree(
                SEED, project / "unit", ignore=shutil.ignore_patterns("*.xlsx", "cases")
            )
            perfrules.load_spec(project / "unit")
    except SpecError:
        return True
    return False


@pytest.mark.parametrize(("name", "source", "old", "new", "message"), BAD, ids=[b[0] for b in BAD])
def test_what_the_schemas_reject_the_loader_rejects(
    name: str, source: Path, old: str, new: str, message: str, tmp_path: Path
) -> None:
    """The schemas are never stricter than perfrules: each known-bad file is bad input for the loader too."""
    assert _loader_rejects(source, source.read_text(encoding="utf-8"), tmp_path / "good") is False
    assert _loader_rejects(source, _bad_text(source, old, new), tmp_path / "bad"), (
        f"{name}: perfrules accepts it"
    )


# Shapes the loader accepts and a schema could easily get wrong.
GOOD = [
    ("spec", CATALOGUE / "spec.toml", 'kind = "部门整体支出"', 'kind = "项目支出"'),
    ("spec", CATALOGUE / "spec.toml", "[policy]\n", "[policy]\novershoot_warning = false\n"),
    ("spec", CATALOGUE / "spec.toml", 'method = "rate"', 'method = { name = "rate" }'),
    (
        "spec",
        SEED / "spec.toml",
        'target = "≥400期"',
        'target = { comparator = ">=", value = 400, unit = "期" }',
    ),
    ("spec", SEED / "spec.toml", 'target = "≥400期"', 'target = "400期"'),
    (
        "actuals",
        SEED / "actuals.toml",
        'hospital_satisfaction = { value = 100, text = "100%" }',
        "hospital_satisfaction = 100",
    ),
    (
        "framework",
        ROOT / "specs" / "hunan-department.toml",
        "valid = { from = 2024 }",
        "valid = { from = 2024-01-01, to = 2030 }",
    ),
]


@pytest.mark.parametrize(
    ("kind", "source", "old", "new"), GOOD, ids=[f"{g[0]}:{g[3][:30]}" for g in GOOD]
)
def test_shapes_the_loader_accepts_validate(
    kind: str, source: Path, old: str, new: str, tmp_path: Path
) -> None:
    text = _bad_text(source, old, new)
    assert _errors(kind, text) == []
    assert _loader_rejects(source, text, tmp_path) is False


# ---------------------------------------------------------------------------
# perfrules schema NAME


def _args(name: str, output: str | None = None) -> argparse.Namespace:
    from perfrules.cli._parser import build_parser

    return build_parser().parse_args(["schema", name, *(["-o", output] if output else [])])


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_perfrules_schema_prints_the_shipped_file(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli_schema.run(_args(name), out=None) == 0  # type: ignore[arg-type]
    assert capsys.readouterr().out == schema_text(name)


def test_perfrules_schema_writes_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "spec.schema.json"
    assert cli_schema.run(_args("spec", str(out)), out=None) == 0  # type: ignore[arg-type]
    assert out.read_bytes() == (SCHEMAS / "spec.schema.json").read_bytes()
    assert capsys.readouterr().out == ""
    assert cli_schema.run(_args("spec", str(tmp_path / "no" / "such" / "x.json")), out=None) == 2  # type: ignore[arg-type]
    assert "不存在 / the folder" in capsys.readouterr().err and not (tmp_path / "no").exists()
    assert cli_schema.run(_args("spec", str(tmp_path)), out=None) == 2  # type: ignore[arg-type]
    assert "是文件夹" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "spec.schema.json"
    ]  # no temporary file left


def test_perfrules_schema_refuses_an_unknown_name(capsys: pytest.CaptureFixture[str]) -> None:
    from perfrules.cli._exit import UsageError

    with pytest.raises(UsageError):
        _args("specs")
    from perfrules.cli import main

    assert main(["schema", "specs"]) == 2
    assert "invalid choice: 'specs'" in capsys.readouterr().err


def test_the_schema_command_imports_only_the_standard_library() -> None:
    """Start-up time: the module reads the shipped file, it never generates (no model, no cattrs, no rich)."""
    tree = ast.parse(Path(cli_schema.__file__).read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.If):  # `if TYPE_CHECKING:`
            continue
        names = (
            [a.name for a in node.names]
            if isinstance(node, ast.Import)
            else ([node.module or ""] if isinstance(node, ast.ImportFrom) else [])
        )
        for name in names:
            top = name.split(".")[0]
            assert (
                name == "perfrules._resources"
                or top in sys.stdlib_module_names
                or top == "__future__"
            ), name


# ---------------------------------------------------------------------------
# docs/editors.md


def _block(lang: str, marker: str | None = None) -> str:
    blocks = re.findall(rf"^```{lang}\n(.*?)^```", EDITORS.read_text(encoding="utf-8"), re.S | re.M)
    found = [b for b in blocks if marker is None or b.startswith(marker)]
    assert len(found) == 1, (lang, marker, len(found))
    return found[0]


def test_the_vscode_associations_map_each_file_to_its_schema() -> None:
    settings = json.loads(_block("json"))
    associations = settings["evenBetterToml.schema.associations"]
    assert settings["evenBetterToml.schema.enabled"] is True

    def schema_for(uri: str) -> list[str]:
        return [
            url.rsplit("/", 1)[1]
            for pattern, url in associations.items()
            if re.search(pattern, uri)
        ]

    base = "file:///path/to/budget-specs"
    assert schema_for(f"{base}/units/a/spec.toml") == ["spec.schema.json"]
    assert schema_for(f"{base}/units/a/actuals.toml") == ["actuals.schema.json"]
    assert schema_for(f"{base}/units/a/cases/report.case.toml") == ["case.schema.json"]
    assert schema_for(f"{base}/specs/cases/hunan-department.case.toml") == ["case.schema.json"]
    assert schema_for(f"{base}/specs/hunan-department.toml") == ["framework.schema.json"]
    assert (
        schema_for(f"{base}/pyproject.toml") == []
        and schema_for(f"{base}/units/a/myspec.toml") == []
    )
    assert all(
        url.startswith("file:///") for url in associations.values()
    )  # absolute: see taplo issue #479


@needs_taplo
def test_the_taplo_config_of_the_docs_checks_a_project(tmp_path: Path) -> None:
    """docs/editors.md's .taplo.toml, in a project laid out as the page says: good files pass, bad ones fail."""
    project = tmp_path / "project"
    (project / "schemas").mkdir(parents=True)
    for name in MODEL_SCHEMAS:
        (project / "schemas" / f"{name}.schema.json").write_text(
            schema_text(name), encoding="utf-8"
        )
    (project / ".taplo.toml").write_text(_block("toml", "# file: .taplo.toml"), encoding="utf-8")
    shutil.copytree(
        ROOT / "specs", project / "specs", ignore=shutil.ignore_patterns("templates", "schemas")
    )
    shutil.copytree(SEED, project / "units" / "a", ignore=shutil.ignore_patterns("*.xlsx"))
    for path in project.rglob("*.toml"):  # no #:schema lines: the configuration alone decides
        text = path.read_text(encoding="utf-8")
        if text.startswith("#:schema"):
            path.write_text(text.split("\n", 1)[1], encoding="utf-8")
    run = taplo(tmp_path, cwd=project, auto_config=True)
    assert run.returncode == 0, run.stderr
    bad = {
        project / "units" / "a" / "spec.toml": ("weight = 20\n", "wieght = 20\n"),
        project / "units" / "a" / "actuals.toml": ("full_year = 32909.2", "ful_year = 32909.2"),
        project / "units" / "a" / "cases" / "report-2024.case.toml": ("total = 99", "totl = 99"),
        project / "specs" / "hunan-department.toml": (
            "valid = { from = 2024 }",
            "valid = { form = 2024 }",
        ),
    }
    for path, (old, new) in bad.items():
        path.write_text(_bad_text(path, old, new), encoding="utf-8")
    run = taplo(tmp_path, cwd=project, auto_config=True)
    assert run.returncode != 0
    for path in bad:
        assert f'schema validation failed path="{path}"' in run.stderr, (path, run.stderr[-3000:])
    for key in ("wieght", "ful_year", "totl", "form"):
        assert f"'{key}' was unexpected" in run.stderr.replace('"', "'")
