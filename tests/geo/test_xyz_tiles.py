"""XYZ tiles: GeoContext.from_xyz_tile and gpucompute.geo.tiles against mercantile and morecantile."""

from __future__ import annotations

import mercantile
import morecantile
import numpy as np
import pytest
import rasterio.transform
import rasterio.warp

from gpucompute.geo import GeoContext, tiles

# rasterio.transform builds its Affines with the `*` operator that affine now flags
pytestmark = pytest.mark.filterwarnings("ignore:Use `@` matmul:PendingDeprecationWarning")

TMS = morecantile.tms.get("WebMercatorQuad")


def random_tiles(rng, n, zmax=22):
    for _ in range(n):
        z = int(rng.integers(0, zmax + 1))
        yield int(rng.integers(0, 2**z)), int(rng.integers(0, 2**z)), z


def test_xyz_context_matches_mercantile_and_morecantile(rng):
    for x, y, z in random_tiles(rng, 200):
        ctx = GeoContext.from_xyz_tile(x, y, z)
        xy = mercantile.xy_bounds(x, y, z)
        size = xy.right - xy.left
        tol = 1e-9 * size + 1e-9
        assert ctx.crs == "EPSG:3857" and ctx.arr_shape == (256, 256)
        assert np.allclose(ctx.projected_bounds, xy, rtol=0, atol=tol)
        assert np.allclose(ctx.projected_bounds, TMS.xy_bounds(x, y, z), rtol=0, atol=max(tol, 1e-7))
        expected = rasterio.transform.from_bounds(*xy, width=256, height=256)
        assert ctx.transform.almost_equals(expected, precision=tol)
        assert ctx.resolution == pytest.approx(TMS.matrix(z).cellSize, rel=1e-9)
        lnglat = mercantile.bounds(x, y, z)
        assert np.allclose(ctx.geometry.bounds, lnglat, rtol=0, atol=1e-12)
        assert np.allclose(ctx.geometry.bounds, TMS.bounds(x, y, z), rtol=0, atol=1e-9)
        # a 256-pixel tile's pixels are the tiles of zoom z + 8
        lon = rng.uniform(lnglat.west, lnglat.east)
        lat = rng.uniform(lnglat.south, lnglat.north)
        row, col = ctx.coords_to_index(*mercantile.xy(lon, lat))
        sub = mercantile.tile(lon, lat, z + 8)
        assert (row, col) == (sub.y - 256 * y, sub.x - 256 * x)


def test_tile_bounds_helpers(rng):
    for x, y, z in random_tiles(rng, 50):
        assert tiles.tile_bounds(x, y, z) == tuple(mercantile.xy_bounds(x, y, z))
        assert tiles.tile_lnglat_bounds(x, y, z) == tuple(mercantile.bounds(x, y, z))
        assert tiles.check_tile(np.int64(x), y, z) == (x, y, z)


@pytest.mark.parametrize("z", range(0, 25, 3))
def test_tile_resolution_matches_morecantile(z):
    assert tiles.tile_resolution(z) == pytest.approx(TMS.matrix(z).cellSize, rel=1e-12)


def test_zoom_for_resolution(rng):
    for res in np.exp(rng.uniform(np.log(0.01), np.log(1e5), 200)):
        z = tiles.zoom_for_resolution(float(res))
        assert tiles.tile_resolution(z) <= res * (1 + 1e-9) or z == 30
        assert z == 0 or tiles.tile_resolution(z - 1) > res


def test_tiles_for_geocontext_cover_the_area(rng):
    for _ in range(10):
        lon, lat = rng.uniform(-170, 160), rng.uniform(-70, 60)
        bounds = (lon, lat, lon + rng.uniform(0.05, 3), lat + rng.uniform(0.05, 3))
        zone_crs = f"EPSG:{32601 + int((lon + 180) // 6)}"
        ctx = GeoContext(bounds=bounds, crs=zone_crs, resolution=250.0)
        z = int(rng.integers(3, 11))
        found = tiles.tiles_for_geocontext(ctx, z)
        assert len(found) == len(set(found)) and all(t.z == z for t in found)
        west, south, east, north = rasterio.warp.transform_bounds(ctx.crs, "EPSG:4326", *ctx.projected_bounds)
        assert set(found) == set(TMS.tiles(west, south, east, north, [z]))
        # random points of the grid fall in returned tiles
        xs = rng.uniform(ctx.projected_bounds[0], ctx.projected_bounds[2], 300)
        ys = rng.uniform(ctx.projected_bounds[1], ctx.projected_bounds[3], 300)
        lons, lats = rasterio.warp.transform(ctx.crs, "EPSG:4326", xs, ys)
        assert {mercantile.tile(a, b, z) for a, b in zip(lons, lats)} <= set(found)


def test_tiles_for_whole_world_zoom_1():
    ctx = GeoContext.from_xyz_tile(0, 0, 0)
    assert sorted(tiles.tiles_for_geocontext(ctx, 1)) == sorted(mercantile.tiles(-180, -85, 180, 85, 1))
