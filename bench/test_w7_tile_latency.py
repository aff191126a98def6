"""W7: XYZ tile latency of a map layer, cold and warm, zooms 10 to 14.

The layer is the one a user would put on the map from the Dynamic Compute
quick-start: NDVI of the median composite of the demo stack,

    stack = dc.ImageStack.from_product_bands(PRODUCT, "red nir", START, END)
    composite = stack.median(axis="images")
    ndvi = (nir - red) / (nir + red)              # of the composite's bands

drawn with ``scales=[[0, 0.8]]`` through matplotlib's ``turbo`` colormap into a
256 x 256 PNG. The demo product (synthetic Sentinel-2, UInt16 x 10000, nodata
0, DEFLATE COGs with overviews, 20 m in EPSG:32610) is generated into a
temporary catalog; its Central Valley area has ``N_DATES`` scenes, all of which
cover every tile, so each tile composites ``N_DATES`` scenes x 2 bands.

Tiles: up to ``PER_ZOOM`` tiles of each zoom 10..14 that lie inside the scenes.
Every participant draws every tile twice: the first pass is *cold* (first time
in the process for that tile: our pixel program may compile, files are opened
for the first time), the second *warm*. Latencies are per tile; the report gives
p50 and p95 of each pass and, for ours, the pixel programs compiled per 100
warm tiles (0 when every tile reuses the program).

Participants:

* ``gpucompute[<backend>]``: the tile server's own drawing
  (:func:`gpucompute.server.tiles._draw`: compute on
  ``GeoContext.from_xyz_tile`` + render), bypassing its PNG cache so every
  request computes; and ``gpucompute[<backend>] over HTTP``: ``GET`` of the
  tile URL from the running server with its PNG cache cleared before each
  request (end to end: HTTP, thread pool, compute, PNG).
* ``rio-tiler``: ``rio_tiler.mosaic.mosaic_reader`` over the same scene files
  with ``MedianMethod(enforce_data_type=False)`` (a float median, as ours;
  by default rio-tiler casts the median back to uint16) (each asset read with ``Reader(path).tile(x, y, z,
  indexes=(red, nir))``), NDVI of the median, rescaled to [0, 0.8] and
  rendered with rio-tiler's ``turbo`` colormap as PNG.

Our result cache is turned off (``GPUCOMPUTE_CACHE_BYTES=0``) and the server's
PNG cache is bypassed, so a warm tile is computed again, as for a tile never
seen before whose files and program are warm; served from the caches a
repeated tile costs far less.

Before timing, the NDVI arrays of one zoom-14 tile must agree: masks equal
and values close where valid.
"""

from __future__ import annotations

import os
import time

import mercantile
import numpy as np
import pytest

SMALL = os.environ.get("GPUCOMPUTE_BENCH_SCALE", "full").strip().lower() == "small"
SIZE = 256 if SMALL else 1024
N_DATES = 6 if SMALL else 19
PER_ZOOM = 3 if SMALL else 8
ZOOMS = (10, 11, 12, 13, 14)
START, END = "2023-03-01", "2023-06-01"
SCALES = [[0.0, 0.8]]
COLORMAP = "turbo"
AREA = "central-valley"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo product in a temporary catalog, its Central Valley scenes and the tiles inside them."""
    from gpucompute.catalog import reset_catalog
    from gpucompute.catalog.demo import ensure_demo_product

    home = tmp_path_factory.mktemp("w7-home")
    mp = pytest.MonkeyPatch()
    mp.setenv("GPUCOMPUTE_HOME", str(home))
    mp.setenv("GPUCOMPUTE_CACHE_BYTES", "0")  # every tile is computed: no result cache (see the docstring)
    reset_catalog()
    product = ensure_demo_product(size=SIZE, scenes=N_DATES, progress=False)
    scenes = [i for i in product.images().sort("acquired") if i.extra_properties["area"] == AREA]
    west, south, east, north = scenes[0].geometry.bounds
    tiles = []
    for z in ZOOMS:
        inside = [t for t in mercantile.tiles(west, south, east, north, z)
                  if _inside(mercantile.bounds(t), (west, south, east, north))]
        if not inside:  # a zoom whose tiles are all larger than the scene: the tile over its centre
            inside = [mercantile.tile((west + east) / 2, (south + north) / 2, z)]
        step = max(1, len(inside) // PER_ZOOM)
        tiles.extend(inside[::step][:PER_ZOOM])
    yield product, scenes, tiles
    mp.undo()
    reset_catalog()


def _inside(tile_bounds, area) -> bool:
    w, s, e, n = tile_bounds
    return w >= area[0] and s >= area[1] and e <= area[2] and n <= area[3]


def _layer(product):
    from gpucompute import dc
    from gpucompute.server.layers import registry

    stack = dc.ImageStack.from_product_bands(product.id, "red nir", start_datetime=START, end_datetime=END)
    composite = stack.median(axis="images")
    red, nir = composite.pick_bands("red"), composite.pick_bands("nir")
    ndvi = (nir - red) / (nir + red)
    return registry().register(ndvi, "W7 NDVI of the median composite", scales=SCALES, colormap=COLORMAP)


# ---- rio-tiler --------------------------------------------------------------------------------------------
def _assets(scenes) -> list[tuple[str, tuple[int, int]]]:
    assets = []
    for image in scenes:
        (ref,) = image.image_refs(["red", "nir"])
        assets.append((ref.path, tuple(ref.band_indexes)))
    return assets


def _rio_tiler_ndvi(assets, x: int, y: int, z: int) -> np.ma.MaskedArray:
    from rio_tiler.io import Reader
    from rio_tiler.mosaic import mosaic_reader
    from rio_tiler.mosaic.methods import MedianMethod

    def tiler(asset, x, y, z):
        path, indexes = asset
        with Reader(path) as src:
            return src.tile(x, y, z, indexes=indexes)

    image, _ = mosaic_reader(assets, tiler, x, y, z, pixel_selection=MedianMethod(enforce_data_type=False))
    red, nir = (image.array[i].astype(np.float32) for i in (0, 1))
    with np.errstate(divide="ignore", invalid="ignore"):
        return (nir - red) / (nir + red)


def _rio_tiler_png(assets, x: int, y: int, z: int) -> bytes:
    from rio_tiler.colormap import cmap
    from rio_tiler.models import ImageData

    ndvi = _rio_tiler_ndvi(assets, x, y, z)
    lo, hi = SCALES[0]
    scaled = np.ma.clip((ndvi - lo) / (hi - lo), 0, 1) * 255
    image = ImageData(np.ma.MaskedArray(scaled.filled(0).astype(np.uint8)[None], mask=np.ma.getmaskarray(scaled)[None]))
    return image.render(img_format="PNG", colormap=cmap.get(COLORMAP))


# ---- the run ----------------------------------------------------------------------------------------------
def _latencies(draw, tiles) -> list[float]:
    out = []
    for t in tiles:
        t0 = time.perf_counter()
        png = draw(t)
        out.append(time.perf_counter() - t0)
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
    return out


def _summary(seconds: list[float]) -> dict[str, float]:
    ms = np.asarray(seconds) * 1e3
    return {"p50_ms": float(np.percentile(ms, 50)), "p95_ms": float(np.percentile(ms, 95)),
            "mean_ms": float(ms.mean()), "tiles": len(ms)}


def _check_agreement(layer, assets, tile) -> None:
    """Our NDVI and rio-tiler's agree on one zoom-14 tile before anything is timed."""
    from gpucompute.geo import GeoContext
    from gpucompute.server.tiles import compute_layer

    ours, _ = compute_layer(layer, GeoContext.from_xyz_tile(tile.x, tile.y, tile.z))
    peer = _rio_tiler_ndvi(assets, tile.x, tile.y, tile.z)
    ours = np.ma.masked_invalid(ours[0])
    peer = np.ma.masked_invalid(peer)
    assert ours.shape == peer.shape == (256, 256)
    same_mask = np.ma.getmaskarray(ours) == np.ma.getmaskarray(peer)
    assert same_mask.mean() > 0.999, f"masks differ on {1 - same_mask.mean():.2%} of the tile"
    both = ~np.ma.getmaskarray(ours) & ~np.ma.getmaskarray(peer)
    assert both.mean() > 0.5, "the check tile is mostly empty"
    np.testing.assert_allclose(ours.data[both], peer.data[both], rtol=1e-4, atol=1e-5)


PARTICIPANTS = ["ours-numpy", "ours-jax", "ours-numpy-http", "rio-tiler"]


@pytest.mark.parametrize("who", PARTICIPANTS)
def test_tile_latency(who, demo, benchmark):
    from gpucompute.execution import pixels
    from gpucompute.server import tiles as server_tiles
    from gpucompute.testing import unavailable_reason

    product, scenes, tiles = demo
    backend = who.split("-")[1] if who.startswith("ours") else None
    if backend is not None and unavailable_reason(backend) is not None:
        pytest.skip(f"backend {backend}: {unavailable_reason(backend)}")
    import gpucompute

    gpucompute.set_backend(backend or "numpy")
    try:
        layer = _layer(product)
        assets = _assets(scenes)
        check_tile = next(t for t in tiles if t.z == 14)
        _check_agreement(layer, assets, check_tile)
        pixels.clear_cache()
        compiles0 = pixels.compile_count()
        if who == "rio-tiler":
            def draw(t):
                return _rio_tiler_png(assets, t.x, t.y, t.z)
        elif who.endswith("http"):
            import httpx

            from gpucompute.server.runner import ensure_server

            client = httpx.Client(base_url=ensure_server(), timeout=120)

            def draw(t):
                server_tiles.clear_cache()
                url = layer.tile_path().format(z=t.z, x=t.x, y=t.y)
                response = client.get(url)
                assert response.status_code == 200, response.text
                return response.content
        else:
            def draw(t):
                return server_tiles._draw(layer, t.x, t.y, t.z)
        cold = _latencies(draw, tiles)
        compiles_cold = pixels.compile_count() - compiles0
        warm_start = pixels.compile_count()
        warm = _latencies(draw, tiles)
        compiles_warm = pixels.compile_count() - warm_start
        info = benchmark.extra_info
        info.update(participant=who, scenes=len(scenes), zooms=list(ZOOMS), scale="small" if SMALL else "full",
                    cold=_summary(cold), warm=_summary(warm),
                    compiles_cold=compiles_cold, compiles_per_100_warm_tiles=100 * compiles_warm / len(tiles))
        benchmark.group = f"W7 tile latency: NDVI of a {len(scenes)}-scene median, zooms 10-14"
        order = iter(list(tiles) * 100)
        benchmark.pedantic(draw, setup=lambda: ((next(order),), {}), rounds=len(tiles), iterations=1)
        print(f"\n{who}: cold p50 {info['cold']['p50_ms']:.1f} ms p95 {info['cold']['p95_ms']:.1f} ms; "
              f"warm p50 {info['warm']['p50_ms']:.1f} ms p95 {info['warm']['p95_ms']:.1f} ms; "
              f"compiles cold {compiles_cold}, per 100 warm tiles {info['compiles_per_100_warm_tiles']:.0f}")
    finally:
        gpucompute.set_backend(None)
