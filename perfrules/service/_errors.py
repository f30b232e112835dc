"""Every error as JSON with a stable code (``{"error": {"code", "message", "message_zh"}}``),
never a traceback."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from perfrules._errors import PerfrulesError, Problem, problem_document

# code → (HTTP status, what it means); docs/serve.md lists them, tests/test_serve_api.py holds the
# two equal
ERROR_CODES: Mapping[str, tuple[int, str]] = {
    "malformed-json": (400, "the body is not JSON (UTF-8), or not a JSON object"),
    "invalid-request": (400, "a field of the request is missing or of the wrong kind"),
    "path-refused": (400, "the request named a file path; the service opens none"),
    "not-found": (404, "no such endpoint or page"),
    "unknown-framework": (404, "no framework with that id among the configured and installed ones"),
    "unknown-indicator": (404, "no indicator with that id or name in the spec"),
    "method-not-allowed": (405, "the endpoint does not take that HTTP method"),
    "body-too-large": (413, "the body is larger than the service accepts"),
    "unsupported-media-type": (415, "the body is not of the content type the endpoint takes"),
    "invalid-input": (422, "the spec, the actuals or the workbook has problems, each located"),
    "extra-missing": (501, "the export needs an optional dependency the server lacks"),
    "internal-error": (500, "a bug: the service logged it; the response carries no detail"),
}


class ApiError(PerfrulesError, ValueError):
    """An error a request gets back: a stable ``code``, its HTTP status and a message in English
    and Chinese."""

    def __init__(
        self,
        code: str,
        message: str,
        message_zh: str,
        *,
        problems: Iterable[Problem] = (),
        detail: Mapping[str, Any] | None = None,
    ) -> None:
        if code not in ERROR_CODES:
            raise ValueError(f"unknown error code {code!r}")
        super().__init__(f"{code}: {message}")
        self.code = code
        self.status = ERROR_CODES[code][0]
        self.message = message
        self.message_zh = message_zh
        self.problems = tuple(problems)
        self.detail = dict(detail or {})

    def document(self) -> dict[str, Any]:
        """The JSON body: the error, and for ``invalid-input`` every problem as
        ``perfrules check --format json`` has it."""
        doc: dict[str, Any] = {
            "error": {
                "code": self.code,
                "status": self.status,
                "message": self.message,
                "message_zh": self.message_zh,
                **self.detail,
            }
        }
        if self.problems or self.code == "invalid-input":
            doc["schema"] = "perfrules.check"
            doc["schema_version"] = 1
            doc["valid"] = False
            doc["problems"] = [problem_document(p) for p in self.problems]
        return doc
