"""gpucompute.array.linalg against numpy.linalg, on every backend.

Factorisations that are unique only up to signs (qr, svd) are checked through
their reconstruction, orthogonality and absolute values, not factor by factor.
"""

from __future__ import annotations

import numpy as np
import pytest

import gpucompute.array as ga
from gpucompute.array import linalg
from gpucompute.array._names import LINALG_NAMES
from gpucompute.errors import ArrayShapeError, AxisError, ArrayValueError, RoutineNotSupportedError
from gpucompute.testing import assert_array_matches

DTYPES = (np.float32, np.float64, np.int16)
IDS = lambda d: np.dtype(d).name  # noqa: E731

#: Known result-dtype deviations from NumPy beyond backend.canonical_dtype: none (integer input
#: is computed in float64 / JAX's canonical float32 everywhere, as NumPy does).
KNOWN_DTYPE_DEVIATIONS: dict[tuple[str, str, str], type] = {}


def _rtol(backend, dtype):
    """Linear algebra amplifies rounding: float32-level checks where the backend computes in float32."""
    computed = backend.canonical_dtype(np.result_type(dtype, np.float32 if np.dtype(dtype).itemsize < 4 else dtype))
    return 2e-4 if computed == np.float32 else 1e-9


def _matrix(rng, shape, dtype, *, spd=False):
    """Well-conditioned (optionally symmetric positive-definite) matrices of *dtype*."""
    n = shape[-1]
    if np.dtype(dtype).kind in "iu":
        base = rng.integers(-3, 4, size=shape)
    else:
        base = rng.standard_normal(shape)
    if spd:
        base = base @ np.swapaxes(base, -1, -2) + n * np.eye(n)
    elif shape[-1] == shape[-2]:
        base = base + 2 * n * np.eye(n)
    return base.astype(dtype)


def _host(x, backend):
    return x.astype(backend.canonical_dtype(x.dtype))


def _check_dtype(routine, result, expected, backend, dtype):
    special = KNOWN_DTYPE_DEVIATIONS.get((routine, backend.name, np.dtype(dtype).name))
    want = np.dtype(special) if special else backend.canonical_dtype(np.asarray(expected).dtype)
    assert np.dtype(result.dtype) == want, f"{routine}: {result.dtype} != {want}"


def test_public_names_match_the_contract():
    assert tuple(linalg.__all__) == LINALG_NAMES
    assert ga.linalg is linalg
    for name in LINALG_NAMES:
        assert getattr(linalg, name).__doc__


@pytest.mark.parametrize("shape, dtype", [
    pytest.param(shape, dtype, id=f"{shape}-{np.dtype(dtype).name}")
    for shape, dtype in (((4, 4), np.float32), ((4, 4), np.float64), ((4, 4), np.int16), ((2, 3, 3), np.float64))
])
def test_inv_solve_cholesky_match_numpy(shape, dtype, backend, rng):
    a, spd = _matrix(rng, shape, dtype), _matrix(rng, shape, dtype, spd=True)
    rtol = _rtol(backend, dtype)
    for name, args in (("inv", (a,)), ("cholesky", (spd,)),
                       ("solve", (a, rng.standard_normal(shape[-1]).astype(dtype))),
                       ("solve", (a, rng.standard_normal(shape[:-1] + (2,)).astype(dtype)))):
        expected = getattr(np.linalg, name)(*[_host(x, backend) for x in args])
        result = getattr(linalg, name)(*[backend.asarray(x) for x in args])
        assert backend.is_native(result)
        _check_dtype(name, result, expected, backend, dtype)
        assert_array_matches(result, expected, backend, rtol=rtol, atol=rtol)


@pytest.mark.parametrize("dtype", DTYPES, ids=IDS)
@pytest.mark.parametrize("shapes", [((6, 3), (6,)), ((6, 3), (6, 2)), ((3, 5), (3,))], ids=str)
def test_lstsq_matches_numpy(shapes, dtype, backend, rng):
    a, b = _matrix(rng, shapes[0], dtype), _matrix(rng, shapes[1] + (1,) * (2 - len(shapes[1])), dtype)
    b = b.reshape(shapes[1])
    expected = np.linalg.lstsq(_host(a, backend), _host(b, backend))
    result = linalg.lstsq(backend.asarray(a), backend.asarray(b))
    assert isinstance(result, tuple) and len(result) == 4
    rtol = _rtol(backend, dtype) * 10
    for got, want in zip(result, expected):
        _check_dtype("lstsq", got, want, backend, dtype)
        assert_array_matches(got, want, backend, rtol=rtol, atol=rtol)


def test_lstsq_rank_deficient_gives_empty_residuals(backend, rng):
    a = rng.standard_normal((6, 2)).astype(np.float32)
    a = np.concatenate([a, a[:, :1]], axis=1)  # rank 2 < N = 3
    b = rng.standard_normal(6).astype(np.float32)
    x, residuals, rank, s = linalg.lstsq(backend.asarray(a), backend.asarray(b))
    expected = np.linalg.lstsq(a, b)
    assert int(rank) == expected[2] == 2
    assert_array_matches(residuals, expected[1], backend)
    assert_array_matches(x, expected[0], backend, rtol=1e-3, atol=1e-3)


NORM_CASES = [
    ((5,), {}), ((5,), {"ord": 1}), ((5,), {"ord": -np.inf}), ((5,), {"ord": 0}), ((5,), {"ord": 3.5}),
    ((4, 3), {}), ((4, 3), {"ord": "fro"}), ((4, 3), {"ord": "nuc"}), ((4, 3), {"ord": np.inf}),
    ((4, 3), {"ord": -1}), ((4, 3), {"ord": 2}), ((4, 3), {"ord": -2}),
    ((2, 4, 3), {"axis": 1}), ((2, 4, 3), {"axis": (2, 0), "ord": 1, "keepdims": True}),
    ((2, 4, 3), {"axis": -1, "ord": 2, "keepdims": True}),
]


@pytest.mark.parametrize("dtype", DTYPES, ids=IDS)
@pytest.mark.parametrize("case", range(len(NORM_CASES)))
def test_norm_matches_numpy(case, dtype, backend, rng):
    shape, kwargs = NORM_CASES[case]
    x = _matrix(rng, shape, dtype) if len(shape) > 1 else rng.integers(-5, 6, shape).astype(dtype)
    expected = np.linalg.norm(_host(x, backend), **kwargs)
    result = linalg.norm(backend.asarray(x), **kwargs)
    _check_dtype("norm", result, expected, backend, dtype)
    rtol = _rtol(backend, dtype)
    assert_array_matches(result, expected, backend, rtol=rtol, atol=rtol)


def _orthonormal_columns(q, rtol):
    k = q.shape[-1]
    gram = np.swapaxes(q, -1, -2).conj() @ q
    np.testing.assert_allclose(gram, np.broadcast_to(np.eye(k), gram.shape), atol=rtol * 10)


@pytest.mark.parametrize("dtype", DTYPES, ids=IDS)
@pytest.mark.parametrize("shape", [(5, 3), (3, 5), (2, 4, 4)], ids=str)
def test_qr_reconstructs_and_matches_numpy_up_to_signs(shape, dtype, backend, rng):
    a = _matrix(rng, shape, dtype)
    host = _host(a, backend).astype(np.result_type(a.dtype, np.float32))
    rtol = _rtol(backend, dtype) * 10
    for mode in ("reduced", "complete"):
        q, r = (backend.to_numpy(v) for v in linalg.qr(backend.asarray(a), mode=mode))
        q_np, r_np = np.linalg.qr(_host(a, backend), mode=mode)
        assert q.shape == q_np.shape and r.shape == r_np.shape
        assert q.dtype == backend.canonical_dtype(q_np.dtype)
        np.testing.assert_allclose(q @ r, host, rtol=rtol, atol=rtol * 10)
        _orthonormal_columns(q, rtol)
        np.testing.assert_allclose(np.triu(r), r, atol=rtol)
        np.testing.assert_allclose(np.abs(r), np.abs(r_np), rtol=rtol, atol=rtol * 10)
    r_only = linalg.qr(backend.asarray(a), mode="r")
    assert_array_matches(np.abs(backend.to_numpy(r_only)), np.abs(np.linalg.qr(_host(a, backend), mode="r")),
                         backend, rtol=rtol, atol=rtol * 10)


@pytest.mark.parametrize("dtype", DTYPES, ids=IDS)
@pytest.mark.parametrize("shape", [(5, 3), (3, 5), (2, 4, 4)], ids=str)
def test_svd_reconstructs_and_matches_numpy_singular_values(shape, dtype, backend, rng):
    a = _matrix(rng, shape, dtype)
    host = _host(a, backend).astype(np.result_type(a.dtype, np.float32))
    rtol = _rtol(backend, dtype) * 10
    s_np = np.linalg.svd(_host(a, backend), compute_uv=False)
    s_only = linalg.svd(backend.asarray(a), compute_uv=False)
    _check_dtype("svd", s_only, s_np, backend, dtype)
    assert_array_matches(s_only, s_np, backend, rtol=rtol, atol=rtol)
    for full in (True, False):
        u, s, vh = (backend.to_numpy(v) for v in linalg.svd(backend.asarray(a), full_matrices=full))
        u_np, _, vh_np = np.linalg.svd(_host(a, backend), full_matrices=full)
        assert u.shape == u_np.shape and vh.shape == vh_np.shape
        k = s.shape[-1]
        rebuilt = (u[..., :, :k] * s[..., None, :]) @ vh[..., :k, :]
        np.testing.assert_allclose(rebuilt, host, rtol=rtol, atol=rtol * 10)
        _orthonormal_columns(u, rtol)
        _orthonormal_columns(np.swapaxes(vh, -1, -2), rtol)


def test_singular_input_follows_the_backend(backend):
    singular = np.ones((3, 3))
    if backend.name == "numpy":  # NumPy raises LinAlgError (a ValueError); device backends give inf/NaN
        with pytest.raises(np.linalg.LinAlgError):
            linalg.inv(backend.asarray(singular))
    else:
        assert not np.all(np.isfinite(backend.to_numpy(linalg.inv(backend.asarray(singular)))))


def _masked(b):
    return ga.MaskedArray(np.eye(3), mask=np.zeros((3, 3), bool), backend=b)


@pytest.mark.parametrize("call, error", [
    (lambda b: linalg.inv(b.asarray(np.ones((3, 2)))), ArrayShapeError),
    (lambda b: linalg.inv(b.asarray(np.ones(3))), ArrayShapeError),
    (lambda b: linalg.cholesky(b.asarray(np.ones((2, 3)))), ArrayShapeError),
    (lambda b: linalg.solve(b.asarray(np.ones((2, 3))), b.asarray(np.ones(2))), ArrayShapeError),
    (lambda b: linalg.solve(b.asarray(np.eye(3)), b.asarray(np.ones(4))), ArrayShapeError),
    (lambda b: linalg.solve(b.asarray(np.ones((2, 3, 3))), b.asarray(np.ones((4, 3, 1)))), ArrayShapeError),
    (lambda b: linalg.lstsq(b.asarray(np.ones((4, 3))), b.asarray(np.ones(5))), ArrayShapeError),
    (lambda b: linalg.lstsq(b.asarray(np.ones((2, 4, 3))), b.asarray(np.ones(4))), ArrayShapeError),
    (lambda b: linalg.norm(b.asarray(np.ones((2, 3, 4)))), ArrayShapeError),
    (lambda b: linalg.norm(b.asarray(np.ones((2, 3))), ord=3), ArrayValueError),
    (lambda b: linalg.norm(b.asarray(np.ones(3)), ord="fro"), ArrayValueError),
    (lambda b: linalg.norm(b.asarray(np.ones((2, 3))), axis=2), AxisError),
    (lambda b: linalg.norm(b.asarray(np.ones((2, 3))), axis=(0, 0)), AxisError),
    (lambda b: linalg.norm(b.asarray(np.ones((2, 3))), axis=(0, 1, 2)), ArrayShapeError),
    (lambda b: linalg.qr(b.asarray(np.ones(3))), ArrayShapeError),
    (lambda b: linalg.qr(b.asarray(np.ones((3, 3))), mode="raw"), RoutineNotSupportedError),
    (lambda b: linalg.qr(b.asarray(np.ones((3, 3))), mode="economic"), ArrayValueError),
    (lambda b: linalg.svd(b.asarray(np.ones(3))), ArrayShapeError),
    (lambda b: linalg.inv(_masked(b)), RoutineNotSupportedError),
    (lambda b: linalg.norm(_masked(b)), RoutineNotSupportedError),
    (lambda b: linalg.svd(_masked(b)), RoutineNotSupportedError),
])
def test_errors(call, error, backend):
    with pytest.raises(error, match="gpucompute.array.linalg"):
        call(backend)


def test_routines_compile_under_jit(backend, rng):
    if not backend.traces:
        pytest.skip(f"the {backend.name} backend does not trace")
    a, b = _matrix(rng, (4, 4), np.float32), rng.standard_normal(4).astype(np.float32)
    tall = rng.standard_normal((6, 3)).astype(np.float32)

    def program(m, v, t):
        residuals = linalg.lstsq(t, v[:3].sum() + t[:, 0])[1]
        return linalg.solve(m, v), linalg.norm(m, "fro"), linalg.svd(m, compute_uv=False), residuals

    for got, want in zip(backend.compile(program)(*map(backend.asarray, (a, b, tall))),
                         program(*map(backend.asarray, (a, b, tall)))):
        np.testing.assert_allclose(backend.to_numpy(got), backend.to_numpy(want), rtol=1e-4, atol=1e-5)


def test_numpy_ma_host_input_is_refused(backend):
    with pytest.raises(RoutineNotSupportedError, match=r"\.filled"):
        linalg.inv(np.ma.array(np.eye(3), mask=np.eye(3, dtype=bool)))
