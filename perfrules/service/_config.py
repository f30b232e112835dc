"""How a service is set up: where frameworks come from, and the bounds of a request."""

from __future__ import annotations

import os
from pathlib import Path

import attrs

DEFAULT_HOST = "127.0.0.1"  # loopback: a reverse proxy in front publishes it (docs/serve.md)
DEFAULT_PORT = 8000
MAX_BODY_BYTES = 4 * 2**20  # a JSON request: spec and actuals as text or data
# an uploaded 自评表.xlsx (the workbook guard then bounds its contents)
MAX_WORKBOOK_BYTES = 16 * 2**20
SPEC_CACHE_SIZE = 64  # loaded specs kept, by digest of what the request sent


@attrs.frozen(kw_only=True)
class ServiceConfig:
    """The service's set-up.

    ``frameworks``: a ``specs/`` folder of framework files, or a folder holding
    one, looked up before installed framework packages and the frameworks
    shipped with perfrules (None: those two only). The folder is read, never
    written: mount it read-only.
    """

    frameworks: str | os.PathLike[str] | None = None
    max_body_bytes: int = MAX_BODY_BYTES
    max_workbook_bytes: int = MAX_WORKBOOK_BYTES
    spec_cache_size: int = SPEC_CACHE_SIZE

    def frameworks_path(self) -> Path | None:
        """The configured frameworks folder as a path (None when not configured)."""
        return None if self.frameworks is None else Path(self.frameworks)
