"""The structural manipulation routines against NumPy and numpy.ma, on every backend.

Each case is written once as ``call(ns, *arrays)`` and run with ``ns`` set to
``gpucompute.array`` (the code under test), ``numpy`` (the oracle for plain
arrays) and ``numpy.ma`` (the oracle for MaskedArrays, where numpy.ma has the
routine). Where numpy.ma has no such routine the oracle is NumPy applied to
the data and to the mask separately (``oracle="split"``), with ``mask_call``
where the mask needs other arguments (``pad`` fills it with False).
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
import pytest

import gpucompute.array as ga
from gpucompute.array import _manipulation
from gpucompute.testing import assert_array_matches, assert_masked_matches, random_array, random_mask


@dataclass(frozen=True)
class Case:
    id: str
    call: Callable[..., Any]
    shapes: tuple[tuple[int, ...], ...]
    oracle: str = "ma"  # "ma": numpy.ma has the routine; "split": NumPy on data and on mask
    mask_call: Callable[..., Any] | None = None


def C(id: str, call: Callable[..., Any], *shapes: tuple[int, ...], oracle: str = "ma",
      mask_call: Callable[..., Any] | None = None) -> Case:
    return Case(id, call, shapes, oracle, mask_call)


#: Structural routines do not look at values: one float, one signed and one unsigned type suffice.
DTYPES = (np.float64, np.int16, np.uint8)
S = "split"
CASES = [
    C("atleast_1d-0d", lambda ns, a: ns.atleast_1d(a), ()),
    C("atleast_2d-1d", lambda ns, a: ns.atleast_2d(a), (5,)),
    C("atleast_3d-1d", lambda ns, a: ns.atleast_3d(a), (5,)),
    C("atleast_3d-2d", lambda ns, a: ns.atleast_3d(a), (2, 3)),
    C("atleast_2d-many", lambda ns, a, b: ns.atleast_2d(a, b), (3,), (2, 3, 4)),
    C("broadcast_to", lambda ns, a: ns.broadcast_to(a, (2, 3, 4)), (3, 1), oracle=S),
    C("broadcast_arrays", lambda ns, a, b, c: ns.broadcast_arrays(a, b, c), (3, 1), (1, 4), (4,), oracle=S),
    C("concatenate-0", lambda ns, a, b: ns.concatenate([a, b]), (2, 3), (4, 3)),
    C("concatenate-neg", lambda ns, a, b, c: ns.concatenate((a, b, c), axis=-1), (2, 3), (2, 1), (2, 4)),
    C("concatenate-None", lambda ns, a, b: ns.concatenate([a, b], axis=None), (2, 3), (5,)),
    C("stack-0", lambda ns, a, b, c: ns.stack([a, b, c]), (2, 3), (2, 3), (2, 3)),
    C("stack-last", lambda ns, a, b: ns.stack([a, b], axis=-1), (2, 3), (2, 3)),
    C("hstack-1d", lambda ns, a, b: ns.hstack([a, b]), (3,), (4,)),
    C("hstack-2d", lambda ns, a, b: ns.hstack((a, b)), (3, 2), (3, 4)),
    C("vstack", lambda ns, a, b: ns.vstack([a, b]), (4,), (2, 4)),
    C("dstack", lambda ns, a, b: ns.dstack([a, b]), (2, 3), (2, 3, 2)),
    C("reshape", lambda ns, a: ns.reshape(a, (4, -1)), (2, 3, 4)),
    C("reshape-int", lambda ns, a: ns.reshape(a, 24), (2, 3, 4)),
    C("ravel", lambda ns, a: ns.ravel(a), (2, 3, 4)),
    C("squeeze-all", lambda ns, a: ns.squeeze(a), (1, 3, 1, 4)),
    C("squeeze-axes", lambda ns, a: ns.squeeze(a, axis=(0, -2)), (1, 3, 1, 4)),
    C("transpose", lambda ns, a: ns.transpose(a), (2, 3, 4)),
    C("transpose-axes", lambda ns, a: ns.transpose(a, (1, 0, 2)), (2, 3, 4)),
    C("moveaxis", lambda ns, a: ns.moveaxis(a, 0, -1), (2, 3, 4), oracle=S),
    C("moveaxis-many", lambda ns, a: ns.moveaxis(a, [0, 1], [2, 0]), (2, 3, 4), oracle=S),
    C("rollaxis", lambda ns, a: ns.rollaxis(a, 2), (2, 3, 4), oracle=S),
    C("rollaxis-start", lambda ns, a: ns.rollaxis(a, 0, 3), (2, 3, 4), oracle=S),
    C("roll-flat", lambda ns, a: ns.roll(a, 2), (3, 4), oracle=S),
    C("roll-axes", lambda ns, a: ns.roll(a, (1, -2), axis=(0, 1)), (3, 4), oracle=S),
    C("roll-repeated", lambda ns, a: ns.roll(a, (1, 2), axis=(1, 1)), (3, 4), oracle=S),
    C("repeat-flat", lambda ns, a: ns.repeat(a, 2), (2, 3)),
    C("repeat-axis", lambda ns, a: ns.repeat(a, [1, 0, 2], axis=0), (3, 4)),
    C("tile", lambda ns, a: ns.tile(a, 2), (2, 3), oracle=S),
    C("tile-more", lambda ns, a: ns.tile(a, (2, 1, 3)), (2, 3), oracle=S),
    C("pad-constant", lambda ns, a: ns.pad(a, 1, constant_values=7), (3, 4), oracle=S,
      mask_call=lambda ns, a: ns.pad(a, 1, constant_values=False)),
    C("pad-edge", lambda ns, a: ns.pad(a, ((1, 2), (0, 3)), mode="edge"), (3, 4), oracle=S),
    C("pad-reflect", lambda ns, a: ns.pad(a, 2, mode="reflect"), (4, 5), oracle=S),
    C("pad-symmetric", lambda ns, a: ns.pad(a, ((2, 1), (1, 0)), mode="symmetric"), (3, 4), oracle=S),
    C("pad-wrap", lambda ns, a: ns.pad(a, (3, 1), mode="wrap"), (3, 4), oracle=S),
    C("insert-scalar", lambda ns, a: ns.insert(a, 1, 9), (3, 4), oracle=S,
      mask_call=lambda ns, a: ns.insert(a, 1, False)),
    C("insert-column", lambda ns, a: ns.insert(a, -1, [5, 6, 7], axis=1), (3, 4), oracle=S,
      mask_call=lambda ns, a: ns.insert(a, -1, False, axis=1)),
    C("insert-many", lambda ns, a: ns.insert(a, [0, 2, 2, 4], [1, 2, 3, 4], axis=1), (3, 4), oracle=S,
      mask_call=lambda ns, a: ns.insert(a, [0, 2, 2, 4], False, axis=1)),
    C("insert-slice", lambda ns, a: ns.insert(a, slice(0, 4, 2), 5, axis=0), (4, 3), oracle=S,
      mask_call=lambda ns, a: ns.insert(a, slice(0, 4, 2), False, axis=0)),
    C("insert-values", lambda ns, a, v: ns.insert(a, [1, 3], v, axis=0), (3, 4), (2, 4), oracle=S),
    C("take-flat", lambda ns, a: ns.take(a, [0, -1, 3, 3]), (3, 4)),
    C("take-axis", lambda ns, a: ns.take(a, [[0, 1], [2, -1]], axis=1), (2, 3, 4)),
    C("take-scalar", lambda ns, a: ns.take(a, 2, axis=0), (3, 4)),
    C("compress", lambda ns, a: ns.compress([True, False, True], a, axis=0), (4, 3)),
    C("compress-flat", lambda ns, a: ns.compress(np.array([0, 1, 1, 0, 1]), a), (2, 3)),
    C("diagonal", lambda ns, a: ns.diagonal(a, 1), (4, 5)),
    C("diagonal-axes", lambda ns, a: ns.diagonal(a, -1, 2, 0), (3, 4, 5)),
    C("tril", lambda ns, a: ns.tril(a), (4, 5), oracle=S),
    C("tril-k", lambda ns, a: ns.tril(a, -1), (2, 3, 4), oracle=S),
    C("triu", lambda ns, a: ns.triu(a, 1), (5, 4), oracle=S),
    C("triu-1d", lambda ns, a: ns.triu(a), (4,), oracle=S),
]

#: Cases with several operands, run with the first masked and the others plain.
MIXED = [c for c in CASES if len(c.shapes) > 1]


def _pairs(got: Any, want: Any) -> list[tuple[Any, Any]]:
    if isinstance(want, (list, tuple)):
        assert isinstance(got, (list, tuple)) and len(got) == len(want)
        return list(zip(got, want))
    return [(got, want)]


def _check_plain(got: Any, want: Any, backend) -> None:
    for g, w in _pairs(got, want):
        assert_array_matches(g, w, backend)


def _check_masked(got: Any, want: Any, backend) -> None:
    for g, w in _pairs(got, want):
        assert_masked_matches(g, w, backend)


def _split_oracle(case: Case, datas: list[np.ndarray], masks: list[np.ndarray]) -> Any:
    data = case.call(np, *datas)
    mask = (case.mask_call or case.call)(np, *masks)
    if isinstance(data, (list, tuple)):
        return [np.ma.MaskedArray(d, m) for d, m in zip(data, mask)]
    return np.ma.MaskedArray(data, mask)


def _oracle(case: Case, datas: list[np.ndarray], masks: list[np.ndarray], masked: list[bool]) -> Any:
    if case.oracle == "ma":
        return case.call(np.ma, *[np.ma.MaskedArray(d, m) if is_m else d
                                  for d, m, is_m in zip(datas, masks, masked)])
    return _split_oracle(case, datas, [m if is_m else np.zeros_like(m) for m, is_m in zip(masks, masked)])


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_matches_numpy_and_numpy_ma(case: Case, dtype, backend, rng):
    datas = [random_array(rng, shape, dtype) for shape in case.shapes]
    _check_plain(case.call(ga, *[backend.asarray(d) for d in datas]), case.call(np, *datas), backend)

    masks = [random_mask(rng, shape, 0.4) for shape in case.shapes]
    inputs = [ga.MaskedArray(d, m, backend=backend) for d, m in zip(datas, masks)]
    _check_masked(case.call(ga, *inputs), _oracle(case, datas, masks, [True] * len(datas)), backend)


@pytest.mark.parametrize("case", MIXED, ids=lambda c: c.id)
def test_mixed_masked_and_plain_inputs(case: Case, backend, rng):
    datas = [random_array(rng, shape, np.float32) for shape in case.shapes]
    masks = [random_mask(rng, shape, 0.5) for shape in case.shapes]
    masked = [True] + [False] * (len(datas) - 1)
    inputs = [ga.MaskedArray(d, m, backend=backend) if is_m else backend.asarray(d)
              for d, m, is_m in zip(datas, masks, masked)]
    _check_masked(case.call(ga, *inputs), _oracle(case, datas, masks, masked), backend)


def test_host_inputs_are_moved_to_the_backend(backend, rng):
    data = random_array(rng, (3, 4), np.float32)
    got = ga.concatenate([data, data.tolist()], axis=1)
    assert backend.is_native(got)
    assert_array_matches(got, np.concatenate([data, data.tolist()], axis=1), backend)


def test_concatenate_promotes_dtypes(backend, rng):
    a, b = random_array(rng, (2, 3), np.int16), random_array(rng, (1, 3), np.float32)
    assert_array_matches(ga.concatenate([backend.asarray(a), backend.asarray(b)]), np.concatenate([a, b]), backend)


def test_take_masked_indices_follow_numpy_ma(backend, rng):
    data = random_array(rng, (3, 5), np.float32)
    mask = random_mask(rng, (3, 5))
    indices = rng.integers(-5, 5, size=4)
    index_mask = np.array([False, True, False, True])
    gp_index = ga.MaskedArray(indices, index_mask, backend=backend)
    np_index = np.ma.MaskedArray(indices, index_mask)
    for axis in (None, -1):  # numpy.ma's own result is only shape-correct for these axes
        got = ga.take(ga.MaskedArray(data, mask, backend=backend), gp_index, axis=axis)
        assert_masked_matches(got, np.ma.take(np.ma.MaskedArray(data, mask), np_index, axis=axis), backend)
    # Along axis 0, masked indices mask their whole row (the reading numpy.ma intends).
    row_index = ga.MaskedArray(indices[:3] % 3, index_mask[:3], backend=backend)
    got = ga.take(backend.asarray(data), row_index, axis=0)
    want = np.ma.MaskedArray(np.take(data, indices[:3] % 3, axis=0),
                             np.broadcast_to(index_mask[:3, None], (3, 5)))
    assert_masked_matches(got, want, backend)


def test_pad_value_modes_on_plain_arrays(backend, rng):
    data = random_array(rng, (3, 4), np.float32)
    for mode in ("maximum", "minimum", "mean"):
        assert_array_matches(ga.pad(backend.asarray(data), 2, mode=mode), np.pad(data, 2, mode=mode), backend)


def test_fill_value_is_kept_by_single_input_routines(backend):
    arr = ga.MaskedArray(np.arange(6.0), [0, 1, 0, 0, 1, 0], fill_value=-9.0, backend=backend)
    assert ga.reshape(arr, (2, 3)).fill_value == -9.0
    assert ga.pad(arr, 1).fill_value == -9.0


def test_masked_array_methods_use_these_routines(backend, rng):
    data, mask = random_array(rng, (2, 3, 4), np.float32), random_mask(rng, (2, 3, 4))
    arr, ref = ga.MaskedArray(data, mask, backend=backend), np.ma.MaskedArray(data, mask)
    assert_masked_matches(arr.reshape(4, 6), ref.reshape(4, 6), backend)
    assert_masked_matches(arr.reshape((-1, 2)), ref.reshape((-1, 2)), backend)
    assert_masked_matches(arr.transpose(), ref.transpose(), backend)
    assert_masked_matches(arr.transpose(2, 0, 1), ref.transpose(2, 0, 1), backend)
    assert_masked_matches(arr.T, ref.T, backend)


def test_table_covers_the_structural_names():
    searching = {"flatnonzero", "nonzero", "argwhere", "unique", "unravel_index", "where"}
    assert set(_manipulation.STRUCTURAL) | searching == set(_manipulation.__all__)
    assert not set(_manipulation.STRUCTURAL) & searching
    assert len(_manipulation.__all__) == len(set(_manipulation.__all__)) == 32


@pytest.mark.parametrize("name", sorted(_manipulation.STRUCTURAL))
def test_made_routines_have_numpy_signatures(name):
    routine = getattr(_manipulation, name)
    params = list(inspect.signature(routine).parameters)
    assert params and params[0] != "backend"
    assert routine.__name__ == name and routine.__doc__ and "Parameters" in routine.__doc__
    numpy_params = [p.name for p in inspect.signature(getattr(np, name)).parameters.values()
                    if p.kind not in (p.KEYWORD_ONLY, p.VAR_KEYWORD)]
    if name == "reshape":  # NumPy 2.1 renamed newshape to shape; the original API's name is kept
        numpy_params[1] = "newshape"
    common = min(len(params), len(numpy_params))
    assert common >= 1 and params[:common] == numpy_params[:common]
