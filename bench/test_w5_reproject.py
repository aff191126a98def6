"""W5: reprojection of a float32 UTM raster onto an EPSG:3857 grid, nearest and bilinear.

Input: a 4096 x 4096 float32 raster in EPSG:32618 (30 m pixels, nodata -9999
on 5% of pixels at random and a 256-pixel band along the top), written to a
temporary tiled GeoTIFF once per module. Grids: 4096 x 4096 pixels covering
the raster's footprint in EPSG:3857 (throughput), and 512 x 512 and 256 x 256
grids at the same resolution in its middle (latency).

Participants (group = size x resampler):

* ``rasterio.warp.reproject`` (the peer and the oracle): opens the file and
  warps band 1 straight from the dataset, nodata in and out; masked where the
  result is nodata.
* ``gpucompute[numpy]``: ``RasterioReader().read([ImageRef(path, (1,))], grid,
  resampler=...)`` then ``to_masked_array()`` on the numpy backend. The reader
  measures the footprint, picks no overview (the file has none) and lets GDAL
  warp from the dataset, keeping the file open between calls.

The reader's result must equal the peer's exactly (values where valid, and the
mask) before anything is timed. ``GPUCOMPUTE_BENCH_SCALE=small`` uses a
1024 x 1024 raster and grid.
"""

from __future__ import annotations

import os
import time

import numpy as np
import pytest
import rasterio
from _participants import Participant, enter
from rasterio.transform import from_origin
from rasterio.warp import reproject, transform_bounds

from gpucompute.raster import RESAMPLERS, ImageRef, RasterioReader, write_geotiff

SMALL = os.environ.get("GPUCOMPUTE_BENCH_SCALE", "full").strip().lower() == "small"
SIDE = 1024 if SMALL else 4096
SIZES = (SIDE, 512, 256)
RESAMPLING = ("near", "bilinear")
NODATA = -9999.0
PEER = "rasterio.warp.reproject"


@pytest.fixture(params=[pytest.param(Participant(PEER, "peer"), id="rasterio"),
                        pytest.param(Participant("gpucompute[numpy]", "ours", "numpy"), id="ours-numpy")])
def participant(request):
    """Overrides the array benchmarks' participants: the GDAL peer and our reader."""
    yield from enter(request.param)


@pytest.fixture(scope="module")
def utm_raster(tmp_path_factory) -> str:
    """The W5 input: SIDE x SIDE float32 in EPSG:32618 with nodata holes, tiled 512, no compression."""
    rng = np.random.default_rng(5)
    t = np.arange(SIDE, dtype=np.float32) * np.float32(30.0)
    data = (np.float32(100.0) * np.outer(np.cos(t / 4100.0), np.sin(t / 3300.0)).astype(np.float32)
            + rng.standard_normal((SIDE, SIDE), dtype=np.float32))
    data[rng.random((SIDE, SIDE), dtype=np.float32) < 0.05] = NODATA
    data[:256] = NODATA
    path = tmp_path_factory.mktemp("w5") / "utm.tif"
    write_geotiff(path, data, crs="EPSG:32618", transform=from_origin(400000, 4700000, 30, 30),
                  nodata=NODATA, tiled=True, blocksize=512)
    return str(path)


def _grid(path: str, size: int):
    """A size x size EPSG:3857 grid: the footprint at SIDE pixels, or a window of it in the middle."""
    from types import SimpleNamespace

    with rasterio.open(path) as ds:
        left, bottom, right, top = transform_bounds(ds.crs, "EPSG:3857", *ds.bounds)
    res = max(right - left, top - bottom) / SIDE
    x0 = left + (SIDE - size) / 2 * res
    y0 = top - (SIDE - size) / 2 * res
    return SimpleNamespace(crs="EPSG:3857", transform=from_origin(x0, y0, res, res), arr_shape=(size, size))


def _peer(path: str, grid, resampler: str) -> np.ma.MaskedArray:
    with rasterio.open(path) as ds:
        out = np.empty((1, *grid.arr_shape), dtype=np.float32)
        reproject(rasterio.band(ds, 1), out, src_nodata=ds.nodata, dst_nodata=ds.nodata,
                  dst_transform=grid.transform, dst_crs=grid.crs, resampling=RESAMPLERS[resampler][0])
    return np.ma.MaskedArray(out[None], mask=(out == NODATA)[None])


@pytest.mark.parametrize("resampler", RESAMPLING)
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s}px")
def test_w5_reproject(size, resampler, participant, utm_raster, measure):
    grid = _grid(utm_raster, size)
    t0 = time.perf_counter()
    expected = _peer(utm_raster, grid, resampler)
    seconds = time.perf_counter() - t0
    assert 0.3 < np.count_nonzero(~expected.mask) / expected.size  # a real workload, not an empty grid
    if participant.kind == "ours":
        reader = RasterioReader()
        ref = [ImageRef(utm_raster, (1,))]

        def run():
            return reader.read(ref, grid, resampler=resampler).to_masked_array()
    else:
        def run():
            return _peer(utm_raster, grid, resampler)
    measure(
        f"W5 reproject {size}x{size} f32 UTM->3857 {resampler}",
        run,
        expected=expected,
        first=(expected, seconds) if participant.kind != "ours" else None,
        info={"workload": "W5", "op": "reproject", "shape": [size, size], "source_shape": [SIDE, SIDE],
              "dtype": "float32", "resampler": resampler, "src_crs": "EPSG:32618", "dst_crs": "EPSG:3857",
              **({"implementation": "gpucompute.raster.RasterioReader"} if participant.kind == "ours" else {})},
    )
