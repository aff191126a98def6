"""Raster file helpers for uploads: inspect a file, compute its footprint, write an array, copy bytes.

rasterio is imported inside the functions so that importing the catalog stays cheap.
"""

from __future__ import annotations

import hashlib
import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import numpy as np
import shapely
from shapely.geometry.polygon import orient

from gpucompute.errors import CatalogValueError, RasterFormatError, RasterReadError

__all__ = ["RasterInfo", "inspect_file", "georef_attributes", "footprint", "parse_crs", "write_geotiff",
           "copy_file", "md5_file", "CHUNK"]

CHUNK = 1 << 20
#: OverviewResampler values whose rasterio Resampling name differs.
_RESAMPLING = {"cubicspline": "cubic_spline"}
_EDGE_POINTS = 21


@dataclass(frozen=True)
class RasterInfo:
    """What an upload needs to know about a raster file."""

    crs: Any
    transform: Any
    width: int
    height: int
    count: int
    dtypes: tuple[str, ...]


def inspect_file(path: str | os.PathLike) -> RasterInfo:
    """Open *path* with rasterio and read its georeferencing.

    Raises
    ------
    RasterReadError
        If the file cannot be opened as a raster.
    RasterFormatError
        If it has no CRS or no geotransform.
    """
    import rasterio
    from rasterio.errors import RasterioError

    try:
        with rasterio.open(path) as ds:
            info = RasterInfo(ds.crs, ds.transform, ds.width, ds.height, ds.count, tuple(ds.dtypes))
    except RasterioError as exc:
        raise RasterReadError(f"cannot read {str(path)!r} as a raster: {exc}") from None
    if info.crs is None:
        raise RasterFormatError(f"{str(path)!r} has no coordinate reference system; georeference it first")
    if info.transform.is_identity:
        raise RasterFormatError(f"{str(path)!r} has no geotransform; georeference it first")
    return info


def _cs_code(crs: Any) -> str | None:
    code = crs.to_epsg()
    if code is not None:
        return f"EPSG:{code}"
    auth = crs.to_authority()
    return f"{auth[0]}:{auth[1]}" if auth else None


def georef_attributes(crs: Any, transform: Any, width: int, height: int) -> dict[str, Any]:
    """Image attributes derived from a grid: cs_code, projection, geotrans, size and footprint."""
    return {
        "cs_code": _cs_code(crs),
        "projection": crs.to_wkt(),
        "geotrans": tuple(transform.to_gdal()),
        "x_pixels": int(width),
        "y_pixels": int(height),
        "geometry": footprint(crs, transform, width, height),
    }


def footprint(crs: Any, transform: Any, width: int, height: int) -> shapely.Polygon:
    """The grid's outline transformed to EPSG:4326 (edges densified to 21 points each)."""
    from pyproj import CRS, Transformer

    corners = [transform @ xy for xy in ((0, 0), (width, 0), (width, height), (0, height))]
    ring = shapely.Polygon(corners)
    shortest = min(math.dist(corners[i], corners[(i + 1) % 4]) for i in range(4))
    dense = shapely.segmentize(ring, shortest / (_EDGE_POINTS - 1))
    src = CRS.from_user_input(crs.to_wkt())
    if not src.equals(CRS.from_epsg(4326)):
        t = Transformer.from_crs(src, "EPSG:4326", always_xy=True)
        dense = shapely.transform(dense, lambda xy: np.column_stack(t.transform(xy[:, 0], xy[:, 1])))
    if not dense.is_valid:
        dense = shapely.make_valid(dense)
    return orient(dense) if isinstance(dense, shapely.Polygon) else dense


def parse_crs(value: Any, where: str) -> Any:
    """A rasterio CRS from an EPSG code string, WKT or PROJ text; CatalogValueError if unknown."""
    from rasterio.crs import CRS
    from rasterio.errors import CRSError

    try:
        return CRS.from_user_input(value)
    except (CRSError, ValueError, TypeError):
        raise CatalogValueError(f"{where} is not a coordinate reference system rasterio knows: {value!r}") from None


def write_geotiff(path: Path, data: np.ndarray, *, crs: Any, transform: Any, nodata: float | None,
                  mask: np.ndarray | None = None, overviews: list[int] | None = None,
                  resampler: str = "nearest") -> None:
    """Write ``(bands, rows, cols)`` *data* as a tiled, deflate GeoTIFF at *path*.

    *mask* (True = invalid, same shape) becomes a per-dataset GDAL mask (a pixel
    is invalid if it is masked in any band).
    """
    import rasterio
    from rasterio.enums import Resampling

    profile = {
        "driver": "GTiff", "width": data.shape[2], "height": data.shape[1], "count": data.shape[0],
        "dtype": data.dtype.name, "crs": crs, "transform": transform, "nodata": nodata,
        "tiled": True, "blockxsize": 256, "blockysize": 256, "compress": "deflate",
    }
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(data)
        if mask is not None:
            dst.write_mask(np.where(mask.any(axis=0), 0, 255).astype("uint8"))
        if overviews:
            dst.build_overviews(list(overviews), Resampling[_RESAMPLING.get(resampler, resampler)])
            dst.update_tags(ns="rio_overview", resampling=resampler)


def copy_file(src: Path, dst: Path, progress: Callable[[int, int], None] | None = None) -> tuple[int, str]:
    """Copy *src* to *dst* in chunks; returns (size, md5 hex). Calls ``progress(done, total)``."""
    total = os.path.getsize(src)
    digest = hashlib.md5()  # noqa: S324 - a checksum, not security
    done = 0
    with open(src, "rb") as fin, open(dst, "wb") as fout:
        while chunk := fin.read(CHUNK):
            fout.write(chunk)
            digest.update(chunk)
            done += len(chunk)
            if progress is not None:
                progress(done, total)
        fout.flush()
        os.fsync(fout.fileno())
    return done, digest.hexdigest()


def md5_file(path: Path) -> tuple[int, str]:
    """(size, md5 hex) of the file at *path*."""
    digest = hashlib.md5()  # noqa: S324
    size = 0
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()
