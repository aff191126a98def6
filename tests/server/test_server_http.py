"""The tile server over real HTTP: tiles against compute() + render_png, errors, versions, autoscale, inspector.

The server runs in this process (``ensure_server``) and computes with the
process-wide backend; tests that take ``served`` switch it for both the server
and the test body.  The imagery is the ``imagery`` fixture's product (random
pixels, some nodata), about 640 x 480 m, so zoom 15-18 tiles show both data
and masked pixels.
"""

from __future__ import annotations

import asyncio
import io
import json

import mercantile
import numpy as np
import pytest
from PIL import Image

import gpucompute as wf
from gpucompute.execution.saved import dumps_proxy
from gpucompute.geo import GeoContext
from gpucompute.geo.crs import transform_bounds
from gpucompute.geo.tiles import tiles_for_geocontext
from gpucompute.server import tiles as server_tiles
from gpucompute.server.layers import registry
from gpucompute.server.render import render_png
from gpucompute.server.runner import ensure_server, stop_server

httpx = pytest.importorskip("httpx")

START, END = "2023-01-01", "2024-01-01"


@pytest.fixture(scope="module")
def base_url():
    url = ensure_server()
    yield url
    stop_server()


@pytest.fixture
def client(base_url, imagery):
    registry().clear()
    server_tiles.clear_cache()
    with httpx.Client(base_url=base_url, timeout=60) as c:
        yield c
    registry().clear()


@pytest.fixture
def served(backend):
    """The backend of the ``backend`` fixture, made the process-wide one so the server's threads use it too."""
    from gpucompute import config

    old = config._chosen
    config.set_backend(backend.name)
    yield backend
    config.set_backend(old)


def _collection(imagery):
    return wf.ImageCollection.from_id(imagery.product_id, start_datetime=START, end_datetime=END)


def _png(response) -> np.ndarray:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "image/png"
    image = Image.open(io.BytesIO(response.content))
    assert image.size == (256, 256) and image.mode == "RGBA"
    return np.asarray(image)


def _decode(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)))


def _tile_url(layer, tile) -> str:
    return layer.tile_path().format(z=tile.z, x=tile.x, y=tile.y)


def _tiles(imagery, z):
    return tiles_for_geocontext(imagery.geoctx, z)


def imagery_centre(imagery):
    west, south, east, north = transform_bounds(imagery.geoctx.projected_bounds, imagery.geoctx.crs, "EPSG:4326")
    return (west + east) / 2, (south + north) / 2


def _computed(obj, tile, **params):
    return obj.compute(GeoContext.from_xyz_tile(tile.x, tile.y, tile.z), **params).ndarray


def _error(response, status, *fragments):
    assert response.status_code == status, response.text
    detail = response.json()["detail"]
    assert isinstance(detail, str)
    for fragment in fragments:
        assert fragment in detail
    return detail


def test_tiles_equal_compute_then_render(client, served, imagery):
    rgb = _collection(imagery).pick_bands("red green blue")
    layer = registry().register(rgb, "rgb", scales=[[0, 1], [0.1, 0.9], [0, 0.5]], checkerboard=False)
    tile = _tiles(imagery, 16)[0]
    got = _png(client.get(_tile_url(layer, tile)))
    expected = _computed(rgb.mosaic(), tile)
    assert expected.count() > 0 and np.ma.getmaskarray(expected).any()
    np.testing.assert_array_equal(got, _decode(render_png(expected, layer.scales, None, False)))
    # the oracle, pixel by pixel: masked -> transparent, else the stretch of each band
    masked = np.ma.getmaskarray(expected).any(axis=0)
    assert (got[..., 3] == np.where(masked, 0, 255)).all() and (~masked).any()
    blue = np.rint(np.clip(expected.data[2].astype(np.float64) / 0.5, 0, 1) * 255)
    np.testing.assert_array_equal(got[..., 2][~masked], blue[~masked])


def test_default_scales_use_the_catalog_display_range(client, imagery):
    from gpucompute.catalog import Band

    nir = _collection(imagery).pick_bands("nir")
    layer = registry().register(nir, "nir", colormap="viridis", reduction="median", checkerboard=True)
    tile = _tiles(imagery, 16)[1]
    got = _png(client.get(_tile_url(layer, tile)))
    band = Band.get(f"{imagery.product_id}:nir")
    scale = [v * band.physical_range[1] / band.data_range[1] for v in band.display_range]  # raw -> physical
    expected = _computed(nir.median(axis="images"), tile)
    np.testing.assert_array_equal(got, _decode(render_png(expected, scale, "viridis", True)))
    assert client.get("/layers").json()[0]["bands"] == ["nir"]


def test_masked_pixels_transparent_or_checkerboard(client, imagery):
    rgb = _collection(imagery).pick_bands("red green blue")
    tile = _tiles(imagery, 15)[0]
    mask = np.ma.getmaskarray(_computed(rgb.mosaic(), tile)).any(axis=0)
    assert mask.any() and (~mask).any()
    plain = registry().register(rgb, "plain", checkerboard=False)
    checker = registry().register(rgb, "checker", checkerboard=True)
    clear, board = _png(client.get(_tile_url(plain, tile))), _png(client.get(_tile_url(checker, tile)))
    assert (clear[mask] == 0).all()
    rows, cols = np.indices(mask.shape)
    dark = ((rows // 8 + cols // 8) % 2 == 1)[mask]
    light = board[mask]
    assert len({tuple(p) for p in light[dark]}) == 1 and len({tuple(p) for p in light[~dark]}) == 1
    assert tuple(light[dark][0]) != tuple(light[~dark][0]) and (light[:, 3] > 0).all()
    np.testing.assert_array_equal(board[~mask], clear[~mask])


def test_tile_outside_the_data_is_the_empty_tile(client, imagery):
    layer = registry().register(_collection(imagery).pick_bands("red"), "red", checkerboard=False)
    far = mercantile.tile(10.0, 50.0, 12)
    assert (_png(client.get(_tile_url(layer, far))) == 0).all()


def test_fifty_concurrent_tile_requests(client, base_url, imagery):
    collection = _collection(imagery)
    layers = [registry().register(collection.pick_bands("red green blue"), "rgb", scales=[0, 0.8]),
              registry().register(collection.pick_bands("nir"), "nir", reduction="mean", colormap="magma")]
    tiles = (_tiles(imagery, 17) + _tiles(imagery, 18))[:25]
    urls = [_tile_url(layer, tile) for layer in layers for tile in tiles]
    assert len(set(urls)) == 50

    async def fetch_all():
        async with httpx.AsyncClient(base_url=base_url, timeout=120) as ac:
            return await asyncio.gather(*(ac.get(url) for url in urls))

    responses = asyncio.run(fetch_all())
    pixels = [_png(r) for r in responses]
    assert sum(int((p[..., 3] == 255).any()) for p in pixels) > 10  # real data, not only empty tiles


def test_post_graft_document_and_list_and_delete(client, imagery):
    rgb = _collection(imagery).pick_bands("red green blue")
    document = dumps_proxy(rgb)
    as_object = client.post("/layers", json={"graft": json.loads(document), "name": "posted", "scales": [0, 1],
                                              "reduction": "max"})
    assert as_object.status_code == 201, as_object.text
    posted = as_object.json()
    assert posted["type"] == "ImageCollection" and posted["reduction"] == "max" and posted["scales"] == [[0.0, 1.0]]
    assert posted["tile_url"] == f"/tiles/{posted['id']}/{{z}}/{{x}}/{{y}}.png?v={posted['version']}"
    as_text = client.post("/layers", json={"graft": document, "name": "text", "scales": [0, 1], "reduction": "max"})
    assert as_text.status_code == 201 and as_text.json()["version"] == posted["version"]
    tile = _tiles(imagery, 16)[0]
    got = _png(client.get(posted["tile_url"].format(z=tile.z, x=tile.x, y=tile.y)))
    expected = _computed(rgb.max(axis="images"), tile)
    np.testing.assert_array_equal(got, _decode(render_png(expected, [0, 1], None, True)))
    health = client.get("/health").json()
    assert health["status"] == "ok" and health["layers"] == 2 and isinstance(health["backend"], str)
    assert [item["name"] for item in client.get("/layers").json()] == ["posted", "text"]
    assert client.delete(f"/layers/{posted['id']}").status_code == 204
    assert [item["name"] for item in client.get("/layers").json()] == ["text"]
    _error(client.delete(f"/layers/{posted['id']}"), 404, repr(posted["id"]))


def test_bad_requests_are_4xx_with_a_message(client, imagery):
    collection = _collection(imagery)
    layer = registry().register(collection.pick_bands("red"), "red")
    document = dumps_proxy(collection.pick_bands("red"))
    _error(client.get("/tiles/nope/1/0/0.png"), 404, "'nope'")
    for path, fragment in ((f"/tiles/{layer.id}/31/0/0.png", "31"), (f"/tiles/{layer.id}/2/4/0.png", "(4, 0)"),
                           (f"/tiles/{layer.id}/2/0/-1.png", "'-1'"), (f"/tiles/{layer.id}/z/0/0.png", "'z'")):
        _error(client.get(path), 422, fragment)
    _error(client.get(f"/tiles/{layer.id}/2/0/0.png?v=stale"), 404, "'stale'")

    def post(**body):
        return client.post("/layers", json={"graft": document, "name": "new", **body})

    _error(client.post("/layers", json={"graft": "{not json", "name": "g"}), 400, "not JSON")
    _error(client.post("/layers", json={"graft": {"format": "other"}, "name": "g"}), 400, "format")
    _error(client.post("/layers", json={"graft": dumps_proxy(wf.Int(1)), "name": "g"}), 422, "Int")
    _error(client.post("/layers", content=b"{oops", headers={"content-type": "application/json"}), 422)
    _error(post(scales=[0, "high"]), 422, "'high'")
    _error(post(colormap="rainbowish"), 422, "'rainbowish'")
    _error(post(reduction="mode"), 422, "'mode'")
    _error(post(bogus=1), 422, "'bogus'")
    _error(client.post("/layers", json={"name": "no graft"}), 422, "'graft'")
    gained = dumps_proxy(collection.pick_bands("red") * wf.parameter("gain", wf.Float))
    _error(client.post("/layers", json={"graft": gained, "name": "p", "parameters": {"gain": "big"}}), 422, "'gain'")
    _error(client.post("/layers", json={"graft": gained, "name": "p"}), 422, "'gain'")
    _error(client.patch("/layers/nope", json={"scales": [0, 1]}), 404, "'nope'")
    _error(client.patch(f"/layers/{layer.id}", json={"colormap": "nope"}), 422, "'nope'")
    two = registry().register(collection.pick_bands("red green"), "two")
    _error(client.get(_tile_url(two, _tiles(imagery, 16)[0])), 422, "2")
    _error(client.get("/inspect", params={"lon": 0, "lat": 89.9, "zoom": 3}), 422, "lat")
    _error(client.get("/inspect", params={"lon": "x", "lat": 0, "zoom": 3}), 422, "lon")
    _error(client.get(f"/layers/{layer.id}/autoscale", params={"bounds": "1,2,3", "width": 10, "height": 10}),
           422, "'1,2,3'")
    _error(client.get(f"/layers/{layer.id}/autoscale", params={"bounds": "3,0,1,1", "width": 10, "height": 10}),
           422, "west < east")
    _error(client.get(f"/layers/{layer.id}/autoscale", params={"bounds": "0,0,1,1", "width": 0, "height": 10}),
           422, "width")
    _error(client.get("/layers/nope/autoscale", params={"bounds": "0,0,1,1", "width": 5, "height": 5}), 404)
    assert [item["name"] for item in client.get("/layers").json()] == ["red", "two"]


def test_same_name_and_patch_parameters(client, served, imagery):
    collection = _collection(imagery)
    threshold = wf.parameter("threshold", wf.Float)
    rgb = collection.pick_bands("red green blue")
    obj = rgb.mask(collection.pick_bands("red") < threshold)
    document = dumps_proxy(obj)
    first = client.post("/layers", json={"graft": document, "name": "masked", "parameters": {"threshold": 0.2},
                                         "checkerboard": False, "scales": [0, 1]}).json()
    again = client.post("/layers", json={"graft": document, "name": "masked", "parameters": {"threshold": 0.2},
                                         "checkerboard": False, "scales": [0, 0.9]}).json()
    assert again["id"] == first["id"] and again["version"] != first["version"]
    tile = _tiles(imagery, 16)[0]
    before = _png(client.get(again["tile_url"].format(z=tile.z, x=tile.x, y=tile.y)))
    _error(client.get(first["tile_url"].format(z=tile.z, x=tile.x, y=tile.y)), 404, first["version"])
    patched = client.patch(f"/layers/{first['id']}", json={"parameters": {"threshold": 0.6}})
    assert patched.status_code == 200, patched.text
    patched = patched.json()
    assert patched["id"] == first["id"] and patched["version"] not in (first["version"], again["version"])
    assert patched["parameters"] == {"threshold": 0.6} and patched["scales"] == [[0.0, 0.9]]
    after = _png(client.get(patched["tile_url"].format(z=tile.z, x=tile.x, y=tile.y)))
    assert not np.array_equal(before, after)
    for value, png in ((0.2, before), (0.6, after)):
        expected = _computed(obj.mosaic(), tile, threshold=value)
        np.testing.assert_array_equal(png, _decode(render_png(expected, [0, 0.9], None, False)))
    _error(client.patch(f"/layers/{first['id']}", json={"parameters": {"threshold": "high"}}), 422, "'threshold'")
    assert client.get(f"/layers/{first['id']}").json()["version"] == patched["version"]


def test_autoscale_is_percentiles_of_the_view(client, imagery):
    layer = registry().register(_collection(imagery).pick_bands("red green blue"), "rgb", reduction="median")
    west, south, east, north = transform_bounds(imagery.geoctx.projected_bounds, imagery.geoctx.crs, "EPSG:4326")
    pad = 0.001
    bounds = (west - pad, south - pad, east + pad, north + pad)
    response = client.get(f"/layers/{layer.id}/autoscale",
                          params={"bounds": ",".join(map(str, bounds)), "width": 1024, "height": 700})
    assert response.status_code == 200, response.text
    (left, bottom), (right, top) = mercantile.xy(*bounds[:2]), mercantile.xy(*bounds[2:])
    ctx = GeoContext.from_bounds((left, bottom, right, top), "EPSG:3857", shape=(350, 512))
    view = _collection(imagery).pick_bands("red green blue").median(axis="images").compute(ctx).ndarray
    expected = [[float(v) for v in np.percentile(band.compressed(), [2, 98])] for band in view]
    assert view.count() > 1000 and np.ma.getmaskarray(view).any()
    np.testing.assert_allclose(response.json()["scales"], expected, rtol=1e-6)


def test_inspector_gives_every_layers_value_at_the_point(client, imagery, rng):
    collection = _collection(imagery)
    rgb, nir = collection.pick_bands("red green blue"), collection.pick_bands("nir")
    layers = [registry().register(rgb, "rgb"), registry().register(nir, "nir", reduction="mean")]
    tile = _tiles(imagery, 13)[0]  # ~15 m pixels: neighbouring pixels read different 20 m source pixels
    arrays = [_computed(rgb.mosaic(), tile), _computed(nir.mean(axis="images"), tile)]
    rows, cols = np.nonzero(~np.ma.getmaskarray(arrays[0]).all(axis=0))
    picks = rng.choice(len(rows), size=10, replace=False)
    points = [(rows[i], cols[i]) for i in picks] + [(0, 0), (255, 255)]
    body = client.get("/inspect", params=dict(zip(("lon", "lat"), imagery_centre(imagery)), zoom=13)).json()
    assert [entry["bands"] for entry in body["layers"]] == [["red", "green", "blue"], ["nir"]]
    left, _, right, top = mercantile.xy_bounds(tile)
    res = (right - left) / 256
    checked = 0
    for row, col in points:
        x, y = left + (col + 0.5) * res, top - (row + 0.5) * res
        lon, lat = mercantile.lnglat(x, y)
        body = client.get("/inspect", params={"lon": lon, "lat": lat, "zoom": tile.z}).json()
        assert [entry["id"] for entry in body["layers"]] == [layer.id for layer in layers]
        for entry, array in zip(body["layers"], arrays):
            pixel = array[:, row, col]
            expected = [None if m else float(v) for v, m in zip(pixel.data, np.ma.getmaskarray(pixel))]
            if entry["values"] == [] and all(v is None for v in expected):
                continue  # no image covers the pixel at all: an empty result
            assert entry["values"] == pytest.approx(expected, rel=1e-6)
            checked += sum(v is not None for v in expected)
    assert checked >= 10
