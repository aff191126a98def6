"""W1: masked mean, count, max and argmax over the time axis of a 30%-masked float32 stack.

One benchmark group per reduction. Participants: ``numpy.ma``, plain NumPy on
a NaN-filled copy (``np.nanmean``, ``np.nanmax``, a NaN count, and argmax with
NaN replaced by -inf because ``np.nanargmax`` raises on all-NaN pixels), and
gpucompute on every available backend. Bytes read are the participant's input
(data + mask; data only for NumPy + NaN); on a GPU the summary also gives the
share of the device's measured copy bandwidth and of its spec bandwidth.
"""

from __future__ import annotations

import numpy as np
import pytest

import gpucompute.array as ga

FRACTION = 0.3


def _argmax_oracle(raw: np.ndarray, stack: np.ma.MaskedArray) -> np.ma.MaskedArray:
    # numpy.ma gives index 0 on all-masked pixels; gpucompute masks them (its documented policy).
    return np.ma.MaskedArray(raw, mask=np.ma.count(stack, axis=0) == 0)


def _nan_argmax(x: np.ndarray) -> np.ndarray:
    return np.argmax(np.where(np.isnan(x), -np.inf, x), axis=0)


#: reduction -> participant kind -> operation, plus an optional oracle post-processing step.
OPS = {
    "mean": {"ma": lambda x: np.ma.mean(x, axis=0), "nan": lambda x: np.nanmean(x, axis=0),
             "ours": lambda x: ga.mean(x, axis=0)},
    "count": {"ma": lambda x: np.ma.count(x, axis=0), "nan": lambda x: np.count_nonzero(~np.isnan(x), axis=0),
              "ours": lambda x: ga.count(x, axis=0)},
    "max": {"ma": lambda x: np.ma.max(x, axis=0), "nan": lambda x: np.nanmax(x, axis=0),
            "ours": lambda x: ga.max(x, axis=0)},
    "argmax": {"ma": lambda x: np.ma.argmax(x, axis=0), "nan": _nan_argmax,
               "ours": lambda x: ga.argmax(x, axis=0), "oracle": _argmax_oracle},
}


@pytest.mark.parametrize("op", list(OPS))
def test_w1(op, participant, data, oracle, measure):
    spec = OPS[op]
    host = data.stack(frac=FRACTION)
    raw, seconds = oracle(f"W1 {op}", lambda: spec["ma"](host))
    expected = spec["oracle"](raw, host) if "oracle" in spec else raw
    x = data.stack_for(participant, frac=FRACTION)
    measure(
        f"W1 {op} {FRACTION:.0%} masked",
        participant.prepare(spec[participant.kind], x),
        expected=expected,
        inputs=(x,),
        first=(raw, seconds) if participant.kind == "ma" else None,
        info={"workload": "W1", "op": op, "shape": list(host.shape), "dtype": "float32",
              "mask_fraction": FRACTION},
        bandwidth=True,
    )
