"""FakeReader, FailingReader and RasterStack (mosaic, numpy.ma and device forms)."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from affine import Affine

from gpucompute.errors import RasterArgumentError, RasterReadError
from gpucompute.raster import (
    FailingReader,
    FakeReader,
    ImageRef,
    RasterioReader,
    RasterStack,
    Reader,
)

REFS = [ImageRef("a.tif", (1, 2), id="scene-a"), ImageRef("b.tif", (1, 2), id="scene-b")]


def _tile_grid(grid, crs: str, res: float, col: int, row: int, size: int = 64):
    return grid(crs, Affine(res, 0, col * size * res, 0, -res, -row * size * res), (size, size))


def test_fake_reader_is_deterministic(grid):
    g = grid("EPSG:3857", Affine(30, 0, 500000, 0, -30, 4_000_000), (50, 70))
    a = FakeReader(seed=3, masked_fraction=0.2).read(REFS, g)
    b = FakeReader(seed=3, masked_fraction=0.2).read(REFS, g)
    c = FakeReader(seed=4, masked_fraction=0.2).read(REFS, g)
    np.testing.assert_array_equal(a.data, b.data)
    np.testing.assert_array_equal(a.mask, b.mask)
    assert not np.array_equal(a.data, c.data) and not np.array_equal(a.mask, c.mask)
    # images and bands differ from one another
    assert not np.array_equal(a.data[0, 0], a.data[0, 1]) and not np.array_equal(a.data[0], a.data[1])
    assert isinstance(FakeReader(), Reader) and isinstance(FailingReader(), Reader)


@pytest.mark.parametrize("crs,res", [("EPSG:3857", 9.55), ("EPSG:4326", 1e-4), ("EPSG:32618", 30.0)])
def test_fake_tiles_agree_with_the_larger_grid(crs, res, grid):
    reader = FakeReader(seed=1, masked_fraction=0.3)
    big = reader.read(REFS, _tile_grid(grid, crs, res, 10, 20, size=128))
    for dr in (0, 1):
        for dc in (0, 1):
            tile = reader.read(REFS, _tile_grid(grid, crs, res, 20 + dc, 40 + dr))
            window = (slice(None), slice(None), slice(64 * dr, 64 * dr + 64), slice(64 * dc, 64 * dc + 64))
            np.testing.assert_array_equal(tile.mask, big.mask[window])
            np.testing.assert_allclose(tile.data, big.data[window], rtol=0, atol=1e-6)


def test_fake_masked_fraction_dtype_and_counts(grid):
    g = grid("EPSG:32618", Affine(10, 0, 300000, 0, -10, 4_500_000), (256, 256))
    reader = FakeReader(seed=0, dtype="uint16", masked_fraction=0.3)
    out = reader.read(REFS, g)
    assert out.dtype == np.uint16 and out.shape == (2, 2, 256, 256)
    assert abs(out.mask.mean() - 0.3) < 0.02
    valid = out.data[~out.mask]
    assert valid.min() >= 1 and valid.max() <= 10000 and np.unique(valid).size > 1000
    assert reader.reads == 2 and reader.requests == 1
    reader.read(REFS[:1], g, dtype="float32")
    assert reader.reads == 3 and reader.requests == 2
    assert not FakeReader().read(REFS, g).mask.any()
    with pytest.raises(RasterArgumentError, match="resampler"):
        reader.read(REFS, g, resampler="bogus")
    with pytest.raises(RasterArgumentError):
        FakeReader(masked_fraction=1.5)


def test_failing_reader_proves_nothing_was_read(grid):
    reader = FailingReader()
    g = grid("EPSG:3857", Affine(1, 0, 0, 0, -1, 0), (4, 4))
    with pytest.raises(RasterReadError, match="laziness"):
        reader.read(REFS, g)
    with pytest.raises(RasterReadError, match="laziness"):
        reader.read_mosaic(REFS, g)
    assert reader.attempts == 2


def test_stack_mosaic_takes_the_first_valid_image(rng):
    data = rng.integers(0, 100, (4, 2, 9, 11)).astype(np.int16)
    mask = rng.random((4, 2, 9, 11)) < 0.6
    stack = RasterStack(data, mask)
    out = stack.mosaic()
    assert out.shape == (1, 2, 9, 11)
    for b in range(2):
        for y in range(9):
            for x in range(11):
                valid = [t for t in range(4) if not mask[t, b, y, x]]
                assert out.mask[0, b, y, x] == (not valid)
                if valid:
                    assert out.data[0, b, y, x] == data[valid[0], b, y, x]
    with pytest.raises(RasterArgumentError):
        RasterStack(data[0], mask[0])
    with pytest.raises(RasterArgumentError):
        RasterStack(data, mask.astype(np.uint8))


def test_to_masked_array_on_backend(backend, grid):
    from gpucompute.array import MaskedArray

    stack = FakeReader(seed=2, masked_fraction=0.25).read(REFS, _tile_grid(grid, "EPSG:3857", 10.0, 3, 4))
    on_device = stack.to_masked_array()
    assert isinstance(on_device, MaskedArray) and on_device.backend.name == backend.name
    host = on_device.to_numpy()
    want = stack.to_numpy_ma()
    np.testing.assert_array_equal(np.ma.getmaskarray(host), want.mask)
    np.testing.assert_array_equal(np.ma.getdata(host), want.data)
    named = stack.to_masked_array(backend.name)
    assert named.backend.name == backend.name


def test_reader_pickles_without_its_pool(rio_data, grid):
    reader = RasterioReader(max_workers=3, overviews=False)
    reader.read([ImageRef(rio_data("RGB.byte.tif"), (1,))] * 2,
                grid("EPSG:32618", Affine(3000, 0, 101985, 0, -3000, 2826915), (20, 20)))
    clone = pickle.loads(pickle.dumps(reader))
    assert (clone.max_workers, clone.overviews) == (3, False)
    reader.close()
