"""DC band methods (pick/unpack/rename/concat with band lists) and update_resampler."""

from __future__ import annotations

import numpy as np
import pytest

from gpucompute import dc
from gpucompute.errors import ComputeError, ProxyTypeError


def assert_ma_equal(got, want):
    np.testing.assert_array_equal(np.ma.getmaskarray(got), np.ma.getmaskarray(want))
    np.testing.assert_allclose(np.ma.filled(got, 0), np.ma.filled(want, 0), rtol=1e-6)


def test_pick_unpack_rename(imagery, backend):
    stack = dc.ImageStack.from_product_bands(imagery.product_id, "red green blue nir", "2023-01-01", "2024-01-01")
    picked = stack.pick_bands(["nir", "red"])
    assert type(picked) is dc.ImageStack
    assert_ma_equal(picked.compute(imagery.geoctx).ndarray, imagery.data[:, [3, 0]])
    _nir, blue = stack.unpack_bands("nir blue")
    assert_ma_equal(blue.compute(imagery.geoctx).ndarray, imagery.data[:, 2:3])
    renamed = stack.filled(0.0).pick_bands("green blue").rename_bands("g b")
    assert_ma_equal(renamed.pick_bands("b").compute(imagery.geoctx).ndarray, imagery.data[:, 2:3].filled(0.0))
    with pytest.raises(ComputeError, match="no band"):
        stack.pick_bands("swir").compute(imagery.geoctx)
    with pytest.raises(ComputeError, match="1 name"):
        stack.rename_bands("x").compute(imagery.geoctx)
    with pytest.raises(ProxyTypeError, match="more than once"):
        stack.pick_bands("red red")


def test_concat_bands(imagery, backend):
    mosaic = dc.Mosaic.from_product_bands(imagery.product_id, "red")
    stack = dc.ImageStack.from_product_bands(imagery.product_id, "red", "2023-01-01", "2024-01-01")
    both = mosaic.concat_bands(mosaic.clip(0.0, 0.5))
    result = both.compute(imagery.geoctx).ndarray
    assert result.shape == (2, 24, 32)
    assert_ma_equal(result[1], np.ma.clip(result[0], 0.0, 0.5))
    by_name = mosaic.concat_bands("nir green")
    assert by_name.pick_bands("red nir green").compute(imagery.geoctx).ndarray.shape == (3, 24, 32)
    joined = stack.concat_bands(stack.pick_bands("red").rename_bands("again"))
    assert_ma_equal(joined.pick_bands("again").compute(imagery.geoctx).ndarray, imagery.data[:, :1])
    with_mosaic = stack.concat_bands(mosaic).compute(imagery.geoctx).ndarray  # same name gets a suffix
    assert with_mosaic.shape == (6, 2, 24, 32)
    assert_ma_equal(with_mosaic[:, 1], np.broadcast_to(with_mosaic[-1, 1], (6, 24, 32)))
    derived = mosaic.filled(-1.0).concat_bands("nir").compute(imagery.geoctx).ndarray  # nir read as is
    reference = dc.Mosaic.from_product_bands(imagery.product_id, "red nir").compute(imagery.geoctx).ndarray
    assert_ma_equal(derived[0], reference[0].filled(-1.0))
    assert_ma_equal(derived[1], reference[1])
    with pytest.raises(ProxyTypeError, match="one product"):
        stack.max(axis="images").concat_bands(mosaic).concat_bands("nir")


def test_update_resampler_rewrites_every_source(imagery, backend):
    coarse = imagery.geoctx.replace(resolution=30.0)
    mosaic = dc.Mosaic.from_product_bands(imagery.product_id, "red nir")
    stack = dc.ImageStack.from_product_bands(imagery.product_id, "red nir", "2023-01-01", "2024-01-01")
    expr = stack.max(axis="images").concat_bands(mosaic)
    updated = expr.update_resampler("bilinear")
    sources = [v for v in updated.graft.values() if isinstance(v, list) and str(v[0]).startswith("dc.")
               and str(v[0]).endswith("from_product_bands")]
    assert len(sources) == 2 and all(updated.graft[v[-1]["resampler"]] == "bilinear" for v in sources)
    want = dc.ImageStack.from_product_bands(imagery.product_id, "red nir", "2023-01-01", "2024-01-01",
                                            resampler="bilinear").max(axis="images").concat_bands(
        dc.Mosaic.from_product_bands(imagery.product_id, "red nir", resampler="bilinear"))
    got = updated.compute(coarse).ndarray
    assert_ma_equal(got, want.compute(coarse).ndarray)
    assert not np.ma.allclose(got, expr.compute(coarse).ndarray)
    with pytest.raises(ProxyTypeError, match="resampler"):
        mosaic.update_resampler("smooth")
