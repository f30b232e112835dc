"""Specs and actuals from a request: TOML text or data, or a framework by id; never a file path.

A request's spec is TOML text (``"spec": "..."`` or ``{"toml": "..."}``), data
(``{"data": {...}}``, the TOML's shape as JSON with exact numbers) or a
framework (``{"framework": "hunan-department", "meta": {...}}``). Frameworks
are looked up in the configured folder, installed framework packages and the
shipped ones, and read through a guard that refuses every file outside them;
an ``extends`` that names a path is refused before anything is looked up.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

import attrs

from perfrules._errors import Problem, SpecError
from perfrules._messages import api_message, listing, message
from perfrules._names import ACTUALS_FILE, SPEC_FILE
from perfrules.loading import (
    SPECS_DIR,
    FrameworkFile,
    available_frameworks,
    framework_dirs,
    load_data,
    parse_toml_text,
    read_toml,
    resolve_extends,
    structural_problems,
    uses_frameworks,
)
from perfrules.model import Actuals, SourceMap, Spec
from perfrules.service._cache import SpecCache
from perfrules.service._config import ServiceConfig
from perfrules.service._errors import ApiError

_PATH_CHARS = ("/", "\\")


def _is_path(ref: str) -> bool:
    return ref.endswith(".toml") or ref.startswith(".") or any(c in ref for c in _PATH_CHARS)


def _start(config: ServiceConfig) -> Path:
    """The folder framework ids are looked up from (``perfrules frameworks --from`` semantics)."""
    folder = config.frameworks_path()
    if folder is None:
        return _shipped_root()
    folder = folder.absolute()
    if folder.name == SPECS_DIR and folder.is_dir():
        return folder.parent
    if (folder / SPECS_DIR).is_dir():
        return folder
    raise ValueError(
        f"--frameworks {folder}: neither a {SPECS_DIR}/ folder nor a folder holding one / "
        f"既不是 {SPECS_DIR}/ 文件夹，也不含 {SPECS_DIR}/ 文件夹"
    )


def _shipped_root() -> Path:
    """The shipped frameworks' folder, where lookups start without --frameworks: the working
    directory plays no part."""
    dirs = framework_dirs(Path(os.sep))
    return dirs[-1] if dirs else Path(os.sep)


class Frameworks:
    """The frameworks a service may read: the configured folder, installed packages, the shipped
    ones."""

    def __init__(self, config: ServiceConfig) -> None:
        self.start = _start(config)
        self.roots = tuple(Path(os.path.realpath(d)) for d in framework_dirs(self.start))

    def listed(self) -> list[tuple[FrameworkFile, FrameworkFile | None]]:
        return available_frameworks(self.start)

    def ids(self) -> list[str]:
        return sorted({f.id for f, shadow in self.listed() if shadow is None})

    def read(self, path: Path, display: str) -> tuple[dict[str, Any], SourceMap]:
        """:func:`perfrules.loading.read_toml`, for files inside the frameworks' folders only."""
        real = Path(os.path.realpath(path))
        if not any(real.is_relative_to(root) for root in self.roots):
            raise SpecError(
                [
                    Problem(
                        code="file",
                        file=display,
                        **message(("file", "outside-frameworks")).as_message(),
                    )
                ]
            )
        return read_toml(path, display)

    def load_spec_data(self, data: dict[str, Any], source: SourceMap) -> Spec:
        """``load_data(data, source, Spec)`` with frameworks looked up and read only where the
        service allows."""
        ref = data.get("extends")
        if isinstance(ref, str) and _is_path(ref):
            raise ApiError("path-refused", *api_message("path-refused", ref=ref))
        if not uses_frameworks(data) or "framework" in data:
            # a flat spec, or the located "a framework is not a spec"
            return load_data(data, source, Spec)
        res = resolve_extends(
            data, source, read=self.read, structural=structural_problems, start=self.start
        )
        if res.fatal:
            raise SpecError(res.problems)
        if res.problems:
            raise SpecError([*res.problems, *structural_problems(res.data, res.source)])
        loaded = load_data(res.data, res.source, Spec)
        return attrs.evolve(loaded, framework=res.framework)


def _field(body: dict[str, Any], name: str) -> Any:
    if name not in body:
        raise ApiError(
            "invalid-request",
            *api_message(("invalid-request", "missing-field"), name=name),
            detail={"field": name},
        )
    return body[name]


def _kind(value: Any, name: str, kinds: tuple[str, ...]) -> tuple[str, Any]:
    """(kind, content) of a spec or actuals field: a string is TOML; an object has exactly one of
    ``kinds``."""
    if isinstance(value, str):
        return "toml", value
    if isinstance(value, dict):
        given = [k for k in kinds if k in value]
        if len(given) == 1:
            return given[0], value[given[0]]
    raise ApiError(
        "invalid-request",
        *api_message(("invalid-request", "source"), name=name, kinds=listing(kinds)),
        detail={"field": name},
    )


def _data(content: Any, name: str) -> dict[str, Any]:
    if not isinstance(content, dict):
        raise ApiError(
            "invalid-request",
            *api_message(("invalid-request", "data"), name=name),
            detail={"field": name},
        )
    return content


def _text(content: Any, name: str) -> str:
    if not isinstance(content, str):
        raise ApiError(
            "invalid-request",
            *api_message(("invalid-request", "toml"), name=name),
            detail={"field": name},
        )
    return content


def _digest(kind: str, content: Any) -> str:
    text = content if isinstance(content, str) else json.dumps(content, sort_keys=True, default=str)
    return hashlib.sha256(f"{kind}\0{text}".encode("utf-8", "surrogatepass")).hexdigest()


class Sources:
    """Turns a request's ``spec`` and ``actuals`` into checked model objects."""

    def __init__(self, config: ServiceConfig) -> None:
        self.frameworks = Frameworks(config)
        self.cache = SpecCache(config.spec_cache_size)

    def spec(self, body: dict[str, Any]) -> tuple[Spec, str]:
        """The request's spec and the digest it is cached under."""
        kind, content = _kind(_field(body, "spec"), "spec", ("toml", "data", "framework"))
        if kind == "framework":
            if not isinstance(content, str):
                raise ApiError(
                    "invalid-request",
                    *api_message(("invalid-request", "framework")),
                    detail={"field": "spec"},
                )
            if content not in self.frameworks.ids():
                from perfrules._suggest import suggest

                raise ApiError(
                    "unknown-framework",
                    *api_message("unknown-framework", framework=content),
                    detail={"suggestion": suggest(content, self.frameworks.ids())},
                )
            meta = body["spec"].get("meta", {})
            if not isinstance(meta, dict):
                raise ApiError(
                    "invalid-request",
                    *api_message(("invalid-request", "meta")),
                    detail={"field": "spec"},
                )
            content = {"extends": content, "meta": meta}
            kind = "data"
        key = _digest(kind, content)
        if kind == "toml":
            text = _text(content, "spec")
            return self.cache.get(key, lambda: self._load_toml(text)), key
        data = _data(content, "spec")
        return self.cache.get(
            key, lambda: self.frameworks.load_spec_data(data, SourceMap(file=SPEC_FILE))
        ), key

    def _load_toml(self, text: str) -> Spec:
        data, source = parse_toml_text(text, SPEC_FILE)
        return self.frameworks.load_spec_data(data, source)

    def actuals(self, body: dict[str, Any], spec: Spec, *, required: bool = True) -> Actuals | None:
        """The request's actuals, checked against ``spec`` (None when optional and absent)."""
        if not required and body.get("actuals") is None:
            return None
        kind, content = _kind(_field(body, "actuals"), "actuals", ("toml", "data"))
        if kind == "toml":
            data, source = parse_toml_text(_text(content, "actuals"), ACTUALS_FILE)
            return load_data(data, source, Actuals, spec=spec)
        return load_data(
            _data(content, "actuals"), SourceMap(file=ACTUALS_FILE), Actuals, spec=spec
        )
