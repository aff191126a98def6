"""Export an 8192 x 8192 median composite to a COG: in-process vs a LocalCluster of two workers.

Input: the demo product (synthetic Sentinel-2, 1024 x 1024 scenes of 20 m in
EPSG:32610, 19 dates per area) in a temporary catalog.  The output grid is the
Central Valley scene's 20.48 km square at 2.5 m, so 8192 x 8192 pixels: every
scene pixel is read as 8 x 8 output pixels (nearest), which is what a large
export over one area costs without needing a 164 km demo product.

The work (the Dynamic Compute quick-start's composite)::

    stack = dc.ImageStack.from_product_bands(PRODUCT, "red green blue nir", start, end)
    composite = stack.filter(lambda x: x.cloud_fraction < 0.5).median(axis="images")
    composite.compute(ctx, format="geotiff", file=path, memory_budget=BUDGET, cluster=...)

Participants, each in a fresh Python process (``python bench/test_export_cog.py
--mode ...``) so that its peak RSS (``ru_maxrss``) is its own:

* ``in-process``: tiles computed one after another in that process and
  streamed into the COG;
* ``cluster-2``: the same on a ``LocalCluster(n_workers=2, processes=True,
  threads_per_worker=1)`` started in that process (one Dask task per tile); the
  workers' own peak RSS comes from ``client.run``.  Cluster start-up is
  reported apart from the export.

Both use the same memory budget, hence the same tiles.  The check (after the
one timed run, since a run is the expensive part): a 512 x 512 window of each
COG equals a one-shot ``compute`` of that window, the two COGs are equal pixel
for pixel, and each file is a COG (tiled, with overviews, LAYOUT=COG).

``GPUCOMPUTE_BENCH_SCALE=small``: 256 px scenes, 4 dates, a 1024 x 1024 output.
Backends: one run per available backend (``-k numpy`` to pick one).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

SMALL = os.environ.get("GPUCOMPUTE_BENCH_SCALE", "full").strip().lower() == "small"
SCENE = 256 if SMALL else 1024
DATES = 4 if SMALL else 19
OUT = 1024 if SMALL else 8192
BUDGET = "64MiB" if SMALL else "1GiB"
BANDS = "red green blue nir"
START, END, MAX_CLOUD = "2023-03-01", "2023-06-01", 0.5
WORKERS = 2
CHECK = 512
MODES = ("in-process", f"cluster-{WORKERS}")


# --------------------------------------------------------------------------- the participant process
def _composite():
    from gpucompute import dc
    from gpucompute.catalog.demo import DEMO_PRODUCT_ID

    stack = dc.ImageStack.from_product_bands(DEMO_PRODUCT_ID, BANDS, start_datetime=START, end_datetime=END)
    return stack.filter(lambda x: x.cloud_fraction < MAX_CLOUD).median(axis="images")


def _grid(window: tuple[int, int, int] | None = None):
    """The output GeoContext (the Central Valley scene at OUT px), or a ``(row, col, size)`` window of it."""
    from gpucompute.catalog.demo import demo_product
    from gpucompute.geo import GeoContext

    images = sorted(demo_product().images(), key=lambda i: str(i.acquired))
    first = next(i for i in images if i.extra_properties["area"] == "central-valley")
    x0, res, _, y0, _, _ = first.geotrans
    step = SCENE * res / OUT
    row, col, size = window or (0, 0, OUT)
    bounds = (x0 + col * step, y0 - (row + size) * step, x0 + (col + size) * step, y0 - row * step)
    return GeoContext.from_bounds(bounds, first.cs_code, resolution=step)


def _peak_rss() -> int:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux


def _participant(mode: str, out: str) -> dict:
    composite, ctx = _composite(), _grid()
    client, startup = None, 0.0
    if mode != "in-process":
        from distributed import Client, LocalCluster

        t0 = time.perf_counter()
        cluster = LocalCluster(n_workers=WORKERS, processes=True, threads_per_worker=1, dashboard_address=":0")
        client = Client(cluster, set_as_default=False)
        client.wait_for_workers(WORKERS)
        startup = time.perf_counter() - t0
    t0 = time.perf_counter()
    composite.compute(ctx, format="geotiff", file=out, memory_budget=BUDGET, cluster=client, cache=False)
    export = time.perf_counter() - t0
    record = {"mode": mode, "export_s": export, "startup_s": startup, "driver_peak_rss": _peak_rss(),
              "workers_peak_rss": [], "backend": os.environ.get("GPUCOMPUTE_BACKEND")}
    if client is not None:
        record["workers_peak_rss"] = sorted(client.run(_peak_rss).values())
        client.close()
        cluster.close()
    return record


def _main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=MODES, required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    print("RESULT " + json.dumps(_participant(args.mode, args.out)), flush=True)


if __name__ == "__main__":
    _main(sys.argv[1:])
    sys.exit(0)


# --------------------------------------------------------------------------- the benchmark
import numpy as np
import pytest

_RUNS: dict[tuple[str, str], dict] = {}


def _backend_params() -> list:
    from gpucompute import backends
    from gpucompute.testing import unavailable_reason

    return [pytest.param(n, id=n, marks=pytest.mark.skipif(r is not None, reason=f"backend {n}: {r}"))
            for n, r in ((n, unavailable_reason(n)) for n in backends.NAMES)]


@pytest.fixture(scope="module")
def home(tmp_path_factory, request):
    """A catalog holding the demo product; GPUCOMPUTE_HOME names it for this module (and the participants)."""
    from gpucompute.catalog import reset_catalog
    from gpucompute.catalog.demo import ensure_demo_product

    path = tmp_path_factory.mktemp("export-home")
    mp = pytest.MonkeyPatch()
    mp.setenv("GPUCOMPUTE_HOME", str(path))
    reset_catalog()
    t0 = time.perf_counter()
    ensure_demo_product(size=SCENE, scenes=DATES, progress=False)
    generated = time.perf_counter() - t0
    yield path
    _report(request.config, generated)
    mp.undo()
    reset_catalog()


def _run(mode: str, backend: str, out: Path) -> dict:
    env = dict(os.environ, GPUCOMPUTE_BACKEND=backend)
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, __file__, "--mode", mode, "--out", str(out)], env=env,
                          capture_output=True, text=True, timeout=3600, check=False)
    wall = time.perf_counter() - t0
    lines = [line for line in proc.stdout.splitlines() if line.startswith("RESULT ")]
    if proc.returncode != 0 or not lines:
        raise AssertionError(f"{mode} on {backend} failed (exit {proc.returncode}):\n{proc.stderr[-4000:]}")
    record = json.loads(lines[-1][len("RESULT "):])
    record["process_s"] = wall
    return record


def _check_cog(path: Path) -> None:
    import rasterio

    with rasterio.open(path) as ds:
        assert (ds.width, ds.height, ds.count) == (OUT, OUT, 4)
        assert ds.profile["tiled"] and ds.overviews(1), "not tiled, or no overviews"
        assert ds.tags(ns="IMAGE_STRUCTURE").get("LAYOUT") == "COG"


def _check_window(path: Path) -> None:
    """A CHECK x CHECK window in the middle of the COG equals a one-shot compute of that window."""
    import rasterio
    from rasterio.windows import Window

    row = col = OUT // 2 - CHECK // 3  # straddles tile boundaries
    expected = np.ma.asarray(_composite().compute(_grid((row, col, CHECK)), cache=False).ndarray)
    with rasterio.open(path) as ds:
        got = ds.read(window=Window(col, row, CHECK, CHECK), masked=True)
    any_band = np.ma.getmaskarray(expected).any(axis=0)  # a GeoTIFF has one mask for all bands
    assert np.array_equal(np.ma.getmaskarray(got)[0], any_band)
    np.testing.assert_allclose(got.filled(0), np.where(any_band, 0, expected.filled(0)), rtol=1e-6, atol=1e-7)


def _same_files(a: Path, b: Path) -> None:
    import rasterio
    from rasterio.windows import Window

    with rasterio.open(a) as da, rasterio.open(b) as db:
        for row in range(0, OUT, 1024):
            window = Window(0, row, OUT, min(1024, OUT - row))
            x, y = da.read(window=window, masked=True), db.read(window=window, masked=True)
            assert np.array_equal(np.ma.getmaskarray(x), np.ma.getmaskarray(y))
            assert np.array_equal(x.filled(0), y.filled(0))


@pytest.mark.parametrize("backend", _backend_params())
@pytest.mark.parametrize("mode", MODES)
def test_export_cog(mode, backend, home, tmp_path_factory, benchmark):
    out = tmp_path_factory.mktemp("export") / f"composite-{mode}-{backend}.tif"
    benchmark.group = f"export: median composite {OUT}x{OUT}x4 to a COG ({backend})"
    record = benchmark.pedantic(_run, args=(mode, backend, out), rounds=1, iterations=1, warmup_rounds=0)
    _check_cog(out)
    _check_window(out)
    other = _RUNS.get((next(m for m in MODES if m != mode), backend))
    if other is not None:  # the second of the pair: the two files must be equal
        _same_files(out, Path(other["file"]))
    record["file"] = str(out)
    _RUNS[(mode, backend)] = record
    benchmark.extra_info.update(record, workload="export-cog", shape=[4, OUT, OUT], scenes=DATES,
                                scene_size=SCENE, memory_budget=BUDGET)


def _mib(n: int) -> str:
    return f"{n / 2**20:,.0f} MiB"


def _report(config, generated: float) -> None:
    import contextlib

    tr = config.pluginmanager.getplugin("terminalreporter")
    if tr is None or not _RUNS:
        return
    capture = config.pluginmanager.getplugin("capturemanager")  # fixture teardown runs with output captured
    with capture.global_and_fixture_disabled() if capture else contextlib.nullcontext():
        _write_report(tr, generated)


def _write_report(tr, generated: float) -> None:
    tr.write_sep("=", f"export {OUT}x{OUT} median composite to a COG (demo product generated in {generated:.0f} s)")
    for (mode, backend), r in sorted(_RUNS.items()):
        workers = r["workers_peak_rss"]
        extra = (f", workers {' + '.join(_mib(w) for w in workers)} (total with driver "
                 f"{_mib(r['driver_peak_rss'] + sum(workers))}), cluster start {r['startup_s']:.1f} s"
                 if workers else "")
        tr.write_line(f"{backend:6s} {mode:11s} export {r['export_s']:7.1f} s (process {r['process_s']:.1f} s), "
                      f"peak RSS driver {_mib(r['driver_peak_rss'])}{extra}")
    for backend in {b for _, b in _RUNS}:
        a, b = _RUNS.get(("in-process", backend)), _RUNS.get((MODES[1], backend))
        if a and b:
            tr.write_line(f"{backend}: in-process / {MODES[1]} export time = {a['export_s'] / b['export_s']:.2f}x")
