"""The ASGI stack of the ``serve`` extra, imported only when the service starts."""

from __future__ import annotations

from types import ModuleType

from perfrules._errors import MissingExtraError


def starlette_module() -> ModuleType:
    """Starlette, or :class:`MissingExtraError` naming the ``serve`` extra."""
    try:
        import starlette
    except ImportError as exc:
        raise MissingExtraError(
            "serve",
            "perfrules serve needs Starlette and uvicorn",
            "perfrules serve 需要 Starlette 和 uvicorn",
            module=exc.name,
        ) from None
    return starlette


def uvicorn_module() -> ModuleType:
    """uvicorn, or :class:`MissingExtraError` naming the ``serve`` extra."""
    try:
        import uvicorn
    except ImportError as exc:
        raise MissingExtraError(
            "serve",
            "perfrules serve needs Starlette and uvicorn",
            "perfrules serve 需要 Starlette 和 uvicorn",
            module=exc.name,
        ) from None
    return uvicorn
