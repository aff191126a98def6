"""Fixtures for the raster tests: the shared test rasters, grids, and the whole-file warp oracle.

The oracle is :func:`rasterio.warp.reproject` of the *whole* file (read into
memory) onto the grid, with the file's nodata value as source and destination
nodata; its mask is "the output equals nodata". The reader must give the same
values and mask although it reads only the window it needs.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
import rasterio
from affine import Affine
from rasterio.warp import reproject, transform_bounds

from gpucompute.raster import RESAMPLERS

DATA = Path(__file__).parents[2] / ".." / "shared" / "data" / "rasterio"


@pytest.fixture
def rio_data():
    """The folder of rasterio's test rasters; skips the test when it is absent."""
    def path(name: str) -> str:
        p = DATA / name
        if not p.exists():
            pytest.skip(f"test raster {p} is not available")
        return str(p.resolve())
    return path


def make_grid(crs: str, transform: Affine, shape: tuple[int, int]) -> SimpleNamespace:
    """A grid as the reader sees a GeoContext: crs, transform, arr_shape."""
    return SimpleNamespace(crs=crs, transform=transform, arr_shape=tuple(shape))


@pytest.fixture
def grid():
    return make_grid


def random_grids(path: str, crs: str, rng: np.random.Generator, n: int,
                 scale: tuple[float, float] = (0.6, 3.0), max_side: int = 240) -> list[SimpleNamespace]:
    """*n* random grids in *crs* inside the file's footprint, pixel sizes *scale* x the file's."""
    with rasterio.open(path) as ds:
        left, bottom, right, top = transform_bounds(ds.crs, crs, *ds.bounds)
        native = (right - left) / ds.width
    out = []
    for _ in range(n):
        res = native * rng.uniform(*scale)
        width = min(max_side, int((right - left) * 0.8 / res))
        height = min(max_side, int((top - bottom) * 0.8 / res))
        cols, rows = int(rng.integers(16, width)), int(rng.integers(16, height))
        x0 = left + (right - left) * 0.1 + rng.uniform(0, (right - left) * 0.8 - cols * res)
        y0 = top - (top - bottom) * 0.1 - rng.uniform(0, (top - bottom) * 0.8 - rows * res)
        out.append(make_grid(crs, Affine(res, 0, x0, 0, -res, y0), (rows, cols)))
    return out


@pytest.fixture
def grids_in():
    return random_grids


def whole_file_warp(path: str, bands: tuple[int, ...], grid: SimpleNamespace, resampler: str = "near",
                    overview_level: int | None = None, nodata: float | None = None) -> np.ma.MaskedArray:
    """The oracle: reproject of the whole file (or overview level) onto *grid*, masked where nodata."""
    options = {} if overview_level is None else {"overview_level": overview_level}
    with rasterio.open(path, **options) as ds:
        source = ds.read(list(bands))
        src_transform, src_crs = ds.transform, ds.crs
        nodata = ds.nodata if nodata is None else nodata
    out = np.zeros((len(bands), *grid.arr_shape), dtype=source.dtype)
    reproject(source, out, src_transform=src_transform, src_crs=src_crs, src_nodata=nodata,
              dst_nodata=nodata, dst_transform=grid.transform, dst_crs=grid.crs,
              resampling=RESAMPLERS[resampler][0])
    mask = np.isnan(out) if nodata is not None and np.isnan(nodata) else out == nodata
    return np.ma.MaskedArray(out, mask=mask)


@pytest.fixture
def oracle():
    return whole_file_warp


def assert_same(got: np.ma.MaskedArray, want: np.ma.MaskedArray, atol: float = 0) -> None:
    """Masks equal; values equal (or within *atol*) where valid."""
    got_mask, want_mask = np.ma.getmaskarray(got), np.ma.getmaskarray(want)
    assert got.shape == want.shape
    bad = int(np.count_nonzero(got_mask != want_mask))
    assert bad == 0, f"masks differ at {bad} of {got_mask.size} pixels"
    valid = ~want_mask
    a = np.ma.getdata(got)[valid].astype(np.float64)
    b = np.ma.getdata(want)[valid].astype(np.float64)
    if atol == 0:
        np.testing.assert_array_equal(a, b)
    else:
        np.testing.assert_allclose(a, b, rtol=0, atol=atol)


@pytest.fixture
def same():
    return assert_same
