"""Stream windows of a large raster into a Cloud-Optimized GeoTIFF, with bounded memory.

:class:`COGWriter` is for results computed tile by tile: it opens a tiled
GeoTIFF next to the destination, takes each tile's window as it arrives (in any
order), and on :meth:`~COGWriter.commit` builds the overviews, converts the file
to a COG with GDAL's ``COG`` driver and renames it into place.  The whole array
is never held in memory; GDAL reads the intermediate file back block by block.

Failures are all-or-nothing: whatever goes wrong (an unwritable folder, a full
disk, a tile that failed, a cancelled job), :meth:`~COGWriter.abort` (also run
when the ``with`` block raises) removes the temporary files and nothing is left
at the destination.  Write problems are raised as
:class:`~gpucompute.errors.DestinationError` naming the path.

Masks follow the ``"geotiff"`` output format: one mask for the file (a pixel is
masked where any band is), stored inside the GeoTIFF; with ``nodata`` the
masked pixels are also filled with that value and it is recorded.
"""

from __future__ import annotations

import errno
import os
import tempfile
import uuid
from collections.abc import Sequence
from typing import Any

import numpy as np
import rasterio
import rasterio.shutil
from affine import Affine
from rasterio.enums import Resampling
from rasterio.errors import RasterioError
from rasterio.windows import Window

from gpucompute.errors import DestinationError, RasterArgumentError

from ._env import gdal_env

__all__ = ["COGWriter", "auto_overviews", "check_destination"]

try:
    from rasterio._err import CPLE_BaseError as _CPLE_BaseError
except ImportError:  # pragma: no cover - rasterio layout changed
    _CPLE_BaseError = RasterioError

_WRITE_ERRORS = (OSError, RasterioError, _CPLE_BaseError)
#: dtypes GeoTIFF stores as they are; bool is written as uint8 (0/1).
_WRITABLE = ("uint8", "int8", "uint16", "int16", "uint32", "int32", "float32", "float64")


def check_destination(path: str | os.PathLike) -> str:
    """Check that a file can be created at ``path`` (before any work is done); return it as a string.

    The folder must exist, be a folder and accept a new file (a probe file is
    created and removed), and ``path`` must not be a folder.

    Raises
    ------
    DestinationError
        Naming the path and what to do.
    """
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    if os.path.isdir(path):
        raise DestinationError(f"cannot write the result to {path!r}: it is a folder; give a file name such as "
                               f"{os.path.join(path, 'result.tif')!r}")
    if not os.path.isdir(folder):
        what = "is a file, not a folder" if os.path.exists(folder) else "does not exist"
        raise DestinationError(f"cannot write the result to {path!r}: the folder {folder!r} {what}; "
                               "create it first or choose another path")
    try:
        fd, probe = tempfile.mkstemp(prefix=".gpucompute-probe-", dir=folder)
        os.close(fd)
        os.remove(probe)
    except OSError as exc:
        raise DestinationError(f"cannot write the result to {path!r}: the folder {folder!r} does not accept new "
                               f"files ({exc.strerror or exc}); choose a writable folder") from None
    return path


def auto_overviews(height: int, width: int, blocksize: int) -> list[int]:
    """Decimation factors 2, 4, 8... until the smallest overview fits in one block."""
    factors, factor = [], 2
    while max(height, width) / (factor // 2) > blocksize:
        factors.append(factor)
        factor *= 2
    return factors


def _destination_error(path: str, exc: BaseException) -> DestinationError:
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        hint = "the disk is full; free some space or write to another disk"
    else:
        hint = "check that the folder is writable and has free space, or choose another path"
    return DestinationError(f"could not write the result to {path!r} ({type(exc).__name__}: {exc}); {hint}")


class COGWriter:
    """Write a ``(count, height, width)`` raster window by window, then publish it as a COG.

    Parameters
    ----------
    path : str or path-like
        The destination file (replaced atomically on :meth:`commit`).
    width, height, count : int
        Size of the whole raster and its number of bands.
    dtype : dtype
        Data type of the pixels (``bool`` is stored as ``uint8``).
    crs, transform
        Georeferencing of the whole raster (a CRS-like value, an ``affine.Affine``).
    nodata : float, optional
        Value written into masked pixels and recorded as the file's nodata.
    compression : str or None, default "deflate"
        GDAL compression of the COG (``"deflate"``, ``"lzw"``, ``"zstd"``, None...).
    blocksize : int, default 512
        Tile size of the COG (and of the intermediate file).
    overviews : sequence of int or "auto", default "auto"
        Overview decimation factors; ``"auto"`` halves until one block holds the
        smallest; an empty sequence builds none.
    resampling : str, default "nearest"
        How overviews are computed (``"nearest"``, ``"average"``, ...).
    **creation_options
        More options of GDAL's COG driver (``predictor=2``, ``level=6``...).

    Examples
    --------
    >>> with COGWriter(path, width=1024, height=1024, count=3, dtype="float32",
    ...                crs="EPSG:32610", transform=transform) as cog:  # doctest: +SKIP
    ...     for row, col, tile in tiles:
    ...         cog.write(tile, row, col)
    ...     cog.commit()
    """

    def __init__(self, path: str | os.PathLike, *, width: int, height: int, count: int, dtype: Any, crs: Any,
                 transform: Affine, nodata: float | None = None, compression: str | None = "deflate",
                 blocksize: int = 512, overviews: Sequence[int] | str = "auto", resampling: str = "nearest",
                 **creation_options: Any) -> None:
        self.path = check_destination(path)
        dtype = np.dtype(dtype)
        self._dtype = np.dtype(np.uint8) if dtype == np.bool_ else dtype
        if self._dtype.name not in _WRITABLE:
            raise RasterArgumentError(f"cannot write {dtype} pixels to a GeoTIFF; use one of {', '.join(_WRITABLE)}")
        if blocksize % 16 or blocksize <= 0:
            raise RasterArgumentError(f"blocksize must be a positive multiple of 16, got {blocksize!r}")
        try:
            self._resampling = Resampling[resampling]
        except KeyError:
            raise RasterArgumentError(f"unknown overview resampling {resampling!r}; choose one of "
                                      f"{', '.join(r.name for r in Resampling)}") from None
        self.shape = (int(count), int(height), int(width))
        self.nodata = nodata
        self._blocksize = int(blocksize)
        self._overviews = (auto_overviews(height, width, blocksize) if overviews == "auto"
                           else [int(f) for f in overviews or ()])
        self._final = dict(creation_options)
        self._final["compress"] = compression or "NONE"  # the COG driver's own default is LZW
        folder = os.path.dirname(os.path.abspath(self.path))
        stem = os.path.join(folder, f".{os.path.basename(self.path)}.{uuid.uuid4().hex}")
        self._tmp, self._tmp_cog = stem + ".part.tif", stem + ".cog.tif"
        self._dst: Any = None
        # the intermediate file: tiled, lightly compressed (the COG copy recompresses it)
        profile = {"driver": "GTiff", "width": int(width), "height": int(height), "count": int(count),
                   "dtype": self._dtype.name, "crs": crs, "transform": transform, "nodata": nodata, "tiled": True,
                   "blockxsize": self._blocksize, "blockysize": self._blocksize, "compress": "deflate",
                   "zlevel": 1, "bigtiff": "IF_SAFER"}
        try:
            with gdal_env(self.path):
                self._dst = rasterio.open(self._tmp, "w", **profile)
        except _WRITE_ERRORS as exc:
            self.abort()
            raise _destination_error(self.path, exc) from exc

    # ---- context manager ------------------------------------------------------------------------------
    def __enter__(self) -> COGWriter:  # noqa: PYI034
        return self

    def __exit__(self, kind: object, exc: object, tb: object) -> None:
        self.abort()  # after commit() there is nothing left to remove

    # ---- writing ----------------------------------------------------------------------------------------
    def write(self, tile: Any, row: int, col: int) -> None:
        """Write ``tile`` (``(count, h, w)`` or ``(h, w)``, NumPy or ``numpy.ma``) with its top-left at ``(row, col)``."""
        if self._dst is None:
            raise RasterArgumentError(f"the COG writer for {self.path!r} is closed; nothing more can be written")
        data = np.ma.asarray(tile)
        if data.ndim == 2:
            data = data[np.newaxis]
        count, height, width = self.shape
        h, w = data.shape[-2:]
        if data.shape[0] != count or row < 0 or col < 0 or row + h > height or col + w > width:
            raise RasterArgumentError(f"tile of shape {data.shape} at (row {row}, col {col}) does not fit a raster "
                                      f"of shape {self.shape}")
        mask = np.ma.getmaskarray(data).any(axis=0)
        values = np.ma.getdata(data)
        if self.nodata is not None:
            values = np.where(mask, self.nodata, values)
        window = Window(col, row, w, h)
        try:
            with gdal_env(self.path):
                self._dst.write(values.astype(self._dtype, copy=False), window=window)
                self._dst.write_mask(np.where(mask, 0, 255).astype(np.uint8), window=window)
        except _WRITE_ERRORS as exc:
            self.abort()
            raise _destination_error(self.path, exc) from exc

    def commit(self) -> str:
        """Build overviews, convert to a COG and move it to the destination; returns the path."""
        if self._dst is None:
            raise RasterArgumentError(f"the COG writer for {self.path!r} is closed; it was committed or aborted")
        try:
            with gdal_env(self.path):
                if self._overviews:
                    self._dst.build_overviews(self._overviews, self._resampling)
                self._dst.close()
                self._dst = None
                overview_mode = "FORCE_USE_EXISTING" if self._overviews else "NONE"
                rasterio.shutil.copy(self._tmp, self._tmp_cog, driver="COG", blocksize=self._blocksize,
                                     overviews=overview_mode, bigtiff="IF_SAFER", **self._final)
            os.replace(self._tmp_cog, self.path)
        except _WRITE_ERRORS as exc:
            self.abort()
            raise _destination_error(self.path, exc) from exc
        self.abort()  # removes the intermediate file
        return self.path

    def abort(self) -> None:
        """Close and delete the temporary files (idempotent); the destination is not touched."""
        if self._dst is not None:
            try:
                self._dst.close()
            except _WRITE_ERRORS:
                pass
            self._dst = None
        for leftover in (self._tmp, self._tmp_cog):
            try:
                os.remove(leftover)
            except FileNotFoundError:
                pass
            except OSError:  # pragma: no cover - nothing better to do while cleaning up
                pass
