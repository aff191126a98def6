"""CRS and geometry helpers against pyproj and rasterio."""

from __future__ import annotations

import numpy as np
import pyproj
import pytest
import rasterio.crs
import rasterio.warp
import shapely

from gpucompute.errors import GeoContextError
from gpucompute.geo import as_geometry, reproject_geometry, to_crs_string, transform_bounds, utm_crs, utm_zone


@pytest.mark.parametrize(
    "crs_like",
    [
        "EPSG:32610",
        "epsg:32610",
        32610,
        pyproj.CRS.from_epsg(32610),
        rasterio.crs.CRS.from_epsg(32610),
        "+proj=utm +zone=10 +datum=WGS84 +units=m +no_defs",
        pyproj.CRS.from_epsg(32610).to_wkt(),
        {"proj": "utm", "zone": 10, "datum": "WGS84", "units": "m"},
    ],
)
def test_to_crs_string_finds_the_authority(crs_like):
    assert to_crs_string(crs_like) == "EPSG:32610"


def test_to_crs_string_keeps_custom_definitions():
    custom = "+proj=aeqd +lat_0=10 +lon_0=20 +datum=WGS84 +units=m"
    assert to_crs_string(custom) == custom
    wkt = pyproj.CRS(custom).to_wkt()
    assert pyproj.CRS(to_crs_string(pyproj.CRS(custom))) == pyproj.CRS(wkt)
    assert to_crs_string("ESRI:54009") == "ESRI:54009"


@pytest.mark.parametrize("bad", ["EPSG:0", "garbage", None, True, 1.5, object()])
def test_to_crs_string_rejects(bad):
    with pytest.raises(GeoContextError):
        to_crs_string(bad)


def test_reproject_geometry_matches_pyproj(rng):
    lon, lat = rng.uniform(-120, -115), rng.uniform(30, 45)
    ring = np.column_stack([lon + rng.uniform(0, 1, 12), lat + rng.uniform(0, 1, 12)])
    poly = shapely.Polygon(ring).convex_hull
    out = reproject_geometry(shapely.geometry.mapping(poly), "EPSG:4326", "EPSG:32611")
    xs, ys = pyproj.Transformer.from_crs(4326, 32611, always_xy=True).transform(
        *np.asarray(poly.exterior.coords).T
    )
    np.testing.assert_allclose(np.asarray(out.exterior.coords), np.column_stack([xs, ys]), rtol=0, atol=1e-6)
    assert reproject_geometry(poly, "EPSG:4326", 4326) is poly
    back = reproject_geometry(out, "EPSG:32611", "EPSG:4326")
    np.testing.assert_allclose(np.asarray(back.exterior.coords), np.asarray(poly.exterior.coords), atol=1e-9)


def test_transform_bounds_matches_rasterio(rng):
    for _ in range(30):
        lon, lat = rng.uniform(-179, 170), rng.uniform(-75, 70)
        bounds = (lon, lat, lon + rng.uniform(0.01, 5), lat + rng.uniform(0.01, 5))
        dst = utm_crs(utm_zone(lon) * (1 if lat >= 0 else -1))
        ours = transform_bounds(bounds, "EPSG:4326", dst)
        theirs = rasterio.warp.transform_bounds("EPSG:4326", dst, *bounds, densify_pts=21)
        np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-3)
        back = transform_bounds(ours, dst, "EPSG:4326")
        assert back[0] <= bounds[0] + 1e-9 and back[2] >= bounds[2] - 1e-9
    assert transform_bounds([0, 1, 2, 3], "EPSG:3857", 3857) == (0.0, 1.0, 2.0, 3.0)


def test_utm_zone_against_pyproj(rng):
    for lon in rng.uniform(-180, 180, 200):
        zone = utm_zone(lon)
        crs = pyproj.CRS(utm_crs(zone))
        meridian = next(
            p.value for p in crs.coordinate_operation.params if p.name == "Longitude of natural origin"
        )
        assert abs(lon - meridian) <= 3 + 1e-9
    assert utm_crs(-33) == "EPSG:32733" and utm_crs(33) == "EPSG:32633"
    assert pyproj.CRS(utm_crs(-33)).utm_zone == "33S"
    for bad in (0, 61, -61, 1.0, True):
        with pytest.raises(GeoContextError):
            utm_crs(bad)


def test_as_geometry_kinds():
    poly = shapely.box(0, 0, 1, 1)
    assert as_geometry(poly) is poly
    assert as_geometry({"type": "Feature", "geometry": shapely.geometry.mapping(poly)}).equals(poly)
    with pytest.raises(GeoContextError):
        as_geometry([0, 0, 1, 1])
