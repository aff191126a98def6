"""The map: geocontext() of the view, layer management, controls (autoscale) and the pixel inspector.

No browser: the sizes a browser would report are set on the map's read-only
traits with ``set_trait``, clicks are sent through the map's own message
handler, and widget edits are ``.value`` assignments.  Oracles: mercantile /
pyproj for the view's grid, compute() + np.percentile for autoscale, compute()
on the clicked pixel for the inspector.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

pytest.importorskip("ipyleaflet")
pytest.importorskip("ipywidgets")
mercantile = pytest.importorskip("mercantile")

CENTER = (36.2431, -121.0892)
HALF_WORLD = math.pi * 6378137.0


def _resolution(zoom: float) -> float:
    return 2 * math.pi * 6378137 / 256 / 2**zoom


def _show_in_browser(m, rows: int, cols: int, offset: tuple[float, float] = (0.0, 0.0)) -> tuple:
    """Set the bounds a browser would report for a ``rows x cols`` view around ``center`` (plus an odd offset)."""
    res = _resolution(m.zoom)
    x, y = mercantile.xy(m.center[1], m.center[0])
    px, py = (x + HALF_WORLD) / res + offset[0], (HALF_WORLD - y) / res + offset[1]
    left, top, right, bottom = px - cols / 2, py - rows / 2, px + cols / 2, py + rows / 2
    for name, value in (("left", left), ("top", top), ("right", right), ("bottom", bottom)):
        m.set_trait(name, value)
    west, north = mercantile.lnglat(left * res - HALF_WORLD, HALF_WORLD - top * res)
    east, south = mercantile.lnglat(right * res - HALF_WORLD, HALF_WORLD - bottom * res)
    for name, value in (("south", south), ("west", west), ("north", north), ("east", east)):
        m.set_trait(name, value)
    return west, south, east, north


def _contains(outer, inner, tol=1e-6):
    return (outer[0] <= inner[0] + tol and outer[1] <= inner[1] + tol and outer[2] >= inner[2] - tol
            and outer[3] >= inner[3] - tol)


def test_geocontext_of_an_undisplayed_map_is_the_default_view(app):
    from gpucompute.interactive.mapapp import DEFAULT_VIEW_SHAPE

    for zoom in (3, 11, 14.5):
        app.zoom = zoom
        ctx = app.geocontext()
        assert ctx.crs == "EPSG:3857" and ctx.arr_shape == DEFAULT_VIEW_SHAPE == app.map_dimensions
        assert ctx.resolution == pytest.approx(_resolution(zoom), rel=1e-9)
        x, y = mercantile.xy(CENTER[1], CENTER[0])
        left, bottom, right, top = ctx.projected_bounds
        assert ((left + right) / 2, (bottom + top) / 2) == pytest.approx((x, y), abs=1e-6 * _resolution(zoom))
        assert right - left == pytest.approx(DEFAULT_VIEW_SHAPE[1] * _resolution(zoom))


@pytest.mark.parametrize(("zoom", "rows", "cols"), [(13, 150, 260), (9.5, 333, 717)])
def test_geocontext_follows_the_browser_view(app, zoom, rows, cols):
    from gpucompute.geo.crs import utm_crs, utm_zone

    app.zoom = zoom
    west, south, east, north = _show_in_browser(app.map, rows, cols, offset=(0.37, 0.81))
    ctx = app.geocontext()
    assert ctx.crs == "EPSG:3857" and ctx.arr_shape == (rows, cols) == app.map_dimensions
    assert ctx.resolution == pytest.approx(_resolution(zoom), rel=1e-9)
    view = (*mercantile.xy(west, south), *mercantile.xy(east, north))
    assert _contains(ctx.projected_bounds, view, tol=1e-3)
    assert ctx.projected_bounds == pytest.approx(view, abs=1e-3)

    coarse = app.geocontext(resolution=3 * _resolution(zoom))
    assert coarse.arr_shape == (round(rows / 3), round(cols / 3)) and coarse.resolution == 3 * _resolution(zoom)
    assert app.geocontext(shape=(rows // 3, cols // 3)).arr_shape[1] == cols // 3

    lonlat = app.geocontext(crs="EPSG:4326")
    assert lonlat.crs == "EPSG:4326" and _contains(lonlat.projected_bounds, (west, south, east, north), tol=1e-9)
    assert max(lonlat.arr_shape) == max(rows, cols)
    utm = app.geocontext(crs="utm", resolution=100.0)
    assert utm.crs == utm_crs(utm_zone(CENTER[1])) and utm.resolution == 100.0


def test_map_app_forwards_to_its_map_and_manages_layers_by_name(app, imagery):
    from gpucompute.errors import GeoContextError

    app.center = (37.8084, -122.4473)
    assert tuple(app.map.center) == (37.8084, -122.4473)
    with pytest.raises(GeoContextError):
        app.geocontext(resolution=10.0, shape=(10, 10))
    for name in "abc":
        imagery["ndvi"].visualize(name, map=app)
    names = lambda: [lyr.name for lyr in app.map._user_layers()]
    assert names() == ["a", "b", "c"]
    app.move_layer_up("a")
    assert names() == ["b", "a", "c"]
    app.move_layer_down("b")  # already lowest above the basemap
    assert names() == ["b", "a", "c"] and app.map.layers[0].base
    app.move_layer("c", 1)
    assert names() == ["c", "b", "a"]
    assert [row.layer.name for row in app.controls_list.rows()] == ["a", "b", "c"]  # top layer first
    app.remove_layer("b")
    assert names() == ["c", "a"] and len(app.controls_list.rows()) == 2
    app.clear_layers()
    assert names() == [] and len(app.map.layers) == 1 and app.controls_list.rows() == []


def test_autoscale_button_stretches_to_the_view(app, imagery):
    import gpucompute as wf

    _show_in_browser(app.map, 90, 150)
    for name, obj in (("rgb", imagery["rgb"]), ("ndvi", imagery["ndvi"])):
        lyr = obj.visualize(name, map=app)
        url = lyr.url
        app.controls_list.row(name).autoscale_button.click()
        result = wf.compute(obj, app.geocontext()).ndarray
        expected = [np.percentile(band.compressed(), [2, 98]) for band in result]
        np.testing.assert_allclose(lyr.get_scales(), expected, rtol=1e-6)
        assert lyr.url != url and app.controls_list.row(name).status.value == ""
        assert len(app.controls_list.row(name).scales_box.children) == 2 * len(expected)


def test_layer_rows_drive_their_layer(app, imagery):
    lyr = imagery["ndvi"].visualize("ndvi", scales=[[0, 0.5]], map=app)
    row = app.controls_list.row("ndvi")
    row.visible_box.value = False
    assert lyr.visible is False
    row.opacity_slider.value = 0.25
    assert lyr.opacity == 0.25
    url = lyr.url
    row.colormap_menu.value = "magma"
    assert lyr.colormap == "magma" and lyr.url != url
    low, high = row.scales_box.children
    high.value = 0.9
    assert lyr.get_scales() == [[0.0, 0.9]]
    lyr.set_scales([[-1, 1]], new_colormap="Greens_r")  # set in code: the row follows
    assert [b.value for b in row.scales_box.children] == [-1.0, 1.0] and row.colormap_menu.value == "Greens_r"
    rgb = imagery["rgb"].visualize("rgb", scales=[[0, 0.4]] * 3, map=app)
    assert rgb.colormap is None and app.controls_list.row("rgb").colormap_menu.layout.display == "none"
    assert row.colormap_menu.layout.display is None  # one band: the menu is shown
    low.value = 1.0  # lo == hi is refused: the row says why, the layer keeps its scales
    assert lyr.get_scales() == [[-1.0, 1.0]] and "lo != hi" in row.status.value


def _pixel_values(obj, lon, lat, zoom, **params):
    """compute() on the one pixel of the zoom's tile grid holding (lon, lat): the oracle of the inspector."""
    import gpucompute as wf
    from gpucompute.geo import GeoContext

    tile = mercantile.tile(lon, lat, zoom)
    left, _, right, top = mercantile.xy_bounds(tile)
    res = (right - left) / 256
    x, y = mercantile.xy(lon, lat)
    col, row = math.floor((x - left) / res), math.floor((top - y) / res)
    ctx = GeoContext.from_bounds((left + col * res, top - (row + 1) * res, left + (col + 1) * res, top - row * res),
                                 "EPSG:3857", shape=(1, 1))
    pixel = wf.compute(obj, ctx, **params).ndarray[:, 0, 0]
    return [None if masked else float(v) for v, masked in zip(pixel.data, np.ma.getmaskarray(pixel))]


def test_inspector_click_shows_every_layer_value(app, imagery):
    import gpucompute as wf

    mask = imagery["ndvi"] > wf.parameter("threshold", wf.Float)
    layers = {"rgb": (imagery["rgb"], {}), "ndvi": (imagery["ndvi"], {}), "mask": (mask, {"threshold": 0.3})}
    for name, (obj, params) in layers.items():
        obj.visualize(name, map=app, **params)
    inspector = app.inspector
    inspector.toggle.value = True
    rng = np.random.default_rng(7)
    for lat, lon in [CENTER, *(np.array(CENTER) + rng.uniform(-0.006, 0.006, (2, 2)))]:
        app.map._handle_leaflet_event(None, {"event": "interaction", "type": "click",
                                             "coordinates": [float(lat), float(lon)]}, None)
        assert inspector.marker in app.map.layers and tuple(inspector.marker.location) == (lat, lon)
        assert set(inspector.values) == set(layers)
        for name, (obj, params) in layers.items():
            expected = _pixel_values(obj, lon, lat, int(app.zoom), **params)
            got = list(inspector.values[name].values())
            assert [v is None for v in got] == [v is None for v in expected]
            assert [v for v in got if v is not None] == pytest.approx([v for v in expected if v is not None],
                                                                      rel=1e-6)
        assert "rgb" in inspector.table.value and "ndvi" in inspector.table.value
    assert list(inspector.values["rgb"]) == ["red", "green", "blue"]
    assert any(v is not None for v in inspector.values["ndvi"].values())
    app.map._handle_leaflet_event(None, {"event": "interaction", "type": "mousemove", "coordinates": [0, 0]}, None)
    assert inspector.location == (lat, lon)  # only clicks count
    inspector.toggle.value = False
    assert inspector.marker is None and all(getattr(lyr, "title", "") != "inspected point" for lyr in app.map.layers)
    app.map._handle_leaflet_event(None, {"event": "interaction", "type": "click", "coordinates": list(CENTER)}, None)
    assert inspector.values == {}  # off: clicks are ignored
