"""Write arrays as GeoTIFF or COG files, atomically.

:func:`write_geotiff` writes to a temporary name in the target directory and
renames it into place with :func:`os.replace`, so a failed write leaves no
file (and never a half-written one) at *path*.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Sequence
from typing import Any

import numpy as np
import rasterio
import rasterio.shutil
from affine import Affine
from rasterio.crs import CRS
from rasterio.enums import Resampling
from rasterio.errors import CRSError, RasterioError

from gpucompute.errors import RasterArgumentError, RasterError

from ._env import gdal_env

try:
    from rasterio._err import CPLE_BaseError as _CPLE_BaseError
except ImportError:  # pragma: no cover - rasterio layout changed
    _CPLE_BaseError = RasterioError

__all__ = ["write_geotiff"]

_WRITABLE = ("uint8", "int8", "uint16", "int16", "uint32", "int32", "float32", "float64")


def write_geotiff(
    path: str | os.PathLike,
    data: Any,
    *,
    crs: Any,
    transform: Affine,
    nodata: float | None = None,
    mask: Any = None,
    dtype: Any = None,
    tiled: bool = False,
    blocksize: int = 256,
    compress: str | None = None,
    overviews: Sequence[int] = (),
    overview_resampling: str = "nearest",
    cog: bool = False,
    **creation_options: Any,
) -> str:
    """Write *data* to a GeoTIFF (or Cloud Optimized GeoTIFF) at *path*.

    Parameters
    ----------
    path : str or path-like
        The file to create or replace.
    data : array_like
        ``(rows, cols)`` or ``(bands, rows, cols)``; a ``numpy.ma`` array's
        mask is written as the file's mask when *mask* is not given.
    crs : str or CRS
        The coordinate reference system, e.g. ``"EPSG:32618"``.
    transform : affine.Affine
        Pixel to CRS coordinates.
    nodata : float, optional
        The nodata value to record.
    mask : array_like of bool, optional
        ``(rows, cols)``, ``True`` = invalid: written as an internal
        per-dataset mask.
    dtype : dtype, optional
        Cast the values first.
    tiled, blocksize : bool, int
        Write square tiles of *blocksize* pixels instead of strips.
    compress : str, optional
        GDAL compression (``"deflate"``, ``"lzw"``, ...).
    overviews : sequence of int
        Overview decimation factors to build (e.g. ``(2, 4, 8)``).
    overview_resampling : str
        Resampling used to build overviews (a :class:`rasterio.enums.Resampling` name).
    cog : bool
        Write a Cloud Optimized GeoTIFF (GDAL's COG driver; tiled, overviews inside).
    **creation_options
        More GDAL creation options (of the GTiff driver, or of the COG driver
        when *cog* is true, e.g. ``predictor=2``, ``level=1``).

    Returns
    -------
    str
        *path*, as a string.

    Raises
    ------
    RasterArgumentError
        If the data, CRS, transform or options are invalid.
    RasterError
        If GDAL fails to write; no file is left at *path*.
    """
    path = os.fspath(path)
    array, mask = _prepare(data, mask, dtype)
    try:
        crs = CRS.from_user_input(crs)
    except (CRSError, TypeError, ValueError) as exc:
        raise RasterArgumentError(f"write_geotiff: crs {crs!r} is not a CRS ({exc}); use e.g. 'EPSG:4326'") from None
    if not isinstance(transform, Affine):
        raise RasterArgumentError(f"write_geotiff: transform must be an affine.Affine, got {transform!r}")
    try:
        resampling = Resampling[overview_resampling]
    except KeyError:
        raise RasterArgumentError(
            f"write_geotiff: unknown overview_resampling {overview_resampling!r}; "
            f"choose one of {', '.join(r.name for r in Resampling)}"
        ) from None
    folder = os.path.dirname(os.path.abspath(path))
    stem = f".{os.path.basename(path)}.{uuid.uuid4().hex}"
    tmp, tmp_cog = os.path.join(folder, stem + ".tmp.tif"), os.path.join(folder, stem + ".cog.tif")
    profile = dict(driver="GTiff", width=array.shape[2], height=array.shape[1], count=array.shape[0],
                   dtype=array.dtype.name, crs=crs, transform=transform, nodata=nodata)
    if tiled or cog:
        profile.update(tiled=True, blockxsize=int(blocksize), blockysize=int(blocksize))
    # a COG is copied from an uncompressed intermediate: compression and options go to the copy
    final_options = dict(creation_options)
    if compress:
        final_options["compress"] = compress
    if not cog:
        profile.update(final_options)
    try:
        with gdal_env(path):
            with rasterio.open(tmp, "w", **profile) as dst:
                dst.write(array)
                if mask is not None:
                    dst.write_mask(np.where(mask, 0, 255).astype(np.uint8))
                if overviews:
                    dst.build_overviews([int(f) for f in overviews], resampling)
            if cog:
                rasterio.shutil.copy(tmp, tmp_cog, driver="COG", blocksize=int(blocksize), **final_options)
                os.replace(tmp_cog, path)
            else:
                os.replace(tmp, path)
    except (RasterioError, _CPLE_BaseError, OSError, ValueError) as exc:
        raise RasterError(f"write_geotiff: could not write {path!r}: {exc}") from None
    finally:
        for leftover in (tmp, tmp_cog):
            if os.path.exists(leftover):
                os.remove(leftover)
    return path


def _prepare(data: Any, mask: Any, dtype: Any) -> tuple[np.ndarray, np.ndarray | None]:
    if mask is None and isinstance(data, np.ma.MaskedArray):
        full = np.ma.getmaskarray(data)
        mask = full.any(axis=0) if full.ndim == 3 else full
    array = np.asarray(np.ma.getdata(data))
    if dtype is not None:
        array = array.astype(dtype)
    if array.ndim == 2:
        array = array[None]
    if array.ndim != 3 or 0 in array.shape:
        raise RasterArgumentError(
            f"write_geotiff: data must be (rows, cols) or (bands, rows, cols) and non-empty, got shape {array.shape}"
        )
    if array.dtype.name not in _WRITABLE:
        raise RasterArgumentError(
            f"write_geotiff: dtype {array.dtype} cannot be written; use one of {', '.join(_WRITABLE)}"
        )
    if mask is not None:
        mask = np.asarray(mask, dtype=bool)
        if mask.shape != array.shape[1:]:
            raise RasterArgumentError(
                f"write_geotiff: mask must be (rows, cols) = {array.shape[1:]}, got {mask.shape}"
            )
    return np.ascontiguousarray(array), mask
