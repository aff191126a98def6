"""Graft overhead: what the lazy proxy layer costs on top of the array engine.

(a) **Graph build**: record 1,000 chained operations (``x = x + 1`` on an
    Array proxy). Target: under 50 ms. Checked first: the graft has 1,000
    applications and computes to ``x + 1000``.
(b) **Proxy compute vs eager**: an NDVI-style expression on two float32
    bands (1024 x 1024; 256 x 256 with ``GPUCOMPUTE_BENCH_SCALE=small``), nodata 0::

        n = ma.masked_equal(nir, 0); r = ma.masked_equal(red, 0); (n - r) / (n + r)

    Participants, on every available backend:

    ``eager``
        the ``gpucompute.array`` routines called directly on device arrays
        (no graft, no compilation): the baseline;
    ``proxy-device``
        the proxy's graft evaluated by the execution engine with the bands
        already on the device as parameter values
        (``gpucompute.execution.evaluate(graft, {...}, compiled=True)``; on JAX one
        jitted program, compiled once before timing);
    ``proxy-host``
        what a user calls: ``proxy.compute(nir=host_nir, red=host_red)``, which
        also turns the host arrays into graft literals and copies the result to
        the host.

    Every participant is checked against numpy.ma first. The ratio of each
    proxy participant's median to the eager median is stored in
    ``extra_info["ratio_to_eager"]`` and printed (``-s`` shows it).
"""

from __future__ import annotations

import os
import time
import zlib
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import gpucompute.array as ga
import gpucompute.numpy as wnp
from gpucompute import backends
from gpucompute.array import MaskedArray as EngineMaskedArray
from gpucompute.config import using_backend
from gpucompute.execution import evaluate
from gpucompute.testing import assert_masked_matches, unavailable_reason
from gpucompute.types.array import Array

BUILD_OPS = 1000
BUILD_TARGET_S = 0.05
SIDE = 256 if os.environ.get("GPUCOMPUTE_BENCH_SCALE", "full").strip().lower() == "small" else 1024
BUDGET_S = float(os.environ.get("GPUCOMPUTE_BENCH_BUDGET_S", "2"))

_MEDIANS: dict[tuple[str, str], float] = {}


def _rounds(one_call_s: float) -> int:
    return int(min(100, max(5, BUDGET_S / max(one_call_s, 1e-6))))


# --------------------------------------------------------------------------- (a) graph build
def _chain(n: int) -> Array:
    x = Array._as_param("x")
    for _ in range(n):
        x = x + 1
    return x


def test_graph_build_1000_ops(benchmark):
    proxy = _chain(BUILD_OPS)
    applications = [v for v in proxy.graft.values() if isinstance(v, list) and v and v[0] == "wf.numpy.add"]
    assert len(applications) == BUILD_OPS
    with using_backend("numpy"):
        host = np.arange(4.0)
        np.testing.assert_array_equal(proxy.compute(x=host), host + BUILD_OPS)
    t0 = time.perf_counter()
    _chain(BUILD_OPS)
    one = time.perf_counter() - t0
    benchmark.group = f"graft build: {BUILD_OPS} chained ops"
    benchmark.extra_info.update(ops=BUILD_OPS, keys=len(proxy.graft), target_s=BUILD_TARGET_S, first_build_s=one)
    benchmark.pedantic(_chain, args=(BUILD_OPS,), rounds=_rounds(one), iterations=1, warmup_rounds=1)
    stats = getattr(benchmark, "stats", None)
    if stats is not None:
        median = stats.stats.median
        benchmark.extra_info.update(median_s=median, per_op_us=median / BUILD_OPS * 1e6,
                                    meets_target=median < BUILD_TARGET_S)
        print(f"\ngraft build: {BUILD_OPS} ops in {median * 1e3:.1f} ms median "
              f"({median / BUILD_OPS * 1e6:.1f} us/op; target {BUILD_TARGET_S * 1e3:.0f} ms)")


# --------------------------------------------------------------------------- (b) proxy vs eager
def _bands() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(zlib.crc32(f"overhead bands {SIDE}".encode()))
    out = []
    for top in (0.6, 0.3):
        band = (rng.random((SIDE, SIDE), dtype=np.float32) * top + 0.01).astype(np.float32)
        band[rng.random((SIDE, SIDE)) < 0.1] = 0
        band[:, : SIDE // 8] = 0
        out.append(band)
    return out[0], out[1]


def _ndvi_ma(nir: np.ndarray, red: np.ndarray) -> np.ma.MaskedArray:
    n, r = np.ma.masked_equal(nir, 0), np.ma.masked_equal(red, 0)
    return (n - r) / (n + r)


def _ndvi_eager(nir: Any, red: Any) -> Any:
    n, r = ga.ma.masked_equal(nir, 0), ga.ma.masked_equal(red, 0)
    return (n - r) / (n + r)


def _ndvi_proxy() -> Any:
    nir, red = Array._as_param("nir"), Array._as_param("red")
    n, r = wnp.ma.masked_equal(nir, 0), wnp.ma.masked_equal(red, 0)
    return (n - r) / (n + r)


PARTICIPANTS = ("eager", "proxy-device", "proxy-host")
BACKEND_PARAMS = [
    pytest.param(name, id=name, marks=pytest.mark.skipif(reason is not None, reason=f"backend {name}: {reason}"))
    for name, reason in ((n, unavailable_reason(n)) for n in backends.NAMES)
]


def _runner(kind: str, backend: Any, nir: np.ndarray, red: np.ndarray) -> Callable[[], Any]:
    dev = (backend.asarray(nir), backend.asarray(red))
    backend.synchronize(*dev)
    if kind == "eager":
        def run() -> Any:
            out = _ndvi_eager(*dev)
            backend.synchronize(out.data, out.mask)
            return out
        return run
    proxy = _ndvi_proxy()
    if kind == "proxy-device":
        graft, values = proxy.graft, {"nir": dev[0], "red": dev[1]}

        def run() -> Any:
            out = evaluate(graft, values, compiled=True)
            backend.synchronize(out.data, out.mask)
            return out
        return run
    return lambda: proxy.compute(nir=nir, red=red)


@pytest.mark.parametrize("kind", PARTICIPANTS)
@pytest.mark.parametrize("backend_name", BACKEND_PARAMS)
def test_proxy_compute_overhead(benchmark, backend_name, kind):
    nir, red = _bands()
    expected = _ndvi_ma(nir, red)
    with using_backend(backend_name) as backend:
        run = _runner(kind, backend, nir, red)
        t0 = time.perf_counter()
        first = run()  # on JAX this traces and compiles the proxy's program
        first_s = time.perf_counter() - t0
        got = first if isinstance(first, EngineMaskedArray) else EngineMaskedArray.from_numpy(first, backend="numpy")
        assert_masked_matches(got, expected, backend, rtol=1e-5, atol=1e-6)
        t0 = time.perf_counter()
        run()
        warm = time.perf_counter() - t0
        benchmark.group = f"graft overhead: NDVI {SIDE}x{SIDE} float32 [{backend_name}]"
        benchmark.extra_info.update(participant=kind, backend=backend_name, shape=[SIDE, SIDE], first_call_s=first_s,
                                    warm_call_s=warm)
        benchmark.pedantic(run, rounds=_rounds(warm), iterations=1, warmup_rounds=1)
    stats = getattr(benchmark, "stats", None)
    if stats is None:
        return
    median = stats.stats.median
    _MEDIANS[(backend_name, kind)] = median
    eager = _MEDIANS.get((backend_name, "eager"))
    if kind != "eager" and eager:
        benchmark.extra_info["ratio_to_eager"] = median / eager
        print(f"\n{backend_name} {kind}: {median * 1e3:.2f} ms median, {median / eager:.2f}x eager "
              f"({eager * 1e3:.2f} ms)")
    else:
        print(f"\n{backend_name} {kind}: {median * 1e3:.2f} ms median")
