"""Bounded bodies: a request larger than the service accepts is refused (413) before it is read
whole."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from starlette.requests import Request

from perfrules._messages import api_message
from perfrules.service._errors import ApiError


def _too_large(limit: int) -> ApiError:
    return ApiError(
        "body-too-large",
        *api_message("body-too-large", limit=limit),
        detail={"limit": limit},
    )


async def read_body(request: Request, limit: int) -> bytes:
    """The body, at most ``limit`` bytes: a larger Content-Length is refused unread, a longer
    stream when it passes."""
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            length = int(declared)
        except ValueError:
            raise ApiError(
                "invalid-request", *api_message(("invalid-request", "content-length"))
            ) from None
        if length > limit:
            raise _too_large(limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _too_large(limit)
        chunks.append(chunk)
    return b"".join(chunks)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


async def read_json(request: Request, limit: int) -> dict[str, Any]:
    """The body as a JSON object, every fractional number an exact :class:`~decimal.Decimal`."""
    raw = await read_body(request, limit)
    try:
        value = json.loads(raw.decode("utf-8"), parse_float=Decimal, parse_constant=_no_constant)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise ApiError("malformed-json", *api_message("malformed-json", error=exc)) from None
    if not isinstance(value, dict):
        raise ApiError("malformed-json", *api_message(("malformed-json", "not-an-object")))
    return value
