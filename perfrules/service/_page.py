"""The browser page: static HTML, JavaScript and CSS shipped as package data, served from memory."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from starlette.requests import Request
from starlette.responses import Response

from perfrules._messages import api_message
from perfrules.service._errors import ApiError

# the files the page is made of (nothing else under static/ is served, and no name from a request is
# opened)
STATIC: dict[str, str] = {
    "index.html": "text/html; charset=utf-8",
    "app.js": "text/javascript; charset=utf-8",
    "style.css": "text/css; charset=utf-8",
}
# the page loads nothing from anywhere else: scripts, styles, images and requests stay on this
# origin
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'"
)


@cache
def static_bytes(name: str) -> bytes:
    """A shipped static file (``name`` one of :data:`STATIC`)."""
    return (Path(__file__).with_name("static") / name).read_bytes()


def _headers() -> dict[str, str]:
    return {
        "Content-Security-Policy": CSP,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "Cache-Control": "no-cache",
    }


async def index(request: Request) -> Response:
    return Response(static_bytes("index.html"), media_type=STATIC["index.html"], headers=_headers())


async def static(request: Request) -> Response:
    name = request.path_params["name"]
    if name not in STATIC:
        raise ApiError("not-found", *api_message(("not-found", "static"), name=name))
    return Response(static_bytes(name), media_type=STATIC[name], headers=_headers())
