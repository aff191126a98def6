"""The values imagery takes while a graft is evaluated: :class:`ImageValue` and :class:`CollectionValue`.

Both hold host metadata (properties, band info, the GeoContext) and the
pixels as a lazy :class:`~gpucompute.execution.pixels.Pixels` node (or, after
:func:`~gpucompute.execution.pixels.resolve`, a backend ``MaskedArray``):
``(bands, y, x)`` for an image, ``(images, bands, y, x)`` for a collection.
``pixels=None`` is an *empty* value: no data in the GeoContext (no scenes, or
every band dropped).  Band info maps band name -> dict in band order, so the
band names are its keys.

The imagery builtins take and return these values; ``wf.getattr`` reads
``ndarray``, ``properties`` and ``bandinfo`` from them as from any object.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

from gpucompute.errors import ComputeError

__all__ = ["CollectionValue", "ImageValue", "imagery_builtin", "is_imagery"]


class _ImageryValue:
    """What both values share: replacing fields, emptiness and band names."""

    __pixels_fields__ = ("pixels",)
    _what = "imagery"

    def replace(self, **changes: Any) -> Any:
        return dataclasses.replace(self, **changes)

    @property
    def ndarray(self) -> Any:
        if self.pixels is None:
            raise ComputeError(f"the {self._what} is empty (no data in this GeoContext), so it has no ndarray; "
                               "use replace_empty_with to give it values")
        return self.pixels

    @property
    def empty(self) -> bool:
        return self.pixels is None

    @property
    def bandnames(self) -> list[str]:
        return list(self.bandinfo)

    @property
    def nbands(self) -> int:
        return len(self.bandinfo)


@dataclasses.dataclass(frozen=True)
class ImageValue(_ImageryValue):
    """An image: pixels ``(bands, y, x)`` (None when empty), properties and band info."""

    pixels: Any
    properties: dict
    bandinfo: dict
    geocontext: Any = None

    _what = "Image"


@dataclasses.dataclass(frozen=True)
class CollectionValue(_ImageryValue):
    """A collection: pixels ``(images, bands, y, x)`` (None when empty), one property dict per image."""

    pixels: Any
    properties: list
    bandinfo: dict
    geocontext: Any = None

    _what = "ImageCollection"

    def __len__(self) -> int:
        return len(self.properties)


def is_imagery(value: Any) -> bool:
    return isinstance(value, (ImageValue, CollectionValue))


def imagery_builtin(*names: str) -> Any:
    """Register a builtin that takes lazy pixels as they are (see :mod:`._forcing`)."""
    from gpucompute.graft.registry import BUILTINS

    def register(fn: Any) -> Any:
        fn.accepts_pixels = True
        fn.plans_imagery = True  # a graft applying it is planned on the host, not compiled whole
        return BUILTINS.register(*names)(fn)

    return register


def empty_image(geocontext: Any = None) -> ImageValue:
    return ImageValue(None, {}, {}, geocontext)


def empty_collection(geocontext: Any = None) -> CollectionValue:
    return CollectionValue(None, [], {}, geocontext)


def copy_bandinfo(bandinfo: Mapping[str, Mapping[str, Any]]) -> dict:
    return {name: dict(info) for name, info in bandinfo.items()}


def intersect_dicts(dicts: Sequence[Mapping[str, Any]]) -> dict:
    """The items every dict has with equal values (how properties combine)."""
    if not dicts:
        return {}
    first, rest = dicts[0], dicts[1:]
    return {k: v for k, v in first.items() if all(k in d and _equal(d[k], v) for d in rest)}


def _equal(a: Any, b: Any) -> bool:
    try:
        return bool(a == b)
    except Exception:  # arrays and other values without a plain truth value
        return a is b
