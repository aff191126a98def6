"""Pixel <-> coordinate conversions, shared by GeoContext through a mixin.

The host class must provide ``transform`` (an :class:`affine.Affine`, north-up,
no rotation).
"""

from __future__ import annotations

from typing import Any

import affine
import numpy as np

from gpucompute.errors import GeoContextError

__all__ = ["PixelMethodsMixin"]

# Where inside a pixel index_to_coords points: (column fraction, row fraction).
_OFFSETS = {"ul": (0.0, 0.0), "center": (0.5, 0.5), "ur": (1.0, 0.0), "ll": (0.0, 1.0), "lr": (1.0, 1.0)}


def _is_scalar(*values: Any) -> bool:
    return all(np.ndim(v) == 0 for v in values)


class PixelMethodsMixin:
    """``coords_to_index`` / ``index_to_coords`` for a class with a ``transform``."""

    transform: affine.Affine

    def coords_to_index(self, x: Any, y: Any) -> tuple[Any, Any]:
        """Convert coordinates in the context's CRS to ``(row, col)`` pixel indices.

        The pixel containing a point is the one whose upper-left corner is at
        or up-left of it (floor), as :func:`rasterio.transform.rowcol` does.
        Points outside the grid give indices outside ``[0, arr_shape)``.

        Parameters
        ----------
        x, y : float or array_like
            Coordinates in ``crs`` units; arrays broadcast together.

        Returns
        -------
        (row, col)
            Python ints for scalar input, else int64 arrays.

        Examples
        --------
        >>> from gpucompute.geo import GeoContext
        >>> ctx = GeoContext.from_dltile_key("512:0:10.0:36:-65:216")
        >>> ctx.coords_to_index(167220.0, 1111000.0)
        (4, 2)
        """
        t = self.transform
        xs, ys = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
        cols = np.floor((xs - t.c) / t.a)
        rows = np.floor((ys - t.f) / t.e)
        if _is_scalar(x, y):
            return int(rows), int(cols)
        rows, cols = np.broadcast_arrays(rows, cols)
        return rows.astype(np.int64), cols.astype(np.int64)

    def index_to_coords(self, row: Any, col: Any, offset: str = "ul") -> tuple[Any, Any]:
        """Convert ``(row, col)`` pixel indices to ``(x, y)`` coordinates in the context's CRS.

        Parameters
        ----------
        row, col : int or array_like
            Pixel indices (fractional values are allowed); arrays broadcast together.
        offset : {"ul", "center", "ur", "ll", "lr"}
            Which point of the pixel: its upper-left corner (the default, as in
            Workflows) or its centre (as :func:`rasterio.transform.xy` defaults to).

        Returns
        -------
        (x, y)
            Python floats for scalar input, else float64 arrays.

        Examples
        --------
        >>> from gpucompute.geo import GeoContext
        >>> ctx = GeoContext.from_dltile_key("512:0:10.0:36:-65:216")
        >>> ctx.index_to_coords(4, 2)
        (167220.0, 1111000.0)
        """
        if offset not in _OFFSETS:
            raise GeoContextError(f"offset must be one of {sorted(_OFFSETS)}, got {offset!r}")
        dc, dr = _OFFSETS[offset]
        t = self.transform
        rows = np.asarray(row, dtype=np.float64) + dr
        cols = np.asarray(col, dtype=np.float64) + dc
        xs = t.c + cols * t.a
        ys = t.f + rows * t.e
        if _is_scalar(row, col):
            return float(xs), float(ys)
        xs, ys = np.broadcast_arrays(xs, ys)
        return xs, ys
