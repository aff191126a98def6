"""Loading the leaves of a pixel program: catalog reads and constants, as backend MaskedArrays.

Reads of the same images onto the same grid are grouped and done once for the
union of their bands (so ``red`` and ``nir`` picked from one collection are one
read of two bands).  Values come back as float32 in the bands' physical range
where one is declared (the catalog's ``"physical"`` scaling), with nodata,
alpha and the GeoContext's geometry as the mask.  With ``pad`` a collection is
padded with fully masked images up to :func:`~gpucompute.execution.pixels.bucket`
of its length.  Reads go through the cache (:func:`~gpucompute.execution.cache.cached_read`),
so leaves shared by several computations are read once.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from gpucompute.execution.cache import cached_read
from gpucompute.execution.pixels import Pixels, ReadSpec, bucket, fit_length

__all__ = ["load_leaves", "read_host"]

#: The dtype pixels are computed in.
PIXEL_DTYPE = np.float32


def read_host(spec: ReadSpec) -> tuple[np.ndarray, np.ndarray]:
    """``(data, mask)`` on the host for ``spec``: ``(images, bands, y, x)`` or ``(bands, y, x)`` if composite."""
    from gpucompute.catalog import rastering

    images = list(spec.images)
    request = rastering.prepare_request(images, list(spec.bands), spec.grid, spec.processing_level,
                                        "physical", "Float32", None)
    data, mask = rastering.raster_images(images, request, resampler=spec.resampler, progress=False,
                                         mask_nodata=True, composite=spec.composite)
    data = np.asarray(data, dtype=PIXEL_DTYPE)
    mask = np.asarray(mask, dtype=bool)
    if spec.composite:
        return data[0], mask[0]
    return data, mask


def _read_host(spec: ReadSpec) -> tuple[np.ndarray, np.ndarray]:
    return read_host(spec)  # looked up when called, so tests can count reads by replacing read_host


def _band_union(specs: Sequence[ReadSpec]) -> tuple[str, ...]:
    names: list[str] = []
    for spec in specs:
        names.extend(b for b in spec.bands if b not in names)
    return tuple(names)


def _reads(leaves: Sequence[Pixels]) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    groups: dict[tuple, list[ReadSpec]] = {}
    for leaf in leaves:
        if leaf.op == "read":
            groups.setdefault(leaf.payload.group_key(), []).append(leaf.payload)
    out: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    for specs in groups.values():
        union = _band_union(specs)
        first = specs[0]
        data, mask = cached_read(ReadSpec(first.images, union, first.grid, first.resampler,
                                          first.processing_level, first.composite), _read_host)
        axis = 0 if first.composite else 1
        for spec in specs:
            index = [union.index(b) for b in spec.bands]
            out[id(spec)] = (np.take(data, index, axis=axis), np.take(mask, index, axis=axis))
    return out


def _pad(data: np.ndarray, mask: np.ndarray, length: int) -> tuple[np.ndarray, np.ndarray]:
    extra = bucket(length) - data.shape[0]
    if extra <= 0:
        return data, mask
    widths = [(0, extra)] + [(0, 0)] * (data.ndim - 1)
    return np.pad(data, widths), np.pad(mask, widths, constant_values=True)


def _constant(value: Any, backend: Any, length: int | None, pad: bool) -> Any:
    from gpucompute.array import MaskedArray

    if isinstance(value, MaskedArray):
        if value.backend is not backend:
            value = value.to_backend(backend)
    elif isinstance(value, np.ma.MaskedArray):
        value = MaskedArray(value, backend=backend)
    elif isinstance(value, (bool, np.bool_)):
        value = backend.asarray(np.asarray(value, dtype=bool))
    elif isinstance(value, (int, float, np.number)):
        value = backend.asarray(np.asarray(value, dtype=PIXEL_DTYPE))
    elif not backend.is_native(value):
        value = np.asarray(value)
        value = backend.asarray(value.astype(PIXEL_DTYPE) if value.dtype.kind in "iuf" else value)
    if pad and length is not None:  # a collection: padded on the device, like a read
        value = fit_length(value, bucket(length))
    return value


def load_leaves(leaves: Sequence[Pixels], backend: Any, *, pad: bool) -> list[Any]:
    """The input values of ``leaves``, in order, on ``backend``."""
    from gpucompute.array import MaskedArray

    reads = _reads(leaves)
    inputs = []
    for leaf in leaves:
        if leaf.op == "read":
            data, mask = reads[id(leaf.payload)]
            if pad and leaf.length is not None:
                data, mask = _pad(data, mask, leaf.length)
            inputs.append(MaskedArray(data, mask, backend=backend))
        else:
            inputs.append(_constant(leaf.payload, backend, leaf.length, pad))
    return inputs
