"""Builtins as the plan phase calls them: lazy pixels are computed before a builtin that needs values.

Imagery builtins (marked ``accepts_pixels``, see
:func:`gpucompute.execution.imagery.imagery_builtin`) take
:class:`~gpucompute.execution.pixels.Pixels` as they are and add to the pixel
program.  Any other builtin that receives one (say ``wf.numpy.less`` comparing a
pixel statistic with a threshold inside a ``filter``) gets it computed first,
so it sees an ordinary array or number.  Imagery values passed through such a
builtin (``wf.list`` of images, ``wf.ifelse``) are left lazy.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from gpucompute.execution.pixels import Pixels, resolve

__all__ = ["ForcingBuiltins"]

_PASS_THROUGH = frozenset({"wf.getattr", "wf.get", "wf.list", "wf.tuple", "wf.dict.create", "wf.struct",
                           "wf.dict.from_pairs", "wf.dict.values", "wf.dict.items", "wf.length"})


def _has_pixels(value: Any) -> bool:
    if isinstance(value, Pixels):
        return True
    if isinstance(value, (list, tuple)):
        return any(_has_pixels(v) for v in value)
    if isinstance(value, dict):
        return any(_has_pixels(v) for v in value.values())
    return False


def _forcing(fn: Any) -> Any:
    def call(*args: Any, **kwargs: Any) -> Any:
        if any(_has_pixels(a) for a in args) or any(_has_pixels(v) for v in kwargs.values()):
            args = tuple(resolve(a, into_imagery=False) for a in args)
            kwargs = {k: resolve(v, into_imagery=False) for k, v in kwargs.items()}
        return fn(*args, **kwargs)

    call.__name__ = getattr(fn, "__name__", "builtin")
    call.__doc__ = getattr(fn, "__doc__", None)
    return call


class ForcingBuiltins(Mapping):
    """A view of a builtins registry whose non-imagery functions compute lazy pixel arguments first."""

    def __init__(self, builtins: Mapping[str, Any]) -> None:
        self._builtins = builtins
        self._wrapped: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:
        fn = self._wrapped.get(name)
        if fn is None:
            value = self._builtins[name]
            lazy = not callable(value) or getattr(value, "accepts_pixels", False) or name in _PASS_THROUGH
            fn = self._wrapped[name] = value if lazy else _forcing(value)
        return fn

    def __contains__(self, name: object) -> bool:
        return name in self._builtins

    def __iter__(self) -> Iterator[str]:
        return iter(self._builtins)

    def __len__(self) -> int:
        return len(self._builtins)
