"""W3: masked standard deviation (ddof 0) over the time axis, float32 and float64 input.

The oracle is ``numpy.ma.std`` of the same values in float64, so the float32
participants are checked for accuracy (rtol 1e-5, atol 1e-6), not only for
agreement with numpy.ma's own float32 result. Peers: ``numpy.ma.std`` and
``np.nanstd`` on the input dtype. JAX runs without 64-bit mode, so
``gpucompute[jax]`` computes the float64 group in float32 (the canonical
dtype) and is held to the float32 tolerance there.
"""

from __future__ import annotations

import numpy as np
import pytest

import gpucompute.array as ga

FRACTION = 0.3

OPS = {
    "ma": lambda x: np.ma.std(x, axis=0),
    "nan": lambda x: np.nanstd(x, axis=0),
    "ours": lambda x: ga.std(x, axis=0),
}


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_w3(dtype, participant, data, oracle, measure):
    host64 = data.stack(frac=FRACTION, dtype=np.float64)
    expected, seconds = oracle("W3 std float64", lambda: np.ma.std(host64, axis=0))
    x = data.stack_for(participant, frac=FRACTION, dtype=dtype)
    reuse = participant.kind == "ma" and dtype == "float64"  # that call *is* the oracle
    measure(
        f"W3 std {dtype} {FRACTION:.0%} masked",
        participant.prepare(OPS[participant.kind], x),
        expected=expected,
        inputs=(x,),
        first=(expected, seconds) if reuse else None,
        info={"workload": "W3", "op": "std", "ddof": 0, "shape": list(host64.shape), "dtype": dtype,
              "mask_fraction": FRACTION},
    )
