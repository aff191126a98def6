"""Which part of a source raster a grid needs, and which overview level serves it.

:func:`footprint` maps sample points of the grid (its edges and an interior
lattice) into the source's pixel space; the reader uses it to skip images the
grid misses, to pick an overview (:func:`overview_index`), and, for files read
through a window (:func:`source_window`), to size that window.

A warp from a window must equal a warp of the whole file, and GDAL's warper
derives each output chunk's source window, and from it the resampling scale,
from the raster it is given. So a window that is merely large enough is not
always enough:

* the kernel scale is ``output size / source extent``, where the extent is
  clipped to the raster; when the grid hangs over the raster's first column
  (row) the clipped extent runs from 0 to ``min(raster size, footprint
  width)``, so the window must reach that far, not just to the footprint's end;
* a footprint over 90% of the raster's width (height) makes GDAL take the full
  width (height); reading the full width then gives GDAL the same raster;
* a point that fails to transform makes GDAL widen its window and sample a
  grid: the whole raster is read then.

:func:`source_window` applies these rules to a footprint measured with more
sample points than GDAL's and a margin, padded by at least GDAL's resampling
radius at the grid's scale. GDAL also splits an output whose source window is
mostly empty (less than half filled) into chunks; a window cannot reproduce
that for grids hanging far over the raster's edge.
"""

from __future__ import annotations

import functools
import math
from typing import NamedTuple

import numpy as np
from affine import Affine
from pyproj import Transformer
from rasterio.crs import CRS
from rasterio.windows import Window

from .stack import GridSpec

__all__ = ["OVERVIEW_TOLERANCE", "Footprint", "footprint", "overview_index", "source_window"]

#: An overview is used when its decimation factor is at most this many times the grid's pixel size
#: in source pixels (a tile exactly one zoom level out measures 1.99999 source pixels).
OVERVIEW_TOLERANCE = 1.02
_EDGE_STEPS = 41        # samples per grid edge (GDAL uses 21)
_INTERIOR_STEPS = 9     # interior samples per axis
_MARGIN = 1.0           # source pixels added around the measured footprint
_FULL_FRACTION = 0.8    # read the full width/height when the window would cover more than this


@functools.lru_cache(maxsize=256)
def _transformer(src_wkt: str, dst_wkt: str) -> Transformer:
    # pyproj transformers are thread-safe (pyproj >= 3.1); failed points come back as inf
    return Transformer.from_crs(src_wkt, dst_wkt, always_xy=True)


class Footprint(NamedTuple):
    """A grid's footprint in source pixel coordinates, and its pixel size there."""

    col_min: float
    col_max: float
    row_min: float
    row_max: float
    scale: float      # smallest length, in source pixels, of one grid pixel step
    spread: float     # largest footprint extent per grid pixel along a source axis (GDAL's 1 / scale)
    ok: bool          # False when some sample point failed to transform


def _sample_pixels(shape: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """Grid pixel coordinates (col, row): the outer edges plus an interior lattice with unit steps."""
    rows, cols = shape
    t = np.linspace(0.0, 1.0, _EDGE_STEPS)
    edge_c = np.concatenate([t * cols, t * cols, np.zeros_like(t), np.full_like(t, cols)])
    edge_r = np.concatenate([np.zeros_like(t), np.full_like(t, rows), t * rows, t * rows])
    inner = np.linspace(0.5, 0.5 + (_INTERIOR_STEPS - 1), _INTERIOR_STEPS) / _INTERIOR_STEPS
    ic, ir = np.meshgrid(inner * cols, inner * rows)
    ic, ir = ic.ravel(), ir.ravel()
    # each interior point with its right and lower neighbours measures the local pixel size
    cs = np.concatenate([edge_c, ic, ic + 1.0, ic])
    rs = np.concatenate([edge_r, ir, ir, ir + 1.0])
    return cs, rs


def _apply(t: Affine, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return t.a * x + t.b * y + t.c, t.d * x + t.e * y + t.f


def footprint(grid: GridSpec, src_crs: CRS, src_transform: Affine, grid_crs: CRS) -> Footprint:
    """Where *grid* falls in the pixel space of a raster with *src_crs* / *src_transform*."""
    cs, rs = _sample_pixels(grid.shape)
    xs, ys = _apply(grid.transform, cs, rs)
    if grid_crs != src_crs:
        xs, ys = _transformer(grid_crs.to_wkt(), src_crs.to_wkt()).transform(
            np.asarray(xs, dtype=np.float64), np.asarray(ys, dtype=np.float64), errcheck=False)
    sc, sr = _apply(~src_transform, np.asarray(xs, dtype=np.float64), np.asarray(ys, dtype=np.float64))
    good = np.isfinite(sc) & np.isfinite(sr)
    n_edge = 4 * _EDGE_STEPS
    n_in = _INTERIOR_STEPS * _INTERIOR_STEPS
    base = slice(n_edge, n_edge + n_in)
    right = slice(n_edge + n_in, n_edge + 2 * n_in)
    down = slice(n_edge + 2 * n_in, n_edge + 3 * n_in)
    step_c = np.hypot(sc[right] - sc[base], sr[right] - sr[base])
    step_r = np.hypot(sc[down] - sc[base], sr[down] - sr[base])
    steps = np.concatenate([step_c, step_r])
    steps = steps[np.isfinite(steps)]
    scale = float(steps.min()) if steps.size else 1.0
    if not good.any():
        return Footprint(math.nan, math.nan, math.nan, math.nan, scale, math.inf, False)
    c0, c1 = float(sc[good].min()), float(sc[good].max())
    r0, r1 = float(sr[good].min()), float(sr[good].max())
    rows, cols = grid.shape
    spread = max((c1 - c0) / cols, (r1 - r0) / rows)
    return Footprint(c0, c1, r0, r1, scale, spread, bool(good.all()))


def overview_index(factors: list[int], scale: float) -> int | None:
    """Index of the coarsest overview not coarser than the grid, or None for full resolution."""
    best = None
    for i, factor in enumerate(factors):
        if factor <= scale * OVERVIEW_TOLERANCE and (best is None or factor > factors[best]):
            best = i
    return best


def _axis_range(lo: float, hi: float, size: int, pad: int) -> tuple[int, int] | None:
    """``[start, stop)`` along one axis of a raster *size* pixels long (see the module docstring)."""
    lo, hi = lo - _MARGIN, hi + _MARGIN
    if lo > size or hi < 0:
        return None
    start = max(0, math.floor(lo) - pad)
    stop = min(size, math.ceil(hi) + pad)
    if lo < 0:  # GDAL clips the extent at 0 and keeps at most the footprint's width
        stop = max(stop, min(size, math.ceil(hi - lo)))
    if stop - start > _FULL_FRACTION * size:
        return 0, size
    return start, stop


def source_window(fp: Footprint, width: int, height: int, radius: int) -> Window | None:
    """The window of a ``width`` x ``height`` raster to read for *fp*; None if nothing overlaps.

    *radius* is the resampling kernel's radius in source pixels at scale 1;
    downsampling widens it as GDAL does.
    """
    if not fp.ok:
        return Window(0, 0, width, height)
    pad = math.ceil(radius * max(1.0, fp.spread * 1.25)) + 2
    cols = _axis_range(fp.col_min, fp.col_max, width, pad)
    rows = _axis_range(fp.row_min, fp.row_max, height, pad)
    if cols is None or rows is None:
        return None
    return Window(cols[0], rows[0], cols[1] - cols[0], rows[1] - rows[0])
