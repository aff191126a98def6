"""Array indexing: what ``typecheck_getitem`` records, what it refuses when built, and computed values.

The guide's examples (workflows-guide.txt, "NumPy API") are checked with their documented outputs;
random index combinations are compared with NumPy on every backend.
"""

from __future__ import annotations

import numpy as np
import pytest

from gpucompute.errors import ProxyTypeError
from gpucompute.testing import assert_array_matches, assert_masked_matches
from gpucompute.types.array import Array, typecheck_getitem
from gpucompute.types.containers import EllipsisType, List, Slice, Tuple
from gpucompute.types.masked_array import MaskedArray
from gpucompute.types.primitives import Bool, Float, Int, NoneType, Str


def _expr(proxy):
    return proxy.graft[proxy.graft["returns"]]


@pytest.mark.parametrize(
    "index, expected_type",
    [(0, Int), (np.int64(2), Int), (Int(1), Int), (slice(1, None), Slice), (Slice(0, 2), Slice),
     (Ellipsis, EllipsisType), (None, NoneType), ([0, 2], List[Int]), ([True, False], List[Bool]),
     (np.array([0, 1]), List[Int]), (List[Int]([1]), List[Int])],
)
def test_single_elements_are_recorded_bare(index, expected_type):
    assert type(typecheck_getitem(index)) is expected_type


def test_ellipsis_is_the_wf_ellipsis_keyref():
    assert typecheck_getitem(...).graft == {"returns": "wf.Ellipsis"}


def test_bool_lists_keep_their_bools():
    proxy = typecheck_getitem([True, False, True])
    assert [proxy.graft[k] for k in _expr(proxy)[1:]] == [True, False, True]


def test_several_elements_are_a_tuple():
    arr = Array([[1, 2], [3, 4]])
    index = typecheck_getitem((None, 0, slice(None), ..., arr > 1))
    assert type(index) is Tuple[NoneType, Int, Slice, EllipsisType, Array]
    assert _expr(index)[0] == "wf.tuple"
    proxy = arr[0, 1]
    name, array_key, index_key = _expr(proxy)
    assert (name, array_key) == ("wf.array.getitem", arr.graft["returns"]) and proxy.graft[index_key][0] == "wf.tuple"
    assert type(proxy) is Array and type(MaskedArray([1.0])[0]) is MaskedArray


def test_a_tuple_proxy_is_accepted_as_is():
    index = Tuple[Int, Slice]((0, slice(None)))
    assert typecheck_getitem(index) is index


@pytest.mark.parametrize(
    "index, pattern",
    [
        (([0, 1], [1, 0]), "in one position only"),
        (([0, 1], Array([1])), "in one position only"),
        ((List[Int]([0]), slice(None), [1]), "in one position only"),
        ([[0, 1], [1, 0]], "1-D"),
        (["a"], "1-D"),
        ([0.5], "1-D"),
        (1.5, "invalid index"),
        ("x", "invalid index"),
        (Float(1.0), "invalid index"),
        (True, "invalid index"),
        (List[Str](["a"]), r"List\[Int\] or List\[Bool\]"),
        (Tuple[Int, Float]((0, 1.0)), "invalid index type Float"),
        (Tuple[List[Int], List[Int]](([0], [1])), "in one position only"),
    ],
)
def test_invalid_indices_fail_when_built(index, pattern):
    with pytest.raises(ProxyTypeError, match=pattern):
        Array([[1, 2], [3, 4]])[index]


GUIDE = np.array([[1, 2, 4], [8, 9, 10]])


def test_guide_examples(backend):
    arr = Array([[1, 2, 4], [8, 9, 10]])
    np.testing.assert_array_equal(arr[0].compute(), [1, 2, 4])
    np.testing.assert_array_equal(arr[:, [0, 2]].compute(), [[1, 4], [8, 10]])
    np.testing.assert_array_equal(arr[..., 0].compute(), [1, 8])
    np.testing.assert_array_equal((arr > 3).compute(), [[False, False, True], [True, True, True]])
    np.testing.assert_array_equal(arr[arr > 3].compute(), [4, 8, 9, 10])
    # documented without an output: compare with NumPy
    np.testing.assert_array_equal(arr[0, 0].compute(), GUIDE[0, 0])
    np.testing.assert_array_equal(arr[np.newaxis, 0, 1].compute(), GUIDE[np.newaxis, 0, 1])
    for proxy in (arr[0], arr[0, 0], arr[:, [0, 2]], arr[..., 0], arr > 3, arr[arr > 3]):
        assert isinstance(proxy, Array)


def _random_index(rng, shape):
    parts = []
    for n in shape:
        kind = rng.integers(0, 5)
        if kind == 0:
            parts.append(int(rng.integers(-n, n)))
        elif kind == 1:
            start, stop = sorted(rng.integers(-n, n + 1, 2).tolist())
            parts.append(slice(start, stop, int(rng.choice([1, 2, -1]))))
        elif kind == 2:
            parts.append(None)
            parts.append(slice(None))
        else:
            parts.append(slice(None))
    if rng.random() < 0.5:
        axis = int(rng.integers(0, len(parts)))
        if isinstance(parts[axis], slice) and parts[axis] == slice(None) and axis < len(shape):
            parts[axis] = rng.integers(0, shape[axis], 3).tolist()
    if rng.random() < 0.3:
        parts = [*parts[:1], Ellipsis]
    return tuple(parts)


def test_random_indices_match_numpy(backend, rng):
    host = rng.integers(-50, 50, (4, 5, 3)).astype(np.int32)
    arr = Array.from_numpy(host)
    for _ in range(12):
        index = _random_index(rng, host.shape)
        assert_array_matches(arr[index].compute(), host[index], backend)


def test_boolean_and_integer_array_indices(backend, rng):
    host = rng.standard_normal((4, 5)).astype(np.float32)
    arr = Array.from_numpy(host)
    assert_array_matches(arr[arr > 0].compute(), host[host > 0], backend)
    picks = np.array([3, 0, 2])
    assert_array_matches(arr[Array.from_numpy(picks)].compute(), host[picks], backend)
    assert_array_matches(arr[:, [True, False, True, False, True]].compute(), host[:, [True, False, True, False, True]],
                         backend)


def test_masked_indexing(backend, rng):
    host = np.ma.MaskedArray(rng.standard_normal((4, 5)).astype(np.float32), mask=rng.random((4, 5)) < 0.3)
    arr = MaskedArray.from_numpy(host)
    from gpucompute.array import MaskedArray as Engine

    for index in ((1,), (slice(None), [0, 2]), (Ellipsis, 1), (None, 2)):
        got = arr[index].compute()
        assert_masked_matches(Engine.from_numpy(got, backend="numpy"), host[index], backend)
