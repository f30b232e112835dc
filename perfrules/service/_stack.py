"""The ASGI stack of the ``serve`` extra, imported only when the service starts."""

from __future__ import annotations

from types import ModuleType

from perfrules._errors import MissingExtraError
from perfrules._messages import api_message


def starlette_module() -> ModuleType:
    """Starlette, or :class:`MissingExtraError` naming the ``serve`` extra."""
    try:
        import starlette
    except ImportError as exc:
        raise MissingExtraError(
            "serve", *api_message(("extra-missing", "serve")), module=exc.name
        ) from None
    return starlette


def uvicorn_module() -> ModuleType:
    """uvicorn, or :class:`MissingExtraError` naming the ``serve`` extra."""
    try:
        import uvicorn
    except ImportError as exc:
        raise MissingExtraError(
            "serve", *api_message(("extra-missing", "serve")), module=exc.name
        ) from None
    return uvicorn
