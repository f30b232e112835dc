"""``perfrules serve``: a JSON API over the library and a browser page, in one ASGI application.

::

    from perfrules.service import ServiceConfig, create_app

    app = create_app(ServiceConfig(frameworks="/srv/perfrules"))  # any ASGI server runs it

Needs the ``serve`` extra (Starlette and uvicorn): ``pip install 'perfrules[serve]'``.
The service depends on the library, never the reverse; it opens no path a
request names (specs come from the request itself or from the configured and
installed frameworks), bounds every body, answers every error as JSON with a
stable code and caches loaded specs by digest (docs/serve.md).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from perfrules.service._config import DEFAULT_HOST, DEFAULT_PORT, ServiceConfig
from perfrules.service._errors import ERROR_CODES, ApiError
from perfrules.service._stack import starlette_module, uvicorn_module

if TYPE_CHECKING:
    from starlette.applications import Starlette


def create_app(config: ServiceConfig | None = None) -> Starlette:
    """The ASGI application (a Starlette app) serving the API under ``/api/v1`` and the page at
    ``/``."""
    starlette_module()  # without the extra: MissingExtraError naming it, before anything else
    from perfrules.service._app import build_app

    return build_app(config or ServiceConfig())


__all__ = [
    "DEFAULT_HOST",
    "DEFAULT_PORT",
    "ERROR_CODES",
    "ApiError",
    "ServiceConfig",
    "create_app",
    "starlette_module",
    "uvicorn_module",
]
