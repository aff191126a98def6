"""Computing the vector types, GeoContext and Kernel, against shapely and gpucompute.geo on random input."""

from __future__ import annotations

import json

import numpy as np
import pytest
import shapely.geometry

from gpucompute import geo
from gpucompute.errors import ComputeError, NotFoundError
from gpucompute.execution.results_vector import (
    FeatureCollectionResult,
    FeatureResult,
    GeometryCollectionResult,
    GeometryResult,
)
from gpucompute.types.feature import Feature, FeatureCollection, load_geojson
from gpucompute.types.geocontext import GeoContext
from gpucompute.types.geometry import Geometry, GeometryCollection
from gpucompute.types.kernel import Kernel
from gpucompute.types.primitives import Float, Int

RNG = np.random.default_rng(20240611)


def _random_shapes(n: int = 4) -> list:
    shapes = []
    for _ in range(n):
        pts = RNG.uniform(-10, 10, size=(8, 2))
        shapes += [
            shapely.geometry.MultiPoint(pts).convex_hull,  # a random polygon
            shapely.geometry.Point(pts[0]),
            shapely.geometry.LineString(pts[:3]),
        ]
    return shapes


SHAPES = _random_shapes()


def _same(a, b, tol=1e-9):
    return a.geom_type == b.geom_type and a.symmetric_difference(b).area <= tol * max(1.0, a.area)


@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: s.geom_type)
def test_geometry_round_trip_and_buffer_match_shapely(shape):
    dist = float(RNG.uniform(0.1, 2.0))
    proxy = Geometry.from_geo_interface(shape)
    result = proxy.compute()
    assert isinstance(result, GeometryResult) and result.shapely().equals(shape)
    assert result.__geo_interface__["type"] == shape.geom_type
    assert _same(proxy.buffer(dist).compute().shapely(), shape.buffer(dist))
    assert proxy.type.compute() == shape.geom_type


def test_feature_buffer_keeps_properties():
    shape = SHAPES[0]
    props = {"name": "a", "n": 3, "xs": [1, 2]}
    feat = Feature(shape, props)
    out = feat.buffer(-0.5).compute()
    assert isinstance(out, FeatureResult) and out.properties == props
    assert _same(out.shapely(), shape.buffer(-0.5))
    assert feat.properties.compute() == props
    assert feat.geometry.compute().shapely().equals(shape)


def test_geometry_collection_buffer_and_collection_methods():
    coll = GeometryCollection(SHAPES)
    out = coll.compute()
    assert isinstance(out, GeometryCollectionResult)
    assert all(a.equals(b) for a, b in zip(out.shapely().geoms, SHAPES))
    expected = shapely.geometry.GeometryCollection(SHAPES).buffer(0.3)
    assert _same(coll.buffer(0.3).compute().shapely(), expected)
    assert coll.length().compute() == len(SHAPES)
    assert coll.geometries.compute() == out.geometries
    assert coll.type.compute() == "GeometryCollection"
    polys = coll.filter(lambda g: g.type == "Polygon").compute()
    assert [g.shapely().area for g in polys.geometries] == [s.area for s in SHAPES if s.geom_type == "Polygon"]
    grown = coll.map(lambda g: g.buffer(1.0)).compute()
    assert all(_same(a.shapely(), s.buffer(1.0)) for a, s in zip(grown.geometries, SHAPES))
    assert coll.contains(shapely.geometry.mapping(SHAPES[1])).compute() is True


def _features():
    return [{"type": "Feature", "geometry": shapely.geometry.mapping(s), "properties": {"i": i, "v": float(RNG.random())}}
            for i, s in enumerate(SHAPES)]


def test_feature_collection_methods_match_python():
    feats = _features()
    fc = FeatureCollection.from_geojson({"type": "FeatureCollection", "features": feats})
    out = fc.compute()
    assert isinstance(out, FeatureCollectionResult) and len(out.features) == len(feats)
    assert [f.properties for f in out.features] == [f["properties"] for f in feats]
    assert fc.length().compute() == len(feats)
    kept = fc.filter(lambda f: f.properties["i"].cast(Int) % 2 == 0).compute()
    assert [f.properties["i"] for f in kept.features] == [f["properties"]["i"] for f in feats if f["properties"]["i"] % 2 == 0]
    ordered = fc.sorted(lambda f: f.properties["v"].cast(Float), reverse=True).compute()
    assert [f.properties["v"] for f in ordered.features] == sorted((f["properties"]["v"] for f in feats), reverse=True)
    total = fc.map(lambda f: f.properties["v"].cast(Float)).reduce(lambda a, b: a + b).compute()
    assert total == pytest.approx(sum(f["properties"]["v"] for f in feats))
    count = fc.reduce(lambda acc, f: acc + 1, initial=0).compute()
    assert count == len(feats)
    grown = fc.map(lambda f: f.buffer(0.25)).compute()
    assert all(_same(g.shapely(), s.buffer(0.25)) for g, s in zip(grown.features, SHAPES))
    assert fc.contains(feats[2]).compute() is True
    assert len(fc.features.compute()) == len(feats)


def test_load_geojson_computes_back_to_the_input():
    feats = _features()
    for data in (
        {"type": "FeatureCollection", "features": feats},
        feats[0],
        {"type": "GeometryCollection", "geometries": [f["geometry"] for f in feats]},
        feats[1]["geometry"],
    ):
        assert json.loads(json.dumps(load_geojson(data).compute().__geo_interface__)) == json.loads(json.dumps(data))


def test_json_round_trip_of_the_graft_computes_the_same():
    fc = FeatureCollection(_features()).map(lambda f: f.buffer(0.5))
    copy = FeatureCollection._from_graft(json.loads(json.dumps(fc.graft)))
    assert copy.compute() == fc.compute()


def test_vector_store_lookup_is_not_found():
    with pytest.raises(NotFoundError):
        FeatureCollection.from_vector_id("no-such-table").compute()


def test_kernel_computes_dims_and_data():
    data = RNG.normal(size=6).tolist()
    assert Kernel((2, 3), data).compute() == {"dims": (2, 3), "data": data}
    k = Kernel((3, 1), [1, 2, 3])
    assert k.dims.compute() == (3, 1) and k.data.compute() == [1.0, 2.0, 3.0]


def test_kernel_with_lazy_dims_checks_at_compute():
    with pytest.raises(ComputeError):
        Kernel((Int(2), Int(2)), [1.0]).compute()


# -- GeoContext ---------------------------------------------------------------------------------
def _random_contexts():
    out = []
    for _ in range(3):
        x0, y0 = RNG.uniform(-120, 120), RNG.uniform(-60, 60)
        box = shapely.geometry.box(x0, y0, x0 + RNG.uniform(0.01, 0.2), y0 + RNG.uniform(0.01, 0.2))
        out.append({"geometry": shapely.geometry.mapping(box), "resolution": float(RNG.uniform(20, 200)),
                        "crs": geo.utm_crs(geo.utm_zone(x0))})
        out.append({"bounds": box.bounds, "shape": (int(RNG.integers(5, 40)), int(RNG.integers(5, 40))),
                        "crs": "EPSG:3857", "align_pixels": False, "all_touched": True})
    return out


FIELDS = ["resolution", "crs", "align_pixels", "bounds", "bounds_crs", "shape", "all_touched"]


@pytest.mark.parametrize("kwargs", _random_contexts())
def test_geocontext_proxy_matches_the_value(kwargs):
    value = geo.GeoContext(**kwargs)
    proxy = GeoContext(**kwargs)
    assert proxy.compute() == value.to_dict()
    assert tuple(proxy.arr_shape.compute()) == value.arr_shape
    assert tuple(proxy.gdal_geotrans.compute()) == pytest.approx(value.gdal_geotrans)
    assert tuple(proxy.projected_bounds.compute()) == pytest.approx(value.projected_bounds)
    for name in FIELDS:
        got = getattr(proxy, name).compute()
        want = getattr(value, name)
        assert (tuple(got) if isinstance(got, (list, tuple)) else got) == want, name
    geom = proxy.geometry.compute()
    assert (geom is None) if value.geometry is None else geom.shapely().equals(value.geometry)
    row, col = (int(v) for v in RNG.integers(0, 5, size=2))
    assert proxy.index_to_coords(row, col).compute() == pytest.approx(value.index_to_coords(row, col))
    x, y = value.index_to_coords(row + 0.5, col + 0.5)
    assert proxy.coords_to_index(x, y).compute() == value.coords_to_index(x, y) == (row, col)
    assert GeoContext._promote(value).compute() == value.to_dict()


def test_geocontext_tiles_match_the_value():
    key = "512:0:10.0:36:-65:216"
    assert GeoContext.from_dltile_key(key).compute() == geo.GeoContext.from_dltile_key(key).to_dict()
    assert GeoContext.from_scenes(geo.DLTile(key)).compute() == geo.DLTile(key).to_dict()
    x, y, z = 163, 395, 10
    want = geo.GeoContext.from_xyz_tile(x, y, z, all_touched=True)
    assert GeoContext.from_xyz_tile(x, y, z, all_touched=True).compute() == want.to_dict()
    assert GeoContext.from_scenes(want).compute() == want.to_dict()


def test_geocontext_with_lazy_fields_computes_like_the_value():
    value = geo.GeoContext(bounds=(0, 0, 1000, 500), bounds_crs="EPSG:32610", crs="EPSG:32610", resolution=10)
    proxy = GeoContext(bounds=(0.0, 0.0, 1000.0, 500.0), bounds_crs="EPSG:32610", crs="EPSG:32610",
                       resolution=Float(5.0) * 2)
    assert proxy.compute() == value.to_dict()
