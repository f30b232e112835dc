"""The JSON API in process (Starlette's TestClient): results equal the library's, errors are JSON with stable codes.

Malformed and oversized bodies, wrong TOML, an unknown framework, a path in
``extends``, and 422 answers whose problems are exactly those of
``perfrules check --format json`` on the same files.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any

import pytest

import perfrules

pytest.importorskip("starlette", reason="the serve extra (Starlette) is not installed")
pytest.importorskip("httpx", reason="httpx (test extra) runs Starlette's TestClient")
with (
    warnings.catch_warnings()
):  # Starlette ≥ 1.x suggests another HTTP client (httpx2) for its TestClient
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from starlette.testclient import TestClient

from perfrules.service import ERROR_CODES, ServiceConfig, create_app  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "examples" / "hunan-2024-general-office"
SPEC = (SEED / "spec.toml").read_text(encoding="utf-8")
ACTUALS = (SEED / "actuals.toml").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app(ServiceConfig(max_body_bytes=256 * 1024)))


def _error(res: Any, status: int, code: str) -> dict[str, Any]:
    assert res.status_code == status, res.text
    assert res.headers["content-type"].startswith("application/json")
    doc: dict[str, Any] = res.json()
    assert doc["error"]["code"] == code and doc["error"]["status"] == status
    assert ERROR_CODES[code][0] == status
    assert doc["error"]["message"] and doc["error"]["message_zh"]
    assert "Traceback" not in res.text
    return doc


def test_evaluate_returns_the_librarys_document(client: TestClient) -> None:
    res = client.post("/api/v1/evaluate", json={"spec": SPEC, "actuals": ACTUALS})
    assert res.status_code == 200
    spec, actuals = perfrules.load_example(SEED)
    expected = perfrules.to_document(perfrules.evaluate(spec, actuals))
    got = res.json()
    assert got["total"] == "99" and got["grade"] == "优"
    assert {k: v for k, v in got.items() if k != "framework"} == json.loads(
        json.dumps({k: v for k, v in expected.items() if k != "framework"}, ensure_ascii=False)
    )


def test_actuals_as_data_keep_exact_numbers(client: TestClient) -> None:
    res = client.post("/api/v1/actuals", json={"spec": SPEC, "actuals": ACTUALS})
    assert res.status_code == 200
    assert '"spent":31092.65' in res.text  # a raw JSON number, written exactly
    data = re.search(r'"actuals":(\{.*\})\}$', res.text)
    assert data is not None
    body = f'{{"spec": {json.dumps(SPEC)}, "actuals": {{"data": {data.group(1)}}}}}'
    again = client.post(
        "/api/v1/evaluate", content=body, headers={"content-type": "application/json"}
    )
    assert again.status_code == 200 and again.json()["total"] == "99"
    assert again.json()["budget_execution"]["spent"] == "31092.65"


def test_the_spec_is_cached_by_digest(client: TestClient) -> None:
    cache = client.app.state.api.sources.cache  # type: ignore[attr-defined]
    client.post("/api/v1/evaluate", json={"spec": SPEC, "actuals": ACTUALS})
    hits = cache.hits
    res = client.post("/api/v1/evaluate", json={"spec": SPEC, "actuals": ACTUALS})
    assert cache.hits == hits + 1
    assert len(res.headers["x-perfrules-spec-key"]) == 64


def test_malformed_json(client: TestClient) -> None:
    _error(client.post("/api/v1/evaluate", content=b"{spec"), 400, "malformed-json")
    _error(client.post("/api/v1/evaluate", content=b"[1, 2]"), 400, "malformed-json")
    _error(client.post("/api/v1/evaluate", content=b'{"a": NaN}'), 400, "malformed-json")
    _error(client.post("/api/v1/evaluate", content=b"\xff\xfe"), 400, "malformed-json")
    _error(client.post("/api/v1/evaluate", json={"actuals": ACTUALS}), 400, "invalid-request")
    _error(
        client.post("/api/v1/evaluate", json={"spec": 3, "actuals": ACTUALS}),
        400,
        "invalid-request",
    )


def test_oversized_bodies_are_413_json(client: TestClient) -> None:
    big = b'{"spec": "' + b"#" * (300 * 1024) + b'"}'
    _error(client.post("/api/v1/evaluate", content=big), 413, "body-too-large")

    def chunks() -> Any:  # no Content-Length: refused while streaming
        for _ in range(40):
            yield b" " * 8192

    _error(client.post("/api/v1/evaluate", content=chunks()), 413, "body-too-large")


def test_wrong_toml_is_422_with_the_clis_problems(client: TestClient, tmp_path: Path) -> None:
    spec = SPEC.replace("weight = 20\n", 'weight = "twenty"\n', 1).replace(
        "[[indicators]]", "[[indicators]]\nwieght = 3", 1
    )
    assert spec != SPEC
    (tmp_path / "spec.toml").write_text(spec, encoding="utf-8")
    (tmp_path / "actuals.toml").write_text(ACTUALS, encoding="utf-8")
    res = client.post("/api/v1/check", json={"spec": spec, "actuals": ACTUALS})
    doc = _error(res, 422, "invalid-input")
    cli = subprocess.run(
        [
            sys.executable,
            "-m",
            "perfrules",
            "check",
            "spec.toml",
            "actuals.toml",
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert cli.returncode == 2, cli.stderr
    expected = json.loads(cli.stdout)
    assert len(expected["problems"]) >= 2
    assert doc["problems"] == expected["problems"]
    assert all(p["line"] for p in doc["problems"])  # located in the text the request sent
    _error(
        client.post("/api/v1/evaluate", json={"spec": "a = [", "actuals": ACTUALS}),
        422,
        "invalid-input",
    )


def test_unknown_framework_and_paths(client: TestClient) -> None:
    doc = _error(
        client.post("/api/v1/form", json={"spec": {"framework": "hunan-departmnet"}}),
        404,
        "unknown-framework",
    )
    assert doc["error"]["suggestion"] == "hunan-department"
    for ref in ("../secret.toml", "/etc/passwd", "specs/hunan-department.toml"):
        text = f'extends = "{ref}"\n[meta]\nid = "x"\n'
        _error(client.post("/api/v1/check", json={"spec": text}), 400, "path-refused")
    unknown = client.post("/api/v1/check", json={"spec": 'extends = "nope"\n[meta]\nid = "x"\n'})
    assert _error(unknown, 422, "invalid-input")["problems"][0]["code"] == "extends"


def test_routes_and_methods(client: TestClient) -> None:
    _error(client.get("/api/v1/nothing"), 404, "not-found")
    _error(client.get("/api/v1/evaluate"), 405, "method-not-allowed")
    _error(client.get("/static/../../pyproject.toml"), 404, "not-found")
    _error(client.get("/api/v1/schemas/passwd"), 404, "not-found")
    _error(client.post("/api/v1/export/exe", json={}), 404, "not-found")
    _error(
        client.post("/api/v1/import", content=b"x", headers={"content-type": "text/plain"}),
        415,
        "unsupported-media-type",
    )


def test_explain_lint_frameworks_schemas_openapi(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = {"spec": SPEC, "actuals": ACTUALS}
    row = client.post("/api/v1/explain", json={**body, "indicator": "预算执行率"}).json()
    assert row["score"] == "9" and row["rate_display"] == "94.48%"
    row = client.post("/api/v1/explain", json={**body, "indicator": "志愿服务活动"}).json()
    assert row["id"] == "volunteer_activities"
    _error(
        client.post("/api/v1/explain", json={**body, "indicator": "nothing"}),
        404,
        "unknown-indicator",
    )
    # a framework file is shown relative to the working directory, as the CLI shows it; a fresh service
    # there (its spec cache holds the spec as loaded) gives the CLI's document, finding for finding
    monkeypatch.chdir(SEED)
    lint = TestClient(create_app()).post("/api/v1/lint", json=body).json()
    cli = subprocess.run(
        [
            sys.executable,
            "-m",
            "perfrules",
            "lint",
            "spec.toml",
            "actuals.toml",
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=SEED,
    )
    assert lint["findings"] and lint == json.loads(
        cli.stdout
    )  # the CLI's document, finding for finding
    ids = {f["id"] for f in client.get("/api/v1/frameworks").json()["frameworks"]}
    assert {"hunan-department", "national-project"} <= ids
    assert client.get("/api/v1/schemas/evaluation").json()["$schema"]
    api = client.get("/api/v1/openapi.json").json()
    assert api["openapi"].startswith("3.") and "/api/v1/evaluate" in api["paths"]
    codes = api["components"]["schemas"]["Error"]["properties"]["error"]["properties"]["code"][
        "enum"
    ]
    assert codes == sorted(ERROR_CODES)


def test_the_exports_offered_are_those_installed(client: TestClient) -> None:
    import importlib.util

    exports = client.get("/api/v1").json()["exports"]
    assert {"xlsx", "html", "md", "narrative"} <= set(exports)
    assert ("docx" in exports) == (importlib.util.find_spec("docx") is not None)


def test_exports_and_import(client: TestClient) -> None:
    body = {"spec": SPEC, "actuals": ACTUALS}
    xlsx = client.post("/api/v1/export/xlsx", json=body)
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    html = client.post("/api/v1/export/html", json=body)
    assert "湖南省人民政府办公厅" in html.text
    back = client.post(
        "/api/v1/import",
        content=xlsx.content,
        headers={
            "content-type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        },
    )
    assert back.status_code == 200 and back.json()["evaluation"]["total"] == "99"
    shipped = client.post(
        "/api/v1/import",
        content=(SEED / "自评表.xlsx").read_bytes(),
        headers={"content-type": "application/octet-stream"},
    )
    assert shipped.json()["evaluation"]["grade"] == "优"
    bad = client.post(
        "/api/v1/import", content=b"not a zip", headers={"content-type": "application/octet-stream"}
    )
    doc = _error(bad, 422, "invalid-input")
    assert (
        doc["problems"][0]["file"] == "自评表.xlsx"
    )  # the upload, not the server's temporary file


def test_the_page_is_served_with_no_outside_resource(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and "预算绩效自评" in page.text
    assert "default-src 'none'" in page.headers["content-security-policy"]
    for name in ("app.js", "style.css"):
        res = client.get(f"/static/{name}")
        assert res.status_code == 200
        assert "http://" not in res.text and "https://" not in res.text
    assert not re.search(r"""(src|href)=["']https?:""", page.text)


def test_serve_without_the_extra_is_exit_2(tmp_path: Path) -> None:
    blocker = tmp_path / "starlette"
    blocker.mkdir()
    (blocker / "__init__.py").write_text("raise ImportError('blocked', name='starlette')\n")
    res = subprocess.run(
        [sys.executable, "-m", "perfrules", "serve"],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": f"{tmp_path}:{ROOT}", "PATH": "/usr/bin:/bin"},
        timeout=60,
    )
    assert res.returncode == 2, res.stderr
    assert "pip install 'perfrules[serve]'" in res.stderr


def test_a_configured_frameworks_folder_is_looked_up_first(tmp_path: Path) -> None:
    """``--frameworks DIR``: a province's own framework is found there; without it, it is unknown."""
    folder = tmp_path / "srv" / "specs"
    folder.mkdir(parents=True)
    framework = (ROOT / "specs" / "hunan-department.toml").read_text(encoding="utf-8")
    assert 'id = "hunan-department"' in framework
    (folder / "province-x.toml").write_text(
        framework.replace('id = "hunan-department"', 'id = "province-x"', 1), encoding="utf-8"
    )
    spec = SPEC.replace('extends = "hunan-department"', 'extends = "province-x"', 1)
    assert spec != SPEC
    body = {"spec": spec, "actuals": ACTUALS}
    for given in (folder, folder.parent):  # the specs/ folder itself, or the folder holding it
        served = TestClient(create_app(ServiceConfig(frameworks=given)))
        ids = {f["id"] for f in served.get("/api/v1/frameworks").json()["frameworks"]}
        assert "province-x" in ids
        res = served.post("/api/v1/evaluate", json=body)
        assert res.status_code == 200, res.text
        assert res.json()["framework"]["id"] == "province-x" and res.json()["total"] == "99"
    default = TestClient(create_app())
    problems = _error(default.post("/api/v1/evaluate", json=body), 422, "invalid-input")["problems"]
    assert [p["code"] for p in problems] == ["extends"]
    with pytest.raises(ValueError, match="specs/"):
        create_app(ServiceConfig(frameworks=tmp_path / "nothing"))


def test_framework_files_outside_the_frameworks_folders_are_not_read(tmp_path: Path) -> None:
    """A framework that itself extends a path outside the folders: the guard refuses to read it."""
    folder = tmp_path / "specs"
    folder.mkdir()
    framework = (ROOT / "specs" / "hunan-department.toml").read_text(encoding="utf-8")
    outside = tmp_path / "outside.toml"  # a readable framework file, beside the folder, not in it
    outside.write_text(
        (ROOT / "specs" / "national-department.toml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    (folder / "province-y.toml").write_text(
        framework.replace('id = "hunan-department"', 'id = "province-y"', 1).replace(
            'extends = "national-department"', 'extends = "../outside.toml"', 1
        ),
        encoding="utf-8",
    )
    spec = SPEC.replace('extends = "hunan-department"', 'extends = "province-y"', 1)
    served = TestClient(create_app(ServiceConfig(frameworks=folder)))
    res = served.post("/api/v1/evaluate", json={"spec": spec, "actuals": ACTUALS})
    problems = _error(res, 422, "invalid-input")["problems"]
    assert [p["code"] for p in problems] == ["extends"]
    assert "outside.toml" in problems[0]["message"] and "not read" in problems[0]["message"]
    # the same files through the library, which trusts its caller's folders, do read it
    (tmp_path / "unit").mkdir()
    (tmp_path / "unit" / "spec.toml").write_text(spec, encoding="utf-8")
    assert perfrules.load_spec(tmp_path / "unit" / "spec.toml").framework is not None


def test_serve_refuses_a_frameworks_folder_without_frameworks(tmp_path: Path) -> None:
    res = subprocess.run(
        [sys.executable, "-m", "perfrules", "serve", "--frameworks", str(tmp_path / "none")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert res.returncode == 2, res.stderr
    assert "specs/" in res.stderr and "--frameworks" in res.stderr


def test_the_frameworks_document_is_the_clis_without_file_paths(
    client: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    """One entry shape (perfrules.loading.framework_entry) for `perfrules frameworks --format json` and
    GET /api/v1/frameworks; the service adds whether a framework is used, never a server path."""
    from perfrules.cli import main

    assert main(["frameworks", "--format", "json"]) == 0
    cli = {f["id"]: f for f in json.loads(capsys.readouterr().out)["frameworks"] if f["used"]}
    served = client.get("/api/v1/frameworks").json()
    assert served["schema"] == "perfrules.frameworks" and served["schema_version"] == 1
    common = ["id", "title", "versions", "valid", "extends", "origin", "source"]
    assert {"national-project", "hunan-department"} <= cli.keys() & {
        f["id"] for f in served["frameworks"]
    }
    for entry in served["frameworks"]:
        assert list(entry) == [*common, "used"]
        if entry["id"] in cli:
            assert list(cli[entry["id"]]) == [*common, "file", "display", "used", "shadowed_by"]
            assert {k: cli[entry["id"]][k] for k in common} == {k: entry[k] for k in common}
