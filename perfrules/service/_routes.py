"""The API's endpoints: each reads a bounded body, works in a thread, answers JSON (or a file)."""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from perfrules._errors import MissingExtraError, SpecError
from perfrules._messages import api_message, listing
from perfrules._suggest import suggest
from perfrules._version import __version__
from perfrules.core import Evaluation, evaluate, to_document
from perfrules.loading import framework_entry
from perfrules.model import Actuals, Spec
from perfrules.service._config import ServiceConfig
from perfrules.service._errors import ApiError
from perfrules.service._form import describe
from perfrules.service._json import JSONResponse
from perfrules.service._limits import read_body, read_json
from perfrules.service._sources import Sources

log = logging.getLogger(__name__)  # under "perfrules.service"

BUDGET_IDS = ("budget_execution", "预算执行率")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# format → (media type, file suffix); docx only where python-docx is installed (the docx extra)
EXPORTS: dict[str, tuple[str, str]] = {
    "xlsx": (XLSX_TYPE, "xlsx"),
    "docx": (DOCX_TYPE, "docx"),
    "html": ("text/html; charset=utf-8", "html"),
    "md": ("text/markdown; charset=utf-8", "md"),
    "narrative": ("text/plain; charset=utf-8", "txt"),
}


def available_exports() -> list[str]:
    """The export formats this server can write: docx only where python-docx (the docx extra) is
    installed."""
    import importlib.util

    return [f for f in EXPORTS if f != "docx" or importlib.util.find_spec("docx") is not None]


def _lang(body: dict[str, Any]) -> str:
    lang = body.get("lang", "zh")
    if lang not in ("zh", "en"):
        raise ApiError(
            "invalid-request",
            *api_message(("invalid-request", "lang")),
            detail={"field": "lang"},
        )
    return str(lang)


class Api:
    """The endpoints, sharing one :class:`Sources` (frameworks and the spec cache)."""

    def __init__(self, config: ServiceConfig) -> None:
        self.config = config
        self.sources = Sources(config)

    # ---- plumbing ---------------------------------------------------------

    async def _body(self, request: Request) -> dict[str, Any]:
        return await read_json(request, self.config.max_body_bytes)

    def _loaded(self, body: dict[str, Any]) -> tuple[Spec, Actuals, str]:
        spec, key = self.sources.spec(body)
        actuals = self.sources.actuals(body, spec)
        assert actuals is not None
        return spec, actuals, key

    # ---- endpoints --------------------------------------------------------

    async def index(self, request: Request) -> Response:
        return JSONResponse(
            {
                "service": "perfrules",
                "version": __version__,
                "openapi": "/api/v1/openapi.json",
                "page": "/",
                "exports": available_exports(),
            }
        )

    async def openapi(self, request: Request) -> Response:
        from perfrules.service._openapi import openapi_document

        return JSONResponse(openapi_document())

    async def frameworks(self, request: Request) -> Response:
        listed = await run_in_threadpool(self.sources.frameworks.listed)
        return JSONResponse(
            {
                "schema": "perfrules.frameworks",
                "schema_version": 1,
                "frameworks": [
                    {**framework_entry(f), "used": shadow is None} for f, shadow in listed
                ],
            }
        )

    async def schemas(self, request: Request) -> Response:
        from perfrules.schema import SCHEMA_NAMES

        return JSONResponse({"schemas": {n: f"/api/v1/schemas/{n}" for n in SCHEMA_NAMES}})

    async def schema(self, request: Request) -> Response:
        from perfrules.schema import SCHEMA_NAMES, shipped

        name = request.path_params["name"]
        if name not in SCHEMA_NAMES:
            raise ApiError(
                "not-found",
                *api_message(("not-found", "schema"), name=name, names=listing(SCHEMA_NAMES)),
            )
        return JSONResponse(shipped(name), media_type="application/schema+json")

    async def form(self, request: Request) -> Response:
        body = await self._body(request)

        def work() -> dict[str, Any]:
            spec, _ = self.sources.spec(body)
            return describe(spec)

        return JSONResponse(await run_in_threadpool(work))

    async def check(self, request: Request) -> Response:
        body = await self._body(request)

        def work() -> dict[str, Any]:
            spec, _ = self.sources.spec(body)
            actuals = self.sources.actuals(body, spec, required=False)
            return {
                "schema": "perfrules.check",
                "schema_version": 1,
                "valid": True,
                "spec": {
                    "id": spec.meta.id,
                    "categories": len(spec.categories),
                    "indicators": len(spec.indicators),
                },
                "actuals": actuals is not None,
                "problems": [],
            }

        return JSONResponse(await run_in_threadpool(work))

    async def actuals(self, request: Request) -> Response:
        body = await self._body(request)

        def work() -> dict[str, Any]:
            from perfrules.loading import converter

            spec, _ = self.sources.spec(body)
            actuals = self.sources.actuals(body, spec)
            return {"actuals": converter.unstructure(actuals, Actuals)}

        return JSONResponse(await run_in_threadpool(work))

    async def evaluate(self, request: Request) -> Response:
        body = await self._body(request)

        def work() -> tuple[dict[str, Any], str]:
            spec, actuals, key = self._loaded(body)
            return to_document(evaluate(spec, actuals)), key

        doc, key = await run_in_threadpool(work)
        return JSONResponse(doc, headers={"X-Perfrules-Spec-Key": key})

    async def explain(self, request: Request) -> Response:
        body = await self._body(request)
        wanted = body.get("indicator")
        if not isinstance(wanted, str) or not wanted:
            raise ApiError(
                "invalid-request",
                *api_message(("invalid-request", "indicator")),
                detail={"field": "indicator"},
            )

        def work() -> dict[str, Any]:
            spec, actuals, _ = self._loaded(body)
            ev = evaluate(spec, actuals)
            doc = to_document(ev)
            if wanted in BUDGET_IDS and doc["budget_execution"] is not None:
                return dict(doc["budget_execution"])
            ident = _find(ev, wanted)
            return next(i for i in doc["indicators"] if i["id"] == ident)

        return JSONResponse(await run_in_threadpool(work))

    async def lint(self, request: Request) -> Response:
        body = await self._body(request)
        ignore = body.get("ignore", [])
        if not isinstance(ignore, list) or not all(isinstance(c, str) for c in ignore):
            raise ApiError(
                "invalid-request",
                *api_message(("invalid-request", "ignore")),
                detail={"field": "ignore"},
            )

        def work() -> dict[str, Any]:
            from perfrules.lint import CODES, LintOptions, lint_report, to_lint_document

            unknown = [c for c in ignore if c not in CODES]
            if unknown:
                raise ApiError(
                    "invalid-request",
                    *api_message(("invalid-request", "unknown-finding"), code=unknown[0]),
                    detail={"field": "ignore", "suggestion": suggest(unknown[0], CODES)},
                )
            spec, _ = self.sources.spec(body)
            actuals = self.sources.actuals(body, spec, required=False)
            options = LintOptions(ignore=frozenset(ignore))
            return to_lint_document(lint_report(spec, actuals, options=options))

        return JSONResponse(await run_in_threadpool(work))

    async def export(self, request: Request) -> Response:
        fmt = request.path_params["format"]
        if fmt not in EXPORTS:
            raise ApiError(
                "not-found",
                *api_message(("not-found", "export"), format=fmt, formats=listing(EXPORTS)),
            )
        body = await self._body(request)
        lang = _lang(body)
        if fmt == "docx":
            from perfrules.report import docx_module

            docx_module()  # without python-docx: extra-missing before any work

        def work() -> bytes:
            spec, actuals, _ = self._loaded(body)
            ev = evaluate(spec, actuals)
            return _export(fmt, spec, actuals, ev, lang)

        data = await run_in_threadpool(work)
        media, suffix = EXPORTS[fmt]
        name = "自评表" if fmt == "xlsx" else "自评报告"
        from urllib.parse import quote

        return Response(
            data,
            media_type=media,
            headers={
                "Content-Disposition": f'attachment; filename="report.{suffix}"; '
                f"filename*=UTF-8''{quote(name)}.{suffix}"
            },
        )

    async def import_workbook(self, request: Request) -> Response:
        framework = request.query_params.get("framework") or None
        kind = request.headers.get("content-type", "").split(";")[0].strip()
        if kind not in (XLSX_TYPE, "application/octet-stream"):
            raise ApiError(
                "unsupported-media-type", *api_message("unsupported-media-type", type=XLSX_TYPE)
            )
        raw = await read_body(request, self.config.max_workbook_bytes)
        if framework is not None and framework not in self.sources.frameworks.ids():
            raise ApiError(
                "unknown-framework",
                *api_message("unknown-framework", framework=framework),
                detail={"suggestion": suggest(framework, self.sources.frameworks.ids())},
            )
        return JSONResponse(await run_in_threadpool(_import, raw, framework))

    async def template(self, request: Request) -> Response:
        def work() -> bytes:
            from perfrules.interchange import blank_template

            with tempfile.TemporaryDirectory(prefix="perfrules-serve-") as tmp:
                return blank_template(Path(tmp) / "template.xlsx").read_bytes()

        from urllib.parse import quote

        return Response(
            await run_in_threadpool(work),
            media_type=XLSX_TYPE,
            headers={
                "Content-Disposition": 'attachment; filename="template.xlsx"; '
                f"filename*=UTF-8''{quote('绩效自评表-空白')}.xlsx"
            },
        )


def _find(ev: Evaluation, wanted: str) -> str:
    """The id of the indicator ``wanted`` names: its id, its name, or a unique part of its name."""
    rows = list(ev.indicators)
    for how in (lambda r: r.id == wanted, lambda r: r.name == wanted, lambda r: wanted in r.name):
        hits = [r for r in rows if how(r)]
        if len(hits) == 1:
            return hits[0].id
        if len(hits) > 1:
            raise ApiError(
                "unknown-indicator",
                *api_message(("unknown-indicator", "ambiguous"), wanted=wanted, count=len(hits)),
                detail={"candidates": [r.id for r in hits]},
            )
    raise ApiError(
        "unknown-indicator",
        *api_message("unknown-indicator", wanted=wanted, spec=ev.spec_id),
        detail={"suggestion": suggest(wanted, [r.id for r in rows] + [r.name for r in rows])},
    )


def _issues(spec: Spec, actuals: Actuals, lang: str) -> list[Any]:
    """The target-setting findings (``perfrules lint``, warnings) that 存在的问题 is drafted from."""
    from perfrules.lint import CODES, lint
    from perfrules.report import issues_from_findings

    return issues_from_findings(lint(spec, actuals), CODES, lang)


def _export(fmt: str, spec: Spec, actuals: Actuals, ev: Evaluation, lang: str) -> bytes:
    from perfrules import report

    zh: Any = lang  # "zh" | "en", checked by _lang
    if fmt == "xlsx":
        from perfrules.interchange import write_workbook

        with tempfile.TemporaryDirectory(prefix="perfrules-serve-") as tmp:
            return write_workbook(
                spec, actuals, Path(tmp) / "form.xlsx", evaluation=ev
            ).read_bytes()
    issues = _issues(spec, actuals, lang)
    if fmt == "docx":
        return report.to_docx(ev, None, issues, lang=zh)
    if fmt == "md":
        return report.to_report_markdown(ev, None, issues, lang=zh).encode("utf-8")
    if fmt == "narrative":
        return report.to_report_text(ev, None, issues, lang=zh).encode("utf-8")
    return report.to_report_html(ev, None, issues, lang=zh).encode("utf-8")


def _import(raw: bytes, framework: str | None) -> dict[str, Any]:
    """A filled 自评表 (bytes): spec, actuals (as TOML and as data), warnings and the evaluation."""
    from perfrules._errors import problem_document
    from perfrules.interchange import read_workbook
    from perfrules.loading import converter, dumps_actuals, dumps_spec

    with tempfile.TemporaryDirectory(prefix="perfrules-serve-") as tmp:
        path = Path(tmp) / "自评表.xlsx"  # the service's own file: the request names none
        path.write_bytes(raw)
        try:
            form = read_workbook(path, framework=framework)
        except SpecError as err:
            raise SpecError([_unfiled(p) for p in err.problems]) from None
    ev = evaluate(form.spec, form.actuals)
    return {
        "schema": "perfrules.import",
        "schema_version": 1,
        "hidden": form.hidden,
        "framework": form.framework,
        "spec_toml": dumps_spec(form.spec),
        "actuals_toml": dumps_actuals(form.actuals),
        "actuals": converter.unstructure(form.actuals, Actuals),
        "warnings": [problem_document(_unfiled(p)) for p in form.warnings],
        "evaluation": to_document(ev),
    }


def _unfiled(p: Any) -> Any:
    """A workbook problem named by the upload, not by the service's temporary file."""
    import attrs

    return attrs.evolve(p, file="自评表.xlsx") if p.file is not None else p


def missing_extra(exc: MissingExtraError) -> ApiError:
    return ApiError(
        "extra-missing",
        exc.text("en"),
        exc.text("zh"),
        detail={"extra": exc.extra, "install": exc.install},
    )


def internal(exc: BaseException) -> ApiError:
    log.error("internal error", exc_info=exc)
    return ApiError("internal-error", *api_message("internal-error"))
