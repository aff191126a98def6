"""Fixtures and reporting for the gpucompute benchmarks W1-W4 (shared/reference/benchmarks.md §5).

Every benchmark has one *participant* (``numpy.ma``, plain NumPy with NaN for
masked, or gpucompute on one backend) and runs in the same session as the
other participants of its group. It first checks its result against the
numpy.ma oracle (masks equal, values close), then times warm calls with
``benchmark.pedantic``. The terminal summary prints the machine record once,
the median of every participant and the ratio of each peer to ours.

Environment
-----------
GPUCOMPUTE_BENCH_SCALE
    ``full`` (default): stacks of (32, 1024, 1024) float32, bands 2 x (4096, 4096).
    ``small``: (8, 128, 128) and 2 x (512, 512), for smoke runs.
GPUCOMPUTE_BENCH_BUDGET_S
    Seconds of timed calls aimed at per benchmark (default 2). The number of
    rounds is ``budget / one warm call``, clamped to [3, 100].
"""

from __future__ import annotations

import os

# JAX must not grab 75% of GPU memory up front when CuPy shares the device.
os.environ.setdefault("XLA_PYTHON_CLIENT_PREALLOCATE", "false")

import math
import sys
import time
import warnings
import zlib
from typing import Any, Callable

import numpy as np
import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _machine  # noqa: E402  (bench/ is not a package)
from _participants import Participant, enter  # noqa: E402

from gpucompute import backends  # noqa: E402
from gpucompute.testing import unavailable_reason  # noqa: E402

SCALES = {
    "full": {"stack": (32, 1024, 1024), "bands": (4096, 4096)},
    "small": {"stack": (8, 128, 128), "bands": (512, 512)},
}
SCALE_NAME = os.environ.get("GPUCOMPUTE_BENCH_SCALE", "full").strip().lower() or "full"
_SCALE = SCALES.get(SCALE_NAME, SCALES["full"])
STACK_SHAPE: tuple[int, int, int] = _SCALE["stack"]
BANDS_SHAPE: tuple[int, int] = _SCALE["bands"]
BUDGET_S = float(os.environ.get("GPUCOMPUTE_BENCH_BUDGET_S", "2"))
MIN_ROUNDS, MAX_ROUNDS = 3, 100
PEERS = ("numpy.ma", "numpy+nan", "rasterio.warp.reproject", "rio-tiler", "rio-tiler (open readers)")

#: (group, participant, benchmark fixture) of every benchmark that passed its check.
_RECORDS: list[tuple[str, "Participant", Any]] = []
_COPY_BANDWIDTH: dict[str, float] = {}


def pytest_configure(config: pytest.Config) -> None:
    if SCALE_NAME not in SCALES:
        raise pytest.UsageError(
            f"GPUCOMPUTE_BENCH_SCALE={SCALE_NAME!r} is not a scale; use one of {', '.join(SCALES)}"
        )


# --------------------------------------------------------------------------- participants

PARTICIPANT_PARAMS = [
    pytest.param(Participant("numpy.ma", "ma"), id="numpy.ma"),
    pytest.param(Participant("numpy+nan", "nan"), id="numpy-nan"),
] + [
    pytest.param(Participant(f"gpucompute[{name}]", "ours", name), id=f"ours-{name}",
                 marks=pytest.mark.skipif(reason is not None, reason=f"backend {name}: {reason}"))
    for name, reason in ((n, unavailable_reason(n)) for n in backends.NAMES)
]


@pytest.fixture(params=PARTICIPANT_PARAMS)
def participant(request: pytest.FixtureRequest):
    """One participant; for ours, its backend is also the configured one during the test."""
    yield from enter(request.param)


# --------------------------------------------------------------------------- data
class Data:
    """Deterministic inputs, generated once and cached (host, NaN and device forms)."""

    def __init__(self) -> None:
        self._cache: dict[tuple, Any] = {}

    def _cached(self, key: tuple, make: Callable[[], Any]) -> Any:
        if key not in self._cache:
            self._cache[key] = make()
        return self._cache[key]

    def clear(self) -> None:
        self._cache.clear()

    def stack(self, t: int | None = None, frac: float = 0.3, dtype: Any = np.float32) -> np.ma.MaskedArray:
        """A (t, H, W) numpy.ma stack; ~``frac`` masked at random, pixels [0, 0:4] masked at every t."""
        t = t or STACK_SHAPE[0]
        dtype = np.dtype(dtype)
        if dtype != np.float32:
            return self._cached(("stack", t, frac, dtype.str),
                                lambda: self.stack(t, frac).astype(dtype))

        def make() -> np.ma.MaskedArray:
            shape = (t, *STACK_SHAPE[1:])
            rng = np.random.default_rng(zlib.crc32(f"stack {shape} {frac}".encode()))
            values = rng.standard_normal(shape, dtype=np.float32)
            values *= np.float32(0.1)
            values += np.float32(0.3)
            mask = rng.random(shape, dtype=np.float32) < frac
            mask[:, 0, :4] = True  # always-clouded pixels exercise the all-masked policy
            return np.ma.MaskedArray(values, mask=mask)
        return self._cached(("stack", t, frac, "<f4"), make)

    def stack_for(self, p: Participant, t: int | None = None, frac: float = 0.3, dtype: Any = np.float32) -> Any:
        """The stack as participant *p* takes it: numpy.ma, NaN-filled ndarray, or device MaskedArray."""
        host = self.stack(t, frac, dtype)
        key = (p.kind, p.backend_name, t, frac, np.dtype(dtype).str)
        if p.kind == "ma":
            return host
        if p.kind == "nan":
            return self._cached(key, lambda: np.where(host.mask, np.array(np.nan, host.dtype), host.data))

        def to_device() -> Any:
            from gpucompute.array import MaskedArray

            x = MaskedArray.from_numpy(host, backend=p.backend)
            p.backend.synchronize(x)
            return x
        return self._cached(key, to_device)

    def bands(self) -> tuple[np.ndarray, np.ndarray]:
        """NIR and red uint16 bands, nodata = 0: 10% random holes plus an empty left edge."""
        def make() -> tuple[np.ndarray, np.ndarray]:
            rng = np.random.default_rng(zlib.crc32(f"bands {BANDS_SHAPE}".encode()))
            out = []
            for top in (10001, 6001):
                band = rng.integers(1, top, BANDS_SHAPE, dtype=np.uint16)
                band[rng.random(BANDS_SHAPE, dtype=np.float32) < 0.1] = 0
                band[:, : BANDS_SHAPE[1] // 8] = 0
                out.append(band)
            return out[0], out[1]
        return self._cached(("bands",), make)

    def bands_for(self, p: Participant) -> tuple[Any, Any]:
        """The bands on the host for peers, on the device (plain uint16 arrays) for ours."""
        if p.kind != "ours":
            return self.bands()

        def to_device() -> tuple[Any, Any]:
            out = tuple(p.backend.asarray(b) for b in self.bands())
            p.backend.synchronize(*out)
            return out
        return self._cached(("bands", p.backend_name), to_device)


@pytest.fixture(scope="session")
def data() -> Data:
    return Data()


@pytest.fixture(scope="module", autouse=True)
def _free_inputs(data: Data):
    """Inputs live for one workload module; full-size stacks are large."""
    yield
    data.clear()


class Oracles:
    """numpy.ma results computed once per session, with how long they took."""

    def __init__(self) -> None:
        self._cache: dict[str, tuple[Any, float]] = {}

    def __call__(self, key: str, compute: Callable[[], Any]) -> tuple[Any, float]:
        if key not in self._cache:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                t0 = time.perf_counter()
                value = compute()
                self._cache[key] = (value, time.perf_counter() - t0)
        return self._cache[key]


@pytest.fixture(scope="session")
def oracle() -> Oracles:
    return Oracles()


# --------------------------------------------------------------------------- check + time
def _to_host(value: Any) -> Any:
    from gpucompute.testing.oracle import to_host

    return value if isinstance(value, np.ma.MaskedArray) else to_host(value)


def check_result(result: Any, expected: Any, rtol: float | None = None, atol: float | None = None) -> None:
    """Assert *result* matches the oracle *expected*.

    A masked result (or a float result, where NaN marks masked) must have
    exactly the oracle's mask; a plain integer result (numpy.ma's argmax) is
    compared only where the oracle is valid. Values are compared where the
    oracle is valid: exactly for integers, else with a tolerance for the less
    precise of the two dtypes (float32: rtol 1e-5, atol 1e-6).
    """
    got = _to_host(result)
    want_mask = np.ma.getmaskarray(expected)
    assert got.shape == want_mask.shape, f"shape {got.shape} != oracle {want_mask.shape}"
    got_data = np.asarray(np.ma.getdata(got))
    if isinstance(got, np.ma.MaskedArray):
        got_mask = np.ma.getmaskarray(got)
    elif got_data.dtype.kind == "f":
        got_mask = np.isnan(got_data)
    else:
        got_mask = None
    if got_mask is not None:
        bad = int(np.count_nonzero(got_mask != want_mask))
        assert bad == 0, f"masks differ at {bad} of {got_mask.size} elements"
    valid = ~want_mask
    got_v, want_v = got_data[valid], np.asarray(np.ma.getdata(expected))[valid]
    if got_v.dtype.kind in "iub" and want_v.dtype.kind in "iub":
        np.testing.assert_array_equal(got_v, want_v)
        return
    single = any(d.kind == "f" and d.itemsize <= 4 for d in (got_v.dtype, want_v.dtype))
    rtol = (1e-5 if single else 1e-10) if rtol is None else rtol
    atol = (1e-6 if single else 1e-12) if atol is None else atol
    np.testing.assert_allclose(got_v, want_v, rtol=rtol, atol=atol)


def _nbytes(value: Any) -> int:
    if isinstance(value, np.ma.MaskedArray):
        return value.data.nbytes + np.ma.getmaskarray(value).nbytes
    if hasattr(value, "mask") and hasattr(value, "data") and not isinstance(value, np.ndarray):
        return int(value.data.nbytes) + int(value.mask.nbytes)
    return int(value.nbytes)


def _copy_bandwidth(p: Participant) -> float:
    if p.backend_name not in _COPY_BANDWIDTH:
        _COPY_BANDWIDTH[p.backend_name] = _machine.device_copy_bandwidth(p.backend)
    return _COPY_BANDWIDTH[p.backend_name]


@pytest.fixture
def measure(benchmark: Any, participant: Participant):
    """Check then time: ``measure(group, run, expected=..., inputs=(...), ...)``.

    *run* comes from :meth:`Participant.prepare`. *first* is an already-made
    ``(result, seconds)`` first call (the numpy.ma oracle itself). With
    ``bandwidth=True`` a GPU participant also measures its device's copy
    bandwidth (once per backend) for the W1 bandwidth line.
    """

    def run_benchmark(group: str, run: Callable[[], Any], *, expected: Any, inputs: tuple = (),
                      first: tuple[Any, float] | None = None, info: dict | None = None,
                      rtol: float | None = None, atol: float | None = None, bandwidth: bool = False) -> None:
        benchmark.group = group
        extra = benchmark.extra_info
        extra.update(participant=participant.label, backend=participant.backend_name,
                     device_kind=participant.device_kind, scale=SCALE_NAME, **(info or {}))
        if inputs:
            extra["bytes_read"] = sum(_nbytes(x) for x in inputs)
            extra["input_dtypes"] = [str(np.dtype(x.dtype)) for x in inputs]
        if first is None:
            t0 = time.perf_counter()
            out = run()
            first = (out, time.perf_counter() - t0)
        check_result(first[0], expected, rtol, atol)
        extra["first_call_s"] = first[1]  # ours on JAX: includes tracing and compiling
        extra["machine"] = _machine.machine_record()
        if bandwidth and participant.kind == "ours" and participant.device_kind == "gpu":
            extra["device_copy_Bps"] = _copy_bandwidth(participant)
            gpus = extra["machine"]["gpus"]
            extra["spec_bandwidth_Bps"] = gpus[0].get("spec_bandwidth_Bps") if gpus else None
        _RECORDS.append((group, participant, benchmark))
        if benchmark.disabled:  # --benchmark-disable: checked once, nothing timed or run again
            benchmark.pedantic(lambda: first[0])
            return
        warm = first[1]
        if participant.kind == "ours":
            t0 = time.perf_counter()
            run()
            warm = extra["warm_call_s"] = time.perf_counter() - t0
        rounds = int(min(MAX_ROUNDS, max(MIN_ROUNDS, math.ceil(BUDGET_S / max(warm, 1e-9)))))
        extra["rounds"] = rounds
        benchmark.pedantic(run, rounds=rounds, iterations=1, warmup_rounds=1)

    return run_benchmark


# --------------------------------------------------------------------------- reporting
def pytest_benchmark_update_machine_info(config: pytest.Config, machine_info: dict) -> None:
    machine_info["gpucompute"] = _machine.machine_record()


def _fmt_time(seconds: float) -> str:
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("us", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds * 1e9:.3g} ns"


def _participant_line(p: Participant, median: float, extra: dict) -> str:
    parts = [f"  {p.label:<26} {_fmt_time(median):>10}  ({extra.get('rounds', '?')} rounds)"]
    if extra.get("bytes_read"):
        parts.append(f"{extra['bytes_read'] / median / 1e9:.2f} GB/s")
    copy, spec = extra.get("device_copy_Bps"), extra.get("spec_bandwidth_Bps")
    if copy:
        parts.append(f"{100 * extra['bytes_read'] / median / copy:.0f}% of measured copy {copy / 1e9:.0f} GB/s")
    if spec:
        parts.append(f"{100 * extra['bytes_read'] / median / spec:.0f}% of spec {spec / 1e12:.2f} TB/s")
    if p.kind == "ours":
        parts.append(f"first call {_fmt_time(extra['first_call_s'])}")
    if extra.get("implementation"):
        parts.append(extra["implementation"])
    return ", ".join(parts)


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    if not _RECORDS:
        return
    tr = terminalreporter
    tr.write_sep("=", "gpucompute benchmarks: machine")
    for line in _machine.describe(_machine.machine_record()):
        tr.write_line(line)
    tr.write_line(f"scale {SCALE_NAME}: stacks {STACK_SHAPE} float32 (W2: T x H x W), "
                  f"bands 2 x {BANDS_SHAPE} uint16; rounds = {BUDGET_S:g} s / warm call in "
                  f"[{MIN_ROUNDS}, {MAX_ROUNDS}], 1 warm-up round")
    tr.write_sep("=", "gpucompute benchmarks: medians and ratios")
    timed = [(g, p, b) for g, p, b in _RECORDS if getattr(b, "stats", None) is not None and b.stats.stats.rounds]
    if not timed:
        tr.write_line(f"{len(_RECORDS)} results checked against the oracle; nothing timed "
                      "(timing is off: add --benchmark-enable)")
        return
    groups: dict[str, list[tuple[Participant, Any]]] = {}
    for group, p, b in timed:
        groups.setdefault(group, []).append((p, b))
    for group, entries in groups.items():
        tr.write_line(group)
        medians = {}
        for p, b in entries:
            medians[p.label] = b.stats.stats.median
            tr.write_line(_participant_line(p, medians[p.label], b.extra_info))
        for ours in (label for label in medians if label.startswith("gpucompute[")):
            ratios = [f"{peer} / {ours} = {medians[peer] / medians[ours]:.1f}x" for peer in PEERS if peer in medians]
            if ratios:
                tr.write_line("    " + "; ".join(ratios))
