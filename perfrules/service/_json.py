"""JSON responses: Chinese as is, exact numbers kept exact."""

from __future__ import annotations

import json
import re
import secrets
from decimal import Decimal
from typing import Any

from starlette.responses import Response

# no request can know it, so none can forge a raw number
_TOKEN = "\ue000" + secrets.token_hex(8) + ":"
_RAW = re.compile('"' + re.escape(_TOKEN) + r'(-?[0-9]+(?:\.[0-9]+)?)"')


def _marked(value: Any) -> Any:
    if isinstance(value, Decimal):
        return _TOKEN + format(value, "f")
    if isinstance(value, dict):
        return {k: _marked(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_marked(v) for v in value]
    return value


class _HasDecimal(Exception):
    pass


def _no_decimal(value: Any) -> Any:
    raise _HasDecimal


def dumps(doc: Any) -> str:
    """``doc`` as JSON; a :class:`~decimal.Decimal` becomes a JSON number written exactly
    (``31092.65``)."""
    try:  # the documents carry exact numbers as strings already: one pass, no copy
        return json.dumps(doc, ensure_ascii=False, separators=(",", ":"), default=_no_decimal)
    except _HasDecimal:
        pass
    text = json.dumps(_marked(doc), ensure_ascii=False, separators=(",", ":"))
    return _RAW.sub(r"\1", text)


class JSONResponse(Response):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return dumps(content).encode("utf-8")
