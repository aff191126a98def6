"""Reductions, masks and value operations of imagery (filled in by the values work)."""

from __future__ import annotations

__all__ = ["ValuesMixin", "CollectionValuesMixin"]


class ValuesMixin:
    __slots__ = ()


class CollectionValuesMixin:
    __slots__ = ()
