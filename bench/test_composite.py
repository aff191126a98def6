"""Cloud-free composite: the Dynamic Compute quick-start's ImageStack median, end to end.

Input: the demo product (synthetic Sentinel-2, UInt16 reflectance x 10000,
nodata 0, scenes of 1024 x 1024 pixels of 20 m in EPSG:32610, DEFLATE GeoTIFFs)
generated into a temporary catalog with ``N_DATES`` dates per area. The
GeoContext is the Central Valley scene's own 1024 x 1024 grid, so reads are
windowed copies, not warps.

The computation (the quick-start's second half)::

    stack = dc.ImageStack.from_product_bands(PRODUCT, "red green blue nir", start, end)
    composite = stack.filter(lambda x: x.cloud_fraction < MAX_CLOUD).median(axis="images")

Participants:

* ``gpucompute[<backend>]``: ``composite.compute(ctx)``. Its time is split, with
  :func:`gpucompute.execution.pixels.timed`, into *plan* (interpreting the
  graft, the catalog search and filter), *read* (the GeoTIFF reads of the kept
  scenes, 4 bands each) and *pixels* (the compiled median program), reported
  in ``extra_info``.
* ``rasterio+numpy.ma``: the same written by hand: the same catalog query for
  the scenes, ``rasterio`` windowed reads of the 4 bands, scaling to
  reflectance, ``numpy.ma.median`` over the images.

``test_composite_pixels`` times the pixel phase alone: the median of the
already-read stack in our pixel program against ``numpy.ma.median``.

Both results must agree (values and mask) before anything is timed.
"""

from __future__ import annotations

import os
import time

import numpy as np
import pytest
from _participants import Participant, enter

SMALL = os.environ.get("GPUCOMPUTE_BENCH_SCALE", "full").strip().lower() == "small"
SIZE = 256 if SMALL else 1024
N_DATES = 8 if SMALL else 30
MAX_CLOUD = 0.5
BANDS = ("red", "green", "blue", "nir")
START, END = "2023-03-01", "2023-06-01"
PEER = "rasterio+numpy.ma"
#: The pixel operation ``ImageStack.median(axis="images")`` records, with its static arguments.
MEDIAN_OP, MEDIAN_STATIC = "dc.reduce", {"reducer": "median", "axis": 0, "keepdims": False}


def _participants() -> list:
    from gpucompute import backends
    from gpucompute.testing import unavailable_reason

    ours = [pytest.param(Participant(f"gpucompute[{n}]", "ours", n), id=f"ours-{n}",
                         marks=pytest.mark.skipif(r is not None, reason=f"backend {n}: {r}"))
            for n, r in ((n, unavailable_reason(n)) for n in backends.NAMES)]
    return [pytest.param(Participant(PEER, "peer"), id="rasterio-numpy.ma")] + ours


@pytest.fixture(params=_participants())
def participant(request):
    yield from enter(request.param)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo product in a temporary catalog, and the Central Valley scene grid as a GeoContext."""
    from gpucompute.catalog import reset_catalog
    from gpucompute.catalog.demo import ensure_demo_product
    from gpucompute.geo import GeoContext

    home = tmp_path_factory.mktemp("composite-home")
    mp = pytest.MonkeyPatch()
    mp.setenv("GPUCOMPUTE_HOME", str(home))
    reset_catalog()
    product = ensure_demo_product(size=SIZE, scenes=N_DATES, progress=False)
    first = next(i for i in product.images().sort("acquired") if i.extra_properties["area"] == "central-valley")
    x0, res, _, y0, _, _ = first.geotrans
    bounds = (x0, y0 + SIZE * first.geotrans[5], x0 + SIZE * res, y0)
    ctx = GeoContext.from_bounds(bounds, first.cs_code, resolution=res)
    yield product, ctx
    mp.undo()
    reset_catalog()


def _scenes(product, ctx):
    from gpucompute.execution.imagery_sources import images_for

    return [i for i in images_for(product.id, ctx, START, END) if i.cloud_fraction < MAX_CLOUD]


def _by_hand(product, ctx) -> np.ma.MaskedArray:
    """The peer: catalog query, rasterio windowed reads, numpy.ma median."""
    import rasterio
    from rasterio.windows import from_bounds

    layers = []
    for image in _scenes(product, ctx):
        (ref,) = image.image_refs(list(BANDS))
        with rasterio.open(ref.path) as ds:
            window = from_bounds(*ctx.projected_bounds, transform=ds.transform)
            raw = ds.read(list(ref.band_indexes), window=window, boundless=True, fill_value=0)
        layers.append(np.ma.MaskedArray((raw / np.float32(10000)).astype(np.float32), mask=raw == 0))
    return np.ma.median(np.ma.stack(layers), axis=0)


def _composite(product):
    import gpucompute.dc as dc

    stack = dc.ImageStack.from_product_bands(product.id, " ".join(BANDS), start_datetime=START, end_datetime=END)
    return stack.filter(lambda x: x.cloud_fraction < MAX_CLOUD).median(axis="images")


def test_composite(participant, demo, measure):
    from gpucompute.execution import pixels

    product, ctx = demo
    n_scenes = len(_scenes(product, ctx))
    expected = _by_hand(product, ctx)
    info = {"workload": "composite", "scenes": n_scenes, "bands": len(BANDS), "shape": [SIZE, SIZE],
            "max_cloud_fraction": MAX_CLOUD}
    if participant.kind == "ours":
        composite = _composite(product)

        def run():
            return composite.compute(ctx).ndarray

        with pixels.timed() as phases:
            t0 = time.perf_counter()
            first = run()
            total = time.perf_counter() - t0
        info.update(first_plan_s=total - phases["read"] - phases["pixels"], first_read_s=phases["read"],
                    first_pixels_s=phases["pixels"])
        with pixels.timed() as phases:
            t0 = time.perf_counter()
            run()
            total = time.perf_counter() - t0
        info.update(plan_s=total - phases["read"] - phases["pixels"], read_s=phases["read"],
                    pixels_s=phases["pixels"], programs=phases["programs"])
    else:
        def run():
            return _by_hand(product, ctx)
        first = None
    measure(f"composite: median of {n_scenes} scenes x {len(BANDS)} bands, {SIZE}x{SIZE}", run,
            expected=expected, first=None if first is None else (first, total), info=info, rtol=1e-6, atol=1e-7)


def test_composite_pixels(participant, demo, measure):
    """The pixel phase alone: median over images of the already-read stack."""
    import gpucompute.dc._runtime_pixels  # noqa: F401  (registers MEDIAN_OP)
    from gpucompute.array import MaskedArray
    from gpucompute.execution import pixels
    from gpucompute.execution._pixel_inputs import read_host

    product, ctx = demo
    images = tuple(_scenes(product, ctx))
    data, mask = read_host(pixels.ReadSpec(images, BANDS, ctx))
    stack = np.ma.MaskedArray(data, mask=mask)
    expected = np.ma.median(stack, axis=0)
    group = f"composite pixels: median of {len(images)} x {len(BANDS)} x {SIZE}x{SIZE}"
    if participant.kind == "ours":
        device = MaskedArray(data, mask, backend=participant.backend)
        node = pixels.apply(MEDIAN_OP, pixels.constant(device), shape=data.shape[1:],
                            **MEDIAN_STATIC)

        def run():
            (out,) = pixels.materialize([node])
            participant.backend.synchronize(out.data)
            return out
    else:
        def run():
            return np.ma.median(stack, axis=0)
    measure(group, run, expected=expected, info={"workload": "composite-pixels", "scenes": len(images)},
            rtol=1e-6, atol=1e-7)
