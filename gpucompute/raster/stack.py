"""Value objects of the raster layer: what to read (:class:`ImageRef`), where to
put it (a *grid*), and what comes back (:class:`RasterStack`).

A grid is any object with ``crs`` (a string such as ``"EPSG:3857"``),
``transform`` (an :class:`affine.Affine` from pixel to CRS coordinates) and
``arr_shape`` (``(rows, cols)``); a :class:`gpucompute.geo.GeoContext` is one.
:func:`grid_spec` checks such an object once, so readers work on plain values.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple, Protocol, runtime_checkable

import numpy as np
from affine import Affine

from gpucompute.errors import GeoContextError, RasterArgumentError

__all__ = ["Grid", "GridSpec", "ImageRef", "RasterStack", "grid_spec"]


@dataclass(frozen=True)
class ImageRef:
    """One raster to read and which of its bands.

    Parameters
    ----------
    path : str
        A path or GDAL URI (``/vsicurl/https://...``) of the raster.
    band_indexes : tuple of int
        1-based GDAL band indexes to read, in the order wanted.
    nodata : float, optional
        Replaces the file's nodata value (and its alpha band or mask): pixels
        equal to it are invalid. ``float("nan")`` masks NaN.
    id : str
        A name for the image (a catalog id); :class:`FakeReader` seeds from it.
    """

    path: str
    band_indexes: tuple[int, ...]
    nodata: float | None = None
    id: str = ""

    def __post_init__(self) -> None:
        bands = tuple(self.band_indexes)
        if not bands or not all(isinstance(b, (int, np.integer)) and not isinstance(b, bool) for b in bands):
            raise RasterArgumentError(
                f"ImageRef.band_indexes must be a non-empty sequence of 1-based band numbers, "
                f"got {self.band_indexes!r}"
            )
        if min(bands) < 1:
            raise RasterArgumentError(
                f"ImageRef.band_indexes are 1-based GDAL band numbers, got {self.band_indexes!r}; "
                "use 1 for the first band"
            )
        object.__setattr__(self, "band_indexes", tuple(int(b) for b in bands))
        object.__setattr__(self, "path", str(self.path))

    @property
    def key(self) -> str:
        """The image's name: :attr:`id`, or the path when the id is empty."""
        return self.id or self.path


@runtime_checkable
class Grid(Protocol):
    """What a reader needs of a GeoContext: a CRS, a pixel-to-CRS transform and a shape."""

    crs: str
    transform: Affine
    arr_shape: tuple[int, int]


class GridSpec(NamedTuple):
    """A checked grid: ``crs`` string, ``transform``, ``shape`` ``(rows, cols)``."""

    crs: str
    transform: Affine
    shape: tuple[int, int]

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """``(minx, miny, maxx, maxy)`` of the grid's outer pixel edges."""
        rows, cols = self.shape
        t = self.transform
        xs = [t.a * c + t.b * r + t.c for c in (0, cols) for r in (0, rows)]
        ys = [t.d * c + t.e * r + t.f for c in (0, cols) for r in (0, rows)]
        return min(xs), min(ys), max(xs), max(ys)


def grid_spec(grid: Any) -> GridSpec:
    """Check that *grid* has a CRS, an invertible affine transform and a positive shape.

    Raises
    ------
    GeoContextError
        If an attribute is missing or has an invalid value.
    """
    missing = [name for name in ("crs", "transform", "arr_shape") if not hasattr(grid, name)]
    if missing:
        raise GeoContextError(
            f"a grid needs crs, transform and arr_shape attributes; {type(grid).__name__} "
            f"lacks {', '.join(missing)} (pass a GeoContext)"
        )
    crs, transform, shape = grid.crs, grid.transform, grid.arr_shape
    if crs is None or (isinstance(crs, str) and not crs.strip()):
        raise GeoContextError(f"a grid needs a CRS such as 'EPSG:3857', got {crs!r}")
    if not isinstance(transform, Affine):
        try:
            transform = Affine(*tuple(transform)[:6])
        except (TypeError, ValueError):
            raise GeoContextError(
                f"a grid's transform must be an affine.Affine, got {transform!r}"
            ) from None
    if not all(np.isfinite(tuple(transform)[:6])) or transform.determinant == 0:
        raise GeoContextError(f"a grid's transform must be invertible, got {transform!r}")
    try:
        rows, cols = (int(v) for v in shape)
    except (TypeError, ValueError):
        raise GeoContextError(f"a grid's arr_shape must be (rows, cols), got {shape!r}") from None
    if rows <= 0 or cols <= 0:
        raise GeoContextError(f"a grid's arr_shape must be positive (rows, cols), got {shape!r}")
    return GridSpec(str(crs), transform, (rows, cols))


@dataclass(frozen=True)
class RasterStack:
    """Pixels read onto one grid: ``(n_images, n_bands, rows, cols)`` values and mask.

    Parameters
    ----------
    data : numpy.ndarray
        Values, 4-D. Under the mask they are whatever the reader left there
        (the nodata value, usually).
    mask : numpy.ndarray of bool
        Same shape; ``True`` where a value is invalid (nodata, outside the
        image, NaN).
    """

    data: np.ndarray
    mask: np.ndarray

    def __post_init__(self) -> None:
        data, mask = np.asarray(self.data), np.asarray(self.mask)
        if data.ndim != 4:
            raise RasterArgumentError(
                f"RasterStack.data must be (n_images, n_bands, rows, cols), got shape {data.shape}"
            )
        if mask.dtype != np.bool_ or mask.shape != data.shape:
            raise RasterArgumentError(
                f"RasterStack.mask must be a bool array of the data's shape {data.shape}, "
                f"got {mask.dtype} {mask.shape}"
            )
        object.__setattr__(self, "data", data)
        object.__setattr__(self, "mask", mask)

    @property
    def shape(self) -> tuple[int, int, int, int]:
        """``(n_images, n_bands, rows, cols)``."""
        return tuple(self.data.shape)  # type: ignore[return-value]

    @property
    def dtype(self) -> np.dtype:
        """The values' dtype."""
        return self.data.dtype

    def to_numpy_ma(self) -> np.ma.MaskedArray:
        """The stack as a ``numpy.ma.MaskedArray`` (no copy)."""
        return np.ma.MaskedArray(self.data, mask=self.mask, copy=False)

    def to_masked_array(self, backend: Any = None) -> Any:
        """The stack as a :class:`gpucompute.array.MaskedArray` on a backend's device.

        Parameters
        ----------
        backend : str or Backend, optional
            Where to put it; the configured backend by default.
        """
        from gpucompute.array import MaskedArray
        from gpucompute.config import get_backend

        if backend is None or isinstance(backend, str):
            backend = get_backend(backend)
        return MaskedArray(self.data, mask=self.mask, backend=backend)

    def mosaic(self) -> RasterStack:
        """Flatten the images: each value comes from the first image, in order, where it is valid.

        Returns
        -------
        RasterStack
            One image, ``(1, n_bands, rows, cols)``; masked where no image is valid.
        """
        if self.data.shape[0] == 0:
            raise RasterArgumentError("RasterStack.mosaic: the stack holds no image; read at least one")
        valid = ~self.mask
        first = np.argmax(valid, axis=0)[None]
        data = np.take_along_axis(self.data, first, axis=0)
        mask = ~np.any(valid, axis=0)[None]
        return RasterStack(data, mask)
