"""W4: NDVI ``(nir - red) / (nir + red)`` of two uint16 bands with nodata 0, to float32.

A pixel is masked where either band is 0. Participants: numpy.ma
(``masked_equal`` then float32 arithmetic, which is also the oracle), plain
NumPy computing in float32 and writing NaN over nodata, and gpucompute
(``ga.ma.masked_equal`` + operators) on every backend, with the bands already
on the device; the timed call includes building the masks.
"""

from __future__ import annotations

import numpy as np

import gpucompute.array as ga


def _ndvi_ma(nir: np.ndarray, red: np.ndarray) -> np.ma.MaskedArray:
    n = np.ma.masked_equal(nir, 0).astype(np.float32)
    r = np.ma.masked_equal(red, 0).astype(np.float32)
    return (n - r) / (n + r)


def _ndvi_nan(nir: np.ndarray, red: np.ndarray) -> np.ndarray:
    n = nir.astype(np.float32)
    r = red.astype(np.float32)
    out = (n - r) / (n + r)
    out[(nir == 0) | (red == 0)] = np.nan
    return out


def _ndvi_ours(nir, red):
    n = ga.ma.masked_equal(nir, 0).astype(np.float32)
    r = ga.ma.masked_equal(red, 0).astype(np.float32)
    return (n - r) / (n + r)


OPS = {"ma": _ndvi_ma, "nan": _ndvi_nan, "ours": _ndvi_ours}


def test_w4(participant, data, oracle, measure):
    nir, red = data.bands()
    expected, seconds = oracle("W4 ndvi", lambda: _ndvi_ma(nir, red))
    bands = data.bands_for(participant)
    measure(
        "W4 NDVI uint16 nodata=0",
        participant.prepare(OPS[participant.kind], *bands),
        expected=expected,
        inputs=bands,
        first=(expected, seconds) if participant.kind == "ma" else None,
        info={"workload": "W4", "op": "ndvi", "shape": [2, *nir.shape], "dtype": "uint16->float32",
              "nodata": 0},
    )
