"""Where a framework id is found: local ``specs/`` folders, installed framework packages, perfrules
itself.

A unit spec names a framework by id (``extends = "hunan-department"``) or by
a path ending in ``.toml``. An id is looked up in these places, in order; the
first place that has it wins:

1. ``specs/`` folders from the unit's folder upwards, nearest first, stopping
   at the root of the repository the unit is in (the first folder holding
   ``.git``): a local framework, or a local override of an installed one;
2. installed framework packages: every entry point of the group
   ``perfrules.frameworks`` (sorted by entry-point name) names a package whose
   folder holds framework files (``*.toml`` with a ``[framework]`` table), so
   that a province can publish ``perfrules-<province>`` on PyPI;
3. the frameworks shipped with perfrules (the repository's ``specs/``, package
   data ``perfrules._specs`` in the wheel).

A framework found in a package or shipped with perfrules that itself extends
an id looks that id up in places 2 and 3 only: an installed framework means
the same thing whatever folder the unit sits in. A framework in a local
folder looks its parents up from its own folder, as a unit does.

The documented order is docs/frameworks.md ("Resolution: where `extends` looks");
``perfrules frameworks`` lists what each place holds.
"""

from __future__ import annotations

import importlib
import importlib.util
import re
import stat
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

import attrs

from perfrules._errors import SpecError
from perfrules._limits import MAX_SPEC_BYTES
from perfrules._resources import specs_root
from perfrules.loading._toml_index import parse_toml, read_bytes

SPECS_DIR = "specs"  # the folder name frameworks are looked up in by id
ENTRY_POINT_GROUP = "perfrules.frameworks"
# how files of the shipped frameworks are named in problems and results
SHIPPED_DISPLAY = "<perfrules>"

PlaceKind = Literal["local", "package", "shipped"]


def display_path(path: Path) -> str:
    """A local file's name as problems and results show it: relative to the working directory
    when inside it."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


@attrs.frozen
class Place:
    """One place framework ids are looked up in."""

    kind: PlaceKind
    folder: Path | None  # None: a package that could not be loaded
    # a local folder as shown; a package's distribution name and version; "perfrules <version>"
    name: str
    display: str  # the prefix of its files' names in problems and results
    error: str | None = None  # why a package's frameworks could not be listed

    def file_display(self, path: Path) -> str:
        if self.kind == "local":
            return display_path(path)
        return f"{self.display}/{path.name}"

    def text(self, lang: Literal["zh", "en"]) -> str:
        """The place as the missing-framework message lists it."""
        if self.kind == "local":
            return f"{self.name}/"
        if self.kind == "package":
            if self.error is not None:
                return (
                    f"{self.name}（无法加载：{self.error}）"
                    if lang == "zh"
                    else f"{self.name} (cannot be loaded: {self.error})"
                )
            return self.name
        return self.display


@attrs.frozen
class FrameworkFile:
    """A framework file in one place: what its header declares and where it is."""

    id: str
    title: str
    path: Path
    display: str
    place: Place
    versions: tuple[
        str, ...
    ] = ()  # the validity periods of its [[versions]], e.g. ("2021–2023", "2024–")
    valid: str | None = None  # the framework's own [framework] valid period
    extends: str | None = None


# ---------------------------------------------------------------------------
# the places


def local_dirs(start: Path) -> list[Path]:
    """Every ``specs/`` folder from ``start`` upwards (nearest first), up to the repository root.

    The walk stops at the first folder holding ``.git``, so that a stray
    ``specs/`` folder above the project is never searched.
    """
    found: list[Path] = []
    start = start.absolute()
    for folder in (start, *start.parents):
        candidate = folder / SPECS_DIR
        if candidate.is_dir():
            found.append(candidate)
        if (folder / ".git").exists():
            break
    return found


def _version() -> str:
    from perfrules._version import __version__

    return __version__


@attrs.frozen
class EntryPoint:
    """One entry point of the group, as an installed distribution declares it."""

    name: str
    value: str  # ``package`` or ``package:attribute``
    dist_name: str
    dist_version: str

    @property
    def module(self) -> str:
        return self.value.partition(":")[0].strip()

    @property
    def attr(self) -> str | None:
        attr = self.value.partition(":")[2].strip()
        return attr or None


_ENTRY_POINTS: dict[tuple[str, tuple[str, ...]], list[EntryPoint]] = {}


def entry_points(group: str = ENTRY_POINT_GROUP) -> list[EntryPoint]:
    """The entry points of ``group`` of the distributions on ``sys.path``, sorted by name.

    Reads every ``*.dist-info/entry_points.txt`` (and ``*.egg-info``) the way
    :func:`importlib.metadata.entry_points` does — the first distribution of
    a name on ``sys.path`` wins — without importing :mod:`importlib.metadata`
    (and :mod:`email`), which would cost a unit spec a quarter of its start-up.
    Read once per process and ``sys.path``.
    """
    key = (group, tuple(sys.path))
    if key not in _ENTRY_POINTS:
        _ENTRY_POINTS[key] = _scan_entry_points(group)
    return list(_ENTRY_POINTS[key])


def _scan_entry_points(group: str) -> list[EntryPoint]:
    found: list[EntryPoint] = []
    seen: set[str] = set()
    for entry in sys.path:
        folder = Path(entry or ".")
        try:
            infos = sorted(p for p in folder.iterdir() if p.suffix in (".dist-info", ".egg-info"))
        except OSError:
            continue
        for info in infos:
            stem = info.name[: -len(info.suffix)]
            dist_name, _, dist_version = stem.partition("-")
            key = re.sub(r"[-_.]+", "_", dist_name).lower()
            if key in seen:
                continue
            seen.add(key)
            try:
                text = (info / "entry_points.txt").read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue
            items = _ini_section(text, group)
            if items:
                dist_name, dist_version = _metadata(info, dist_name, dist_version)
                found.extend(
                    EntryPoint(name, value, dist_name, dist_version) for name, value in items
                )
    return sorted(found, key=lambda ep: (ep.name, ep.value))


def _ini_section(text: str, section: str) -> list[tuple[str, str]]:
    """The ``name = value`` lines of ``[section]`` in an ``entry_points.txt`` (the INI subset it
    uses)."""
    items: list[tuple[str, str]] = []
    inside = False
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            inside = line[1:-1].strip() == section
        elif inside and "=" in line:
            name, _, value = line.partition("=")
            items.append((name.strip(), value.strip()))
    return items


def _metadata(info: Path, name: str, version: str) -> tuple[str, str]:
    """The distribution's own spelling of its name and its version (its folder name normalises
    both)."""
    for file in ("METADATA", "PKG-INFO"):
        try:
            with open(info / file, encoding="utf-8") as fh:
                for line in fh:
                    if not line.strip():
                        break
                    key, _, value = line.partition(":")
                    if key == "Name":
                        name = value.strip()
                    elif key == "Version":
                        version = value.strip()
            return name, version or "?"
        except OSError:
            continue
    return name, version or "?"


def package_places() -> list[Place]:
    """The installed framework packages (entry-point group ``perfrules.frameworks``), by
    entry-point name."""
    places: list[Place] = []
    for ep in entry_points():
        label = f"{ep.dist_name} {ep.dist_version} [{ep.name}]"
        display = f"<{ep.dist_name}>"
        try:
            folder = _entry_point_folder(ep)
        except Exception as exc:  # noqa: BLE001
            # a broken plugin must not hide the others; it is reported
            places.append(
                Place("package", None, label, display, error=f"{type(exc).__name__}: {exc}")
            )
            continue
        places.append(Place("package", folder, label, display))
    return places


def _entry_point_folder(ep: EntryPoint) -> Path:
    """The folder of frameworks an entry point names: ``package`` or ``package:attribute``.

    A package's own folder holds its framework files; an attribute may be a
    folder path (``str`` or ``Path``) or a function returning one.
    """
    if ep.attr is None:
        spec = importlib.util.find_spec(ep.module)
        if spec is None or not spec.submodule_search_locations:
            raise ModuleNotFoundError(f"{ep.value!r} is not an installed package")
        return Path(next(iter(spec.submodule_search_locations)))
    obj: Any = importlib.import_module(ep.module)
    for part in ep.attr.split("."):
        obj = getattr(obj, part)
    if callable(obj):
        obj = obj()
    if not isinstance(obj, (str, Path)):
        raise TypeError(f"{ep.value!r} is neither a folder nor a function returning one")
    folder = Path(obj)
    if not folder.is_dir():
        raise FileNotFoundError(f"{ep.value!r} names {folder}, which is not a folder")
    return folder


def shipped_place() -> Place:
    """The frameworks shipped with perfrules."""
    return Place("shipped", specs_root(), f"perfrules {_version()}", SHIPPED_DISPLAY)


def places(start: Path | None, *, dedupe: bool = True) -> Iterator[Place]:
    """The places an id is looked up in, in order (``start`` None: installed and shipped ones only).

    Lazy: installed packages are listed only when the local folders did not
    have the id, so a unit beside its frameworks never scans entry points. A
    folder met twice (a source checkout's ``specs/`` is local and shipped) is
    yielded once, unless ``dedupe`` is false.
    """
    if not dedupe:
        if start is not None:
            yield from (
                Place("local", d, display_path(d), display_path(d)) for d in local_dirs(start)
            )
        yield from package_places()
        yield shipped_place()
        return
    seen: set[Path] = set()
    local = (
        [Place("local", d, display_path(d), display_path(d)) for d in local_dirs(start)]
        if start is not None
        else []
    )
    for place in local:
        assert place.folder is not None
        seen.add(place.folder.resolve())
        yield place
    for place in package_places():
        if place.folder is not None:
            if place.folder.resolve() in seen:
                continue
            seen.add(place.folder.resolve())
        yield place
    shipped = shipped_place()
    if shipped.folder is not None and shipped.folder.resolve() not in seen:
        yield shipped


# ---------------------------------------------------------------------------
# framework files and their headers

_HEADERS: dict[tuple[str, int, int], dict[str, Any] | None] = {}


def _header(path: Path) -> dict[str, Any] | None:
    """The ``[framework]`` table, ``[[versions]]`` valid periods and ``extends`` of a file (None:
    not a framework).

    Every ``*.toml`` of a folder is read here, so only regular files of at most
    ``MAX_SPEC_BYTES`` are: a named pipe or a device planted in a ``specs/``
    folder is skipped (reading it could block forever), and a file that does
    not parse within the loader's bounds counts as no framework. Loading a
    file named ``<id>.toml`` still reports why it cannot be read.
    """
    try:
        st = path.stat()
    except OSError:
        return None
    if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_SPEC_BYTES:
        return None
    key = (str(path), st.st_mtime_ns, st.st_size)
    if key not in _HEADERS:
        header: dict[str, Any] | None = None
        try:
            data = parse_toml(read_bytes(path).decode("utf-8-sig"))
        except (SpecError, UnicodeDecodeError):
            data = {}
        table = data.get("framework")
        if isinstance(table, dict):
            versions = data.get("versions")
            header = {
                "id": table.get("id") if isinstance(table.get("id"), str) else None,
                "title": table.get("title") if isinstance(table.get("title"), str) else "",
                "valid": _period(table.get("valid")),
                "versions": tuple(
                    label
                    for v in (versions if isinstance(versions, list) else [])
                    if isinstance(v, dict) and (label := _period(v.get("valid"))) is not None
                ),
                "extends": data.get("extends") if isinstance(data.get("extends"), str) else None,
            }
        _HEADERS[key] = header
    return _HEADERS[key]


def _period(valid: object) -> str | None:
    """``2024–``, ``2021–2023``, ``–2023`` from a ``valid = { from, to }`` table (None when
    absent or odd)."""
    if not isinstance(valid, dict):
        return None
    start, end = valid.get("from"), valid.get("to")
    s = str(start) if start is not None else ""
    e = str(end) if end is not None else ""
    if not s and not e:
        return None
    return s if s == e else f"{s}–{e}"


def declared_id(path: Path) -> str | None:
    """The ``[framework] id`` a file declares (None when it has none or cannot be read)."""
    header = _header(path)
    return header["id"] if header is not None else None


def frameworks_in(place: Place) -> list[FrameworkFile]:
    """The framework files of one place, by file name (a file without ``[framework]`` is not
    one)."""
    if place.folder is None:
        return []
    out: list[FrameworkFile] = []
    for path in sorted(place.folder.glob("*.toml")):
        header = _header(path)
        if header is None:
            continue
        ident = header["id"] if header["id"] is not None else path.stem
        out.append(
            FrameworkFile(
                id=ident,
                title=header["title"],
                path=path,
                display=place.file_display(path),
                place=place,
                versions=header["versions"],
                valid=header["valid"],
                extends=header["extends"],
            )
        )
    return out


def candidates(place: Place, ident: str) -> list[FrameworkFile]:
    """The files of ``place`` that provide ``ident``: those declaring it, else those named
    ``<ident>.toml`` without one.

    A file named after the id without a ``[framework]`` table is returned too:
    loading it then says it is not a framework, rather than that none exists.
    """
    if place.folder is None:
        return []
    files = sorted(place.folder.glob("*.toml"))
    ids = {f: declared_id(f) for f in files}
    matches = [f for f in files if ids[f] == ident] or [
        f for f in files if ids[f] is None and f.stem == ident
    ]
    out: list[FrameworkFile] = []
    for path in matches:
        header = _header(path) or {}
        out.append(
            FrameworkFile(
                id=ident,
                title=header.get("title", ""),
                path=path,
                display=place.file_display(path),
                place=place,
                versions=header.get("versions", ()),
                valid=header.get("valid"),
                extends=header.get("extends"),
            )
        )
    return out


def framework_entry(fw: FrameworkFile) -> dict[str, object]:
    """A framework as an entry of the ``perfrules.frameworks`` JSON document (no file paths: callers
    that
    may show them, such as ``perfrules frameworks``, add them; ``perfrules serve`` does not)."""
    return {
        "id": fw.id,
        "title": fw.title,
        "versions": list(fw.versions),
        "valid": fw.valid,
        "extends": fw.extends,
        "origin": fw.place.kind,
        "source": fw.place.name,
    }


def available(start: Path | None) -> list[tuple[FrameworkFile, FrameworkFile | None]]:
    """Every framework of every place, in lookup order, each with the file that shadows it (None:
    it is used)."""
    out: list[tuple[FrameworkFile, FrameworkFile | None]] = []
    first: dict[str, FrameworkFile] = {}
    for place in places(start):
        for fw in frameworks_in(place):
            winner = first.setdefault(fw.id, fw)
            out.append((fw, None if winner is fw else winner))
    return out
