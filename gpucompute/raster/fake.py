"""Readers that touch no file: synthetic pixels for tests and benchmarks, and one that refuses.

:class:`FakeReader` computes every value from the world coordinates of the
pixel centre (in the grid's CRS), the image's name, the band index and a
seed. Two grids that share pixels (neighbouring tiles of one zoom level, a
tile and the larger grid it is cut from) therefore get the same values and
the same mask on those pixels, and a run is reproducible bit for bit.
:class:`FailingReader` raises on any read, to prove that building a
computation reads nothing.
"""

from __future__ import annotations

import functools
import threading
import zlib
from collections.abc import Sequence
from typing import Any

import numpy as np
from rasterio.crs import CRS
from rasterio.errors import CRSError

from gpucompute.errors import RasterArgumentError, RasterReadError

from .reader import Reader, check_refs, resampling_for
from .stack import GridSpec, ImageRef, RasterStack, grid_spec

__all__ = ["FailingReader", "FakeReader"]

_WAVES = (1.0, 0.37, 0.131)            # wavelengths as fractions of the base length
_BASE = {True: 0.05, False: 5000.0}    # base wavelength: degrees for geographic CRSs, else CRS units
_MASK64 = np.uint64(0xFFFFFFFFFFFFFFFF)


@functools.lru_cache(maxsize=64)
def _is_geographic(crs: str) -> bool:
    try:
        return bool(CRS.from_user_input(crs).is_geographic)
    except (CRSError, TypeError, ValueError):  # an unparsable CRS only changes the wavelength
        return False


def _mix(x: np.ndarray) -> np.ndarray:
    """SplitMix64 finaliser: a well-spread 64-bit hash of each uint64."""
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


class FakeReader(Reader):
    """Deterministic synthetic rasters computed from the grid's coordinates.

    Parameters
    ----------
    seed : int
        Changes every value and mask.
    dtype : dtype
        Dtype of the values (default float32, in ``[0, 1)``; integer dtypes
        get values from 1 up to ``min(dtype max, 10000)``).
    masked_fraction : float
        Share of pixels masked, in ``[0, 1]``; drawn per image and band from
        a hash of the pixel's position.

    Attributes
    ----------
    reads : int
        Images read so far (each image of each :meth:`read` call counts once).
    requests : int
        :meth:`read` calls so far.

    Notes
    -----
    The resampler is checked but does not change the values: each pixel takes
    the field's value at its centre.
    """

    def __init__(self, seed: int = 0, dtype: Any = np.float32, masked_fraction: float = 0.0) -> None:
        self.seed = int(seed)
        self.dtype = np.dtype(dtype)
        if self.dtype.kind not in "uif":
            raise RasterArgumentError(f"FakeReader dtype must be an integer or float dtype, got {self.dtype}")
        if not 0.0 <= float(masked_fraction) <= 1.0:
            raise RasterArgumentError(f"masked_fraction must be in [0, 1], got {masked_fraction!r}")
        self.masked_fraction = float(masked_fraction)
        self.reads = 0
        self.requests = 0
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"FakeReader(seed={self.seed}, dtype={self.dtype.name!r}, masked_fraction={self.masked_fraction})"

    def read(self, refs: Sequence[ImageRef], grid: Any, *, resampler: str = "near",
             dtype: Any = None) -> RasterStack:
        resampling_for(resampler)
        refs = check_refs(refs)
        spec = grid_spec(grid)
        with self._lock:
            self.reads += len(refs)
            self.requests += 1
        out_dtype = np.dtype(dtype) if dtype is not None else self.dtype
        n_bands = len(refs[0].band_indexes) if refs else 0
        shape = (len(refs), n_bands, *spec.shape)
        data = np.empty(shape, dtype=out_dtype)
        mask = np.zeros(shape, dtype=bool)
        x, y, qx, qy = _coordinates(spec)
        for i, ref in enumerate(refs):
            for j, band in enumerate(ref.band_indexes):
                key = zlib.crc32(f"{self.seed}|{ref.key}|{band}".encode())
                values = self._values(x, y, key, _is_geographic(spec.crs))
                hidden = self._hidden(qx, qy, key)
                data[i, j] = np.where(hidden, 0, values).astype(out_dtype, copy=False)
                mask[i, j] = hidden
        return RasterStack(data, mask)

    def _values(self, x: np.ndarray, y: np.ndarray, key: int, geographic: bool) -> np.ndarray:
        rng = np.random.default_rng(key)
        field = np.zeros(np.broadcast_shapes(x.shape, y.shape))
        base = _BASE[geographic]
        for fraction in _WAVES:
            angle, phase = rng.uniform(0.0, 2 * np.pi, size=2)
            k = 2 * np.pi / (base * fraction)
            field += np.sin(k * (np.cos(angle) * x + np.sin(angle) * y) + phase)
        unit = 0.5 + field / (2 * len(_WAVES))       # in [0, 1]
        unit = np.clip(unit, 0.0, np.nextafter(1.0, 0.0))
        if self.dtype.kind == "f":
            return unit
        top = min(float(np.iinfo(self.dtype).max), 10000.0)
        return 1 + np.floor(unit * (top - 1))

    def _hidden(self, qx: np.ndarray, qy: np.ndarray, key: int) -> np.ndarray:
        if self.masked_fraction <= 0.0:
            return np.zeros(np.broadcast_shapes(qx.shape, qy.shape), dtype=bool)
        h = _mix(qx * np.uint64(0x9E3779B97F4A7C15) ^ _mix(qy ^ np.uint64(key)))
        uniform = (h >> np.uint64(11)).astype(np.float64) * (1.0 / (1 << 53))
        return uniform < self.masked_fraction


def _coordinates(spec: GridSpec) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Pixel-centre coordinates, and integer pixel positions on the global lattice of the grid's pixel size."""
    rows, cols = spec.shape
    t = spec.transform
    c = np.arange(cols, dtype=np.float64)[None, :] + 0.5
    r = np.arange(rows, dtype=np.float64)[:, None] + 0.5
    x = t.a * c + t.b * r + t.c
    y = t.d * c + t.e * r + t.f
    qx = np.floor(x / abs(t.a or t.b)).astype(np.int64).view(np.uint64)
    qy = np.floor(y / abs(t.e or t.d)).astype(np.int64).view(np.uint64)
    return x, y, qx, qy


class FailingReader(Reader):
    """A reader whose every read raises :class:`~gpucompute.errors.RasterReadError`.

    Attributes
    ----------
    attempts : int
        Reads attempted (each raised).
    """

    def __init__(self) -> None:
        self.attempts = 0
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return "FailingReader()"

    def read(self, refs: Sequence[ImageRef], grid: Any, *, resampler: str = "near",
             dtype: Any = None) -> RasterStack:
        with self._lock:
            self.attempts += 1
        names = ", ".join(repr(getattr(r, "key", r)) for r in list(refs)[:3])
        raise RasterReadError(
            f"FailingReader was asked to read {len(list(refs))} image(s) ({names}); this breaks laziness: "
            "nothing should be read before the computation is run"
        )
