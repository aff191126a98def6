"""COG tile: one 256 x 256 XYZ tile (EPSG:3857) read from 16 overlapping COG scenes.

Input: 16 Cloud Optimized GeoTIFFs in EPSG:32618, each 2048 x 2048 pixels of
10 m, 4 uint16 bands (smooth fields, nodata 0), DEFLATE with a horizontal
predictor, 512-pixel blocks, overviews 2/4/8; the scenes sit on a 4 x 4
pattern 1 km apart (200 m at the small scale), so all of them cover the middle of the area. The tile is
the zoom-14 tile over that middle (about 7.3 m ground pixels: full
resolution, reprojected). Generated once per module (about 20 s on two cores).

Participants (one group, warm: every participant reads the tile once before
it is checked and timed):

* ``gpucompute[numpy]``: ``RasterioReader().read(16 refs of bands 1-4, tile
  grid)`` -> a (16, 4, 256, 256) stack, then ``to_masked_array()``. Images are
  read in the reader's thread pool; the reader keeps the files open between
  calls, so GDAL's block cache is warm.
* ``rio-tiler``: ``rio_tiler.io.Reader(path).tile(x, y, z)`` for each scene in
  turn, each in a ``with`` block (open, tile, close: what a tile server does
  per request).
* ``rio-tiler (open readers)``: the same ``tile`` calls on 16 Readers opened
  once before timing, so rio-tiler also keeps its handles and block cache.

The oracle is ``rasterio.warp.reproject`` of each whole scene (all 4 bands read
into memory) onto the tile grid, nodata in and out. Every participant must
match it exactly (rio-tiler's nearest-neighbour tile equals GDAL's warp here)
before anything is timed.
"""

from __future__ import annotations

import os
import time
from types import SimpleNamespace

import mercantile
import numpy as np
import pytest
import rasterio
from _participants import Participant, enter
from pyproj import Transformer
from rasterio.transform import from_bounds, from_origin
from rasterio.warp import reproject

from gpucompute.raster import ImageRef, RasterioReader, write_geotiff

SMALL = os.environ.get("GPUCOMPUTE_BENCH_SCALE", "full").strip().lower() == "small"
SIDE = 512 if SMALL else 2048
N_SCENES = 16
BANDS = (1, 2, 3, 4)
PIXEL = 10.0
ORIGIN = (580000.0, 4430000.0)   # upper-left corner of scene 0, EPSG:32618
STEP = 200.0 if SMALL else 1000.0  # scene offsets in metres
ZOOM = 14
RIO_TILER = "rio-tiler"
RIO_TILER_OPEN = "rio-tiler (open readers)"


@pytest.fixture(params=[pytest.param(Participant(RIO_TILER, "peer"), id="rio-tiler"),
                        pytest.param(Participant(RIO_TILER_OPEN, "peer-open"), id="rio-tiler-open"),
                        pytest.param(Participant("gpucompute[numpy]", "ours", "numpy"), id="ours-numpy")])
def participant(request):
    """Overrides the array benchmarks' participants: rio-tiler twice, and our reader."""
    yield from enter(request.param)


@pytest.fixture(scope="module")
def scenes(tmp_path_factory) -> list[str]:
    """The 16 COGs (see the module docstring)."""
    folder = tmp_path_factory.mktemp("cogs")
    along = np.arange(SIDE) * PIXEL
    paths = []
    for k in range(N_SCENES):
        x0, y0 = ORIGIN[0] + (k % 4) * STEP, ORIGIN[1] - (k // 4) * STEP
        x, y = x0 + along, y0 - along
        data = np.empty((len(BANDS), SIDE, SIDE), dtype=np.uint16)
        for b in range(len(BANDS)):
            field = (2000 + 800 * np.outer(np.cos(y / (900 - 50 * b)), np.sin(x / (700 + 100 * b)))
                     + 300 * np.add.outer(np.cos(y / 2500), np.sin(x / 2500 + k)))
            data[b] = field
        path = folder / f"scene{k:02d}.tif"
        write_geotiff(path, data, crs="EPSG:32618", transform=from_origin(x0, y0, PIXEL, PIXEL), nodata=0,
                      cog=True, blocksize=512, compress="deflate", predictor=2, level=1, overviews=(2, 4, 8))
        paths.append(str(path))
    return paths


def _tile() -> mercantile.Tile:
    """The zoom-ZOOM tile over the middle of the area every scene covers."""
    extent = SIDE * PIXEL
    x = ORIGIN[0] + 3 * STEP + (extent - 3 * STEP) / 2
    y = ORIGIN[1] - 3 * STEP - (extent - 3 * STEP) / 2
    lon, lat = Transformer.from_crs("EPSG:32618", "EPSG:4326", always_xy=True).transform(x, y)
    return mercantile.tile(lon, lat, ZOOM)


def _grid(tile: mercantile.Tile) -> SimpleNamespace:
    b = mercantile.xy_bounds(tile)
    return SimpleNamespace(crs="EPSG:3857", transform=from_bounds(b.left, b.bottom, b.right, b.top, 256, 256),
                           arr_shape=(256, 256))


def _oracle(paths: list[str], grid: SimpleNamespace) -> np.ma.MaskedArray:
    out = np.zeros((len(paths), len(BANDS), 256, 256), dtype=np.uint16)
    for i, path in enumerate(paths):
        with rasterio.open(path) as ds:
            reproject(ds.read(list(BANDS)), out[i], src_transform=ds.transform, src_crs=ds.crs, src_nodata=0,
                      dst_nodata=0, dst_transform=grid.transform, dst_crs=grid.crs)
    return np.ma.MaskedArray(out, mask=out == 0)


def _rio_tiler_run(paths: list[str], tile: mercantile.Tile, keep_open: bool):
    from rio_tiler.io import Reader

    if keep_open:
        readers = [Reader(p) for p in paths]

        def run() -> np.ma.MaskedArray:
            return np.ma.stack([r.tile(tile.x, tile.y, tile.z).array for r in readers])
        return run, readers

    def run() -> np.ma.MaskedArray:
        out = []
        for path in paths:
            with Reader(path) as src:
                out.append(src.tile(tile.x, tile.y, tile.z).array)
        return np.ma.stack(out)
    return run, []


def test_cog_tile(participant, scenes, measure):
    tile = _tile()
    grid = _grid(tile)
    expected = _oracle(scenes, grid)
    assert not expected.mask.any()  # every scene covers the whole tile
    readers = []
    if participant.kind == "ours":
        reader = RasterioReader()
        refs = [ImageRef(p, BANDS, id=os.path.basename(p)) for p in scenes]

        def run():
            return reader.read(refs, grid).to_masked_array()
    else:
        run, readers = _rio_tiler_run(scenes, tile, keep_open=participant.kind == "peer-open")
    run()  # warm: headers read, blocks cached where the participant keeps files open
    try:
        t0 = time.perf_counter()
        first = run()
        measure(
            f"COG tile z{ZOOM} 256x256 from {N_SCENES} scenes x {len(BANDS)} bands uint16 ({SIDE}px COGs)",
            run,
            expected=expected,
            first=(first, time.perf_counter() - t0),
            info={"workload": "cog-tile", "tile": list(tile), "scenes": N_SCENES, "bands": len(BANDS),
                  "scene_shape": [SIDE, SIDE], "dtype": "uint16", "resampler": "near",
                  **({"implementation": "gpucompute.raster.RasterioReader"} if participant.kind == "ours" else {})},
        )
    finally:
        for r in readers:
            r.close()
