"""The viewer's routes (page, script, Leaflet's files, initial view) and the quick-start layer definitions."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

fastapi = pytest.importorskip("fastapi")
from fastapi.testclient import TestClient

from gpucompute.errors import ServerError
from gpucompute.server import viewer


@pytest.fixture
def client():
    app = fastapi.FastAPI()
    app.include_router(viewer.router)
    with TestClient(app) as c:
        yield c
    viewer.set_initial_view(None, None)


def test_page_references_local_leaflet_and_its_own_files(client):
    page = client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    for ref in ("/static/leaflet/leaflet.js", "/static/leaflet/leaflet.css", "/viewer/viewer.js", "/viewer/viewer.css"):
        assert f'"{ref}"' in page.text
    assert "http://" not in page.text and "https://" not in page.text  # works offline: nothing from a CDN
    for name, kind in (("viewer.js", "javascript"), ("viewer.css", "text/css")):
        got = client.get(f"/viewer/{name}")
        assert got.status_code == 200 and kind in got.headers["content-type"]
        assert got.content == (viewer.PAGE_DIR / name).read_bytes()


@pytest.mark.parametrize("path", ["leaflet.js", "leaflet.css", "images/marker-icon.png", "images/layers.png"])
def test_leaflet_files_come_from_xstatic(client, path):
    import xstatic.pkg.leaflet as xl

    got = client.get(f"/static/leaflet/{path}")
    assert got.status_code == 200
    assert got.content == (Path(xl.BASE_DIR) / path).read_bytes()
    if path.endswith(".js"):
        assert "javascript" in got.headers["content-type"]


@pytest.mark.parametrize("path", ["/static/leaflet/nope.js", "/viewer/index2.html", "/viewer/..%2Fviewer.py",
                                  "/static/leaflet/..%2F..%2F__init__.py"])
def test_unknown_or_escaping_paths_are_404(client, path):
    assert client.get(path).status_code == 404


def test_file_helper_refuses_paths_outside_its_folder():
    from fastapi import HTTPException

    with pytest.raises(HTTPException) as info:
        viewer._file(viewer.PAGE_DIR, "../viewer.py", "no-cache")
    assert info.value.status_code == 404


def test_initial_view_round_trips_through_config(client):
    assert client.get("/viewer/config").json() == {"center": None, "zoom": None}
    viewer.set_initial_view(37.5, -122.25, 11)
    assert client.get("/viewer/config").json() == {"center": [37.5, -122.25], "zoom": 11}
    viewer.set_initial_view(10.0, 20.0)
    assert client.get("/viewer/config").json()["zoom"] == 12


@pytest.mark.parametrize("lat, lon, zoom", [(91, 0, 3), (0, 181, 3), (0, 0, 23), (0, None, 3)])
def test_bad_initial_view_names_the_value(lat, lon, zoom):
    with pytest.raises(ServerError, match="got"):
        viewer.set_initial_view(lat, lon, zoom)


def test_quickstart_layers_are_the_guides_five(tmp_path, monkeypatch):
    from gpucompute.catalog import reset_catalog
    from gpucompute.catalog.demo import ensure_demo_product
    from gpucompute.server.demo_layers import (
        CENTRAL_VALLEY,
        SAN_FRANCISCO,
        quickstart_layers,
    )

    monkeypatch.setenv("GPUCOMPUTE_HOME", str(tmp_path))
    reset_catalog()
    ensure_demo_product(size=16, scenes=1, progress=False)  # the layers name the product, which must exist
    layers = quickstart_layers()
    reset_catalog()
    assert [la.name for la in layers] == ["Optical", "NDVI", "Vegetation", "Optical Cloud Free", "Optical Water Free"]
    assert [la.view for la in layers] == [CENTRAL_VALLEY] * 3 + [SAN_FRANCISCO] * 2
    assert layers[1].options == {"scales": [[0.0, 0.8]], "colormap": "turbo"}
    assert all(type(la.obj).__name__ == "Mosaic" for la in layers)


@pytest.mark.parametrize("size", [16, 64, 128, 300, 1024])
def test_fitted_view_tile_lies_inside_the_demo_area(size):
    """The tile around the centre at the fitted zoom is inside the area (checked in UTM with pyproj)."""
    import mercantile
    from pyproj import Transformer

    from gpucompute.catalog._demo_scenes import AREAS, area_transform
    from gpucompute.server.demo_layers import View

    for area in AREAS:
        view = View(area.lat, area.lon, 3).fitted(size)
        left, xres, _, top, _, yres = area_transform(area, size)  # GDAL order
        x0, x1 = sorted((left, left + xres * size))
        y0, y1 = sorted((top, top + yres * size))
        tile = mercantile.bounds(mercantile.tile(view.lon, view.lat, view.zoom))
        to_utm = Transformer.from_crs("EPSG:4326", "EPSG:32610", always_xy=True)
        for lon, lat in ((tile.west, tile.south), (tile.west, tile.north), (tile.east, tile.south),
                         (tile.east, tile.north)):
            x, y = to_utm.transform(lon, lat)
            assert x0 <= x <= x1 and y0 <= y <= y1, (area.name, size, view)
        # and not needlessly close: one zoom level out, a tile is wider than half the area
        ground = 2 * math.pi * 6378137.0 * math.cos(math.radians(area.lat)) / 2 ** (view.zoom - 1)
        assert view.zoom == 3 or ground > size * abs(xres) / 2


def test_the_tile_server_app_serves_the_viewer():
    from gpucompute.server.app import create_app
    from gpucompute.server.layers import LayerRegistry

    with TestClient(create_app(LayerRegistry())) as c:
        page = c.get("/")
        assert page.status_code == 200 and "/static/leaflet/leaflet.js" in page.text
        assert c.get("/static/leaflet/leaflet.js").status_code == 200
        assert c.get("/viewer/config").json() == viewer.initial_view()
