"""Raster IO: read the window of each image a grid needs, warped onto it, as masked stacks.

The execution layer reads pixels through a :class:`Reader`:
``reader.read(refs, grid, resampler=..., dtype=...)`` takes a list of
:class:`ImageRef` (path, 1-based bands, optional nodata override) and a grid
(any object with ``crs``, ``transform`` and ``arr_shape``, such as a
GeoContext) and returns a host :class:`RasterStack` of shape
``(n_images, n_bands, rows, cols)`` with a boolean mask (``True`` = invalid),
which :meth:`RasterStack.to_masked_array` moves to the configured backend.

Readers
-------
:class:`RasterioReader`
    rasterio/GDAL: windowed reads, overviews for coarse grids, a thread pool
    across images. Its module docstring lists how missing, corrupt,
    unreferenced and unsupported files are reported.
:class:`FakeReader`
    Synthetic pixels computed from the grid's coordinates (tests, benchmarks).
:class:`FailingReader`
    Raises on every read (proves laziness).

:func:`write_geotiff` writes GeoTIFF/COG files atomically; GDAL options for
every read and write are set in :mod:`gpucompute.raster._env`.
"""

from __future__ import annotations

from ._env import GDAL_DEFAULTS, gdal_env
from .fake import FailingReader, FakeReader
from .rasterio_reader import SUPPORTED_DTYPES, RasterioReader
from .reader import RESAMPLERS, Reader
from .stack import Grid, ImageRef, RasterStack
from .write import write_geotiff

__all__ = [
    "GDAL_DEFAULTS",
    "RESAMPLERS",
    "SUPPORTED_DTYPES",
    "FailingReader",
    "FakeReader",
    "Grid",
    "ImageRef",
    "RasterStack",
    "RasterioReader",
    "Reader",
    "gdal_env",
    "write_geotiff",
]
