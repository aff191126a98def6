"""What an evaluation knows besides its graft: the GeoContext and the options of the request.

Builtins that read rasters ask :func:`current_geoctx` for the area to compute;
the value is set for the duration of one ``compute`` call and is local to the
thread (and to asyncio tasks), so tile requests served concurrently do not mix.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from typing import Any

from gpucompute.errors import ComputeError

__all__ = ["current_geoctx", "evaluation_context"]

_GEOCTX: contextvars.ContextVar[Any] = contextvars.ContextVar("gpucompute_geoctx", default=None)


def current_geoctx(required: bool = True) -> Any:
    """The GeoContext of the evaluation under way.

    Raises
    ------
    ComputeError
        If ``required`` and the computation was started without one.
    """
    geoctx = _GEOCTX.get()
    if geoctx is None and required:
        raise ComputeError(
            "this computation reads imagery, so it needs a GeoContext: "
            "pass one as obj.compute(geoctx) (e.g. wf.GeoContext.from_xyz_tile(x, y, z))"
        )
    return geoctx


@contextlib.contextmanager
def evaluation_context(geoctx: Any = None) -> Iterator[None]:
    """Make ``geoctx`` the current GeoContext inside the block."""
    token = _GEOCTX.set(geoctx)
    try:
        yield
    finally:
        _GEOCTX.reset(token)
