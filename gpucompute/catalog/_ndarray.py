"""Checks and conversions before an ndarray is written as an image's GeoTIFF."""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from gpucompute.catalog._enums import NUMPY_DTYPES, OverviewResampler
from gpucompute.catalog._geotiff import parse_crs
from gpucompute.errors import CatalogValueError, GpuComputeWarning

__all__ = ["PreparedArray", "prepare_array", "MAX_OVERVIEWS"]

MAX_OVERVIEWS = 16
_SUPPORTED = set(NUMPY_DTYPES.values())
_WIDEN = {"bool": "uint8", "int8": "int16", "float16": "float32", "int64": "int32", "uint64": "uint32"}


@dataclass(frozen=True)
class PreparedArray:
    """An array ready to write: ``(bands, rows, cols)`` data, optional mask, grid and options."""

    data: np.ndarray
    mask: np.ndarray | None
    nodata: float | None
    crs: Any
    transform: Any
    overviews: list[int] | None
    resampler: str


def _georef(image: Any, raster_meta: dict | None) -> tuple[Any, Any]:
    from affine import Affine

    meta = dict(raster_meta or {})
    geotrans = meta.get("geoTransform", meta.get("geotrans"))
    if geotrans is None and "transform" in meta:
        t = meta["transform"]
        geotrans = t.to_gdal() if isinstance(t, Affine) else t
    if geotrans is None:
        geotrans = image.geotrans
    cs = meta.get("coordinateSystem")
    crs_value = None
    if isinstance(cs, dict):
        crs_value = cs.get("wkt") or cs.get("proj4")
    crs_value = crs_value or meta.get("crs") or meta.get("cs_code") or meta.get("projection")
    crs_value = crs_value or image.cs_code or image.projection
    if geotrans is None or crs_value is None:
        raise CatalogValueError(
            "upload_ndarray needs georeferencing: set image.geotrans and image.cs_code (or image.projection), "
            f"or pass raster_meta with 'geoTransform' and 'coordinateSystem'; got geotrans={geotrans!r}, "
            f"crs={crs_value!r}"
        )
    try:
        values = [float(v) for v in geotrans]
    except (TypeError, ValueError):
        values = []
    invertible = len(values) == 6 and values[1] * values[5] - values[2] * values[4] != 0
    if not invertible or not all(math.isfinite(v) for v in values):
        raise CatalogValueError(
            f"geotrans must be 6 finite numbers of an invertible GDAL geotransform, got {geotrans!r}"
        )
    return parse_crs(crs_value, "the image's coordinate system"), Affine.from_gdal(*values)


def _shape(ndarr: Any) -> np.ndarray | np.ma.MaskedArray:
    if not isinstance(ndarr, np.ndarray):
        raise CatalogValueError(f"upload_ndarray needs a numpy array, got {type(ndarr).__name__}")
    if ndarr.ndim == 2:
        ndarr = ndarr[np.newaxis]
    if ndarr.ndim != 3 or 0 in ndarr.shape:
        raise CatalogValueError(f"upload_ndarray needs a (bands, rows, cols) or (rows, cols) array, got shape "
                                f"{ndarr.shape}")
    if ndarr.shape[0] > ndarr.shape[2] and ndarr.shape[2] <= 4:
        warnings.warn(
            f"array shape {ndarr.shape} looks like (rows, cols, bands); upload_ndarray expects (bands, rows, cols)",
            GpuComputeWarning, stacklevel=4,
        )
    return ndarr


def _target_dtype(arr: np.ndarray, bands: list) -> np.dtype:
    declared = {NUMPY_DTYPES[b.data_type] for b in bands if b.data_type}
    if len(declared) > 1:
        raise CatalogValueError(f"the product's bands declare different data types {sorted(declared)}; "
                                "one GeoTIFF can only hold one")
    if declared:
        return np.dtype(declared.pop())
    name = arr.dtype.name
    if name in _SUPPORTED:
        return arr.dtype
    if name in _WIDEN:
        return np.dtype(_WIDEN[name])
    raise CatalogValueError(f"cannot store an array of dtype {name}; use one of {sorted(_SUPPORTED)}")


def _cast(data: np.ndarray, dtype: np.dtype, valid: np.ndarray) -> np.ndarray:
    if data.dtype == dtype:
        return data
    values = data[valid]
    if np.issubdtype(dtype, np.integer):
        if np.issubdtype(data.dtype, np.floating) and values.size and not np.all(np.mod(values, 1) == 0):
            raise CatalogValueError(f"cannot store fractional {data.dtype} values in {dtype.name} bands")
        info = np.iinfo(dtype)
        if values.size and (values.min() < info.min or values.max() > info.max):
            raise CatalogValueError(f"values {values.min()}..{values.max()} do not fit the bands' {dtype.name}")
    return data.astype(dtype)


def prepare_array(image: Any, ndarr: Any, raster_meta: dict | None, overviews: Sequence[int] | None,
                  overview_resampler: str | None, bands: list) -> PreparedArray:
    """Validate everything about an ndarray upload before anything is written."""
    crs, transform = _georef(image, raster_meta)
    arr = _shape(ndarr)
    file0 = [b for b in bands if (b.file_index or 0) == 0]
    if any((b.file_index or 0) > 0 for b in bands):
        raise CatalogValueError("the product has bands in a second file; upload_ndarray writes a single file")
    if file0 and max(b.band_index for b in file0) >= arr.shape[0]:
        need = max(b.band_index for b in file0) + 1
        raise CatalogValueError(f"the product's bands need {need} band(s) in the array, got {arr.shape[0]}")
    mask = np.ma.getmaskarray(arr) if isinstance(arr, np.ma.MaskedArray) else None
    data = np.ma.getdata(arr)
    if mask is not None and not mask.any():
        mask = None
    nodatas = {("nan" if isinstance(b.nodata, float) and math.isnan(b.nodata) else b.nodata) for b in file0}
    nodata = next(b.nodata for b in file0) if len(nodatas) == 1 and None not in nodatas else None
    dtype = _target_dtype(data, bands)
    if nodata is not None and np.issubdtype(dtype, np.integer) and not (
        float(nodata).is_integer() and np.iinfo(dtype).min <= nodata <= np.iinfo(dtype).max
    ):
        raise CatalogValueError(f"the bands' nodata {nodata!r} cannot be stored as {dtype.name}")
    valid = np.ones(data.shape, bool) if mask is None else ~mask
    data = _cast(np.asarray(data), dtype, valid)
    if mask is not None and nodata is not None:
        data = np.where(mask, np.array(nodata).astype(dtype), data)
        mask = None
    factors = None
    if overviews:
        factors = [int(f) for f in overviews]
        if len(factors) > MAX_OVERVIEWS or any(f < 2 or f != o for f, o in zip(factors, overviews)):
            raise CatalogValueError(f"overviews must be up to {MAX_OVERVIEWS} integer factors >= 2, got {overviews!r}")
    resampler = OverviewResampler.NEAREST.value if overview_resampler is None else str(
        getattr(overview_resampler, "value", overview_resampler)).lower()
    if resampler not in OverviewResampler.values():
        raise CatalogValueError(f"overview_resampler must be one of {OverviewResampler.values()}, "
                                f"got {overview_resampler!r}")
    return PreparedArray(np.ascontiguousarray(data), mask, nodata, crs, transform, factors, resampler)
