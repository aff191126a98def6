"""Searches on random images: every filter operator, sort, limit, count and intersects against Python oracles."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

import pytest
import shapely

from gpucompute.catalog import Expression, Image, Product
from gpucompute.catalog import properties as p
from gpucompute.errors import CatalogValueError

N_IMAGES = 80
TAGS = ["a", "b", "c", "d"]
T0 = datetime(2015, 1, 1, tzinfo=timezone.utc)


def _triangle(rng):
    x, y = rng.uniform(-20, 20), rng.uniform(-20, 20)
    pts = [(x + rng.uniform(-3, 3), y + rng.uniform(-3, 3)) for _ in range(3)]
    geom = shapely.Polygon(pts)
    return geom if geom.is_valid and geom.area > 1e-3 else shapely.box(x, y, x + 1, y + 1)


@pytest.fixture(scope="module")
def images(tmp_path_factory):
    """(search, specs): N_IMAGES saved images and the plain dicts they were made from (shared, read only)."""
    import numpy as np

    from gpucompute.catalog import connect, reset_catalog

    rng = np.random.default_rng(20240521)
    client = connect(tmp_path_factory.mktemp("search_home"))
    product = Product(id="search", name="Search")
    product.save()
    specs = []
    for i in range(N_IMAGES):
        spec = {
            "name": f"img{i:03d}_{''.join(rng.choice(list('xyzXYZ_%'), 3))}",
            "acquired": T0 + timedelta(seconds=int(rng.integers(0, 6 * 365 * 86400))),
            "cloud_fraction": None if rng.random() < 0.2 else float(rng.random()),
            "tags": sorted(set(rng.choice(TAGS, int(rng.integers(0, 4))).tolist())),
            "extra": {} if rng.random() < 0.2 else {"n": int(rng.integers(0, 10)), "s": str(rng.choice(TAGS))},
            "geometry": _triangle(rng),
        }
        Image(product=product, name=spec["name"], acquired=spec["acquired"], cloud_fraction=spec["cloud_fraction"],
              tags=spec["tags"], extra_properties=spec["extra"], geometry=spec["geometry"]).save()
        spec["id"] = f"{product.id}:{spec['name']}"
        specs.append(spec)
    yield Product.get(product.id, client=client).images(), specs
    reset_catalog()


def _lt(a, b):
    return a is not None and a < b


def _like(pattern):
    return re.compile("".join(".*" if c == "%" else "." if c == "_" else re.escape(c) for c in pattern), re.S)


MID = datetime(2018, 1, 1, tzinfo=timezone.utc)
CASES = [
    # (id, expression factory, oracle on a spec)
    ("cf<", lambda: p.cloud_fraction < 0.3, lambda s: _lt(s["cloud_fraction"], 0.3)),
    ("cf<=", lambda: p.cloud_fraction <= 0.5, lambda s: s["cloud_fraction"] is not None and s["cloud_fraction"] <= .5),
    ("cf>", lambda: p.cloud_fraction > 0.7, lambda s: s["cloud_fraction"] is not None and s["cloud_fraction"] > .7),
    ("cf>=", lambda: 0.4 <= p.cloud_fraction, lambda s: s["cloud_fraction"] is not None and s["cloud_fraction"] >= .4),
    ("cf==None", lambda: p.cloud_fraction == None, lambda s: s["cloud_fraction"] is None),  # noqa: E711
    ("cf.exists", lambda: p.cloud_fraction.exists, lambda s: s["cloud_fraction"] is not None),
    ("not cf<", lambda: ~(p.cloud_fraction < 0.3), lambda s: s["cloud_fraction"] is not None
     and not s["cloud_fraction"] < 0.3),
    ("acq str", lambda: p.acquired >= "2018-01-01", lambda s: s["acquired"] >= MID),
    ("acq date", lambda: p.acquired < date(2018, 1, 1), lambda s: s["acquired"] < MID),
    ("acq chained", lambda: "2016-06-01" <= p.acquired < "2019-01-01T00:00:00Z",
     lambda s: datetime(2016, 6, 1, tzinfo=timezone.utc) <= s["acquired"] < datetime(2019, 1, 1, tzinfo=timezone.utc)),
    ("acq tz", lambda: p.acquired > "2018-01-01T05:00:00+05:00", lambda s: s["acquired"] > MID),
    ("and", lambda: (p.cloud_fraction < 0.5) & (p.acquired > datetime(2017, 1, 1)),
     lambda s: _lt(s["cloud_fraction"], 0.5) and s["acquired"] > datetime(2017, 1, 1, tzinfo=timezone.utc)),
    ("or", lambda: (p.cloud_fraction < 0.2) | (p.acquired > "2020-01-01"),
     lambda s: _lt(s["cloud_fraction"], 0.2) or s["acquired"] > datetime(2020, 1, 1, tzinfo=timezone.utc)),
    ("name==", lambda: p.name == "img005", lambda s: s["name"] == "img005"),
    ("name!=", lambda: p.name != "x", lambda s: True),
    ("in_", lambda: p.name.in_(["img001", "nope"]) | p.name.prefix("img07"),
     lambda s: s["name"] == "img001" or s["name"].startswith("img07")),
    ("in_ empty", lambda: p.name.in_([]), lambda s: False),
    ("prefix", lambda: p.name.prefix("img0"), lambda s: s["name"].startswith("img0")),
    ("like", lambda: p.name.like("%_X%"), lambda s: _like("%_X%").fullmatch(s["name"]) is not None),
    ("like escaped", lambda: p.name.like("%\\%%"), lambda s: "%" in s["name"]),
    ("like escaped _", lambda: p.name.like("%z\\_%"), lambda s: "z_" in s["name"]),
    ("like one", lambda: p.name.like("img01__%"), lambda s: _like("img01__%").fullmatch(s["name"]) is not None),
    ("tags==", lambda: p.tags == "a", lambda s: "a" in s["tags"]),
    ("tags!=", lambda: p.tags != "a", lambda s: "a" not in s["tags"]),
    ("any_of", lambda: p.tags.any_of(["b", "d"]), lambda s: bool({"b", "d"} & set(s["tags"]))),
    ("all_of", lambda: p.tags.all_of(["a", "c"]), lambda s: {"a", "c"} <= set(s["tags"])),
    ("not any_of", lambda: ~p.tags.any_of(["a"]), lambda s: "a" not in s["tags"]),
    ("extra ==", lambda: p.extra_properties.n == 3, lambda s: s["extra"].get("n") == 3),
    ("extra >=", lambda: p.extra_properties["n"] >= 5, lambda s: s["extra"].get("n", -1) >= 5),
    ("extra str", lambda: p.extra_properties.s.in_(["a", "b"]), lambda s: s["extra"].get("s") in ("a", "b")),
    ("extra null", lambda: p.extra_properties.n.isnull, lambda s: "n" not in s["extra"]),
    ("product_id", lambda: p.product_id == "local:search", lambda s: True),
]


@pytest.mark.parametrize("factory, oracle", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_filter_matches_python_oracle(images, factory, oracle):
    search, specs = images
    expr = factory()
    expected = sorted(s["id"] for s in specs if oracle(s))
    assert sorted(i.id for i in search.filter(expr)) == expected
    assert search.filter(expr).count() == len(expected)
    everything = search.collect()
    assert sorted(i.id for i in everything.filter(expr)) == expected  # Python evaluation agrees
    assert Expression.from_dict(expr.to_dict()).to_dict() == expr.to_dict()
    assert sorted(i.id for i in search.filter(Expression.from_dict(expr.to_dict()))) == expected


def test_filters_are_anded_and_searches_immutable(images):
    search, specs = images
    first = search.filter(p.cloud_fraction < 0.5)
    both = first.filter(p.acquired >= "2018-01-01")
    expected = [s for s in specs if _lt(s["cloud_fraction"], 0.5) and s["acquired"] >= MID]
    assert both.count() == len(expected)
    assert first.count() == sum(_lt(s["cloud_fraction"], 0.5) for s in specs)
    assert search.count() == N_IMAGES


@pytest.mark.parametrize("field", ["acquired", "-acquired", "cloud_fraction", "-cloud_fraction", "name"])
def test_sort_and_limit(images, field):
    search, specs = images
    key = field.lstrip("-")
    desc = field.startswith("-")

    def sql_key(s):  # SQLite puts NULLs first when ascending
        v = s["cloud_fraction"] if key == "cloud_fraction" else s[key]
        return (v is not None, v if v is not None else 0)

    expected = [s["id"] for s in sorted(specs, key=sql_key, reverse=desc)]
    assert [i.id for i in search.sort(field)] == expected
    assert [i.id for i in search.sort(key, ascending=not desc).limit(7)] == expected[:7]
    assert search.sort(field).limit(7).count() == 7
    assert search.limit(0).count() == 0 and list(search.limit(0)) == []


def test_sort_by_extra_property(images):
    search, specs = images
    got = [i.extra_properties.get("n") for i in search.filter(p.extra_properties.n.exists).sort("extra_properties.n")]
    assert got == sorted(s["extra"]["n"] for s in specs if "n" in s["extra"])


def test_intersects_matches_shapely(images, rng):
    search, specs = images
    for _ in range(15):
        x, y = rng.uniform(-22, 18, 2)
        w, h = rng.uniform(0.1, 8, 2)
        query = shapely.box(x, y, x + w, y + h)
        expected = sorted(s["id"] for s in specs if s["geometry"].intersects(query))
        got = search.intersects(query)
        assert sorted(i.id for i in got) == expected
        assert got.count() == len(expected)
        as_geojson = search.intersects(shapely.geometry.mapping(query))
        assert sorted(i.id for i in as_geojson) == expected
        feature = {"type": "Feature", "properties": {}, "geometry": shapely.geometry.mapping(query)}
        limited = search.intersects(feature).sort("name").limit(2)
        assert [i.id for i in limited] == sorted(expected, key=lambda i: i.split(":")[-1])[:2]
        collection = got.collect()
        assert collection.geocontext.geometry.equals(query)


def test_intersects_with_geocontext_like(images):
    search, specs = images

    class Ctx:
        geometry = None
        bounds = (-5.0, -5.0, 5.0, 5.0)
        bounds_crs = "EPSG:4326"

    expected = sorted(s["id"] for s in specs if s["geometry"].intersects(shapely.box(-5, -5, 5, 5)))
    assert sorted(i.id for i in search.intersects(Ctx())) == expected


@pytest.mark.parametrize(
    "make",
    [
        lambda s: s.filter(p.no_such_field == 1),
        lambda s: s.filter(p.cloud_fraction < "cloudy"),
        lambda s: s.filter(p.acquired > "not a date"),
        lambda s: s.filter(p.geometry == 1),
        lambda s: s.filter(p.tags < "a"),
        lambda s: s.filter(p.cloud_fraction > None),
        lambda s: s.filter(p.cloud_fraction.prefix("0.")),
        lambda s: s.filter("cloud_fraction < 0.2"),
        lambda s: s.sort("tags"),
        lambda s: s.sort("nope"),
        lambda s: s.limit(-1),
        lambda s: s.intersects({"type": "Polygon", "coordinates": "junk"}),
        lambda s: s.intersects(shapely.box(0, 0, 1, 100)),
        lambda s: Product.search().intersects(shapely.box(0, 0, 1, 1)),
    ],
)
def test_bad_search_arguments(images, make):
    search, _ = images
    with pytest.raises(CatalogValueError):
        make(search)


def test_collection_helpers(images):
    search, specs = images
    collection = search.sort("acquired").collect()
    assert len(collection) == N_IMAGES
    assert list(collection.each.acquired.month) == [s["acquired"].month for s in sorted(specs, key=lambda s:
                                                                                          s["acquired"])]
    summer = collection.filter(lambda i: 6 <= i.acquired.month < 9)
    assert len(summer) == sum(6 <= s["acquired"].month < 9 for s in specs)
    groups = list(collection.groupby(lambda i: i.acquired.month))
    assert [k for k, _ in groups] == sorted({s["acquired"].month for s in specs})
    assert sum(len(g) for _, g in groups) == N_IMAGES
    for _, group in groups:  # order within a group is kept
        assert list(group.each.acquired) == sorted(group.each.acquired)
    by_path = dict((k, len(g)) for k, g in collection.groupby("acquired.year"))
    assert by_path == {y: sum(s["acquired"].year == y for s in specs) for y in by_path}
    newest_first = collection.sorted("acquired", reverse=True)
    assert newest_first[0].acquired == max(s["acquired"] for s in specs)
    collection.sort("name")
    assert [i.name for i in collection] == sorted(s["name"] for s in specs)
    assert type(collection[2:5]).__name__ == "ImageCollection" and len(collection[2:5]) == 3
    assert repr(collection).startswith(f"ImageCollection of {N_IMAGES} images")
    assert "Products: local:search: 80" in repr(collection)
