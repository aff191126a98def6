"""Output formats for computed values: python, geotiff, png, json and npy.

:func:`encode_result` turns a computed value into the bytes of a format (the
value itself for ``"python"``); :func:`write_result` does the same and, given
``file=``, writes them atomically (a temporary file in the same folder, then
:func:`os.replace`), so a failed write never leaves a partial file.

A format is a name or a dict ``{"type": name, **options}``.  The encoders are
listed in :data:`FORMATS`; the options each accepts are in its docstring.
"""

from __future__ import annotations

import datetime as _dt
import inspect
import io
import json
import math
import os
import struct
import tempfile
import uuid
import zlib
from collections.abc import Callable, Mapping
from typing import Any, BinaryIO

import numpy as np

from gpucompute.errors import ConfigError, DestinationError, RasterArgumentError

__all__ = ["FORMATS", "encode_result", "parse_format", "png_bytes", "to_jsonable", "write_result"]


def parse_format(format: str | Mapping[str, Any], options: Mapping[str, Any] | None = None) -> tuple[str, dict]:
    """``(name, options)`` of a format name or ``{"type": name, ...}`` dict, checked against :data:`FORMATS`."""
    opts = dict(options or {})
    if isinstance(format, Mapping):
        spec = dict(format)
        name = spec.pop("type", None)
        opts = {**spec, **opts}
    else:
        name = format
    key = name.lower() if isinstance(name, str) else name
    key = {"tif": "geotiff", "tiff": "geotiff", "gtiff": "geotiff"}.get(key, key)
    if key not in FORMATS:
        raise ConfigError(f"unknown output format {name!r}; choose one of {', '.join(map(repr, FORMATS))} "
                          "(or a dict such as {'type': 'geotiff', 'compression': 'deflate'})")
    return key, opts


def encode_result(value: Any, format: str | Mapping[str, Any] = "python", **options: Any) -> Any:
    """Encode a computed value in ``format``.

    Parameters
    ----------
    value
        A computed value: an :class:`~gpucompute.execution.results.ImageResult`,
        a NumPy (masked) array, or plain Python values.
    format : str or dict
        ``"python"``, ``"geotiff"``, ``"png"``, ``"json"`` or ``"npy"``, or a dict
        ``{"type": name, **options}``.
    **options
        Options of the format (see the ``_encode_*`` functions).

    Returns
    -------
    bytes or Any
        The encoded bytes, or ``value`` itself for ``"python"``.

    Raises
    ------
    ConfigError
        For an unknown format or an option the format does not take.
    """
    name, opts = parse_format(format, options)
    return _call(name, value, opts)


def write_result(value: Any, format: str | Mapping[str, Any] = "python", file: Any = None, **options: Any) -> Any:
    """Encode ``value`` in ``format``; write it to ``file`` if given.

    Parameters
    ----------
    value, format, **options
        As for :func:`encode_result`.
    file : str, path-like or binary file object, optional
        Where to write.  A path is written atomically; a file object gets the bytes.

    Returns
    -------
    Any
        Without ``file``: what :func:`encode_result` returns.  With a path: the
        path as a string.  With a file object: the file object.
    """
    name, opts = parse_format(format, options)
    if file is None:
        return _call(name, value, opts)
    if name == "python":
        raise ConfigError("the 'python' format returns the value itself and cannot be written to a file; "
                          "choose 'json', 'npy', 'geotiff' or 'png'")
    data = _call(name, value, opts)
    if hasattr(file, "write"):
        file.write(data)
        return file
    return atomic_write(file, data)


def atomic_write(path: str | os.PathLike, data: bytes | Callable[[BinaryIO], None]) -> str:
    """Write ``data`` (bytes, or a callable given the open file) to ``path`` via a temporary file and rename.

    Raises
    ------
    DestinationError
        When the file cannot be written (no such folder, no permission, disk
        full...); nothing is left at ``path`` or beside it.
    """
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    tmp = os.path.join(folder, f".{os.path.basename(path)}.{uuid.uuid4().hex}.part")
    try:
        with open(tmp, "wb") as f:
            if callable(data):
                data(f)
            else:
                f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        if isinstance(exc, DestinationError):
            raise
        raise DestinationError(f"could not write the result to {path!r} ({exc}); check that the folder exists, "
                               "is writable and has free space, or choose another path") from exc
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    return path


# ---- helpers ------------------------------------------------------------------------------------
def _call(name: str, value: Any, options: dict[str, Any]) -> Any:
    encoder = FORMATS[name]
    try:
        inspect.signature(encoder).bind(value, **options)
    except TypeError as exc:
        raise ConfigError(f"bad options for the {name!r} format {sorted(options)!r}: {exc}") from None
    return encoder(value, **options)


def _image_parts(value: Any) -> tuple[np.ma.MaskedArray, dict]:
    """``(ndarray, geocontext dict)`` of an image result, or of a bare array (no geocontext)."""
    from gpucompute.execution.results import ImageCollectionResult

    if isinstance(value, ImageCollectionResult):
        raise RasterArgumentError(
            "an ImageCollectionResult has one array per image; write each image separately "
            "(e.g. a mosaic or a reduction over images) or use the 'npy'/'json' formats"
        )
    if hasattr(value, "ndarray") and hasattr(value, "geocontext"):
        if value.ndarray is None:
            raise RasterArgumentError("the image result is empty (ndarray is None); there are no pixels to write")
        return np.ma.asarray(value.ndarray), dict(value.geocontext)
    if isinstance(value, np.ndarray):
        return np.ma.asarray(value), {}
    raise RasterArgumentError(f"expected an ImageResult or a NumPy array, got {type(value).__name__}")


def _no_options(fmt: str, options: Mapping[str, Any]) -> None:
    if options:
        raise ConfigError(f"the {fmt!r} format takes no options, got {sorted(options)!r}")


# ---- python ------------------------------------------------------------------------------------
def _encode_python(value: Any, **options: Any) -> Any:
    """The value unchanged (takes no options)."""
    _no_options("python", options)
    return value


# ---- geotiff -----------------------------------------------------------------------------------
def _encode_geotiff(value: Any, *, overviews: Any = (), tiled: bool = False, compression: str | None = None,
                    nodata: float | None = None, crs: Any = None, transform: Any = None, cog: bool = False,
                    **creation_options: Any) -> bytes:
    """GeoTIFF bytes of an image result.

    Options: ``overviews`` (decimation factors), ``tiled``, ``compression``
    (``"deflate"``, ``"lzw"``...), ``nodata`` (recorded, and written into masked
    pixels), ``cog``, ``crs``/``transform`` (for bare arrays, or to override the
    geocontext's) and further GDAL creation options.  The file's mask is the
    union of the band masks.
    """
    from gpucompute.execution.results import geocontext_grid
    from gpucompute.raster import write_geotiff

    data, geocontext = _image_parts(value)
    if crs is None or transform is None:
        gc_crs, gc_transform = geocontext_grid(geocontext)
        crs = gc_crs if crs is None else crs
        transform = gc_transform if transform is None else transform
    if nodata is not None:
        data = np.ma.MaskedArray(np.ma.filled(data, nodata), np.ma.getmaskarray(data))
    mask = np.ma.getmaskarray(data)
    mask2d = mask.any(axis=0) if mask.ndim == 3 else mask
    with tempfile.TemporaryDirectory(prefix="gpucompute-tif-") as tmp:
        path = os.path.join(tmp, "result.tif")
        write_geotiff(path, np.ma.getdata(data), crs=crs, transform=transform, nodata=nodata,
                      mask=mask2d if mask2d.any() else None, tiled=tiled, compress=compression,
                      overviews=tuple(overviews or ()), cog=cog, **creation_options)
        with open(path, "rb") as f:
            return f.read()


# ---- png ---------------------------------------------------------------------------------------
_PNG_COLOR_TYPES = {1: 0, 2: 4, 3: 2, 4: 6}  # channels -> PNG colour type (gray, gray+alpha, RGB, RGBA)


def png_bytes(pixels: np.ndarray) -> bytes:
    """PNG bytes of a ``uint8`` array ``(y, x, channels)`` with 1-4 channels (stdlib zlib writer)."""
    height, width, channels = pixels.shape
    if pixels.dtype != np.uint8 or channels not in _PNG_COLOR_TYPES:
        raise RasterArgumentError(f"png_bytes needs uint8 (y, x, 1..4) pixels, got {pixels.dtype} {pixels.shape}")
    rows = np.ascontiguousarray(pixels).reshape(height, width * channels)
    raw = np.concatenate([np.zeros((height, 1), np.uint8), rows], axis=1).tobytes()  # filter type 0 per row

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, _PNG_COLOR_TYPES[channels], 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 6))
            + chunk(b"IEND", b""))


def _encode_png(value: Any, *, scales: Any = None) -> bytes:
    """PNG bytes of 1 (gray), 3 (RGB) or 4 (RGBA) bands; masked pixels are transparent.

    ``uint8`` data is written as is.  Other dtypes need ``scales=(lo, hi)``
    (one pair for all bands, or one per band), mapped linearly onto 0-255 and
    clipped.
    """
    data, _ = _image_parts(value)
    if data.ndim == 2:
        data = data[np.newaxis]
    if data.ndim != 3 or data.shape[0] not in (1, 3, 4):
        raise RasterArgumentError(f"png needs 1, 3 or 4 bands shaped (bands, y, x), got shape {data.shape}; "
                                  "pick bands first (e.g. pick_bands('red green blue'))")
    mask = np.ma.getmaskarray(data).any(axis=0)
    values = _to_uint8(data, scales)
    bands = list(values)
    if data.shape[0] == 4:
        bands[3] = np.where(mask, 0, bands[3]).astype(np.uint8)
    elif mask.any():
        bands.append(np.where(mask, 0, 255).astype(np.uint8))
    return png_bytes(np.stack(bands, axis=-1))


def _to_uint8(data: np.ma.MaskedArray, scales: Any) -> np.ndarray:
    raw = np.ma.getdata(data)
    if scales is None:
        if raw.dtype != np.uint8:
            raise RasterArgumentError(
                f"png needs uint8 pixels or scales=(lo, hi) to map {raw.dtype} values onto 0-255, got scales=None"
            )
        return raw
    pairs = np.asarray(scales, dtype=np.float64)
    if pairs.shape == (2,):
        pairs = np.tile(pairs, (data.shape[0], 1))
    if pairs.shape != (data.shape[0], 2) or np.any(pairs[:, 1] == pairs[:, 0]):
        raise RasterArgumentError(f"scales must be (lo, hi) or one (lo, hi) per band with lo != hi, got {scales!r}")
    lo, hi = pairs[:, 0, None, None], pairs[:, 1, None, None]
    scaled = (raw.astype(np.float64) - lo) / (hi - lo) * 255.0
    return np.clip(np.nan_to_num(scaled), 0, 255).round().astype(np.uint8)


# ---- json --------------------------------------------------------------------------------------
def to_jsonable(value: Any) -> Any:
    """``value`` as JSON-compatible Python: arrays as nested lists (masked and NaN -> None), datetimes ISO."""
    from gpucompute.execution.results import ImageCollectionResult, ImageResult

    if isinstance(value, (ImageResult, ImageCollectionResult)):
        return {"ndarray": to_jsonable(value.ndarray), "properties": to_jsonable(value.properties),
                "bandinfo": to_jsonable(dict(value.bandinfo)), "geocontext": to_jsonable(value.geocontext)}
    if isinstance(value, np.ma.MaskedArray):
        data = np.ma.getdata(value).astype(object)
        data[np.ma.getmaskarray(value)] = None
        return to_jsonable(data.tolist())
    if isinstance(value, np.ndarray):
        return to_jsonable(value.tolist())
    if isinstance(value, np.generic):
        return to_jsonable(value.item())
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, (str, int, bool)) or value is None:
        return value
    if isinstance(value, (_dt.datetime, _dt.date, _dt.time)):
        return value.isoformat()
    if isinstance(value, _dt.timedelta):
        return value.total_seconds()
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, np.dtype):
        return value.name
    raise ConfigError(f"cannot encode a {type(value).__name__} as JSON ({value!r:.80}); convert it first")


def _encode_json(value: Any, *, indent: int | None = None) -> bytes:
    """UTF-8 JSON; masked values and NaN become ``null``.  Option: ``indent``."""
    return json.dumps(to_jsonable(value), indent=indent, allow_nan=False).encode("utf-8")


# ---- npy ---------------------------------------------------------------------------------------
def _encode_npy(value: Any, **options: Any) -> bytes:
    """``numpy.save`` bytes of the array; a masked array is an ``.npz`` with ``data`` and ``mask``."""
    _no_options("npy", options)
    if hasattr(value, "ndarray") and hasattr(value, "geocontext"):
        value = value.ndarray
    buf = io.BytesIO()
    if isinstance(value, np.ma.MaskedArray):
        np.savez(buf, data=np.ma.getdata(value), mask=np.ma.getmaskarray(value), allow_pickle=False)
        return buf.getvalue()
    array = np.asarray(value)
    if array.dtype == object:
        raise ConfigError(f"the 'npy' format needs numeric data; {type(value).__name__} gives an object array")
    np.save(buf, array, allow_pickle=False)
    return buf.getvalue()


#: Format name -> encoder.
FORMATS: dict[str, Callable[..., Any]] = {
    "python": _encode_python,
    "geotiff": _encode_geotiff,
    "png": _encode_png,
    "json": _encode_json,
    "npy": _encode_npy,
}
