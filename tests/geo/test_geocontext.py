"""GeoContext: seed numbers, grids against rasterio, pixel conversions, value semantics."""

from __future__ import annotations

import dataclasses
import json
import pickle

import numpy as np
import pytest
import rasterio.transform
import rasterio.warp
import shapely
from affine import Affine
from rasterio.crs import CRS as RioCRS

from gpucompute.geo import DLTile, GeoContext

# rasterio.transform builds its Affines with the `*` operator that affine now flags
pytestmark = pytest.mark.filterwarnings("ignore:Use `@` matmul:PendingDeprecationWarning")

SEED_KEY = "512:0:10.0:36:-65:216"
UTM = ["EPSG:32610", "EPSG:32636", "EPSG:32733", "EPSG:3857"]


def random_bounds(rng, scale=1e5):
    left, bottom = rng.uniform(-scale, scale, 2)
    width, height = rng.uniform(scale / 100, scale, 2)
    return (left, bottom, left + width, bottom + height)


def close(a, b, atol=1e-6):
    return np.allclose(np.asarray(a, float), np.asarray(b, float), rtol=1e-12, atol=atol)


# ---- numbers quoted from the Workflows GeoContext documentation (seed) ------------------
def test_seed_dltile_key():
    ctx = GeoContext.from_dltile_key(SEED_KEY)
    assert ctx.crs == "EPSG:32636"
    assert ctx.projected_bounds == (167200.0, 1105920.0, 172320.0, 1111040.0)
    assert ctx.bounds == (167200.0, 1105920.0, 172320.0, 1111040.0)
    assert ctx.bounds_crs == "EPSG:32636"
    assert ctx.gdal_geotrans == (167200.0, 10.0, 0.0, 1111040.0, 0.0, -10.0)
    assert ctx.arr_shape == (512, 512)
    assert ctx.resolution == 10.0
    assert ctx.align_pixels is False
    assert ctx.coords_to_index(x=167220.0, y=1111000.0) == (4, 2)
    assert ctx.index_to_coords(row=4, col=2) == (167220.0, 1111000.0)
    seed_corners = [
        (29.964809031113013, 9.990748782946097),
        (30.011460043000678, 9.991170922969406),
        (30.011036444452188, 10.03741571582387),
        (29.964378844777645, 10.036991583007385),
    ]
    vertices = np.asarray(ctx.geometry.exterior.coords)
    for corner in seed_corners:
        assert np.min(np.hypot(*(vertices - corner).T)) < 1e-9


def test_seed_xyz_tile():
    ctx = GeoContext.from_xyz_tile(1, 2, 3)
    assert ctx.crs == "EPSG:3857"
    assert ctx.arr_shape == (256, 256)
    assert close(ctx.geometry.bounds, (-135.0, 40.97989806962013, -90.0, 66.51326044311186), atol=1e-12)


# ---- grids against rasterio ---------------------------------------------------------------
@pytest.mark.parametrize("crs", UTM)
def test_resolution_grid_matches_rasterio(rng, crs):
    for _ in range(50):
        bounds = random_bounds(rng)
        res = float(rng.uniform(0.5, 500))
        ctx = GeoContext.from_bounds(bounds, crs, resolution=res)
        expected = rasterio.transform.from_origin(bounds[0], bounds[3], res, res)
        assert ctx.transform.almost_equals(expected, precision=1e-9)
        rows, cols = rasterio.transform.rowcol(expected, bounds[2], bounds[1], op=round)
        assert ctx.arr_shape == (max(1, rows), max(1, cols))
        assert close(ctx.projected_bounds, rasterio.transform.array_bounds(*ctx.arr_shape, ctx.transform))
        assert ctx.gdal_geotrans == ctx.transform.to_gdal()


def test_shape_grid_matches_rasterio_from_bounds(rng):
    for _ in range(50):
        rows, cols = (int(v) for v in rng.integers(1, 2000, 2))
        res = float(rng.uniform(0.5, 100))
        left, bottom = rng.uniform(-1e5, 1e5, 2)
        bounds = (left, bottom, left + cols * res, bottom + rows * res)
        ctx = GeoContext.from_bounds(bounds, "EPSG:32610", shape=(rows, cols))
        expected = rasterio.transform.from_bounds(*bounds, width=cols, height=rows)
        assert ctx.arr_shape == (rows, cols)
        assert ctx.transform.almost_equals(expected, precision=1e-9)
        assert abs(ctx.resolution - res) <= 1e-9 * res
        assert ctx.shape == (rows, cols)


def test_shape_fits_within(rng):
    for _ in range(50):
        bounds = random_bounds(rng)
        shape = tuple(int(v) for v in rng.integers(1, 1000, 2))
        ctx = GeoContext.from_bounds(bounds, "EPSG:32610", shape=shape)
        width, height = bounds[2] - bounds[0], bounds[3] - bounds[1]
        assert ctx.resolution == pytest.approx(max(width / shape[1], height / shape[0]), rel=1e-12)
        assert ctx.arr_shape[0] <= shape[0] and ctx.arr_shape[1] <= shape[1]
        assert shape[0] in (ctx.arr_shape[0],) or shape[1] in (ctx.arr_shape[1],)
        expected = rasterio.transform.from_origin(bounds[0], bounds[3], ctx.resolution, ctx.resolution)
        assert ctx.transform.almost_equals(expected, precision=1e-9)


def test_align_pixels_matches_rasterio_aligned_target(rng):
    for _ in range(100):
        bounds = random_bounds(rng)
        res = float(rng.choice([1.0, 10.0, 30.0, 0.25, float(rng.uniform(1, 100))]))
        ctx = GeoContext.from_bounds(bounds, "EPSG:32610", resolution=res, align_pixels=True)
        one_pixel = Affine(bounds[2] - bounds[0], 0, bounds[0], 0, bounds[1] - bounds[3], bounds[3])
        transform, width, height = rasterio.warp.aligned_target(one_pixel, 1, 1, res)
        assert ctx.transform.almost_equals(transform, precision=1e-6)
        # rasterio takes ceil of a float ratio, which float noise can push up by one
        assert height - 1 <= ctx.arr_shape[0] <= height and width - 1 <= ctx.arr_shape[1] <= width
        left, bottom, right, top = ctx.projected_bounds
        assert left <= bounds[0] < left + res and right - res < bounds[2] <= right + 1e-9
        assert bottom <= bounds[1] < bottom + res and top - res < bounds[3] <= top + 1e-9
        again = GeoContext.from_bounds(ctx.projected_bounds, "EPSG:32610", resolution=res, align_pixels=True)
        assert again.arr_shape == ctx.arr_shape and close(again.projected_bounds, ctx.projected_bounds)


def test_bounds_crs_reprojected_like_rasterio(rng):
    for _ in range(20):
        lon, lat = rng.uniform(-120, -118), rng.uniform(30, 45)
        bounds = (lon, lat, lon + rng.uniform(0.01, 1), lat + rng.uniform(0.01, 1))
        ctx = GeoContext(
            bounds=bounds, bounds_crs="EPSG:4326", crs="EPSG:32611", resolution=30.0, align_pixels=False
        )
        left, bottom, right, top = rasterio.warp.transform_bounds(
            "EPSG:4326", "EPSG:32611", *bounds, densify_pts=21
        )
        assert close(ctx.transform.c, left, atol=1e-3) and close(ctx.transform.f, top, atol=1e-3)
        rows, cols = ctx.arr_shape
        assert abs(cols * 30.0 - (right - left)) <= 15.0 + 1e-3
        assert abs(rows * 30.0 - (top - bottom)) <= 15.0 + 1e-3


def test_geometry_only_and_input_kinds():
    poly = shapely.box(10.0, 45.0, 10.5, 45.2)

    class GeoObj:
        __geo_interface__ = shapely.geometry.mapping(poly)

    feature = {"type": "Feature", "geometry": shapely.geometry.mapping(poly), "properties": {}}
    contexts = [
        GeoContext(geometry=g, resolution=100.0, crs="EPSG:32632")
        for g in (poly, shapely.geometry.mapping(poly), GeoObj(), feature)
    ]
    assert all(c == contexts[0] for c in contexts)
    ctx = contexts[0]
    assert ctx.bounds == poly.bounds and ctx.bounds_crs == "EPSG:4326"
    assert shapely.geometry.shape(ctx.__geo_interface__).equals(poly)
    projected = ctx.projected_geometry
    assert shapely.box(*ctx.projected_bounds).buffer(1e-6).contains(projected)


def test_crs_normalised():
    proj4 = "+proj=utm +zone=36 +datum=WGS84 +units=m +no_defs"
    for crs in (proj4, 32636, RioCRS.from_epsg(32636), "epsg:32636"):
        assert GeoContext.from_bounds((0, 0, 100, 100), crs, resolution=10).crs == "EPSG:32636"
    custom = "+proj=aeqd +lat_0=10 +lon_0=20 +datum=WGS84 +units=m"
    assert GeoContext.from_bounds((0, 0, 100, 100), custom, resolution=10).crs == custom


# ---- pixel <-> coordinates ------------------------------------------------------------
def test_coords_to_index_matches_rasterio_rowcol(rng):
    ctx = GeoContext.from_bounds(random_bounds(rng), "EPSG:32610", resolution=float(rng.uniform(1, 50)))
    left, bottom, right, top = ctx.projected_bounds
    xs = rng.uniform(left - 500, right + 500, 1000)
    ys = rng.uniform(bottom - 500, top + 500, 1000)
    rows, cols = ctx.coords_to_index(xs, ys)
    erows, ecols = rasterio.transform.rowcol(ctx.transform, xs, ys)
    np.testing.assert_array_equal(rows, erows)
    np.testing.assert_array_equal(cols, ecols)
    row, col = ctx.coords_to_index(float(xs[0]), float(ys[0]))
    assert (row, col) == (int(erows[0]), int(ecols[0])) and isinstance(row, int)


@pytest.mark.parametrize("offset", ["ul", "center", "lr"])
def test_index_to_coords_matches_rasterio_xy(rng, offset):
    ctx = GeoContext.from_bounds(random_bounds(rng), "EPSG:32610", resolution=float(rng.uniform(1, 50)))
    rows = rng.integers(-5, ctx.arr_shape[0] + 5, 500)
    cols = rng.integers(-5, ctx.arr_shape[1] + 5, 500)
    xs, ys = ctx.index_to_coords(rows, cols, offset=offset)
    exs, eys = rasterio.transform.xy(ctx.transform, rows, cols, offset=offset)
    assert close(xs, exs) and close(ys, eys)
    x, y = ctx.index_to_coords(int(rows[0]), int(cols[0]), offset=offset)
    assert isinstance(x, float) and close((x, y), (exs[0], eys[0]))
    back_rows, back_cols = ctx.coords_to_index(*ctx.index_to_coords(rows, cols, offset="center"))
    np.testing.assert_array_equal(back_rows, rows)
    np.testing.assert_array_equal(back_cols, cols)


# ---- value semantics -----------------------------------------------------------------
def test_frozen():
    ctx = GeoContext.from_dltile_key(SEED_KEY)
    for name, value in (("resolution", 5.0), ("crs", "EPSG:4326"), ("new_attr", 1)):
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(ctx, name, value)
    with pytest.raises(dataclasses.FrozenInstanceError):
        del ctx.crs
    assert ctx.resolution == 10.0


def test_equality_and_hash(rng):
    bounds = random_bounds(rng)
    a = GeoContext.from_bounds(bounds, "EPSG:32610", resolution=10.0)
    b = GeoContext.from_bounds(list(bounds), 32610, resolution=10)
    c = GeoContext.from_bounds(bounds, "EPSG:32610", resolution=20.0)
    assert a == b and hash(a) == hash(b)
    assert a != c and a != "not a context"
    assert len({a, b, c}) == 2
    tile = DLTile.from_key(SEED_KEY)
    assert tile == GeoContext.from_dict(tile.to_dict()) and hash(tile) == hash(
        GeoContext.from_dict(tile.to_dict())
    )
    assert GeoContext.from_dltile_key(SEED_KEY, all_touched=True) != tile


@pytest.mark.parametrize(
    "make",
    [
        lambda: GeoContext.from_dltile_key(SEED_KEY),
        lambda: GeoContext.from_xyz_tile(5, 10, 5, all_touched=True),
        lambda: GeoContext(geometry=shapely.box(1, 2, 1.5, 2.5), resolution=50.0, crs="EPSG:32631"),
        lambda: GeoContext.from_bounds((0, 0, 1000, 700), "EPSG:32610", shape=(7, 11), align_pixels=True),
        lambda: GeoContext.from_bounds((-1, 50, 1, 51), "EPSG:3035", bounds_crs="EPSG:4326", resolution=100),
    ],
)
def test_to_dict_round_trip(make):
    ctx = make()
    data = json.loads(json.dumps(ctx.to_dict()))
    again = GeoContext.from_dict(data)
    assert again == ctx and hash(again) == hash(ctx)
    assert again.arr_shape == ctx.arr_shape and again.transform == ctx.transform
    assert data["arr_shape"] == list(ctx.arr_shape)
    assert pickle.loads(pickle.dumps(ctx)) == ctx
    assert type(pickle.loads(pickle.dumps(ctx))) is type(ctx)


def test_replace():
    ctx = GeoContext.from_dltile_key(SEED_KEY)
    coarse = ctx.replace(resolution=20.0)
    assert type(coarse) is GeoContext and coarse.arr_shape == (256, 256) and coarse.shape is None
    assert ctx.arr_shape == (512, 512)
    resized = ctx.assign(shape=(128, 128))
    assert resized.resolution == 40.0 and resized.arr_shape == (128, 128)
    assert ctx.replace() == ctx
    moved = GeoContext(geometry=shapely.box(0, 0, 1, 1), resolution=1000.0, crs="EPSG:32631")
    other = moved.replace(geometry=shapely.box(2, 2, 3, 3))
    assert other.bounds == (2.0, 2.0, 3.0, 3.0)
