"""W2: masked median composite over time (T = 8, 16, 32; 30% and 80% masked) and p10/p90.

Median groups: ``numpy.ma.median`` (also the oracle), ``np.nanmedian`` on a
NaN-filled copy, and ``gpucompute.kernels.masked_median`` on every backend
(the sorting-network kernel on JAX and CuPy). The percentile group (T = 32,
30% masked) has no numpy.ma peer, because numpy.ma has no percentile: its
oracle is NumPy's linear percentile of the valid values in float64 (checked
against ``np.nanpercentile`` on a sample of pixels), pixels without a valid
value masked; its peer is the same vectorised NumPy code on the float32
NaN-filled copy, because ``np.nanpercentile`` loops over pixels in Python
(minutes per call at 1024 x 1024).
"""

from __future__ import annotations

import importlib
import warnings

import numpy as np
import pytest

MEDIAN_T = (8, 16, 32)
MASK_FRACTIONS = (0.3, 0.8)
Q = (10.0, 90.0)


def _kernel(name: str):
    """``gpucompute.kernels.<name>``, also found in ``gpucompute.kernels.median``; skip if absent."""
    for module in ("gpucompute.kernels", "gpucompute.kernels.median"):
        try:
            fn = getattr(importlib.import_module(module), name, None)
        except ImportError:
            fn = None
        if fn is not None:
            return fn
    pytest.skip(f"gpucompute.kernels.{name} is not available")


def _median_op(kind: str):
    if kind == "ma":
        return lambda x: np.ma.median(x, axis=0)
    if kind == "nan":
        return lambda x: np.nanmedian(x, axis=0)
    return _kernel("masked_median")


@pytest.mark.parametrize("frac", MASK_FRACTIONS, ids=lambda f: f"{f:.0%}")
@pytest.mark.parametrize("t", MEDIAN_T, ids=lambda t: f"T{t}")
def test_w2_median(t, frac, participant, data, oracle, measure):
    host = data.stack(t=t, frac=frac)
    expected, seconds = oracle(f"W2 median T={t} {frac}", lambda: np.ma.median(host, axis=0))
    op = _median_op(participant.kind)
    x = data.stack_for(participant, t=t, frac=frac)
    measure(
        f"W2 median T={t} {frac:.0%} masked",
        participant.prepare(op, x),
        expected=expected,
        inputs=(x,),
        first=(expected, seconds) if participant.kind == "ma" else None,
        info={"workload": "W2", "op": "median", "shape": list(host.shape), "dtype": "float32",
              "mask_fraction": frac,
              **({"implementation": "gpucompute.kernels.masked_median"} if participant.kind == "ours" else {})},
    )


def _nan_percentile(x: np.ndarray, q: tuple[float, ...]) -> np.ndarray:
    """``np.nanpercentile(x, q, axis=0)`` (method linear), vectorised: NaN sorts last.

    ``np.nanpercentile`` itself loops over pixels in Python for an axis
    argument (3.3 s for 128 x 128 pixels here), so the plain-NumPy peer is
    this equivalent; the oracle checks it against ``np.nanpercentile`` on a
    sample of pixels.
    """
    ordered = np.sort(x, axis=0)
    last = np.maximum(np.count_nonzero(~np.isnan(x), axis=0) - 1, 0)
    out = []
    for value in q:
        pos = last * (value / 100.0)
        lo = np.floor(pos).astype(np.intp)
        hi = np.minimum(lo + 1, last)
        gamma = (pos - lo).astype(x.dtype)
        a = np.take_along_axis(ordered, lo[None], axis=0)[0]
        b = np.take_along_axis(ordered, hi[None], axis=0)[0]
        out.append(np.where(gamma >= 0.5, b - (b - a) * (1 - gamma), a + (b - a) * gamma))
    return np.stack(out)


def _percentile_oracle(host: np.ma.MaskedArray) -> np.ma.MaskedArray:
    filled = host.astype(np.float64).filled(np.nan)
    values = _nan_percentile(filled, Q)
    # The vectorised form must equal NumPy's own nanpercentile: check a sample of pixels,
    # including the always-masked ones at [0, 0:4].
    flat = filled.reshape(filled.shape[0], -1)
    rng = np.random.default_rng(0)
    cols = np.concatenate([np.arange(4), rng.choice(flat.shape[1], size=min(2000, flat.shape[1]), replace=False)])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN pixels warn
        sample = np.nanpercentile(flat[:, cols], Q, axis=0)
    np.testing.assert_allclose(values.reshape(len(Q), -1)[:, cols], sample, rtol=1e-12, equal_nan=True)
    empty = np.ma.count(host, axis=0) == 0
    return np.ma.MaskedArray(values, mask=np.broadcast_to(empty, values.shape))


def test_w2_percentile(participant, data, oracle, measure):
    if participant.kind == "ma":
        pytest.skip("numpy.ma has no percentile; the oracle is NumPy's linear percentile in float64")
    t, frac = max(MEDIAN_T), 0.3
    host = data.stack(t=t, frac=frac)
    expected, _ = oracle(f"W2 p10/p90 T={t} {frac}", lambda: _percentile_oracle(host))
    if participant.kind == "nan":
        op = lambda x: _nan_percentile(x, Q)  # noqa: E731
    else:
        percentile = _kernel("masked_percentile")
        op = lambda x: percentile(x, Q)  # noqa: E731
    x = data.stack_for(participant, t=t, frac=frac)
    measure(
        f"W2 p10/p90 T={t} {frac:.0%} masked",
        participant.prepare(op, x),
        expected=expected,
        inputs=(x,),
        info={"workload": "W2", "op": "percentile", "q": list(Q), "shape": list(host.shape),
              "dtype": "float32", "mask_fraction": frac,
              **({"implementation": "gpucompute.kernels.masked_percentile"} if participant.kind == "ours" else {})},
    )
