"""Operators and math functions of imagery (filled in by the math work)."""

from __future__ import annotations

__all__ = ["MathMixin"]


class MathMixin:
    __slots__ = ()
