"""render_png against an independent NumPy oracle: stretch, colour, mask, checkerboard, PNG decoding."""

from __future__ import annotations

import io

import matplotlib
import numpy as np
import pytest
from PIL import Image

from gpucompute.errors import ProxyTypeError
from gpucompute.server.render import (
    CHECKER_DARK,
    CHECKER_LIGHT,
    CHECKER_SIZE,
    empty_png,
    normalize_scales,
    render_png,
)


def _decode(png: bytes) -> np.ndarray:
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.mode == "RGBA"
    return np.asarray(image)


def _masked(rng, bands, rows=40, cols=56, lo=-0.5, hi=1.5, fraction=0.2):
    data = rng.uniform(lo, hi, size=(bands, rows, cols)).astype(np.float32)
    return np.ma.MaskedArray(data, mask=rng.random(data.shape) < fraction)


def _unit(values, lo, hi):
    return np.clip((np.asarray(values, np.float64) - lo) / (hi - lo), 0, 1)


def _checker(rows, cols):
    r, c = np.indices((rows, cols))
    dark = (r // CHECKER_SIZE + c // CHECKER_SIZE) % 2 == 1
    return np.where(dark[..., None], np.array(CHECKER_DARK, np.uint8), np.array(CHECKER_LIGHT, np.uint8))


def test_rgb_per_band_scales_match_oracle(rng):
    arr = _masked(rng, 3)
    scales = [[0.0, 1.0], [-0.2, 0.8], [1.2, 0.1]]  # the last one inverted
    out = _decode(render_png(arr, scales, None, checkerboard=False))
    assert out.shape == (40, 56, 4)
    masked = np.ma.getmaskarray(arr).any(axis=0)
    for band, (lo, hi) in enumerate(scales):
        expected = np.rint(_unit(arr.data[band], lo, hi) * 255).astype(np.uint8)
        np.testing.assert_array_equal(out[..., band][~masked], expected[~masked])
    np.testing.assert_array_equal(out[..., 3], np.where(masked, 0, 255))
    assert (out[masked] == 0).all()


def test_one_pair_applies_to_every_band(rng):
    arr = _masked(rng, 3, fraction=0.0)
    one = _decode(render_png(arr, [0.1, 0.9], None, False))
    three = _decode(render_png(arr, [[0.1, 0.9]] * 3, None, False))
    np.testing.assert_array_equal(one, three)
    np.testing.assert_array_equal(one[..., 0], np.rint(_unit(arr.data[0], 0.1, 0.9) * 255))


@pytest.mark.parametrize("name", ["viridis", "magma_r", "Greys"])
def test_one_band_colormap_matches_matplotlib(rng, name):
    arr = _masked(rng, 1)
    out = _decode(render_png(arr, [0.0, 1.0], name, checkerboard=False))
    expected = matplotlib.colormaps[name](_unit(arr.data[0], 0.0, 1.0), bytes=True)
    masked = np.ma.getmaskarray(arr)[0]
    np.testing.assert_array_equal(out[~masked], expected[~masked])
    assert (out[masked] == 0).all()


def test_one_band_without_colormap_is_grey(rng):
    arr = _masked(rng, 1, fraction=0.0)[0]  # a 2-D array is one band
    out = _decode(render_png(arr, [-0.5, 1.5], None, False))
    grey = np.rint(_unit(arr.data, -0.5, 1.5) * 255)
    for channel in range(3):
        np.testing.assert_array_equal(out[..., channel], grey)
    assert (out[..., 3] == 255).all()


def test_default_scales_are_zero_one(rng):
    arr = _masked(rng, 3, fraction=0.0)
    np.testing.assert_array_equal(_decode(render_png(arr, None, None, False)),
                                  _decode(render_png(arr, [0, 1], None, False)))


def test_checkerboard_under_masked_pixels(rng):
    arr = _masked(rng, 3, fraction=0.3)
    out = _decode(render_png(arr, [0, 1], None, checkerboard=True))
    masked = np.ma.getmaskarray(arr).any(axis=0)
    np.testing.assert_array_equal(out[masked], _checker(40, 56)[masked])
    assert (out[~masked][:, 3] == 255).all()


def test_nan_is_masked(rng):
    arr = _masked(rng, 3, fraction=0.0)
    arr.data[1, 3, 4] = np.nan
    out = _decode(render_png(arr, [0, 1], None, False))
    assert out[3, 4, 3] == 0 and (out[..., 3].sum() == 255 * (40 * 56 - 1))


def test_boolean_band(rng):
    values = rng.random((1, 16, 16)) < 0.5
    out = _decode(render_png(np.ma.MaskedArray(values), [0, 1], None, False))
    np.testing.assert_array_equal(out[..., 0], np.where(values[0], 255, 0))


@pytest.mark.parametrize("checkerboard", [True, False])
def test_empty_tiles(checkerboard):
    out = _decode(empty_png(checkerboard))
    assert out.shape == (256, 256, 4)
    expected = _checker(256, 256) if checkerboard else np.zeros((256, 256, 4), np.uint8)
    np.testing.assert_array_equal(out, expected)
    np.testing.assert_array_equal(_decode(render_png(None, None, None, checkerboard)), expected)


@pytest.mark.parametrize("bands", [2, 4])
def test_two_or_four_bands_are_refused(rng, bands):
    with pytest.raises(ProxyTypeError, match=f"has {bands}"):
        render_png(_masked(rng, bands), None, None, True)


def test_colormap_on_three_bands_is_refused(rng):
    with pytest.raises(ProxyTypeError, match="'viridis'"):
        render_png(_masked(rng, 3), None, "viridis", True)


def test_scales_per_band_must_match_band_count(rng):
    with pytest.raises(ProxyTypeError, match="2 \\[lo, hi\\] pairs"):
        render_png(_masked(rng, 3), [[0, 1], [0, 2]], None, True)


def test_unknown_colormap(rng):
    with pytest.raises(ProxyTypeError, match="'no-such-map'"):
        render_png(_masked(rng, 1), None, "no-such-map", True)


@pytest.mark.parametrize("scales, expected", [
    ([0, 1], [[0.0, 1.0]]),
    ((2, -3.5), [[2.0, -3.5]]),
    ([[0, 1], [1, 2], [2, 3]], [[0.0, 1.0], [1.0, 2.0], [2.0, 3.0]]),
    (None, None),
])
def test_normalize_scales(scales, expected):
    assert normalize_scales(scales) == expected


@pytest.mark.parametrize("scales", [[1], [1, 1], ["a", 2], [0, float("nan")], [[0, 1]] * 4, 5, [[0, 1, 2]],
                                    [True, 2]])
def test_bad_scales(scales):
    with pytest.raises(ProxyTypeError, match="scales"):
        normalize_scales(scales)
