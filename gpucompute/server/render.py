"""Turn a computed raster into a PNG map tile: scale, colour, mask, encode.

Rules (the same for every tile of a layer, so neighbouring tiles match):

* each band is stretched with its own ``[lo, hi]``: ``clip((v - lo) / (hi - lo), 0, 1)``;
* 3 bands are red, green, blue (``value * 255`` rounded to the nearest integer);
* 1 band goes through a matplotlib colormap (``matplotlib.colormaps[name]``,
  ``"viridis_r"`` style reversed names work) or is grey when no colormap is given;
* a pixel masked in any band (or NaN) is transparent, or shows the checkerboard
  pattern (:data:`CHECKER_LIGHT` / :data:`CHECKER_DARK` squares of
  :data:`CHECKER_SIZE` pixels, counted from the tile's top-left corner) when
  ``checkerboard`` is true;
* 2 or more than 3 bands cannot be shown: :class:`~gpucompute.errors.ProxyTypeError`.
"""

from __future__ import annotations

import functools
import io
import math
import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np

from gpucompute.errors import ProxyTypeError

__all__ = [
    "CHECKER_DARK",
    "CHECKER_LIGHT",
    "CHECKER_SIZE",
    "TILE_SIZE",
    "check_colormap",
    "checker_pattern",
    "empty_png",
    "normalize_scales",
    "render_png",
    "render_rgba",
]

TILE_SIZE = 256
#: Side of one checkerboard square, in pixels.
CHECKER_SIZE = 8
#: RGBA of the light and dark checkerboard squares (half transparent, so the base map shows through).
CHECKER_LIGHT = (255, 255, 255, 160)
CHECKER_DARK = (191, 191, 191, 160)
_PNG_COMPRESSION = 3


def check_colormap(name: Any) -> str | None:
    """``name`` if it is ``None`` or a matplotlib colormap name, else :class:`ProxyTypeError`."""
    if name is None:
        return None
    import matplotlib

    if not isinstance(name, str) or name not in matplotlib.colormaps:
        raise ProxyTypeError(f"unknown colormap {name!r}; use a matplotlib colormap name such as 'viridis', "
                             "'magma' or 'Greys_r' (see matplotlib.colormaps), or None for grey")
    return name


def _number(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(float(value)):
        raise ProxyTypeError(f"{what} must be a finite number, got {value!r}")
    return float(value)


def _pair(value: Any, what: str) -> list[float]:
    if not isinstance(value, (list, tuple)) or len(value) != 2:
        raise ProxyTypeError(f"{what} must be a [lo, hi] pair of numbers, got {value!r}")
    lo, hi = _number(value[0], f"{what}[0]"), _number(value[1], f"{what}[1]")
    if lo == hi:
        raise ProxyTypeError(f"{what} needs lo != hi to stretch values, got {value!r}")
    return [lo, hi]


def normalize_scales(scales: Any) -> list[list[float]] | None:
    """Scales as a list of ``[lo, hi]`` pairs (one for all bands, or up to 3 per band), or None.

    ``[lo, hi]`` becomes ``[[lo, hi]]``; ``[[lo, hi], ...]`` is checked pair by pair.

    Raises
    ------
    ProxyTypeError
        Naming the bad value.
    """
    if scales is None:
        return None
    if isinstance(scales, (list, tuple)) and len(scales) == 2 and not any(isinstance(s, (list, tuple)) for s in scales):
        return [_pair(scales, "scales")]
    if not isinstance(scales, (list, tuple)) or not 1 <= len(scales) <= 3:
        raise ProxyTypeError(f"scales must be [lo, hi] or a list of 1 to 3 [lo, hi] pairs (one per band), got "
                             f"{scales!r}")
    return [_pair(pair, f"scales[{i}]") for i, pair in enumerate(scales)]


def _per_band(scales: Any, bands: int) -> list[list[float]]:
    pairs = normalize_scales(scales) or [[0.0, 1.0]]
    if len(pairs) == 1:
        return pairs * bands
    if len(pairs) != bands:
        raise ProxyTypeError(f"scales give {len(pairs)} [lo, hi] pairs but the layer has {bands} band(s); give "
                             f"one pair for all bands or one per band")
    return pairs


@functools.lru_cache(maxsize=8)
def checker_pattern(rows: int = TILE_SIZE, cols: int = TILE_SIZE) -> np.ndarray:
    """The checkerboard as a read-only ``(rows, cols, 4)`` uint8 RGBA array."""
    r, c = np.indices((rows, cols))
    dark = ((r // CHECKER_SIZE + c // CHECKER_SIZE) % 2).astype(bool)
    out = np.where(dark[..., None], np.array(CHECKER_DARK, np.uint8), np.array(CHECKER_LIGHT, np.uint8))
    out.setflags(write=False)
    return out


def _as_bands(array: Any) -> np.ma.MaskedArray:
    arr = np.ma.asarray(array)
    if arr.ndim == 2:
        arr = arr[None]
    if arr.ndim != 3:
        raise ProxyTypeError(f"a tile is rendered from a (bands, rows, cols) array, got shape {arr.shape}")
    if arr.shape[0] not in (1, 3):
        raise ProxyTypeError(f"a map layer shows 1 band (through a colormap) or 3 bands (red, green, blue), but "
                             f"this one has {arr.shape[0]}; pick 1 or 3 bands (e.g. pick_bands('red green blue'))")
    return arr


def render_rgba(array: np.ma.MaskedArray | None, scales: Any, colormap: str | None, checkerboard: bool,
                shape: tuple[int, int] = (TILE_SIZE, TILE_SIZE)) -> np.ndarray:
    """The ``(rows, cols, 4)`` uint8 RGBA pixels of :func:`render_png` (``None`` gives an empty tile of ``shape``)."""
    if array is None:
        return _empty(shape, checkerboard)
    arr = _as_bands(array)
    bands, rows, cols = arr.shape
    if colormap is not None and bands != 1:
        raise ProxyTypeError(f"a colormap ({colormap!r}) colours a 1-band layer, but this one has {bands} bands; "
                             "drop the colormap or pick one band")
    data = np.asarray(arr.filled(np.nan) if arr.dtype.kind == "f" else arr.data, dtype=np.float64)
    masked = np.ma.getmaskarray(arr).any(axis=0) | np.isnan(data).any(axis=0)
    unit = np.empty_like(data)
    for i, (lo, hi) in enumerate(_per_band(scales, bands)):
        unit[i] = np.clip((data[i] - lo) / (hi - lo), 0.0, 1.0)
    unit = np.nan_to_num(unit, nan=0.0)
    rgba = np.empty((rows, cols, 4), np.uint8)
    if bands == 3:
        rgba[..., :3] = np.rint(np.moveaxis(unit, 0, -1) * 255)
        rgba[..., 3] = 255
    elif colormap is None:
        rgba[..., :3] = np.rint(unit[0] * 255)[..., None]
        rgba[..., 3] = 255
    else:
        import matplotlib

        rgba[:] = matplotlib.colormaps[check_colormap(colormap)](unit[0], bytes=True)
    if masked.any():
        rgba[masked] = checker_pattern(rows, cols)[masked] if checkerboard else 0
    return rgba


def _empty(shape: tuple[int, int], checkerboard: bool) -> np.ndarray:
    if checkerboard:
        return checker_pattern(*shape).copy()
    return np.zeros(tuple(shape) + (4,), np.uint8)


def encode_png(rgba: np.ndarray) -> bytes:
    """PNG bytes of a ``(rows, cols, 4)`` uint8 array."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(rgba), "RGBA").save(buffer, format="PNG", compress_level=_PNG_COMPRESSION)
    return buffer.getvalue()


def render_png(array: np.ma.MaskedArray | None, scales: Sequence[Any] | None, colormap: str | None,
               checkerboard: bool) -> bytes:
    """Render a ``(bands, rows, cols)`` masked array as an RGBA PNG.

    Parameters
    ----------
    array : numpy.ma.MaskedArray or None
        1 or 3 bands (a 2-D array is one band).  ``None`` gives an empty
        :data:`TILE_SIZE` tile (checkerboard or transparent).
    scales : [lo, hi], list of [lo, hi], or None
        The stretch: one pair for all bands or one per band; ``None`` is
        ``[0, 1]``.  Values outside are clipped.
    colormap : str or None
        matplotlib colormap for a 1-band array (grey when None).
    checkerboard : bool
        Show masked pixels as a checkerboard rather than fully transparent.

    Returns
    -------
    bytes
        The PNG file.

    Raises
    ------
    ProxyTypeError
        For 2 or more than 3 bands, bad scales, an unknown colormap, or a
        colormap on a 3-band array.
    """
    return encode_png(render_rgba(array, scales, colormap, checkerboard))


@functools.lru_cache(maxsize=4)
def empty_png(checkerboard: bool, size: int = TILE_SIZE) -> bytes:
    """The PNG of a tile with nothing to show (checkerboard or fully transparent)."""
    return encode_png(_empty((size, size), checkerboard))
