"""Fixtures for the catalog tests: a fresh catalog per test and tiny GeoTIFF writers."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

SHARED_RASTERS = Path(__file__).parents[2] / ".." / "shared" / "data" / "rasterio"


@pytest.fixture
def catalog(tmp_path, monkeypatch):
    """A fresh catalog in tmp_path, made the default; closed afterwards."""
    from gpucompute.catalog import connect, reset_catalog

    monkeypatch.setenv("GPUCOMPUTE_HOME", str(tmp_path / "home"))
    reset_catalog()
    cat = connect()
    yield cat
    reset_catalog()


@pytest.fixture
def write_tif(tmp_path):
    """write_tif(name, data, crs=..., transform=..., nodata=None) -> path of a small GeoTIFF."""
    import rasterio
    from affine import Affine

    def write(name, data, crs="EPSG:32618", transform=None, nodata=None):
        data = np.asarray(data)
        if data.ndim == 2:
            data = data[np.newaxis]
        transform = transform or Affine(30.0, 0.0, 500000.0, 0.0, -30.0, 4000000.0)
        path = tmp_path / name
        with rasterio.open(path, "w", driver="GTiff", width=data.shape[2], height=data.shape[1],
                           count=data.shape[0], dtype=data.dtype.name, crs=crs, transform=transform,
                           nodata=nodata) as dst:
            dst.write(data)
        return path

    return write


@pytest.fixture
def make_product(catalog):
    """make_product(name, bands=[(name, data_type, band_index), ...]) -> saved Product."""
    from gpucompute.catalog import Product, SpectralBand

    def make(name="prod", bands=(("b1", "UInt16", 0),), **band_kw):
        product = Product(id=name, name=name.title())
        product.save()
        for bname, dtype, index in bands:
            SpectralBand(name=bname, product=product, data_type=dtype, band_index=index, **band_kw).save()
        return product

    return make
