"""Products: create, update, look up, namespacing, state, validation, deletion; the store itself."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime, timezone

import pytest

from gpucompute.catalog import (
    DocumentState,
    Product,
    Resolution,
    SpectralBand,
    TaskState,
    connect,
    get_catalog,
    reset_catalog,
)
from gpucompute.catalog import properties as p
from gpucompute.errors import CatalogError, CatalogValueError, ConflictError, NotFoundError


def test_create_save_and_namespace(catalog):
    product = Product()
    product.id = "guide-example-product"
    product.name = "Example product"
    assert product.state is DocumentState.UNSAVED
    assert product.created is None
    product.save()
    assert product.id == "local:guide-example-product"
    assert product.state is DocumentState.SAVED
    assert product.created.tzinfo is not None and product.created == product.modified
    assert not Product.exists("guide-example-product")
    assert Product.namespace_id("guide-example-product") == product.id
    assert Product.exists(product.id)
    assert Product.namespace_id("other-org:x") == "other-org:x"


def test_update_datetimes_and_modified(catalog):
    product = Product(id="p", name="P")
    product.save()
    created = product.created
    product.start_datetime = "2012-01-01"
    product.end_datetime = date(2015, 1, 1)
    assert product.start_datetime == datetime(2012, 1, 1, tzinfo=timezone.utc)
    assert product.state is DocumentState.MODIFIED
    product.save()
    assert product.modified > created and product.created == created
    again = Product.get(product.id)
    assert again.start_datetime == datetime(2012, 1, 1, tzinfo=timezone.utc)
    assert again.end_datetime == datetime(2015, 1, 1, tzinfo=timezone.utc)
    assert again.to_dict() == product.to_dict()
    # a timezone-aware string is converted to UTC
    again.start_datetime = "2012-01-01T02:00:00+02:00"
    assert again.start_datetime == datetime(2012, 1, 1, tzinfo=timezone.utc)


def test_save_without_changes_is_a_noop(catalog):
    product = Product(id="p", name="P")
    product.save()
    modified = product.modified
    product.save()
    assert Product.get(product.id).modified == modified


def test_in_place_list_changes_mark_modified(catalog):
    product = Product(id="p", name="P")
    assert product.owners == [f"user:{catalog.user}"]
    product.save()
    product.owners.append("user:someone")
    product.readers = ["org:descarteslabs"]
    assert product.state is DocumentState.MODIFIED
    product.save()
    again = Product.get(product.id)
    assert again.owners == [f"user:{catalog.user}", "user:someone"]
    again.owners.remove(f"user:{catalog.user}")
    again.save()
    assert Product.get(product.id).owners == ["user:someone"]


def test_get_missing_returns_none_or_raises(catalog):
    assert Product.get("local:nope") is None
    with pytest.raises(NotFoundError, match="local:nope"):
        Product.get("local:nope", raise_on_missing=True)


def test_get_many_order_and_missing(catalog):
    ids = []
    for name in ["c", "a", "b"]:
        product = Product(id=name, name=name)
        product.save()
        ids.append(product.id)
    got = Product.get_many(list(reversed(ids)))
    assert [x.id for x in got] == list(reversed(ids))
    with pytest.raises(NotFoundError, match="local:zzz"):
        Product.get_many(ids + ["local:zzz"])
    assert [x.id for x in Product.get_many(ids + ["local:zzz"], ignore_missing=True)] == ids


def test_get_or_create(catalog):
    product = Product.get_or_create("guide-example-product", name="Example product")
    assert product.state is DocumentState.UNSAVED
    product.save()
    same = Product.get_or_create("guide-example-product", name="Example product")
    assert same.state is DocumentState.SAVED and same.id == product.id
    renamed = Product.get_or_create("guide-example-product", name="Renamed")
    assert renamed.state is DocumentState.MODIFIED
    renamed.save()
    assert Product.get(product.id).name == "Renamed"


def test_conflict_on_duplicate_id(catalog):
    Product(id="dup", name="one").save()
    second = Product(id="dup", name="two")
    with pytest.raises(ConflictError, match="local:dup"):
        second.save()
    assert Product.get("local:dup").name == "one"


@pytest.mark.parametrize(
    "name, value",
    [
        ("start_datetime", "not a date"),
        ("start_datetime", 12.5),
        ("tags", "single-string"),
        ("tags", [1, 2]),
        ("is_core", "yes"),
        ("revisit_period_minutes_min", -1.0),
        ("revisit_period_minutes_min", float("nan")),
        ("resolution_min", -10),
        ("resolution_min", {"value": 10, "unit": "furlongs"}),
        ("extra_properties", {1: "x"}),
        ("extra_properties", {"x": object()}),
        ("name", ""),
    ],
)
def test_bad_values_are_refused_at_assignment(catalog, name, value):
    product = Product(id="p", name="P")
    with pytest.raises(CatalogValueError, match=name):
        setattr(product, name, value)


def test_unknown_and_readonly_attributes(catalog):
    with pytest.raises(CatalogValueError, match="no attribute 'colour'"):
        Product(id="p", name="P", colour="red")
    product = Product(id="p", name="P")
    with pytest.raises(CatalogValueError, match="no attribute"):
        product.colour = "red"
    with pytest.raises(CatalogValueError, match="read only"):
        product.created = datetime.now(timezone.utc)
    product.save()
    with pytest.raises(CatalogValueError, match="cannot change"):
        product.id = "other"


def test_required_name(catalog):
    with pytest.raises(CatalogValueError, match="name"):
        Product(id="p").save()
    with pytest.raises(CatalogValueError, match="id"):
        Product(name="x").save()
    assert Product.search().count() == 0


def test_resolution_and_extra_properties_round_trip(catalog):
    product = Product(id="p", name="P", resolution_min=Resolution(10), resolution_max={"value": 0.5,
                                                                                       "unit": "degrees"},
                      extra_properties={"a": [1, 2], "b": {"c": None}}, tags=["x", "y"], is_core=False)
    product.save()
    again = Product.get(product.id)
    assert again.resolution_min == Resolution(10, "meters")
    assert again.resolution_max == Resolution(0.5, "degrees")
    assert again.extra_properties == {"a": [1, 2], "b": {"c": None}}
    assert again.tags == ["x", "y"] and again.is_core is False


def test_reload_discards_changes_and_detects_deletion(catalog):
    product = Product(id="p", name="P")
    product.save()
    product.name = "changed"
    product.reload()
    assert product.name == "P" and product.state is DocumentState.SAVED
    Product.delete(product.id)
    with pytest.raises(NotFoundError, match="local:p"):
        product.reload()


def test_delete_semantics(catalog):
    product = Product(id="p", name="P")
    product.save()
    SpectralBand(name="blue", product=product, data_type="UInt16", band_index=0).save()
    with pytest.raises(ConflictError, match="1 band"):
        product.delete()
    assert Product.exists(product.id)
    status = product.delete_related_objects()
    status.wait_for_completion()
    assert status.status == TaskState.SUCCEEDED
    assert product.bands().count() == 0
    assert product.delete_related_objects() is None
    product.delete()
    assert product.state is DocumentState.DELETED
    assert not Product.exists(product.id)
    with pytest.raises(CatalogError):
        product.name = "after"
    assert Product.delete("local:p") is False


def test_delete_cascade(catalog):
    product = Product(id="p", name="P")
    product.save()
    for i, name in enumerate(["red", "green"]):
        SpectralBand(name=name, product=product, data_type="Byte", band_index=i).save()
    assert Product.delete(product.id, cascade=True) is True
    assert not Product.exists(product.id)
    assert SpectralBand.search().count() == 0


def test_unsaved_delete_raises(catalog):
    with pytest.raises(NotFoundError):
        Product(id="p", name="P").delete()


def test_find_text_and_sorting(catalog, rng):
    names = [f"name-{i}" for i in rng.permutation(12)]
    for n in names:
        Product(id=n, name=n.upper(), description="about landsat" if n.endswith("3") else "other").save()
    found = Product.search().find_text("LANDSAT")
    assert sorted(x.name for x in found) == sorted(n.upper() for n in names if n.endswith("3"))
    ordered = [x.id for x in Product.search().sort("-name")]
    assert ordered == sorted(ordered, reverse=True)
    assert [x.id for x in Product.search().sort("name").limit(3)] == sorted(ordered)[:3]
    products = Product.search().limit(5).collect()
    assert len(products) == 5 and type(products).__name__ == "ProductCollection"


def test_store_settings(catalog):
    conn = catalog.connection()
    assert conn.execute("PRAGMA journal_mode").fetchone()[0].lower() == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert catalog.schema_version == 1
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"products", "bands", "images", "blobs", "image_uploads", "images_rtree", "schema_version"} <= tables
    with pytest.raises(sqlite3.IntegrityError):  # the foreign key backs up the product check
        with catalog.transaction() as c:
            c.execute("INSERT INTO bands (id, product_id, name, type) VALUES ('x:y', 'x', 'y', 'mask')")


def test_newer_schema_is_refused(catalog):
    with catalog.transaction() as conn:
        conn.execute("UPDATE schema_version SET version = 99")
    with pytest.raises(CatalogError, match="99"):
        connect(catalog.home)


def test_default_catalog_follows_environment(tmp_path, monkeypatch):
    reset_catalog()
    monkeypatch.setenv("GPUCOMPUTE_HOME", str(tmp_path / "a"))
    Product(id="p", name="in a").save()
    assert get_catalog().home == (tmp_path / "a").resolve()
    monkeypatch.setenv("GPUCOMPUTE_HOME", str(tmp_path / "b"))
    assert get_catalog().home == (tmp_path / "b").resolve()
    assert Product.search().count() == 0
    explicit = connect(tmp_path / "a")
    assert Product.search().filter(p.name == "in a").count() == 1
    assert get_catalog() is explicit
    other = connect(tmp_path / "c")
    assert Product.search(client=explicit).count() == 1  # a replaced catalog still works
    assert Product.search().count() == 0 and get_catalog() is other
    assert (tmp_path / "a" / "catalog.sqlite").exists()
    reset_catalog()
