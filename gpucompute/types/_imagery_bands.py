"""Bands and metadata of imagery (filled in by the bands work)."""

from __future__ import annotations

__all__ = ["BandsMixin"]


class BandsMixin:
    __slots__ = ()
