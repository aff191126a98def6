"""Fixtures of the map tests: a small demo product in its own catalog home, and fresh maps."""

from __future__ import annotations

import os

import pytest

SIZE, SCENES = 96, 4
#: The demo's Central Valley area (lat, lon), where its scenes are.
CENTER = (36.2431, -121.0892)


@pytest.fixture(scope="session")
def _map_home(tmp_path_factory):
    from gpucompute.catalog import reset_catalog
    from gpucompute.catalog.demo import ensure_demo_product

    home = tmp_path_factory.mktemp("interactive-home")
    old = {k: os.environ.get(k) for k in ("GPUCOMPUTE_HOME", "GPUCOMPUTE_BACKEND")}
    os.environ["GPUCOMPUTE_HOME"] = str(home)
    reset_catalog()
    try:
        ensure_demo_product(size=SIZE, scenes=SCENES, progress=False)
    finally:
        for key, value in old.items():
            os.environ.pop(key, None) if value is None else os.environ.__setitem__(key, value)
        reset_catalog()
    return home


@pytest.fixture
def demo(_map_home, monkeypatch):
    """The demo catalog, with the numpy backend (tiles are computed in the server's threads, which
    follow the process-wide choice, so it is set through the environment)."""
    from gpucompute.catalog import reset_catalog

    monkeypatch.setenv("GPUCOMPUTE_HOME", str(_map_home))
    monkeypatch.setenv("GPUCOMPUTE_BACKEND", "numpy")
    reset_catalog()
    yield _map_home
    reset_catalog()


@pytest.fixture
def app(demo):
    """A new MapApp over the demo area at zoom 14 (not the process's singleton)."""
    from gpucompute.interactive import MapApp

    m = MapApp()
    m.center, m.zoom = CENTER, 14
    yield m
    m.clear_layers()
    m.close()


@pytest.fixture
def imagery(demo):
    """Proxies over the demo product: ``rgb`` (3 bands), ``ndvi`` (1 band) and ``collection``."""
    import gpucompute as wf
    from gpucompute.catalog.demo import DEMO_PRODUCT_ID

    ic = wf.ImageCollection.from_id(DEMO_PRODUCT_ID, start_datetime="2023-03-01", end_datetime="2023-06-01")
    red, nir = ic.pick_bands("red").mosaic(), ic.pick_bands("nir").mosaic()
    return {"collection": ic, "rgb": ic.pick_bands("red green blue").mosaic(),
            "ndvi": wf.normalized_difference(nir, red)}

