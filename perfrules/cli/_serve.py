"""``perfrules serve``: the JSON API and the browser page (perfrules.service) under uvicorn."""

from __future__ import annotations

import argparse

from rich.console import Console

from perfrules._errors import Lang
from perfrules.cli._exit import EXIT_OK, UsageError
from perfrules.service import ServiceConfig, create_app, starlette_module, uvicorn_module


def run(args: argparse.Namespace, lang: Lang, out: Console) -> int:
    starlette_module()  # without the serve extra: MissingExtraError (exit 2) naming it
    uvicorn = uvicorn_module()
    config = ServiceConfig(frameworks=args.frameworks)
    try:
        app = create_app(config)
    except ValueError as exc:  # a --frameworks folder that holds no frameworks
        raise UsageError(str(exc)) from None
    url = f"http://{args.host}:{args.port}/"
    out.print(
        f"perfrules serve：页面 {url}  API {url}api/v1  OpenAPI {url}api/v1/openapi.json（Ctrl+C 停止）"
        if lang == "zh"
        else f"perfrules serve: page {url}  API {url}api/v1  "
        f"OpenAPI {url}api/v1/openapi.json (Ctrl+C stops)",
        markup=False,
        highlight=False,
    )
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", server_header=False)
    return EXIT_OK
