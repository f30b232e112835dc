"""The API's OpenAPI 3.1 description (``GET /api/v1/openapi.json``), written from one table of
endpoints."""

from __future__ import annotations

from typing import Any

from perfrules._version import __version__
from perfrules.service._errors import ERROR_CODES

_SPEC = {
    "description": "TOML text, or {toml}, {data} (the TOML's tables as JSON) or {framework, meta}",
    "oneOf": [
        {"type": "string"},
        {"type": "object", "required": ["toml"], "properties": {"toml": {"type": "string"}}},
        {"type": "object", "required": ["data"], "properties": {"data": {"type": "object"}}},
        {
            "type": "object",
            "required": ["framework"],
            "properties": {"framework": {"type": "string"}, "meta": {"type": "object"}},
        },
    ],
}
_ACTUALS = {
    "description": "TOML text, or {toml} or {data}",
    "oneOf": [
        {"type": "string"},
        {"type": "object", "required": ["toml"], "properties": {"toml": {"type": "string"}}},
        {"type": "object", "required": ["data"], "properties": {"data": {"type": "object"}}},
    ],
}


def _body(required: list[str], **extra: Any) -> dict[str, Any]:
    props: dict[str, Any] = {"spec": {"$ref": "#/components/schemas/Spec"}}
    props["actuals"] = {"$ref": "#/components/schemas/Actuals"}
    props["lang"] = {"enum": ["zh", "en"], "default": "zh"}
    props.update(extra)
    return {
        "required": True,
        "content": {
            "application/json": {
                "schema": {"type": "object", "required": required, "properties": props}
            }
        },
    }


_ERRORS = {"$ref": "#/components/responses/Error"}
_JSON_OK = {"description": "OK", "content": {"application/json": {"schema": {"type": "object"}}}}
_FILE_OK = {
    "description": "the file",
    "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
}

# path → method → (summary, request body or None, success response)
_ENDPOINTS: dict[str, dict[str, tuple[str, dict[str, Any] | None, dict[str, Any]]]] = {
    "/api/v1/frameworks": {"get": ("The frameworks a spec may extend", None, _JSON_OK)},
    "/api/v1/schemas": {"get": ("The JSON Schemas perfrules ships", None, _JSON_OK)},
    "/api/v1/schemas/{name}": {
        "get": ("One JSON Schema (spec, actuals, framework, case, evaluation)", None, _JSON_OK)
    },
    "/api/v1/template": {"get": ("The blank 自评表 workbook", None, _FILE_OK)},
    "/api/v1/form": {
        "post": ("A spec's rows as the page's form shows them", _body(["spec"]), _JSON_OK)
    },
    "/api/v1/check": {
        "post": (
            "Check a spec (and actuals); 422 with every problem located",
            _body(["spec"]),
            _JSON_OK,
        )
    },
    "/api/v1/actuals": {
        "post": (
            "Actuals (TOML) checked against the spec, as data with exact numbers",
            _body(["spec", "actuals"]),
            _JSON_OK,
        )
    },
    "/api/v1/evaluate": {
        "post": (
            "Evaluate: the versioned JSON document (perfrules.evaluation)",
            _body(["spec", "actuals"]),
            _JSON_OK,
        )
    },
    "/api/v1/explain": {
        "post": (
            "One indicator's entry of the document (id, name, or budget_execution)",
            _body(["spec", "actuals", "indicator"], indicator={"type": "string"}),
            _JSON_OK,
        )
    },
    "/api/v1/lint": {
        "post": (
            "Target-setting findings and the figure audit",
            _body(["spec"], ignore={"type": "array", "items": {"type": "string"}}),
            _JSON_OK,
        )
    },
    "/api/v1/export/{format}": {
        "post": (
            "The 自评表 (xlsx) or the 自评报告 (docx, html, md, narrative)",
            _body(["spec", "actuals"]),
            _FILE_OK,
        )
    },
    "/api/v1/import": {
        "post": (
            "Read a filled 自评表.xlsx (the body; ?framework=ID for a hand-filled form)",
            {
                "required": True,
                "content": {
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
                        "schema": {"type": "string", "format": "binary"}
                    }
                },
            },
            _JSON_OK,
        )
    },
}


def openapi_document() -> dict[str, Any]:
    paths: dict[str, Any] = {}
    for path, methods in _ENDPOINTS.items():
        paths[path] = {}
        for method, (summary, body, ok) in methods.items():
            op: dict[str, Any] = {"summary": summary, "responses": {"200": ok, "default": _ERRORS}}
            if body is not None:
                op["requestBody"] = body
            params = [p.strip("{}") for p in path.split("/") if p.startswith("{")]
            if params:
                op["parameters"] = [
                    {"name": p, "in": "path", "required": True, "schema": {"type": "string"}}
                    for p in params
                ]
            paths[path][method] = op
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "perfrules",
            "version": __version__,
            "description": "预算绩效自评 as a service: evaluate, explain, "
            "check, lint, export (docs/serve.md)",
        },
        "paths": paths,
        "components": {
            "schemas": {
                "Spec": _SPEC,
                "Actuals": _ACTUALS,
                "Error": {
                    "type": "object",
                    "required": ["error"],
                    "properties": {
                        "error": {
                            "type": "object",
                            "required": ["code", "status", "message", "message_zh"],
                            "properties": {
                                "code": {"enum": sorted(ERROR_CODES)},
                                "status": {"type": "integer"},
                                "message": {"type": "string"},
                                "message_zh": {"type": "string"},
                            },
                        },
                        "problems": {"type": "array", "items": {"type": "object"}},
                    },
                },
            },
            "responses": {
                "Error": {
                    "description": "every error: JSON with a stable "
                    "code (422: the problems, located)",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                    },
                }
            },
        },
    }
