"""A content digest of a spec that ignores formatting, comments and key order."""

from __future__ import annotations

import copy
import enum
import hashlib
import json
import operator
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, Literal

import attrs

from perfrules.core._exact import show_dec
from perfrules.core._fill import encode_each
from perfrules.model import Spec, cached


def canonical(value: Any) -> Any:
    """A JSON-ready, canonical form of a model value (Decimals as normalised strings)."""
    kind = type(value)
    shape = _SHAPES.get(kind)
    if shape is None and kind not in _PLAIN:
        shape = _shape(kind)
    if shape is not None:
        head, names, omit = shape
        out: dict[str, Any] = dict(head)
        for name in names:
            field = getattr(value, name)
            if omit and name in omit and field == omit[name]:
                continue  # a field added later, at its default: digests of older specs unchanged
            kind = type(field)
            if field is None or kind in _SCALARS:
                out[name] = field
            elif kind is Decimal:
                out[name] = show_dec(field)  # format_decimal(field)
            elif kind is tuple:
                out[name] = [canonical(v) for v in field]
            else:
                out[name] = canonical(field)
        return out
    if isinstance(value, Decimal):
        return show_dec(value)  # format_decimal(value)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, tuple | list):
        return [canonical(v) for v in value]
    return value


# attrs classes: the fixed part of their canonical form, the fields that follow, and those left out at
# their default (metadata ``digest_omit_default``) (worked out once per class)
_SHAPES: dict[type, tuple[dict[str, str], tuple[str, ...], dict[str, Any]]] = {}
_PLAIN: set[type] = set()  # classes that are not attrs classes
_SCALARS = frozenset({str, int, bool})  # canonical as they are


def _shape(kind: type) -> tuple[dict[str, str], tuple[str, ...], dict[str, Any]] | None:
    if not attrs.has(kind):
        _PLAIN.add(kind)
        return None
    head = {"@type": kind.__name__}
    name = getattr(kind, "name", None)
    if isinstance(name, str) and not attrs.fields_dict(kind).get("name"):
        head["@name"] = name  # scoring methods name themselves by a class variable
    fields = [f for f in attrs.fields(kind) if f.eq is not False]
    omit = {f.name: f.default for f in fields if f.metadata.get("digest_omit_default")}
    shape = (head, tuple(f.name for f in fields), omit)
    _SHAPES[kind] = shape
    return shape


def spec_sha256(spec: Spec) -> str:
    """SHA-256 of the spec's canonical JSON: equal specs have equal digests.

    Worked out once per spec object (or given by a :class:`DigestTemplate` the
    spec fits, which writes the same text faster).
    """
    digest: str = cached(spec, _SHA256, lambda: _sha256(canonical_json(spec)))
    return digest


_SHA256 = "spec_sha256"


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


Part = Literal["indicators", "categories", "meta"]
Hole = tuple[Part, int, str]
Slot = tuple[Part, int, str, str | None]
"""A field of a spec that may differ from the template's: an indicator's or a category's (by position)
or the meta's (position 0)."""

_PARTS_VARY: tuple[Part, ...] = ("meta", "categories", "indicators")
# a spec's fields that the digest reads besides the parts a template's holes may be in
_SPEC_SHARED = operator.attrgetter(
    *[f.name for f in attrs.fields(Spec) if f.eq is not False and f.name not in _PARTS_VARY]
)


class DigestTemplate:
    """The canonical JSON of the specs that differ from one spec only at some fields (its *holes*).

    Units of one batch shape make specs that are one prototype with other
    numbers (weights, targets, method parameters) and meta texts: their
    canonical JSON is the prototype's with the text of those fields spliced
    in. :meth:`sha256` checks that a spec is such a spec — every part
    outside the holes the very object the prototype has — and gives the
    digest :func:`spec_sha256` would (recording it as the spec's), else
    ``None``.
    """

    def __init__(self, spec: Spec, holes: tuple[Hole, ...], segments: tuple[str, ...]) -> None:
        self._kind = type(spec)  # a subclass writes its own "@type"
        self._prototype = spec
        self._shared = _SPEC_SHARED(spec)
        self._indicators = len(spec.indicators)
        self._categories = len(spec.categories)
        self._holes = holes
        self._segments = segments
        # per hole: the writer of its value when it is an object like the prototype's (else None)
        self._fills = tuple(
            _Fill.of(getattr(spec.meta if part == "meta" else getattr(spec, part)[j], name))
            for part, j, name in holes
        )
        # per part: each entry's getter of the fields outside the holes, and their values in the prototype
        self._fixed: dict[Part, list[tuple[Any, tuple[Any, ...]]]] = {}
        for part in _PARTS_VARY:
            entries = (spec.meta,) if part == "meta" else getattr(spec, part)
            out = []
            for j, entry in enumerate(entries):
                free = {f for p, k, f in holes if p == part and k == j}
                names = [
                    f.name
                    for f in attrs.fields(type(entry))
                    if f.eq is not False and f.name not in free
                ]
                getter = operator.attrgetter(*names, "__class__")
                out.append((getter, getter(entry)))
            self._fixed[part] = out

    @classmethod
    def of(cls, spec: Spec, holes: Iterable[tuple[str, int, str]]) -> DigestTemplate | None:
        """The template of ``spec`` with ``holes`` (None when a hole is not a field :func:`canonical_json` writes)."""
        wanted = tuple(dict.fromkeys(holes))
        if any(part not in _PARTS_VARY for part, _, _ in wanted):
            return None
        holes_: tuple[Hole, ...] = wanted  # type: ignore[assignment]
        probe_parts: dict[Part, list[Any]] = {
            "indicators": list(spec.indicators),
            "categories": list(spec.categories),
            "meta": [spec.meta],
        }
        marks: list[str] = []
        for n, (part, j, name) in enumerate(holes_):
            entries = probe_parts[part]
            if not 0 <= j < len(entries):
                return None
            kind = type(entries[j])
            shape = _sorted_shape(kind)
            if shape is None or name not in {k for k, _, c in shape[0] if c is None}:
                return None
            if name in shape[1]:
                return None  # a field left out at its default: not always written
            entry = copy.copy(entries[j])
            mark = f"\x00{n}\x00"  # a text no spec holds (a control character)
            object.__setattr__(entry, name, mark)
            entries[j] = entry
            marks.append(_encode_str(mark))
        probe = copy.copy(spec)
        object.__setattr__(probe, "indicators", tuple(probe_parts["indicators"]))
        object.__setattr__(probe, "categories", tuple(probe_parts["categories"]))
        object.__setattr__(probe, "meta", probe_parts["meta"][0])
        text = canonical_json(probe)
        found = []
        for n, mark in enumerate(marks):
            at = text.find(mark)
            if at < 0 or text.find(mark, at + 1) >= 0:
                return None
            found.append((at, n, mark))
        found.sort()
        segments: list[str] = []
        start = 0
        for at, _, mark in found:
            segments.append(text[start:at])
            start = at + len(mark)
        segments.append(text[start:])
        return cls(spec, tuple(holes_[n] for _, n, _ in found), tuple(segments))

    def fits(self, spec: Spec) -> bool:
        """Whether ``spec`` is the template's spec but for its holes (the same objects everywhere else)."""
        if type(spec) is not self._kind:
            return False
        if not all(map(operator.is_, _SPEC_SHARED(spec), self._shared)):
            return False
        if len(spec.indicators) != self._indicators or len(spec.categories) != self._categories:
            return False
        for part in _PARTS_VARY:
            entries = (spec.meta,) if part == "meta" else getattr(spec, part)
            for entry, (getter, fixed) in zip(entries, self._fixed[part], strict=True):
                if not all(map(operator.is_, getter(entry), fixed)):
                    return False
        return True

    def text(self, spec: Spec) -> str:
        """``canonical_json(spec)`` of a spec that :meth:`fits` the template."""
        segments = self._segments
        out = [segments[0]]
        meta = spec.meta
        for (part, j, name), after, fill in zip(
            self._holes, segments[1:], self._fills, strict=True
        ):
            entry = meta if part == "meta" else getattr(spec, part)[j]
            value = getattr(entry, name)
            out.append(_text(value) if fill is None else fill.text(value))
            out.append(after)
        return "".join(out)

    def layout(self) -> DigestLayout | None:
        """The canonical JSON of the template's specs as fixed texts around *slots*; None when a
        hole's object has no :class:`_Fill` writer but is not a Decimal or a str.

        A slot is ``(part, position, name, field)``: a hole itself (``field`` None) or, in a hole
        whose object is written by its :class:`_Fill`, that object's Decimal ``field`` (a target's
        ``value``, a method's ``per``). Given each slot's JSON text (a Decimal's is
        ``'"' + show_dec(value) + '"'``, a str's ``_encode_str(value)``), ``pieces[0] + text[0] +
        pieces[1] + …`` is :meth:`text` of the spec that fits the template with those values in
        its holes (every other field of a hole's object the prototype's): the same pieces
        :meth:`text` writes around them.
        """
        pieces: list[str] = [self._segments[0]]
        slots: list[Slot] = []
        for (part, j, name), after, fill in zip(
            self._holes, self._segments[1:], self._fills, strict=True
        ):
            if fill is None:
                held = getattr(self._entry(part, j), name)
                if type(held) is not Decimal and type(held) is not str:
                    return None
                slots.append((part, j, name, None))
                pieces.append(after)
                continue
            # as _Fill.text writes an object of its kind whose other fields are the prototype's:
            # "{" + its parts joined by "," + "}", a Decimal field's part its key and its value
            pieces[-1] += "{"
            for k, (text, field, held) in enumerate(fill.parts):
                if text is None:
                    continue  # left out at its default, as the prototype's
                if k and pieces[-1][-1:] != "{":
                    pieces[-1] += ","
                pieces[-1] += text
                if held is _NUMBER:
                    assert field is not None
                    slots.append((part, j, name, field))
                    pieces.append("")
            pieces[-1] += "}" + after
        return DigestLayout(tuple(pieces), tuple(slots))

    def _entry(self, part: Part, j: int) -> Any:
        return self._prototype.meta if part == "meta" else getattr(self._prototype, part)[j]

    def sha256(self, spec: Spec) -> str | None:
        """``spec_sha256(spec)`` of a spec that fits the template (and kept as that spec's); else None."""
        if not self.fits(spec):
            return None
        digest: str = cached(spec, _SHA256, lambda: _sha256(self.text(spec)))
        return digest


class DigestLayout:
    """A :class:`DigestTemplate`'s canonical JSON as ``pieces`` around ``slots`` (one fewer):
    the digest of a spec of the template from its slots' JSON texts (:meth:`DigestTemplate.layout`).
    """

    __slots__ = ("pieces", "slots", "_joined", "_encoded")

    def __init__(self, pieces: tuple[str, ...], slots: tuple[Slot, ...]) -> None:
        if len(pieces) != len(slots) + 1:
            raise ValueError("a digest layout has one more piece than it has slots")
        self.pieces = pieces
        self.slots = slots
        # the pieces at the even places of the list :meth:`text` joins (the slots' texts between)
        self._joined: list[str] = [""] * (2 * len(pieces) - 1)
        self._joined[0::2] = pieces
        # the same as UTF-8, for :meth:`sha256` (which encodes only the slots' texts)
        self._encoded: list[bytes] = [b""] * (2 * len(pieces) - 1)
        self._encoded[0::2] = [piece.encode() for piece in pieces]

    def fixed(self, texts: dict[Slot, str]) -> DigestLayout:
        """The layout with the slots ``texts`` names written in (their texts the same for every
        spec it digests)."""
        pieces = [self.pieces[0]]
        slots: list[Slot] = []
        for slot, after in zip(self.slots, self.pieces[1:], strict=True):
            text = texts.get(slot)
            if text is None:
                slots.append(slot)
                pieces.append(after)
            else:
                pieces[-1] += text + after
        return DigestLayout(tuple(pieces), tuple(slots))

    def text(self, texts: list[str]) -> str:
        """The canonical JSON with ``texts`` (one per slot, in order) in the slots."""
        out = self._joined.copy()
        out[1::2] = texts  # a ValueError unless there is one text per slot
        return "".join(out)

    def sha256(self, texts: list[str]) -> str:
        """``spec_sha256`` of the spec whose slots' JSON texts are ``texts``.

        The hash of :meth:`text`'s UTF-8 made without it: the pieces are encoded once (most of
        the text, names and rules in Chinese, whose encoding costs the most), the slots' texts
        (numbers and names as JSON: a raw NUL is escaped) encoded at once by
        :func:`~perfrules.core._fill.encode_each` (a text with a NUL after all: the hash of
        :meth:`text`).
        """
        if len(texts) != len(self.slots):
            raise ValueError(f"a digest layout of {len(self.slots)} slots given {len(texts)} texts")
        out = self._encoded.copy()
        if texts:
            encoded = encode_each(texts)
            if encoded is None:
                return _sha256(self.text(texts))
            out[1::2] = encoded
        return hashlib.sha256(b"".join(out)).hexdigest()


_NUMBER = object()  # a _Fill part: a Decimal field, written from the value's own


class _Fill:
    """The canonical JSON of a hole's value that is an object of the prototype's value's class, its
    fields the very objects the prototype's holds but for its Decimal fields (a target's value, a
    method's ``per``): those written as numbers, the rest as the prototype's text. Any other value
    is written by :func:`_text`, the same text."""

    __slots__ = ("kind", "parts")

    def __init__(self, kind: type, parts: tuple[tuple[str | None, str | None, object], ...]):
        self.kind = kind
        self.parts = parts  # (text, field name or None for a constant, the field's object)

    @classmethod
    def of(cls, value: Any) -> _Fill | None:
        kind = type(value)
        shape = _sorted_shape(kind)
        if shape is None:
            return None
        keys, omit = shape
        parts: list[tuple[str | None, str | None, object]] = []
        for name, key, constant in keys:
            if constant is not None:
                parts.append((key + constant, None, None))
                continue
            field = getattr(value, name)
            if type(field) is Decimal and name not in omit:
                parts.append((key, name, _NUMBER))
            elif omit and name in omit and field == omit[name]:
                parts.append((None, name, field))  # left out at its default, as the prototype's
            else:
                parts.append((key + _text(field), name, field))
        return cls(kind, tuple(parts))

    def text(self, value: Any) -> str:
        """``_text(value)``."""
        if type(value) is not self.kind:
            return _text(value)
        out: list[str] = []
        for text, name, held in self.parts:
            if name is None:
                assert text is not None
                out.append(text)
                continue
            field = getattr(value, name)
            if held is _NUMBER:
                if type(field) is not Decimal:
                    return _text(value)
                out.append(f"{text}{_encode_str(show_dec(field))}")
            elif field is not held:
                return _text(value)
            elif text is not None:
                out.append(text)
        return "{" + ",".join(out) + "}"


def canonical_json(value: Any) -> str:
    """``json.dumps(canonical(value), ensure_ascii=False, sort_keys=True, separators=(",", ":"))``, byte for byte.

    Written directly, without the intermediate dicts: each attrs class's keys
    are sorted once, and the text of each part of a spec (a model object or a
    tuple; never a whole spec) is kept by identity, for the last two thousand
    or so written. Specs of one batch shape share most of their parts (tiers,
    grades, policy, rounding, methods): each is written once, not per spec.
    """
    if type(value) is Spec:  # a spec is digested once (evaluate keeps it): only its parts are kept
        keys, omit = _sorted_shape(Spec) or ((), {})
        return _object_text(value, keys, omit)
    return _text(value)


_encode_str = (
    json.encoder.encode_basestring
)  # what json.dumps(ensure_ascii=False) writes a str with

# model objects and tuples → (the object, its canonical JSON), by identity; the entry keeps the object alive,
# so its id names it for as long as the entry is kept
_TEXTS: dict[int, tuple[object, str]] = {}
_TEXTS_KEPT = 2048

# attrs classes: their canonical keys in sorted order, each with its constant text (a head key) or
# ``None`` (a field, written from the value), and the fields left out at their default
_SORTED: dict[type, tuple[tuple[tuple[str, str, str | None], ...], dict[str, Any]] | None] = {}


def _sorted_shape(
    kind: type,
) -> tuple[tuple[tuple[str, str, str | None], ...], dict[str, Any]] | None:
    hit = _SORTED.get(kind, _SORTED)
    if hit is not _SORTED:
        return hit  # type: ignore[return-value]
    shape = _SHAPES.get(kind) if kind in _SHAPES else (None if kind in _PLAIN else _shape(kind))
    if shape is None:
        _SORTED[kind] = None
        return None
    head, names, omit = shape
    keys: list[tuple[str, str, str | None]] = [
        (k, _encode_str(k) + ":", _encode_str(v)) for k, v in head.items()
    ]
    keys += [(n, _encode_str(n) + ":", None) for n in names if n not in head]
    keys.sort(key=lambda k: k[0])
    out = (tuple(keys), omit)
    _SORTED[kind] = out
    return out


def _text(value: Any) -> str:
    kind = type(value)
    if kind is str:
        text: str = _encode_str(value)
        return text
    if value is None:
        return "null"
    if kind is bool:
        return "true" if value else "false"
    if kind is int:
        return int.__repr__(value)
    if kind is Decimal:
        shown: str = _encode_str(show_dec(value))
        return shown
    if kind is tuple:
        hit = _TEXTS.get(id(value))
        if hit is not None and hit[0] is value:
            return hit[1]
        text = "[" + ",".join([_text(v) for v in value]) + "]"
        _keep(value, text)
        return text
    shape = _sorted_shape(kind)
    if shape is None:
        if isinstance(value, enum.Enum):
            return _text(value.value)
        # anything else as canonical() and json.dumps write it
        return json.dumps(
            canonical(value), ensure_ascii=False, sort_keys=True, separators=(",", ":")
        )
    hit = _TEXTS.get(id(value))
    if hit is not None and hit[0] is value:
        return hit[1]
    text = _object_text(value, *shape)
    _keep(value, text)
    return text


def _object_text(
    value: Any, keys: tuple[tuple[str, str, str | None], ...], omit: dict[str, Any]
) -> str:
    parts: list[str] = []
    for name, key, constant in keys:
        if constant is not None:
            parts.append(key + constant)
            continue
        field = getattr(value, name)
        if omit and name in omit and field == omit[name]:
            continue  # a field added later, at its default: digests of older specs unchanged
        kind = type(field)  # the commonest leaves written here, the rest by _text
        if kind is str:
            parts.append(key + _encode_str(field))
        elif field is None:
            parts.append(key + "null")
        elif kind is Decimal:
            parts.append(key + _encode_str(show_dec(field)))
        else:
            parts.append(key + _text(field))
    return "{" + ",".join(parts) + "}"


def _keep(value: object, text: str) -> None:
    if len(_TEXTS) >= _TEXTS_KEPT:
        _TEXTS.clear()
    _TEXTS[id(value)] = (value, text)
