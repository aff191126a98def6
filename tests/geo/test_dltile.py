"""DLTile keys, from_latlon and iter_from_shape, checked with pyproj and shapely."""

from __future__ import annotations

import pickle

import numpy as np
import pyproj
import pytest
import shapely

from gpucompute.geo import DLTile, GeoContext


def central_meridian(crs: str) -> float:
    params = pyproj.CRS(crs).coordinate_operation.params
    return next(p.value for p in params if p.name == "Longitude of natural origin")


def test_seed_from_latlon():
    tile = DLTile.from_latlon(10, 30, resolution=10, tilesize=512, pad=0)
    assert tile.key == "512:0:10.0:36:-65:216"
    assert tile == GeoContext.from_dltile_key("512:0:10.0:36:-65:216")
    assert (tile.tilesize, tile.pad, tile.zone, tile.ti, tile.tj) == (512, 0, 36, -65, 216)


def test_from_latlon_tile_contains_the_point(rng):
    for _ in range(60):
        lat, lon = float(rng.uniform(-79, 83)), float(rng.uniform(-180, 180))
        res = float(rng.choice([0.5, 10.0, 30.0, 60.0, 120.0]))
        tilesize, pad = int(rng.integers(16, 2049)), int(rng.integers(0, 33))
        tile = DLTile.from_latlon(lat, lon, res, tilesize, pad)
        crs = pyproj.CRS(tile.crs)
        assert crs.utm_zone == f"{abs(tile.zone)}{'N' if lat >= 0 else 'S'}"
        assert abs((lon - central_meridian(tile.crs) + 180) % 360 - 180) <= 3 + 1e-9
        x, y = pyproj.Transformer.from_crs("EPSG:4326", crs, always_xy=True).transform(lon, lat)
        left, bottom, right, top = tile.projected_bounds
        core = (left + pad * res, bottom + pad * res, right - pad * res, top - pad * res)
        assert core[0] <= x < core[2] and core[1] <= y < core[3]
        assert core[2] - core[0] == pytest.approx(tilesize * res) and core[3] - core[1] == pytest.approx(
            tilesize * res
        )
        row, col = tile.coords_to_index(x, y)
        assert pad <= row < pad + tilesize and pad <= col < pad + tilesize
        assert tile.arr_shape == (tilesize + 2 * pad,) * 2 and tile.resolution == res
        assert tile.geometry.buffer(1e-7).contains(shapely.Point(lon, lat))
        assert DLTile.from_key(tile.key) == tile and DLTile.from_key(tile.key).key == tile.key


def test_south_and_negative_indices():
    tile = DLTile.from_key("256:8:30.0:-33:-4:-12")
    assert tile.crs == "EPSG:32733" and tile.zone == -33
    # lower-left core corner: false easting + ti * size, false northing + tj * size
    size = 256 * 30.0
    assert tile.projected_bounds == (
        500000 - 4 * size - 8 * 30.0,
        10_000_000 - 12 * size - 8 * 30.0,
        500000 - 3 * size + 8 * 30.0,
        10_000_000 - 11 * size + 8 * 30.0,
    )
    lon, lat = tile.geometry.centroid.coords[0]
    assert lat < 0 and DLTile.from_latlon(lat, lon, 30.0, 256, 8) == tile


def test_tile_pickle_dict_and_identity():
    tile = DLTile.from_key("2048:16:30.0:16:-4:81", all_touched=True)
    again = pickle.loads(pickle.dumps(tile))
    assert type(again) is DLTile and again == tile and again.all_touched
    data = tile.to_dict()
    assert data["key"] == tile.key
    assert GeoContext.from_dict(data) == tile
    assert isinstance(tile, GeoContext) and repr(tile) == "DLTile('2048:16:30.0:16:-4:81')"


@pytest.mark.parametrize(
    "bounds",
    [
        (5.7, 45.1, 6.3, 45.5),  # crosses the zone 31 / 32 boundary at 6 degrees east
        (-60.2, -0.15, -59.9, 0.12),  # crosses the equator
        (100.0, 20.0, 100.4, 20.2),
    ],
)
def test_iter_from_shape_covers_geometry(rng, bounds):
    geom = shapely.box(*bounds).buffer(0.02, quad_segs=4)
    res, tilesize = 60.0, 128
    keys = list(DLTile.iter_from_shape(geom, res, tilesize, 0, keys_only=True))
    assert len(keys) == len(set(keys)) and all(isinstance(k, str) for k in keys)
    # every point of the geometry lies in a yielded tile
    minx, miny, maxx, maxy = geom.bounds
    points = shapely.points(rng.uniform(minx, maxx, 600), rng.uniform(miny, maxy, 600))
    for point in points[shapely.contains(geom, points)]:
        assert DLTile.from_latlon(point.y, point.x, res, tilesize, 0).key in keys
    # and every yielded tile touches the geometry
    for key in keys:
        assert DLTile.from_key(key).geometry.buffer(1e-6).intersects(geom)
    tiles = DLTile.from_shape(geom, res, tilesize, 0)
    assert [t.key for t in tiles] == keys and all(isinstance(t, DLTile) for t in tiles)


def test_iter_from_shape_is_lazy():
    world = shapely.box(-179, -80, 179, 80)
    first = next(iter(DLTile.iter_from_shape(world, 10.0, 512, 0, keys_only=True)))
    assert isinstance(first, str) and np.isfinite(GeoContext.from_dltile_key(first).resolution)
