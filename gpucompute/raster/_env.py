"""The GDAL configuration every raster read and write runs under, in one place.

:func:`gdal_env` returns a :class:`rasterio.Env` holding :data:`GDAL_DEFAULTS`
plus, for remote paths (``/vsicurl/``, ``/vsis3/``, ``http(s)://``, ``s3://``
...), :data:`GDAL_REMOTE_DEFAULTS`. Local files keep GDAL's directory listing,
so sidecar ``.ovr`` overviews and ``.msk`` masks next to them are still found;
remote objects skip it, because listing a bucket prefix is slow and useless.

``GDAL_CACHEMAX`` is deliberately not set here: rasterio applies it with
``GDALSetCacheMax`` on entering *and* leaving every environment, which resizes
the process-wide block cache around each read and throws away the decoded
blocks the next tile needs (measured: 3x slower warm tile reads). GDAL's
default (5% of RAM) applies; export ``GDAL_CACHEMAX`` to change it.

An option already present in the process environment is left to GDAL, so
users tune GDAL the usual way. Each reader thread enters its own environment:
rasterio keeps GDAL options per thread.
"""

from __future__ import annotations

import os
from typing import Any

import rasterio

__all__ = ["GDAL_DEFAULTS", "GDAL_REMOTE_DEFAULTS", "gdal_env", "gdal_options", "is_remote"]

#: GDAL options gpucompute sets for every read and write unless the environment sets them.
GDAL_DEFAULTS: dict[str, Any] = {
    # writes: a temporary file must not fail on a free-space estimate
    "CHECK_DISK_FREE_SPACE": "FALSE",
    # writes: masks go inside the GeoTIFF, not into a .msk sidecar
    "GDAL_TIFF_INTERNAL_MASK": "YES",
}

#: Extra options for remote paths.
GDAL_REMOTE_DEFAULTS: dict[str, Any] = {
    # do not list the object's "directory" on open
    "GDAL_DISABLE_READDIR_ON_OPEN": "EMPTY_DIR",
    # cache small range reads (COG headers, tile indexes)
    "VSI_CACHE": True,
    "VSI_CACHE_SIZE": 64 * 1024 * 1024,
    # fetch neighbouring byte ranges together
    "GDAL_HTTP_MULTIRANGE": "YES",
    "GDAL_HTTP_MERGE_CONSECUTIVE_RANGES": "YES",
}

_REMOTE_PREFIXES = ("/vsicurl", "/vsis3", "/vsigs", "/vsiaz", "/vsiadls", "/vsioss", "/vsiswift",
                    "http://", "https://", "s3://", "gs://", "az://")


def is_remote(path: str) -> bool:
    """Whether *path* names an object behind a network file system driver."""
    return str(path).lower().startswith(_REMOTE_PREFIXES)


def gdal_options(path: str | None = None, **overrides: Any) -> dict[str, Any]:
    """The options :func:`gdal_env` applies for *path*, *overrides* last."""
    table = dict(GDAL_DEFAULTS)
    if path is not None and is_remote(path):
        table.update(GDAL_REMOTE_DEFAULTS)
    options = {key: value for key, value in table.items() if key not in os.environ}
    options.update(overrides)
    return options


def gdal_env(path: str | None = None, **overrides: Any) -> rasterio.Env:
    """A :class:`rasterio.Env` with gpucompute's GDAL defaults.

    Parameters
    ----------
    path : str, optional
        The raster the block reads; a remote path adds :data:`GDAL_REMOTE_DEFAULTS`.
    **overrides
        GDAL configuration options that replace the defaults for this block.

    Returns
    -------
    rasterio.Env
        Use it as a context manager around opening and reading datasets.
    """
    return rasterio.Env(**gdal_options(path, **overrides))
