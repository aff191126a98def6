"""Collection methods of ImageCollection (filled in by the collection work)."""

from __future__ import annotations

__all__ = ["ImageCollectionMixin"]


class ImageCollectionMixin:
    __slots__ = ()
