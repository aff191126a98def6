"""Vector proxies, GeoContext and Kernel: member tables, graft shapes, build-time errors.

Member lists are transcribed once from workflows-api-geospatial.txt (the seed
classes' "Methods" and "Attributes"), minus ``rasterize`` (returns an Image,
not built yet) and ``publish`` (no proxy has it).
"""

from __future__ import annotations

import json

import pytest
import shapely.geometry

from gpucompute.errors import GeoContextError, ProxyTypeError
from gpucompute.graft.client import consistent_guid
from gpucompute.types.containers import List
from gpucompute.types.feature import (
    Feature,
    FeatureCollection,
    load_geojson,
    load_geojson_file,
)
from gpucompute.types.geocontext import GeoContext
from gpucompute.types.geometry import Geometry, GeometryCollection
from gpucompute.types.kernel import Kernel
from gpucompute.types.primitives import Str

COMMON = {"compute", "inspect", "publish", "graft", "params"}  # publish: on every proxy, as in the original
COLLECTION = {"map", "filter", "reduce", "sorted", "length", "contains"}

# (methods, fields) per seed class
REFERENCE = {
    Geometry: ({"buffer", "from_geo_interface", "from_geojson", "rasterize"}, {"type", "coordinates"}),
    GeometryCollection: ({"buffer", "from_geojson", "rasterize"} | COLLECTION, {"type", "geometries"}),
    Feature: ({"buffer", "from_geojson", "rasterize"}, {"geometry", "properties"}),
    FeatureCollection: ({"from_geojson", "from_vector_id", "rasterize"} | COLLECTION, {"features"}),
    GeoContext: (
        {"coords_to_index", "from_dltile_key", "from_scenes", "from_xyz_tile", "index_to_coords"},
        {"align_pixels", "all_touched", "arr_shape", "bounds", "bounds_crs", "crs", "gdal_geotrans", "geometry",
         "projected_bounds", "resolution", "shape"},
    ),
    Kernel: (set(), {"data", "dims"}),
}

POINT = {"type": "Point", "coordinates": [1.0, 2.0]}
SQUARE = {"type": "Polygon", "coordinates": [[[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0], [0.0, 0.0]]]}


@pytest.mark.parametrize("cls", list(REFERENCE), ids=lambda c: c.__name__)
def test_members_match_the_seed(cls):
    methods, fields = REFERENCE[cls]
    assert {n for n in dir(cls) if not n.startswith("_")} == methods | COMMON
    assert set(cls._fields()) == fields


def test_geocontext_read_only_fields():
    assert GeoContext._read_only == {"arr_shape", "gdal_geotrans", "projected_bounds"}


def _root(proxy):
    graft = proxy.graft
    return graft[graft["returns"]]


def test_constructor_graft_shapes():
    assert _root(Geometry(**POINT))[0] == "wf.Geometry.create"
    assert set(_root(Geometry(**POINT))[1]) == {"type", "coordinates"}
    assert _root(GeometryCollection([POINT]))[0] == "wf.GeometryCollection.create"
    assert _root(Feature(POINT, {"a": 1}))[0] == "wf.Feature.create"
    assert _root(FeatureCollection([Feature(POINT)]))[0] == "wf.FeatureCollection.create"
    assert _root(Kernel((1, 2), [1, 2]))[0] == "wf.Kernel.load"
    ctx = _root(GeoContext(geometry=SQUARE, resolution=0.1, crs="EPSG:4326"))
    assert ctx[0] == "wf.GeoContext.create" and set(ctx[1]) == set(REFERENCE[GeoContext][1]) - GeoContext._read_only
    assert _root(GeoContext.from_dltile_key("512:0:10.0:36:-65:216"))[0] == "wf.GeoContext.from_dltile_key"
    assert _root(GeoContext.from_xyz_tile(1, 2, 3))[0] == "wf.GeoContext.from_xyz_tile"


def test_method_graft_shapes_and_types():
    g, f = Geometry(**POINT), Feature(POINT)
    gc, fc = GeometryCollection([POINT]), FeatureCollection([f])
    assert type(g.buffer(1)) is Geometry and _root(g.buffer(1))[0] == "wf.buffer"
    assert type(f.buffer(1)) is Feature and type(gc.buffer(1)) is Geometry
    assert type(fc.map(lambda x: x.buffer(1))) is FeatureCollection
    assert type(fc.map(lambda x: x.geometry)) is List[Geometry]
    assert _root(fc.filter(lambda x: x.properties.contains("a")))[0] == "wf.filter"
    assert _root(fc.sorted(lambda x: x.properties["a"]))[0] == "wf.sorted"
    assert _root(gc.length())[0] == "wf.length" and _root(fc.contains(f))[0] == "wf.contains"
    assert type(g.type) is Str and _root(g.type)[0] == "wf.getattr"
    assert type(fc.features) is List[Feature] and type(gc.geometries) is List[Geometry]
    ctx = GeoContext.from_xyz_tile(1, 2, 3)
    assert _root(ctx.index_to_coords(1, 2))[0] == "wf.GeoContext.index_to_coords"
    assert _root(ctx.coords_to_index(1.0, 2.0))[0] == "wf.GeoContext.coords_to_index"
    assert _root(ctx.arr_shape)[0] == "wf.getattr"


def test_graft_is_plain_json():
    with consistent_guid():
        fc = FeatureCollection([Feature(SQUARE, {"a": [1, "x"]})]).map(lambda x: x.buffer(0.5))
        assert json.loads(json.dumps(fc.graft)) == fc.graft


def test_promotion_from_python_values():
    poly = shapely.geometry.shape(SQUARE)
    assert isinstance(Geometry._promote(poly), Geometry)
    assert isinstance(Geometry.from_geo_interface(poly), Geometry)
    assert isinstance(Feature(poly), Feature)
    assert isinstance(load_geojson({"type": "GeometryCollection", "geometries": [POINT]}), GeometryCollection)
    assert isinstance(load_geojson({"type": "Feature", "geometry": POINT, "properties": {}}), Feature)
    assert isinstance(load_geojson({"type": "FeatureCollection", "features": []}), FeatureCollection)
    assert isinstance(load_geojson(SQUARE), Geometry)


def test_load_geojson_file(tmp_path):
    path = tmp_path / "fc.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": POINT}]}))
    assert isinstance(load_geojson_file(path), FeatureCollection)
    bad = tmp_path / "bad.geojson"
    bad.write_text("{not json")
    with pytest.raises(ProxyTypeError):
        load_geojson_file(bad)


@pytest.mark.parametrize(
    "build",
    [
        lambda: Geometry(type="Circle", coordinates=[0, 0]),
        lambda: Geometry(type="Polygon", coordinates=[[[0, 0], [1, 1]]]),
        lambda: Geometry(type="Point", coordinates="1,2"),
        lambda: Geometry(type="LineString", coordinates=[[0, 0]]),
        lambda: GeometryCollection([POINT], type="Collection"),
        lambda: Feature(geometry=3),
        lambda: Feature(POINT, properties=[1, 2]),
        lambda: FeatureCollection([POINT]),
        lambda: load_geojson({"type": "Topology"}),
        lambda: load_geojson([1, 2]),
        lambda: Geometry.from_geojson({"type": "Point"}),
        lambda: Geometry.from_geo_interface(42),
        lambda: Kernel((2, 2), [1.0, 2.0, 3.0]),
        lambda: Kernel((0, 2), []),
        lambda: Geometry(**POINT).buffer("far"),
        lambda: GeoContext.from_xyz_tile("a", 1, 1),
        lambda: GeoContext.from_scenes({"crs": "EPSG:4326"}),
        lambda: GeoContext(geometry=SQUARE, resolution="fine", crs=Str("EPSG:4326")),
    ],
)
def test_bad_input_fails_when_built(build):
    with pytest.raises(ProxyTypeError):
        build()


@pytest.mark.parametrize(
    "kwargs",
    [
        {"geometry": SQUARE, "resolution": -1.0, "crs": "EPSG:4326"},
        {"geometry": SQUARE, "crs": "EPSG:4326"},
        {"geometry": SQUARE, "resolution": 0.1},
    ],
)
def test_invalid_literal_geocontext_fails_when_built(kwargs):
    with pytest.raises(GeoContextError):
        GeoContext(**kwargs)
