"""The reader protocol: ``read(refs, grid) -> RasterStack``, and the resampler names.

Every pixel the engine sees comes through a :class:`Reader`. The execution
layer asks for a list of :class:`~gpucompute.raster.ImageRef` on one grid (a
GeoContext or a tile of it) and gets a host :class:`~gpucompute.raster.RasterStack`
back, which it moves to the device. Tests swap in
:class:`~gpucompute.raster.FakeReader` (synthetic pixels) or
:class:`~gpucompute.raster.FailingReader` (proves that nothing was read).
"""

from __future__ import annotations

import abc
from collections.abc import Sequence
from typing import Any

from rasterio.enums import Resampling

from gpucompute.errors import RasterArgumentError

from .stack import ImageRef, RasterStack

__all__ = ["RESAMPLERS", "Reader", "check_refs", "resampling_for"]

#: Resampler name (the Workflows vocabulary) -> (rasterio enum, GDAL kernel radius in source pixels).
RESAMPLERS: dict[str, tuple[Resampling, int]] = {
    "near": (Resampling.nearest, 1),
    "bilinear": (Resampling.bilinear, 1),
    "cubic": (Resampling.cubic, 2),
    "cubicspline": (Resampling.cubic_spline, 2),
    "lanczos": (Resampling.lanczos, 3),
    "average": (Resampling.average, 1),
    "mode": (Resampling.mode, 1),
    "max": (Resampling.max, 1),
    "min": (Resampling.min, 1),
    "med": (Resampling.med, 1),
    "q1": (Resampling.q1, 1),
    "q3": (Resampling.q3, 1),
}


def resampling_for(name: str) -> Resampling:
    """The rasterio resampling for a resampler name.

    Raises
    ------
    RasterArgumentError
        If *name* is not one of :data:`RESAMPLERS`.
    """
    try:
        return RESAMPLERS[name][0]
    except (KeyError, TypeError):
        raise RasterArgumentError(
            f"unknown resampler {name!r}; choose one of {', '.join(RESAMPLERS)}"
        ) from None


def check_refs(refs: Sequence[ImageRef]) -> list[ImageRef]:
    """Check that *refs* is a sequence of ImageRef asking for the same number of bands.

    Raises
    ------
    RasterArgumentError
        If an item is not an ImageRef, or two refs ask for different band counts.
    """
    if isinstance(refs, ImageRef):
        raise RasterArgumentError("read takes a sequence of ImageRef; wrap a single one in a list")
    refs = list(refs)
    for ref in refs:
        if not isinstance(ref, ImageRef):
            raise RasterArgumentError(f"read takes ImageRef objects, got {ref!r}")
    counts = {len(ref.band_indexes) for ref in refs}
    if len(counts) > 1:
        detail = ", ".join(f"{ref.key!r}: {len(ref.band_indexes)}" for ref in refs)
        raise RasterArgumentError(
            f"all images of one read must give the same number of bands, got {detail}; "
            "select the same bands from each"
        )
    return refs


class Reader(abc.ABC):
    """Reads images onto a grid.

    Implementations must be safe to call from several threads at once and
    must not keep per-call state on ``self`` beyond counters.
    """

    @abc.abstractmethod
    def read(self, refs: Sequence[ImageRef], grid: Any, *, resampler: str = "near",
             dtype: Any = None) -> RasterStack:
        """Read the bands of every image, warped onto *grid*.

        Parameters
        ----------
        refs : sequence of ImageRef
            The images, each with the same number of bands.
        grid : GeoContext or Grid-like
            Object with ``crs``, ``transform`` and ``arr_shape``.
        resampler : str
            One of :data:`RESAMPLERS`.
        dtype : dtype, optional
            Cast the values to this dtype; by default the files' dtype
            (their common NumPy result type when they differ).

        Returns
        -------
        RasterStack
            ``(len(refs), n_bands, rows, cols)`` values and mask.

        Raises
        ------
        RasterArgumentError
            Unknown resampler, band missing from a file, band counts differ.
        RasterReadError
            A file is missing, unreadable or corrupt.
        RasterFormatError
            A file has no CRS, no geotransform or an unsupported dtype.
        GeoContextError
            *grid* is not a valid grid.
        """

    def read_mosaic(self, refs: Sequence[ImageRef], grid: Any, *, resampler: str = "near",
                    dtype: Any = None) -> RasterStack:
        """Read *refs* and keep, per value, the first image (in list order) where it is valid.

        Same parameters as :meth:`read`; returns a one-image RasterStack.
        """
        return self.read(refs, grid, resampler=resampler, dtype=dtype).mosaic()
