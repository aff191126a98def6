"""Every wf.numpy routine, computed through a proxy, equals NumPy (numpy.ma for masked inputs).

Driven by the signature table: :data:`CALLS` gives, for every routine of the
table, the calls to try (NumPy inputs made from a seeded generator); the proxy
version ``wf.numpy.<name>(*args, **kwargs)`` is computed on each backend and
compared with ``numpy.<name>`` on the same inputs.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import gpucompute.numpy as wnp
from gpucompute.array._ufuncs import UFUNC_TABLE
from gpucompute.numpy import _signatures
from gpucompute.testing import assert_array_matches, assert_masked_matches

Maker = Callable[[np.random.Generator], list[tuple[tuple, dict]]]


def f(rng, *shape):
    return (rng.standard_normal(shape) * 3).astype(np.float32)


def pos(rng, *shape):
    return (rng.random(shape) + 0.5).astype(np.float32)


def ints(rng, *shape, low=-5, high=9):
    return rng.integers(low, high, shape).astype(np.int32)


def bools(rng, *shape):
    return rng.random(shape) < 0.5


def nans(rng, *shape):
    """Floats with NaN; the first row and first two columns are NaN-free, so no slice is all NaN."""
    x = f(rng, *shape)
    holes = rng.random(shape) < 0.25
    holes[0] = False
    holes[:, :2] = False
    x[holes] = np.nan
    return x


def masked(rng, *shape):
    return np.ma.MaskedArray(f(rng, *shape), mask=rng.random(shape) < 0.3)


def spd(rng, n):
    a = f(rng, n, n)
    return (a @ a.T + n * np.eye(n)).astype(np.float32)


def _reduction(make=f, axis: Any = 0, lists: bool = True) -> Maker:
    def calls(rng):
        out = [((make(rng, 3, 4),), {"axis": axis}), ((make(rng, 3, 4),), {})]
        if lists:
            out.append(((make(rng, 2, 3, 4),), {"axis": [0, 2]}))
        return out
    return calls


def one(*args_makers: Any, **kwargs: Any) -> Maker:
    """A single call whose arguments are made by ``maker(rng)`` callables (or given as they are)."""
    def call(rng):
        args = tuple(a(rng) if callable(a) else a for a in args_makers)
        return [(args, {k: v(rng) if callable(v) else v for k, v in kwargs.items()})]
    return call


def calls(*makers: Maker) -> Maker:
    return lambda rng: [c for m in makers for c in m(rng)]


F34 = lambda rng: f(rng, 3, 4)

CALLS: dict[str, Maker] = {
    "all": _reduction(bools), "any": _reduction(bools),
    "allclose": calls(one(F34, F34), lambda rng: [((x := f(rng, 3), x + np.float32(1e-7)), {})]),
    "argmax": _reduction(axis=1, lists=False), "argmin": _reduction(axis=1, lists=False),
    "average": calls(_reduction(), one(F34, axis=1, weights=lambda rng: pos(rng, 4))),
    "count_nonzero": _reduction(lambda rng, *s: ints(rng, *s, low=0, high=3)),
    "max": _reduction(), "min": _reduction(), "mean": _reduction(), "median": _reduction(),
    "nanargmax": _reduction(nans, axis=0, lists=False), "nanargmin": _reduction(nans, axis=0, lists=False),
    "nanmax": _reduction(nans), "nanmean": _reduction(nans), "nanmin": _reduction(nans),
    "nanprod": _reduction(lambda rng, *s: nans(rng, *s) / 3), "nanstd": _reduction(nans),
    "nansum": _reduction(nans), "nanvar": calls(_reduction(nans), one(lambda r: nans(r, 3, 4), axis=1, ddof=1)),
    "prod": _reduction(lambda rng, *s: f(rng, *s) / 3), "ptp": _reduction(), "std": _reduction(),
    "sum": _reduction(), "var": calls(_reduction(), one(F34, axis=0, ddof=1)),
    "percentile": calls(one(F34, 30.0), one(F34, np.array([10.0, 90.0]), axis=1)),
    "histogram": calls(one(lambda r: f(r, 20)), one(lambda r: f(r, 20), bins=4, range=(-2.0, 2.0))),
    "bincount": calls(one(lambda r: ints(r, 10, low=0, high=5)), one(lambda r: ints(r, 6, low=0, high=3), minlength=5)),
    "corrcoef": one(lambda r: f(r, 3, 6)), "cov": calls(one(lambda r: f(r, 3, 6)), one(lambda r: f(r, 3, 6), ddof=0)),
    "cumprod": one(lambda r: f(r, 3, 4) / 3, axis=1), "cumsum": calls(one(F34, axis=0), one(F34)),
    "nancumprod": one(lambda r: nans(r, 3, 4) / 3, axis=1), "nancumsum": one(lambda r: nans(r, 3, 4), axis=0),
    "diff": calls(one(lambda r: f(r, 3, 5), n=2), one(F34, axis=0)),
    "ediff1d": calls(one(lambda r: f(r, 6)), one(lambda r: f(r, 6), to_end=lambda r: f(r, 2))),
    "gradient": calls(one(lambda r: f(r, 5, 4)), one(lambda r: f(r, 6), 2.0)),
    "trace": calls(one(lambda r: f(r, 3, 3)), one(lambda r: f(r, 3, 4), offset=1)),
    # creation
    "arange": calls(one(5), one(1, 7), one(1.0, 2.0, 0.25)),
    "eye": calls(one(3), one(3, 4, k=1)),
    "full": one([2, 3], 7.0), "full_like": one(F34, 7), "indices": one([2, 3]),
    "linspace": calls(one(0, 1, num=5), one(-1.0, 2.0, num=4, endpoint=False)),
    "ones": one([2, 3]), "ones_like": one(F34), "zeros": one(4), "zeros_like": one(F34),
    "meshgrid": calls(one(lambda r: f(r, 3), lambda r: f(r, 4)), one(lambda r: f(r, 3), lambda r: f(r, 2), indexing="ij")),
    "diag": calls(one(lambda r: f(r, 3)), one(lambda r: f(r, 3, 3))),
    # manipulation
    "atleast_1d": calls(one(2.5), one(lambda r: f(r, 2), lambda r: f(r, 2, 2))),
    "atleast_2d": calls(one(lambda r: f(r, 3)), one(lambda r: f(r, 2), lambda r: f(r, 2, 2))),
    "atleast_3d": calls(one(lambda r: f(r, 3)), one(lambda r: f(r, 2), lambda r: f(r, 2, 2))),
    "broadcast_arrays": one(lambda r: f(r, 3, 1), lambda r: f(r, 1, 4)),
    "broadcast_to": one(lambda r: f(r, 3), [2, 3]),
    "concatenate": calls(lambda r: [(([f(r, 2, 3), f(r, 1, 3)],), {})], lambda r: [(([f(r, 2, 3), f(r, 2, 1)],), {"axis": 1})]),
    "stack": lambda r: [(([f(r, 2, 3), f(r, 2, 3)],), {"axis": 1})],
    "hstack": lambda r: [(([f(r, 2, 3), f(r, 2, 1)],), {})],
    "vstack": lambda r: [(([f(r, 2, 3), f(r, 1, 3)],), {})],
    "dstack": lambda r: [(([f(r, 2, 3), f(r, 2, 3)],), {})],
    "reshape": calls(one(lambda r: f(r, 2, 3), [3, 2]), one(lambda r: f(r, 2, 3), -1)),
    "ravel": one(F34), "squeeze": calls(one(lambda r: f(r, 1, 3, 1)), one(lambda r: f(r, 1, 3, 1), axis=0)),
    "transpose": calls(one(lambda r: f(r, 2, 3, 4), axes=[2, 0, 1]), one(F34)),
    "moveaxis": one(lambda r: f(r, 2, 3, 4), 0, 2), "rollaxis": one(lambda r: f(r, 2, 3, 4), 2),
    "roll": calls(one(F34, 1, axis=1), one(F34, [1, 2], axis=[0, 1]), one(F34, 2)),
    "repeat": calls(one(F34, 2, axis=1), one(F34, 2)), "tile": one(lambda r: f(r, 2, 3), [2, 1]),
    "pad": calls(one(lambda r: f(r, 2, 3), 1), one(lambda r: f(r, 2, 3), [[1, 0], [0, 2]])),
    "insert": calls(one(lambda r: f(r, 5), 2, 9.0, None), one(F34, 1, 0.0, 1)),
    "take": calls(one(F34, [0, 2], axis=1), one(F34, [5, 1])),
    "compress": one([True, False, True], F34, axis=0),
    "diagonal": one(F34, offset=1), "tril": one(lambda r: f(r, 3, 3), k=-1), "triu": one(lambda r: f(r, 3, 3)),
    "flatnonzero": one(lambda r: ints(r, 3, 4, low=0, high=2)), "nonzero": one(lambda r: ints(r, 3, 4, low=0, high=2)),
    "argwhere": one(lambda r: ints(r, 3, 4, low=0, high=2)), "unique": one(lambda r: ints(r, 12, low=0, high=5)),
    "unravel_index": calls(one([1, 5, 7], [3, 4]), one(5, [3, 4])),
    "where": one(lambda r: bools(r, 3, 4), F34, 0.0),
    # elementwise
    "around": calls(one(F34, decimals=1), one(2.567, decimals=1)), "round": one(F34),
    "fix": one(F34), "clip": calls(one(F34, -1.0, 1.0), one(1.5, 0, 1)), "nan_to_num": one(lambda r: nans(r, 3, 4)),
    "angle": one(F34, deg=True), "real": one(F34), "imag": one(F34), "isreal": one(F34),
    "isposinf": one(np.array([1.0, np.inf, -np.inf], np.float32)),
    "isneginf": one(np.array([1.0, np.inf, -np.inf], np.float32)),
    "isclose": one(F34, F34), "isin": one(lambda r: ints(r, 3, 4), [1, 2, 3]),
    "digitize": calls(one(lambda r: f(r, 10), np.array([-1.0, 0.0, 1.0], np.float32)),
                      one(lambda r: f(r, 10), np.array([-1.0, 0.0, 1.0], np.float32), right=True)),
    # products
    "dot": calls(one(F34, lambda r: f(r, 4, 2)), one(2.0, 3.0)), "vdot": one(lambda r: f(r, 5), lambda r: f(r, 5)),
    "outer": one(lambda r: f(r, 3), lambda r: f(r, 4)),
    "tensordot": calls(one(lambda r: f(r, 2, 3, 4), lambda r: f(r, 3, 4, 5)), one(F34, lambda r: f(r, 4, 2), axes=1)),
    "einsum": calls(one("ij,jk->ik", lambda r: f(r, 2, 3), lambda r: f(r, 3, 4)), one("ii", lambda r: f(r, 3, 3))),
}

LINALG_CALLS: dict[str, Maker] = {
    "cholesky": one(lambda r: spd(r, 3)), "inv": one(lambda r: spd(r, 3)),
    "lstsq": one(lambda r: f(r, 5, 3), lambda r: f(r, 5)),
    "norm": calls(one(F34), one(F34, axis=1), one(F34, ord=1, axis=0), one(F34, ord="fro")),
    "qr": one(lambda r: f(r, 4, 3)), "solve": one(lambda r: spd(r, 3), lambda r: f(r, 3)), "svd": one(lambda r: f(r, 4, 3)),
}

MA_CALLS: dict[str, Maker] = {
    "average": calls(one(lambda r: masked(r, 3, 4), axis=0), one(lambda r: masked(r, 3, 4))),
    "filled": calls(one(lambda r: masked(r, 3, 4), fill_value=0.5), one(lambda r: masked(r, 3, 4))),
    "fix_invalid": one(lambda r: nans(r, 3, 4), 0.0),
    **{name: one(F34, 0.5) for name in ("masked_equal", "masked_greater", "masked_greater_equal", "masked_less",
                                         "masked_less_equal", "masked_not_equal")},
    "masked_inside": one(F34, -1.0, 1.0), "masked_outside": one(F34, -1.0, 1.0),
    "masked_invalid": one(lambda r: nans(r, 3, 4)),
    "masked_values": one(lambda r: ints(r, 3, 4).astype(np.float32), 2.0),
    "masked_where": one(lambda r: bools(r, 3, 4), F34),
}

#: Looser tolerances where float32 algorithms may differ from NumPy's (JAX's LAPACK, sums of products).
RTOL = {"cholesky": 1e-4, "inv": 1e-4, "lstsq": 1e-4, "solve": 1e-4, "svd": 1e-4, "qr": 1e-4, "corrcoef": 1e-4,
        "cov": 1e-4, "nanvar": 1e-4, "var": 1e-4, "std": 1e-4, "nanstd": 1e-4, "einsum": 1e-4, "tensordot": 1e-4}


MA_FLOAT64 = {"mean", "std", "var", "average"}


def test_every_table_routine_has_calls():
    assert set(CALLS) == set(_signatures.ROUTINES)
    assert set(LINALG_CALLS) == set(_signatures.LINALG)
    assert set(MA_CALLS) == set(_signatures.MA)


def _oracle_kwargs(kwargs: dict) -> dict:
    return {k: tuple(v) if k == "axis" and isinstance(v, list) else v for k, v in kwargs.items()}


def _on_host(value: Any) -> Any:
    """A computed numpy.ma value in the form gpucompute.testing compares (its to_host drops numpy.ma masks)."""
    from gpucompute.array import MaskedArray

    if value is np.ma.masked or isinstance(value, np.ma.MaskedArray):
        return MaskedArray.from_numpy(np.ma.asarray(value), backend="numpy")
    return value


def _compare(name: str, got: Any, want: Any, backend: Any) -> None:
    rtol = RTOL.get(name)
    tol = {"rtol": rtol, "atol": rtol} if rtol else {}
    if name in MA_FLOAT64 and not tol:  # numpy.ma answers in float64 for float32 input
        tol = {"rtol": 1e-5, "atol": 1e-5}
    if isinstance(want, (tuple, list)) or (isinstance(got, list) and not isinstance(want, (tuple, list))):
        want = list(want) if isinstance(want, (tuple, list)) else [want]
        assert isinstance(got, (list, tuple)) and len(got) == len(want), f"{name}: {got!r} vs {want!r}"
        for g, w in zip(got, want):
            _compare(name, g, w, backend)
        return
    if isinstance(want, np.ma.MaskedArray) or want is np.ma.masked:
        # numpy.ma computes mean/std/var/average of float32 in float64; the engine keeps float32 like NumPy.
        assert_masked_matches(_on_host(got), want, backend, check_dtype=name not in MA_FLOAT64, **tol)
        return
    want = np.asarray(want)
    if isinstance(got, np.ma.MaskedArray):  # e.g. masked argmax: numpy.ma answers with plain indices
        got = np.ma.getdata(got)
    if np.ndim(got) == 0 and want.ndim == 0:
        assert_array_matches(np.asarray(got), want, backend, check_dtype=False, **tol)
        return
    assert_array_matches(got, want, backend, **tol)


def _run(namespace: Any, oracle: Any, name: str, maker: Maker, backend: Any, rng: np.random.Generator) -> None:
    for args, kwargs in maker(rng):
        proxy = getattr(namespace, name)(*args, **kwargs)
        got = proxy.compute()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            want = getattr(oracle, name)(*args, **_oracle_kwargs(kwargs))
        if name in ("qr", "svd"):  # signs of singular vectors are not unique: compare magnitudes
            got, want = [np.abs(g) for g in got], [np.abs(w) for w in want]
        _compare(name, got, want, backend)


@pytest.mark.parametrize("name", sorted(_signatures.ROUTINES))
def test_routine_equals_numpy(name, backend, rng):
    _run(wnp, np, name, CALLS[name], backend, rng)


@pytest.mark.parametrize("name", sorted(_signatures.LINALG))
def test_linalg_equals_numpy(name, backend, rng):
    _run(wnp.linalg, np.linalg, name, LINALG_CALLS[name], backend, rng)


@pytest.mark.parametrize("name", sorted(_signatures.MA))
def test_ma_equals_numpy_ma(name, backend, rng):
    _run(wnp.ma, np.ma, name, MA_CALLS[name], backend, rng)


_MASKED_REDUCTIONS = ("sum", "mean", "min", "max", "std", "var", "median", "prod", "ptp", "all", "any",
                      "argmax", "argmin", "average", "cumsum")


@pytest.mark.parametrize("name", _MASKED_REDUCTIONS)
def test_masked_routines_equal_numpy_ma(name, backend, rng):
    make = (lambda r, *s: np.ma.MaskedArray(bools(r, *s), mask=r.random(s) < 0.3)) if name in ("all", "any") else masked
    calls_ = [((make(rng, 3, 4),), {"axis": 0}), ((make(rng, 3, 4),), {})]
    if name != "cumsum":
        _run(wnp, np.ma, name, lambda r: calls_, backend, rng)
    else:
        _run(wnp, np.ma, name, lambda r: calls_[:1], backend, rng)


def _ufunc_inputs(spec: Any, rng: np.random.Generator) -> list[np.ndarray]:
    if spec.inputs == "integer":
        return [ints(rng, 3, 4) for _ in range(spec.nin)]
    if spec.name == "ldexp":
        return [f(rng, 3, 4), ints(rng, 3, 4, low=-3, high=4)]
    if spec.name in ("power", "float_power"):
        return [pos(rng, 3, 4), f(rng, 3, 4)]
    return [f(rng, 3, 4) for _ in range(spec.nin)]


@pytest.mark.parametrize("spec", UFUNC_TABLE, ids=lambda s: s.name)
def test_ufunc_equals_numpy(spec, backend, rng):
    inputs = _ufunc_inputs(spec, rng)
    got = getattr(wnp, spec.name)(*inputs).compute()
    with np.errstate(all="ignore"):
        want = getattr(np, spec.numpy_name)(*inputs)
    assert_array_matches(got, want, backend)


@pytest.mark.parametrize("name", ["add", "divide", "sqrt", "log", "greater", "maximum", "power"])
def test_masked_ufunc_equals_numpy_ma(name, backend, rng):
    spec = next(s for s in UFUNC_TABLE if s.name == name)
    inputs = [masked(rng, 3, 4) for _ in range(spec.nin)]
    got = getattr(wnp, name)(*inputs).compute()
    with np.errstate(all="ignore"):
        want = getattr(np.ma, name)(*inputs)
    assert_masked_matches(_on_host(got), want, backend)


def test_ufuncs_of_python_scalars_compute(backend):
    assert wnp.add(1, 2).compute() == 3
    assert wnp.sqrt(4).compute() == 2.0
    assert wnp.less(1, 2).compute() is True
    assert wnp.true_divide(1, 2).compute() == 0.5
