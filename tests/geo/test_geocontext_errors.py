"""Every invalid GeoContext / tile input raises GeoContextError at construction time."""

from __future__ import annotations

import math

import pytest
import shapely

from gpucompute.errors import GeoContextError
from gpucompute.geo import DLTile, GeoContext

BOX = shapely.box(10.0, 45.0, 10.5, 45.2)
GOOD = {"geometry": BOX, "resolution": 100.0, "crs": "EPSG:32632"}


def build(**changes):
    return GeoContext(**{**GOOD, **changes})


def test_good_baseline_builds():
    assert build().arr_shape[0] > 0


@pytest.mark.parametrize("crs", ["EPSG:99999999", "not a crs", "+proj=nonsense", None, True, 3.5])
def test_bad_crs(crs):
    with pytest.raises(GeoContextError):
        build(crs=crs)


@pytest.mark.parametrize("resolution", [0, -10.0, math.nan, math.inf, "10", True, [10]])
def test_bad_resolution(resolution):
    with pytest.raises(GeoContextError) as info:
        build(resolution=resolution)
    assert repr(resolution) in str(info.value)


@pytest.mark.parametrize(
    "bounds",
    [
        (10, 0, 0, 10),  # inverted x
        (0, 10, 10, 0),  # inverted y
        (0, 0, 0, 10),  # degenerate
        (0, 0, 10),
        (0, 0, math.nan, 10),
        ("0", 0, 10, 10),
        "0 0 10 10",
        None.__class__,
    ],
)
def test_bad_bounds(bounds):
    with pytest.raises(GeoContextError):
        GeoContext.from_bounds(bounds, "EPSG:32610", resolution=10)


def test_geographic_bounds_out_of_range():
    with pytest.raises(GeoContextError):
        GeoContext(bounds=(0, 80, 1, 95), bounds_crs="EPSG:4326", crs="EPSG:4326", resolution=0.1)


def test_bounds_that_cannot_be_projected():
    with pytest.raises(GeoContextError):
        # the far side of the globe has no image in an orthographic projection centred on (0, 0)
        GeoContext(bounds=(170, 0, 175, 5), crs="+proj=ortho +lat_0=0 +lon_0=0 +datum=WGS84", resolution=10)


def test_neither_resolution_nor_shape():
    with pytest.raises(GeoContextError, match="resolution"):
        build(resolution=None)


@pytest.mark.parametrize("shape", [(0, 10), (-1, 5), (2.5, 3), (10,), (1, 2, 3), "ab", (True, 3), 7])
def test_bad_shape(shape):
    with pytest.raises(GeoContextError):
        build(resolution=None, shape=shape)


def test_shape_and_resolution_disagree():
    with pytest.raises(GeoContextError, match="disagree"):
        GeoContext.from_bounds((0, 0, 100, 100), "EPSG:32610", resolution=10, shape=(10, 11))
    # agreeing values are fine, including within the relative tolerance
    ok = GeoContext.from_bounds((0, 0, 100, 100), "EPSG:32610", resolution=10 * (1 + 1e-8), shape=(10, 10))
    assert ok.arr_shape == (10, 10)


@pytest.mark.parametrize(
    "geometry",
    [
        shapely.Point(10, 45),
        shapely.LineString([(10, 45), (11, 46)]),
        shapely.Polygon(),
        shapely.Polygon([(10, 45), (11, 45), (12, 45), (10, 45)]),  # zero area
        shapely.box(500000, 4000000, 510000, 4010000),  # projected, not lon/lat
        {"type": "Polygon", "coordinates": "nope"},
        {"type": "Nonsense"},
        {"coordinates": [1, 2]},
        {"type": "Polygon"},
        42,
        "POLYGON ((0 0, 1 0, 1 1, 0 0))",
    ],
)
def test_bad_geometry(geometry):
    with pytest.raises(GeoContextError):
        build(geometry=geometry)


def test_no_area_at_all():
    with pytest.raises(GeoContextError):
        GeoContext(resolution=10.0, crs="EPSG:32610")


@pytest.mark.parametrize("name", ["align_pixels", "all_touched"])
@pytest.mark.parametrize("value", ["yes", 1, None])
def test_bad_flags(name, value):
    with pytest.raises(GeoContextError):
        build(**{name: value})


@pytest.mark.parametrize(
    "xyz", [(0, 0, -1), (8, 0, 3), (0, 8, 3), (-1, 0, 3), (0, -1, 3), (1.5, 0, 3), (0, 0, 31), ("1", 0, 1)]
)
def test_bad_xyz(xyz):
    with pytest.raises(GeoContextError):
        GeoContext.from_xyz_tile(*xyz)


@pytest.mark.parametrize(
    "key",
    [
        "",
        "512:0:10.0:36:-65",
        "512:0:10.0:36:-65:216:1",
        "a:0:10.0:36:-65:216",
        "512:0:-10.0:36:-65:216",
        "512:0:nan:36:-65:216",
        "512:0:10.0:61:-65:216",
        "512:0:10.0:0:-65:216",
        "0:0:10.0:36:-65:216",
        "512:-1:10.0:36:-65:216",
        "512:0:10.0:36:1.5:216",
        5,
        None,
    ],
)
def test_bad_dltile_keys(key):
    with pytest.raises(GeoContextError):
        GeoContext.from_dltile_key(key)
    with pytest.raises(GeoContextError):
        DLTile.from_key(key)


@pytest.mark.parametrize(
    "args",
    [
        (95, 10, 10, 512, 0),
        (math.nan, 10, 10, 512, 0),
        (10, math.inf, 10, 512, 0),
        (10, 10, 0, 512, 0),
        (10, 10, 10, 0, 0),
        (10, 10, 10, 512, -1),
        (10, 10, 10, 512.0, 0),
    ],
)
def test_bad_from_latlon(args):
    with pytest.raises(GeoContextError):
        DLTile.from_latlon(*args)


def test_bad_iter_from_shape():
    with pytest.raises(GeoContextError):
        list(DLTile.iter_from_shape(shapely.Polygon(), 10, 512, 0))
    with pytest.raises(GeoContextError):
        list(DLTile.iter_from_shape(BOX, -10, 512, 0))


def test_bad_replace_and_dict():
    ctx = build()
    with pytest.raises(GeoContextError, match="colour"):
        ctx.replace(colour="red")
    with pytest.raises(GeoContextError):
        ctx.replace(resolution=-1)
    with pytest.raises(GeoContextError, match="extra"):
        GeoContext.from_dict({**ctx.to_dict(), "extra": 1})
    with pytest.raises(GeoContextError):
        GeoContext.from_dict([("crs", "EPSG:4326")])


def test_bad_offset():
    with pytest.raises(GeoContextError, match="offset"):
        build().index_to_coords(0, 0, offset="middle")


def test_errors_are_value_errors():
    with pytest.raises(ValueError):
        build(resolution=-1)
