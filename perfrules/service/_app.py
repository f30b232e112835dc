"""The Starlette application: routes, and every error turned into JSON with a stable code."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from perfrules._errors import MissingExtraError, SpecError
from perfrules._messages import api_message
from perfrules.service._config import ServiceConfig
from perfrules.service._errors import ApiError
from perfrules.service._json import JSONResponse
from perfrules.service._page import index as page_index
from perfrules.service._page import static as page_static
from perfrules.service._routes import Api, internal, missing_extra

Endpoint = Callable[[Request], Awaitable[Response]]


def error_response(err: ApiError) -> Response:
    return JSONResponse(err.document(), status_code=err.status)


def guarded(endpoint: Endpoint) -> Endpoint:
    """``endpoint`` with every exception answered as JSON: located problems 422, a bug 500
    without detail."""

    @functools.wraps(endpoint)
    async def run(request: Request) -> Response:
        try:
            return await endpoint(request)
        except ApiError as err:
            return error_response(err)
        except SpecError as err:
            return error_response(
                ApiError(
                    "invalid-input",
                    *api_message("invalid-input", count=len(err.problems)),
                    problems=err.problems,
                )
            )
        except MissingExtraError as err:
            return error_response(missing_extra(err))
        except Exception as exc:  # noqa: BLE001 - a bug: logged, answered without a traceback
            return error_response(internal(exc))

    return run


async def _http_error(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    if status == 404:
        return error_response(ApiError("not-found", *api_message("not-found")))
    if status == 405:
        return error_response(ApiError("method-not-allowed", *api_message("method-not-allowed")))
    return error_response(internal(exc))


def build_app(config: ServiceConfig) -> Starlette:
    api = Api(config)
    post = ["POST"]
    routes = [
        Route("/", guarded(page_index)),
        Route("/static/{name}", guarded(page_static)),
        Route("/api/v1", guarded(api.index)),
        Route("/api/v1/openapi.json", guarded(api.openapi)),
        Route("/api/v1/frameworks", guarded(api.frameworks)),
        Route("/api/v1/schemas", guarded(api.schemas)),
        Route("/api/v1/schemas/{name}", guarded(api.schema)),
        Route("/api/v1/template", guarded(api.template)),
        Route("/api/v1/form", guarded(api.form), methods=post),
        Route("/api/v1/check", guarded(api.check), methods=post),
        Route("/api/v1/actuals", guarded(api.actuals), methods=post),
        Route("/api/v1/evaluate", guarded(api.evaluate), methods=post),
        Route("/api/v1/explain", guarded(api.explain), methods=post),
        Route("/api/v1/lint", guarded(api.lint), methods=post),
        Route("/api/v1/export/{format}", guarded(api.export), methods=post),
        Route("/api/v1/import", guarded(api.import_workbook), methods=post),
    ]
    app = Starlette(
        routes=routes,
        exception_handlers={HTTPException: _http_error, Exception: _http_error},
    )
    app.state.api = api
    return app
