"""Loading the leaves of a pixel program: catalog reads and constants, as backend MaskedArrays.

Reads of the same images onto the same grid are grouped and done once for the
union of their bands (so ``red`` and ``nir`` picked from one collection are one
read of two bands).  Values come back as float32 in the bands' physical range
where one is declared (the catalog's ``"physical"`` scaling), with nodata,
alpha and the GeoContext's geometry as the mask.  With ``pad`` a collection is
padded with fully masked images up to :func:`~gpucompute.execution.pixels.bucket`
of its length.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from gpucompute.execution.pixels import Pixels, ReadSpec, bucket

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
        data, mask = read_host(ReadSpec(first.images, union, first.grid, first.resampler,
                                        first.processing_level, first.composite))
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
        if pad and length is not None:
            data, mask = _pad(backend.to_numpy(value.data), backend.to_numpy(value.mask), length)
            return MaskedArray(data, mask, backend=backend)
        return value
    if isinstance(value, np.ma.MaskedArray):
        return _constant(MaskedArray(value, backend=backend), backend, length, pad)
    if isinstance(value, (bool, np.bool_)):
        return backend.asarray(np.asarray(value, dtype=bool))
    if isinstance(value, (int, float, np.number)):
        return backend.asarray(np.asarray(value, dtype=PIXEL_DTYPE))
    if not backend.is_native(value):
        value = np.asarray(value)
        if value.dtype.kind in "iuf":
            value = value.astype(PIXEL_DTYPE)
    if pad and length is not None:
        host = backend.to_numpy(value) if backend.is_native(value) else value
        data, mask = _pad(host, np.zeros(host.shape, dtype=bool), length)
        return MaskedArray(data, mask, backend=backend)
    return value if backend.is_native(value) else backend.asarray(value)


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
