"""Pixel-grid arithmetic for a GeoContext: snapping, deriving shape or resolution.

Pure functions over plain floats and tuples so they can be tested on their own.
A grid is north-up with square pixels: origin at the top-left corner
``(left, top)``, ``resolution`` CRS units per pixel on both axes.
"""

from __future__ import annotations

import math
from typing import NamedTuple

from gpucompute.errors import GeoContextError

__all__ = ["SHAPE_RTOL", "Grid", "make_grid", "snap_bounds"]

#: Relative tolerance for "shape and resolution agree with the bounds".
SHAPE_RTOL = 1e-6
#: Relative tolerance within which a coordinate counts as already on a grid line.
_SNAP_RTOL = 1e-9


class Grid(NamedTuple):
    """A north-up pixel grid: exact extent, pixel size and (rows, cols)."""

    bounds: tuple[float, float, float, float]
    resolution: float
    rows: int
    cols: int


def _near_int(value: float) -> int | None:
    nearest = round(value)
    if abs(value - nearest) <= _SNAP_RTOL * max(1.0, abs(value)):
        return int(nearest)
    return None


def _floor(value: float) -> int:
    near = _near_int(value)
    return near if near is not None else math.floor(value)


def _ceil(value: float) -> int:
    near = _near_int(value)
    return near if near is not None else math.ceil(value)


def _count(extent: float, resolution: float) -> int:
    """Whole pixels along an extent, rounded half up as GDAL does; at least one."""
    return max(1, math.floor(extent / resolution + 0.5))


def snap_bounds(
    bounds: tuple[float, float, float, float], resolution: float
) -> tuple[float, float, float, float]:
    """Expand ``bounds`` outward to the nearest multiples of ``resolution``.

    Coordinates already on a grid line (within a relative 1e-9) stay put, so
    snapping is idempotent and float noise does not add a pixel.
    """
    left, bottom, right, top = bounds
    return (
        _floor(left / resolution) * resolution,
        _floor(bottom / resolution) * resolution,
        _ceil(right / resolution) * resolution,
        _ceil(top / resolution) * resolution,
    )


def make_grid(
    bounds: tuple[float, float, float, float],
    resolution: float | None,
    shape: tuple[int, int] | None,
    align_pixels: bool,
) -> Grid:
    """Derive the grid from projected ``bounds`` and ``resolution`` and/or ``shape``.

    Parameters
    ----------
    bounds : (left, bottom, right, top)
        In the grid's CRS, ``left < right`` and ``bottom < top``.
    resolution : float or None
        Pixel size. When given it defines the grid: the bounds are snapped
        outward to multiples of it if ``align_pixels``, and the shape is the
        extent over the resolution, rounded half up (GDAL's rule).
    shape : (rows, cols) or None
        Without a resolution: the square pixel size is the smallest that fits
        the bounds inside ``shape`` (so one side may come out shorter). With a
        resolution: a check, the derived shape must agree to a relative 1e-6.
    align_pixels : bool
        Snap to the resolution grid (only when ``resolution`` is given).

    Returns
    -------
    Grid
        Its ``bounds`` are the exact extent of the pixels, anchored at the
        top-left corner of the (snapped) input bounds.
    """
    left, bottom, right, top = bounds
    if resolution is None:
        if shape is None:
            raise GeoContextError(
                "neither resolution nor shape was given; pass resolution= (CRS units per pixel) "
                "or shape=(rows, cols)"
            )
        rows_max, cols_max = shape
        res = max((right - left) / cols_max, (top - bottom) / rows_max)
        rows = min(rows_max, _count(top - bottom, res))
        cols = min(cols_max, _count(right - left, res))
    else:
        res = resolution
        if align_pixels:
            left, bottom, right, top = snap_bounds((left, bottom, right, top), res)
        exact_rows, exact_cols = (top - bottom) / res, (right - left) / res
        if shape is not None:
            rows, cols = shape
            if abs(exact_rows - rows) > SHAPE_RTOL * rows or abs(exact_cols - cols) > SHAPE_RTOL * cols:
                raise GeoContextError(
                    f"shape {shape!r} and resolution {resolution!r} disagree with the bounds "
                    f"{(left, bottom, right, top)!r}, which hold {exact_rows:.6g} x {exact_cols:.6g} "
                    "pixels; give only one of resolution and shape"
                )
        else:
            rows, cols = _count(top - bottom, res), _count(right - left, res)
    return Grid((left, top - rows * res, left + cols * res, top), float(res), int(rows), int(cols))
