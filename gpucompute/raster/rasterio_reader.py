"""Read rasters with rasterio/GDAL: the part of each image a grid needs, warped onto the grid.

For every image :class:`RasterioReader` opens the file, measures where the
grid falls in it (:mod:`gpucompute.raster._window`), picks the coarsest
overview that is not coarser than the grid (``overviews=True``; the file is
then opened at that overview level) and warps onto the grid with
:func:`rasterio.warp.reproject` and the requested resampler:

* files whose validity is a nodata value (or none at all) are warped straight
  from the open dataset: GDAL's warper reads only the source window each
  output chunk needs, and the result is bit for bit the warp of the whole file
  (or overview level), because GDAL sees the same raster geometry;
* files with an alpha band or a per-dataset mask: the reader reads the window
  the grid needs (data and mask), and warps it from memory with the mask as an
  alpha band. The window follows GDAL's own source-window rules, so results
  equal a whole-file warp except where GDAL would split a large or mostly
  empty output into chunks differently.

A grid that misses the image is answered without reading pixels. Images are
read concurrently in a thread pool (GDAL releases the GIL); each read opens
its own dataset handle, so no handle is shared between threads.

Validity (``mask`` is ``True`` where a value is invalid):

* ``ImageRef.nodata`` if given, else the file's nodata value: GDAL excludes
  those source pixels from resampling and writes the nodata value where
  nothing valid lands; those output values are masked, band by band;
* else an alpha band or per-dataset mask (GDAL's mask flags): warped as an
  alpha band, masking all bands of a pixel together;
* float data: NaN is masked too (also without nodata);
* pixels of the grid outside the image are masked.

Bad inputs (each is tested):

=======================================  ==========================================
missing file, unreadable path            :class:`~gpucompute.errors.RasterReadError`
                                         naming the path
corrupt file (GDAL fails to decode)      ``RasterReadError``; a corrupt full-resolution
                                         level can still serve coarse grids from
                                         intact overviews
no CRS, or no geotransform (GCP-only or  :class:`~gpucompute.errors.RasterFormatError`
ungeoreferenced files included)
complex or 64-bit integer bands          ``RasterFormatError``
unknown resampler, band index the file   :class:`~gpucompute.errors.RasterArgumentError`
lacks, band counts that differ           listing the valid choices
grid entirely outside the image          not an error: all-masked result
all-nodata file                          not an error: all-masked result
=======================================  ==========================================
"""

from __future__ import annotations

import math
import os
import threading
import zlib
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import rasterio
from rasterio.crs import CRS
from rasterio.enums import MaskFlags, Resampling
from rasterio.errors import CRSError, RasterioError
from rasterio.warp import reproject
from rasterio.windows import Window

from gpucompute.errors import (
    GeoContextError,
    RasterArgumentError,
    RasterFormatError,
    RasterReadError,
)

from ._env import gdal_env
from ._handles import HandleCache
from ._window import footprint, overview_index, source_window
from .reader import RESAMPLERS, Reader, check_refs, resampling_for
from .stack import GridSpec, ImageRef, RasterStack, grid_spec

try:  # GDAL errors rasterio raises outside its own hierarchy
    from rasterio._err import CPLE_BaseError
except ImportError:  # pragma: no cover - rasterio layout changed
    CPLE_BaseError = RasterioError

__all__ = ["SUPPORTED_DTYPES", "RasterioReader"]

#: Band dtypes the reader accepts (every backend can hold them).
SUPPORTED_DTYPES = frozenset(
    np.dtype(t) for t in ("uint8", "int8", "uint16", "int16", "uint32", "int32", "float32", "float64")
)
_GDAL_ERRORS = (RasterioError, CPLE_BaseError)
_ALPHA_MAX = {"SRC_ALPHA_MAX": 255, "DST_ALPHA_MAX": 255}


class RasterioReader(Reader):
    """A :class:`Reader` backed by rasterio/GDAL (GeoTIFF, COG and any format GDAL reads).

    Parameters
    ----------
    max_workers : int, optional
        Threads reading images concurrently (``min(32, cpus + 4)`` when None);
        ``1`` reads in the calling thread. Each file is always read by the
        same thread, so the handle that thread keeps open (and GDAL's cache
        of its decoded blocks) serves every later read of that file.
    overviews : bool
        Serve grids coarser than the file from its overviews (default True).
    warp_threads : int
        Threads GDAL uses inside one warp (``NUM_THREADS``); 1 by default,
        since images already run in parallel.
    open_files : int
        Dataset handles each reading thread keeps open between reads (default
        64), so GDAL's cache of decoded blocks serves the next tile of the same
        scene; 0 opens and closes the file on every read. A local file changed
        on disk is reopened.
    """

    def __init__(self, max_workers: int | None = None, overviews: bool = True, warp_threads: int = 1,
                 open_files: int = 64) -> None:
        if max_workers is not None and int(max_workers) < 1:
            raise RasterArgumentError(f"max_workers must be a positive number of threads, got {max_workers!r}")
        if int(warp_threads) < 1:
            raise RasterArgumentError(f"warp_threads must be a positive number of threads, got {warp_threads!r}")
        self.max_workers = None if max_workers is None else int(max_workers)
        self.overviews = bool(overviews)
        self.warp_threads = int(warp_threads)
        self.open_files = max(0, int(open_files))
        self._handles = HandleCache(self.open_files)
        self._workers: list[ThreadPoolExecutor] = []
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return (f"RasterioReader(max_workers={self.max_workers!r}, overviews={self.overviews!r}, "
                f"warp_threads={self.warp_threads!r}, open_files={self.open_files!r})")

    # -- worker threads: one single-thread executor per worker, files routed by a hash of the path
    def _worker_for(self, path: str) -> ThreadPoolExecutor:
        with self._lock:
            if not self._workers:
                count = self.max_workers or min(32, (os.cpu_count() or 1) + 4)
                self._workers = [ThreadPoolExecutor(1, thread_name_prefix=f"gpucompute-read-{i}")
                                 for i in range(count)]
            return self._workers[zlib.crc32(path.encode()) % len(self._workers)]

    def close(self) -> None:
        """Stop the worker threads and close the files held open (a later read reopens them)."""
        with self._lock:
            workers, self._workers = self._workers, []
        for worker in workers:
            worker.shutdown(wait=True)  # its thread ends, and its handles with it
        self._handles.clear()
        self._handles = HandleCache(self.open_files)

    def __enter__(self) -> RasterioReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __getstate__(self) -> dict:
        return {"max_workers": self.max_workers, "overviews": self.overviews, "warp_threads": self.warp_threads,
                "open_files": self.open_files}

    def __setstate__(self, state: dict) -> None:
        self.__init__(**state)

    # -- reading
    def read(self, refs: Sequence[ImageRef], grid: Any, *, resampler: str = "near",
             dtype: Any = None) -> RasterStack:
        resampling = resampling_for(resampler)
        radius = RESAMPLERS[resampler][1]
        refs = check_refs(refs)
        spec = grid_spec(grid)
        grid_crs = _parse_grid_crs(spec.crs)
        job = _Job(spec, grid_crs, resampling, radius, self.overviews, self.warp_threads, self._handles)
        if self.max_workers == 1:
            parts = [job.read(ref) for ref in refs]
        else:
            futures = [self._worker_for(ref.path).submit(job.read, ref) for ref in refs]
            parts = [f.result() for f in futures]
        return _assemble(parts, spec, dtype)


class _Job:
    """One read request, shared by the worker threads (immutable)."""

    def __init__(self, spec: GridSpec, grid_crs: CRS, resampling: Resampling, radius: int,
                 overviews: bool, warp_threads: int, handles: HandleCache) -> None:
        self.spec, self.grid_crs, self.resampling = spec, grid_crs, resampling
        self.radius, self.overviews, self.warp_threads = radius, overviews, warp_threads
        self.handles = handles

    def read(self, ref: ImageRef) -> tuple[np.ndarray, np.ndarray]:
        with gdal_env(ref.path):
            ds = self._acquire(ref.path)
            failed = True
            try:
                _check_dataset(ds, ref)
                fp = footprint(self.spec, ds.crs, ds.transform, self.grid_crs)
                level = None
                if self.overviews and fp.ok:
                    level = overview_index(ds.overviews(ref.band_indexes[0]), fp.scale)
                if level is not None:
                    self.handles.release(ds)
                    ds = self._acquire(ref.path, level)
                    fp = footprint(self.spec, ds.crs, ds.transform, self.grid_crs)
                window = source_window(fp, ds.width, ds.height, self.radius)
                out = self._warp(ds, ref, window)
                failed = False
                return out
            finally:
                self.handles.release(ds, failed=failed)

    def _acquire(self, path: str, level: int | None = None) -> Any:
        try:
            return self.handles.acquire(path, level)
        except _GDAL_ERRORS as exc:
            raise RasterReadError(
                f"could not open raster {path!r}: {_describe(exc)}; "
                "check that the file exists and is a raster GDAL reads"
            ) from None

    def _warp(self, ds: Any, ref: ImageRef, window: Window | None) -> tuple[np.ndarray, np.ndarray]:
        bands = ref.band_indexes
        dtype = np.result_type(*(np.dtype(ds.dtypes[b - 1]) for b in bands))
        shape = (len(bands), *self.spec.shape)
        nodata = _nodata_for(ds, ref, dtype)
        if window is None:  # the grid misses the image
            fill = 0 if nodata is None or (math.isnan(nodata) and dtype.kind != "f") else nodata
            return np.full(shape, fill, dtype=dtype), np.ones(shape, dtype=bool)
        common = dict(dst_transform=self.spec.transform, dst_crs=self.grid_crs,
                      resampling=self.resampling, num_threads=self.warp_threads)
        if nodata is not None:
            # GDAL warps straight from the file and reads only the blocks each chunk needs
            out = np.empty(shape, dtype=dtype)
            _reproject(ref, rasterio.band(ds, list(bands)), out, src_nodata=nodata, dst_nodata=nodata, **common)
            mask = np.isnan(out) if math.isnan(nodata) else out == nodata
        elif not _has_mask(ds, ref):
            # every source pixel is valid: a destination alpha band marks the footprint
            dst = np.zeros((shape[0] + 1, *shape[1:]), dtype=_alpha_dtype(dtype))
            _reproject(ref, rasterio.band(ds, list(bands)), dst, dst_alpha=shape[0] + 1, **common, **_ALPHA_MAX)
            out = dst[:-1].astype(dtype, copy=False)
            mask = np.broadcast_to(dst[-1] == 0, shape).copy()
        else:
            out, mask = self._warp_masked(ds, ref, window, dtype, common)
        if dtype.kind == "f":
            mask |= np.isnan(out)
        return out, mask

    def _warp_masked(self, ds: Any, ref: ImageRef, window: Window, dtype: np.dtype,
                     common: dict) -> tuple[np.ndarray, np.ndarray]:
        """A file with an alpha band or mask: read the window, warp its validity as an alpha band."""
        bands = ref.band_indexes
        try:
            source = ds.read(list(bands), window=window, out_dtype=dtype)
            valid = ds.read_masks(bands[0], window=window) > 0
        except _GDAL_ERRORS as exc:
            raise RasterReadError(
                f"could not read {ref.path!r} (bands {list(bands)}, window {_fmt_window(window)}): {_describe(exc)}; "
                "the file may be truncated or corrupt"
            ) from None
        work = _alpha_dtype(dtype)
        stacked = np.concatenate([source.astype(work, copy=False), np.where(valid, 255, 0).astype(work)[None]])
        n = len(bands) + 1
        dst = np.zeros((n, *self.spec.shape), dtype=work)
        _reproject(ref, stacked, dst, src_transform=ds.window_transform(window), src_crs=ds.crs,
                   src_alpha=n, dst_alpha=n, **common, **_ALPHA_MAX)
        return dst[:-1].astype(dtype, copy=False), np.broadcast_to(dst[-1] == 0, dst[:-1].shape).copy()


def _alpha_dtype(dtype: np.dtype) -> np.dtype:
    """A dtype that holds the data and an alpha value of 255."""
    return dtype if dtype.kind == "f" or np.can_cast(np.uint8, dtype) else np.dtype(np.int16)


def _reproject(ref: ImageRef, source: Any, destination: np.ndarray, **kwargs: Any) -> None:
    try:
        reproject(source, destination, **kwargs)
    except _GDAL_ERRORS as exc:
        raise RasterReadError(
            f"could not read {ref.path!r} (bands {list(ref.band_indexes)}) onto the grid: {_describe(exc)}; "
            "the file may be truncated or corrupt"
        ) from None


def _parse_grid_crs(crs: str) -> CRS:
    try:
        return CRS.from_user_input(crs)
    except CRSError as exc:
        raise GeoContextError(f"the grid's CRS {crs!r} is not understood: {exc}; use e.g. 'EPSG:4326'") from None


def _check_dataset(ds: Any, ref: ImageRef) -> None:
    """RasterFormatError / RasterArgumentError for files the reader cannot serve."""
    if ds.crs is None:
        raise RasterFormatError(
            f"raster {ref.path!r} has no CRS; assign one (gdal_edit.py -a_srs EPSG:...) before reading it"
        )
    if ds.transform.is_identity:
        kind = "only ground control points" if ds.gcps[0] else "no geotransform"
        raise RasterFormatError(
            f"raster {ref.path!r} has {kind}; warp it to a georeferenced file first (gdalwarp)"
        )
    missing = [b for b in ref.band_indexes if b > ds.count]
    if missing:
        raise RasterArgumentError(
            f"raster {ref.path!r} has {ds.count} band(s); band index(es) {missing} do not exist, "
            f"choose from {list(range(1, ds.count + 1))}"
        )
    for b in ref.band_indexes:
        if np.dtype(ds.dtypes[b - 1]) not in SUPPORTED_DTYPES:
            raise RasterFormatError(
                f"band {b} of {ref.path!r} is {ds.dtypes[b - 1]}, which gpucompute does not read; supported: "
                f"{', '.join(sorted(str(t) for t in SUPPORTED_DTYPES))} (convert with gdal_translate -ot)"
            )


def _nodata_for(ds: Any, ref: ImageRef, dtype: np.dtype) -> float | None:
    """The nodata value the warp uses, or None to warp validity as an alpha band."""
    value = ref.nodata
    if value is None:
        flags = [ds.mask_flag_enums[b - 1] for b in ref.band_indexes]
        if all(MaskFlags.nodata in f for f in flags):
            value = ds.nodatavals[ref.band_indexes[0] - 1]
    if value is None:
        return float("nan") if dtype.kind == "f" and not _has_mask(ds, ref) else None
    value = float(value)
    if math.isnan(value):
        return value if dtype.kind == "f" else None
    if dtype.kind != "f":
        info = np.iinfo(dtype)
        if value != int(value) or not info.min <= value <= info.max:
            return None  # GDAL ignores a nodata value the band type cannot hold
    return value


def _has_mask(ds: Any, ref: ImageRef) -> bool:
    return any(MaskFlags.per_dataset in ds.mask_flag_enums[b - 1] for b in ref.band_indexes)


def _assemble(parts: list[tuple[np.ndarray, np.ndarray]], spec: GridSpec, dtype: Any) -> RasterStack:
    if not parts:
        out_dtype = np.dtype(dtype) if dtype is not None else np.dtype(np.float32)
        empty = (0, 0, *spec.shape)
        return RasterStack(np.empty(empty, dtype=out_dtype), np.ones(empty, dtype=bool))
    out_dtype = np.dtype(dtype) if dtype is not None else np.result_type(*(d.dtype for d, _ in parts))
    if len(parts) == 1:  # no copy: the image's own buffers gain the leading axis
        data, mask = parts[0][0].astype(out_dtype, copy=False)[None], parts[0][1][None]
    else:
        data = np.stack([d.astype(out_dtype, copy=False) for d, _ in parts])
        mask = np.stack([m for _, m in parts])
    return RasterStack(data, mask)


def _describe(exc: BaseException) -> str:
    """The messages of *exc* and the GDAL errors chained under it, innermost last."""
    parts: list[str] = []
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        text = str(exc).strip()
        if text and "see previous exception" not in text.lower() and text not in parts:
            parts.append(text)
        exc = exc.__cause__ or exc.__context__
    return "; ".join(parts) or "GDAL reported a failure"


def _fmt_window(window: Window) -> str:
    return f"cols {int(window.col_off)}+{int(window.width)}, rows {int(window.row_off)}+{int(window.height)}"
