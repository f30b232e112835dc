"""The data perfrules ships: frameworks, the blank 自评表 template, JSON Schemas and the docs.

The repository keeps them where their authors edit them: frameworks, cases,
templates and schemas in ``specs/`` (the policy-data tree), documentation in
``docs/``. The wheel maps those two folders into the package as
``perfrules._specs`` and ``perfrules._docs`` (``[tool.setuptools.package-dir]``
in ``pyproject.toml``), so there is no second copy in git and an installed
perfrules finds them through the import system (:func:`importlib.util.find_spec`,
as :mod:`importlib.resources` does for namespace packages). In a source checkout
(tests run with the checkout on ``sys.path``) those packages do not exist as
folders; the repository's own ``specs/`` and ``docs/`` are then the same files.

Only the standard library is imported here: the command line reaches these
files before anything heavy is loaded.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

SPECS_PACKAGE = "perfrules._specs"
DOCS_PACKAGE = "perfrules._docs"
SCHEMA_NAMES = ("spec", "actuals", "framework", "case", "evaluation")
TEMPLATE_NAME = "绩效自评表-空白.xlsx"

# the repository root, when this is a source checkout
_CHECKOUT = Path(__file__).resolve().parent.parent


def _package_dir(name: str, folder: str) -> Path:
    """The folder of data package ``name`` (a namespace package: it has no ``__init__.py``)."""
    try:
        spec = importlib.util.find_spec(name)
    except ModuleNotFoundError:
        spec = None
    if spec is not None and spec.submodule_search_locations:
        for location in spec.submodule_search_locations:
            if Path(location).is_dir():
                return Path(location)
    fallback = _CHECKOUT / folder
    if fallback.is_dir():
        return fallback
    raise FileNotFoundError(
        f"perfrules is installed without its data ({name}); reinstall it from a wheel or an sdist"
    )


def specs_root() -> Path:
    """The shipped ``specs/`` tree: frameworks (``*.toml``), ``cases/``, ``templates/``,
    ``schemas/``.

    Wheels install as plain files (pip never zip-imports), so this is a real
    folder; it is the path problems and results name for a shipped framework.
    """
    return _package_dir(SPECS_PACKAGE, "specs")


def docs_root() -> Path:
    """The shipped ``docs/`` folder (Markdown)."""
    return _package_dir(DOCS_PACKAGE, "docs")


def template_path() -> Path:
    """The shipped blank 自评表 workbook (``specs/templates/绩效自评表-空白.xlsx``)."""
    return specs_root() / "templates" / TEMPLATE_NAME


def schema_path(name: str) -> Path:
    """The shipped JSON Schema ``name`` (one of :data:`SCHEMA_NAMES`)."""
    if name not in SCHEMA_NAMES:
        raise ValueError(f"no schema {name!r}: choose one of {', '.join(SCHEMA_NAMES)}")
    return specs_root() / "schemas" / f"{name}.schema.json"


def schema_text(name: str) -> str:
    """The shipped JSON Schema ``name`` (one of :data:`SCHEMA_NAMES`) as text."""
    return schema_path(name).read_text(encoding="utf-8")
