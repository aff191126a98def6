"""JAX mosaic and sort-by composite: the ``where``-chain formulations, jitted.

The chains in :mod:`.mosaic` and :mod:`.sortby` read each image once and
fuse, under :func:`jax.jit`, into a single elementwise pass over the stack,
with no gather. Each is compiled once per (shape, dtype, static options).
"""

from __future__ import annotations

import functools
from typing import Any

import jax

from gpucompute import backends

from ._jax_median import TRACES
from .mosaic import mosaic_chain
from .sortby import sortby_chain

__all__ = ["mosaic", "sortby"]


@functools.partial(jax.jit, static_argnames=("reverse",))
def _mosaic(data: Any, mask: Any, reverse: bool) -> tuple[Any, Any]:
    TRACES["mosaic"] += 1
    return mosaic_chain(backends.get("jax"), data, mask, reverse)


@functools.partial(jax.jit, static_argnames=("band", "largest"))
def _sortby(data: Any, mask: Any, band: int, largest: bool) -> tuple[Any, Any]:
    TRACES["sortby"] += 1
    return sortby_chain(backends.get("jax"), data, mask, band, largest)


def mosaic(backend: Any, data: Any, mask: Any, reverse: bool) -> tuple[Any, Any]:
    """Specialised JAX mosaic; same contract as :func:`.mosaic.mosaic_reference`."""
    return _mosaic(data, mask, reverse=reverse)


def sortby(backend: Any, data: Any, mask: Any, band: int, largest: bool) -> tuple[Any, Any]:
    """Specialised JAX sort-by composite; same contract as :func:`.sortby.sortby_reference`."""
    return _sortby(data, mask, band=band, largest=largest)
