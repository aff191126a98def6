"""Statistics, running totals, differences and closeness tests over a backend namespace.

Masked inputs (numpy.ma's conventions)
--------------------------------------
* ``cumsum``/``cumprod``: masked elements count as 0 / 1 in the running total
  and stay masked in the output (``numpy.ma.cumsum``); with ``axis=None`` the
  mask is flattened with the data.
* ``nancumsum``/``nancumprod``: NaN counts as 0 / 1 exactly like a masked
  element but keeps its place unmasked (what ``numpy.nancumsum`` gives for a
  ``numpy.ma`` array); masked elements stay masked.
* ``diff``/``ediff1d``: a difference is masked if either operand is
  (``numpy.ma.diff``/``numpy.ma.ediff1d``); ``ediff1d`` keeps the input dtype
  like ``numpy.ediff1d`` (``numpy.ma.ediff1d`` promotes through ``hstack``).
* ``cov``/``corrcoef``: ``numpy.ma.cov``/``numpy.ma.corrcoef`` (pairwise
  observation counts, masked where fewer than ``ddof + 1`` pairs remain);
  *fweights*/*aweights* are not supported with masked input.
* ``trace``: ``numpy.ma.trace``: masked diagonal elements count as 0 and the
  result is a plain array, in ``numpy.trace``'s dtype (numpy.ma casts the
  masked case to float64 through ``astype(None)``).
* ``allclose``: ``numpy.ma.allclose`` with ``masked_equal=True``: masked
  positions are ignored. Unlike numpy.ma, infinities must match in sign, and
  *equal_nan* is honoured.
* ``histogram``/``bincount``: numpy.ma has neither; masked elements (of the
  data or the weights) are left out, so the result is NumPy's on the valid
  elements (``a.compressed()``), as a plain array.
* ``gradient``: :class:`RoutineNotSupportedError` (numpy.ma has no gradient).

Shapes that depend on the data
------------------------------
``bincount``'s length is ``max(x) + 1`` (at least *minlength*): inside a JAX
trace pass ``length=`` (larger values are dropped) or get
:class:`DataDependentShapeError`. ``histogram`` has a static shape and traces.

Arguments NumPy rejects with ``ValueError`` raise :class:`ArrayShapeError`
(shapes) or :class:`ArrayValueError` (values). On JAX each routine's arithmetic
runs as one compiled program (see ``run_compiled``); with float32 data,
``histogram``'s edges are computed in float32 there, so a value within
rounding of an edge may fall in the neighbouring bin compared with NumPy.
"""

from __future__ import annotations

import operator
from typing import Any, Callable, Sequence

import numpy as np

from gpucompute.backends import Backend
from gpucompute.errors import (
    ArrayDTypeError, ArrayShapeError, AxisError, DataDependentShapeError, RoutineNotSupportedError,
)

from ._dispatch import check_broadcast, normalize_axis, resolve_backend
from ._elementwise import (
    as_array, split_masked, combined_mask, has_mask, invalid_value, reject_kinds, reject_masked, run_compiled, wrap,
)

from ._correlation import corrcoef, cov

__all__ = [
    "histogram", "bincount", "corrcoef", "cov", "cumprod", "cumsum", "nancumprod", "nancumsum",
    "diff", "ediff1d", "gradient", "trace", "allclose",
]


def _if_masked(mask: Any, *inputs: Any) -> Any:
    return mask if any(has_mask(v) for v in inputs) else None


def _valid(xp: Any, shape: tuple[int, ...], *masks: Any) -> Any:
    valid = xp.ones(shape, dtype=bool)
    for mask in masks:
        if mask is not None:
            valid = valid & xp.logical_not(mask)
    return valid


# Backend divergence: the keyword that fixes bincount's output length.
_BINCOUNT_LENGTH_KEYWORD = {"jax": "length"}


def _scatter_add(backend: Backend, index: Any, weights: Any, valid: Any, length: int) -> Any:
    """Sum *weights* (or count) per index in ``[0, length)``; invalid elements are dropped."""
    index = backend.xp.where(valid, index, length)  # dropped elements go to a spare last bin
    keyword = _BINCOUNT_LENGTH_KEYWORD.get(backend.name, "minlength")
    return backend.xp.bincount(index, weights=weights, **{keyword: length + 1})[:length]


# -- running totals -------------------------------------------------------------------------
def _accumulator_dtype(dtype: np.dtype, requested: Any, backend: Backend) -> np.dtype:
    """NumPy's accumulator dtype: bool and small integers widen to the platform integer."""
    if requested is not None:
        return backend.canonical_dtype(requested)
    if dtype.kind == "b" or (dtype.kind in "iu" and dtype.itemsize < np.dtype(np.int_).itemsize):
        return backend.canonical_dtype(np.uint64 if dtype.kind == "u" else np.int_)
    return backend.canonical_dtype(dtype)


def _cumulative_core(backend: Backend, data: Any, mask: Any, *, op: str, identity: int, skip_nan: bool,
                     axis: int | None, dtype: np.dtype) -> Any:
    xp = backend.xp
    if skip_nan and np.dtype(data.dtype).kind in "fc":
        data = xp.where(xp.isnan(data), identity, data)
    data = xp.where(mask, identity, data)
    if axis is None:
        data, mask = data.reshape(-1), mask.reshape(-1)
    return getattr(xp, op)(data, axis=0 if axis is None else axis, dtype=dtype), mask


def _make_cumulative(name: str, op: str, identity: int, skip_nan: bool) -> Callable[..., Any]:
    def routine(a: Any, axis: int | None = None, dtype: Any = None) -> Any:
        backend = resolve_backend(name, a)
        data, mask = split_masked(a, backend)
        axis = None if axis is None else normalize_axis(axis, data.ndim, name)
        result, mask = run_compiled(backend, _cumulative_core, data, mask, op=op, identity=identity,
                                    skip_nan=skip_nan, axis=axis,
                                    dtype=_accumulator_dtype(np.dtype(data.dtype), dtype, backend))
        return wrap(result, _if_masked(mask, a), backend)

    routine.__name__ = routine.__qualname__ = name
    routine.__module__ = "gpucompute.array"
    routine.__doc__ = (
        f"Running {op[3:]} along *axis* (of the flattened input when ``None``).\n\n"
        f"Masked elements count as {identity} and stay masked."
        + (f" NaN also counts as {identity} (and is not masked)." if skip_nan else "")
        + " Bool and small integers widen to the platform integer, as in NumPy, unless *dtype* is "
        "given.\n\nRaises\n------\nAxisError\n    If *axis* is out of range."
    )
    return routine


cumsum = _make_cumulative("cumsum", "cumsum", 0, False)
cumprod = _make_cumulative("cumprod", "cumprod", 1, False)
nancumsum = _make_cumulative("nancumsum", "cumsum", 0, True)
nancumprod = _make_cumulative("nancumprod", "cumprod", 1, True)


# -- differences ----------------------------------------------------------------------------
def _diff_core(backend: Backend, data: Any, mask: Any, *, n: int, axis: int) -> tuple[Any, Any]:
    xp = backend.xp
    upper = (slice(None),) * axis + (slice(1, None),)
    lower = (slice(None),) * axis + (slice(None, -1),)
    op = xp.not_equal if data.dtype == xp.bool_ else xp.subtract
    for _ in range(n):
        data = op(data[upper], data[lower])
        mask = mask[upper] | mask[lower]
    return data, mask


def diff(a: Any, n: int = 1, axis: int = -1) -> Any:
    """The *n*-th discrete difference along *axis* (``not_equal`` for booleans).

    A MaskedArray gives a MaskedArray where a difference is masked if either
    of its operands is.

    Raises
    ------
    ArrayShapeError
        If *a* is 0-d.
    ArrayValueError
        If *n* is negative.
    AxisError
        If *axis* is out of range.
    """
    backend = resolve_backend("diff", a)
    data, mask = split_masked(a, backend)
    if data.ndim == 0:
        raise ArrayShapeError("gpucompute.array.diff: needs an array of at least one dimension, got a 0-d one")
    if operator.index(n) < 0:
        raise invalid_value("diff", f"the order n must be non-negative, got {n}")
    axis = normalize_axis(axis, data.ndim, "diff")
    result, mask = run_compiled(backend, _diff_core, data, mask, n=operator.index(n), axis=axis)
    return wrap(result, _if_masked(mask, a), backend)


def _ediff1d_core(backend: Backend, data: Any, mask: Any, begin: Any, begin_mask: Any, end: Any,
                  end_mask: Any) -> tuple[Any, Any]:
    xp = backend.xp
    data, mask = data.reshape(-1), mask.reshape(-1)
    parts = [(begin, begin_mask), (data[1:] - data[:-1], mask[1:] | mask[:-1]), (end, end_mask)]
    parts = [(d.reshape(-1).astype(data.dtype), m.reshape(-1)) for d, m in parts if d is not None]
    return xp.concatenate([d for d, _ in parts]), xp.concatenate([m for _, m in parts])


def ediff1d(ary: Any, to_end: Any = None, to_begin: Any = None) -> Any:
    """Differences of consecutive elements of the flattened *ary*, optionally padded.

    *to_begin* / *to_end* are put before / after the differences, cast to
    *ary*'s dtype (which must hold them under ``same_kind`` casting). Masks
    propagate as in ``diff``; masked pads stay masked.

    Raises
    ------
    ArrayDTypeError
        If *ary* is boolean or a pad does not cast to its dtype.
    """
    backend = resolve_backend("ediff1d", ary, to_end, to_begin)
    data, mask = split_masked(ary, backend)
    reject_kinds("ediff1d", data, "b", "boolean subtraction is undefined; use diff (not_equal) instead")
    pads = []
    for pad in (to_begin, to_end):
        pad_data, pad_mask = (None, None) if pad is None else split_masked(pad, backend)
        if pad_data is not None and not np.can_cast(pad_data.dtype, data.dtype, casting="same_kind"):
            raise ArrayDTypeError(f"gpucompute.array.ediff1d: a pad of dtype {pad_data.dtype} does not cast to "
                                  f"the input dtype {data.dtype} under the same_kind rule")
        pads += [pad_data, pad_mask]
    result, mask = run_compiled(backend, _ediff1d_core, data, mask, *pads)
    return wrap(result, _if_masked(mask, ary, to_begin, to_end), backend)


def _gradient_core(backend: Backend, f: Any, *spacings: Any, axes: tuple[int, ...], edge_order: int,
                   dtype: np.dtype) -> tuple[Any, ...]:
    xp = backend.xp
    results = []
    for ax, spacing in zip(axes, spacings):
        def part(start: int | None, stop: int | None, ax: int = ax) -> Any:
            return f[(slice(None),) * ax + (slice(start, stop),)]

        if spacing.ndim == 0:  # uniform spacing: NumPy's constant-step formulas
            inner = (part(2, None) - part(None, -2)) / (2.0 * spacing)
            if edge_order == 1:
                first, last = (part(1, 2) - part(0, 1)) / spacing, (part(-1, None) - part(-2, -1)) / spacing
            else:
                first = (-1.5 * part(0, 1) + 2.0 * part(1, 2) - 0.5 * part(2, 3)) / spacing
                last = (0.5 * part(-3, -2) - 2.0 * part(-2, -1) + 1.5 * part(-1, None)) / spacing
        else:  # coordinates: second-order formulas for uneven steps
            dx = xp.diff(spacing)
            shape = [1] * f.ndim
            shape[ax] = f.shape[ax] - 2
            a, b = dx[:-1].reshape(shape), dx[1:].reshape(shape)
            inner = (-b / (a * (a + b))) * part(None, -2) + ((b - a) / (a * b)) * part(1, -1) \
                + (a / (b * (a + b))) * part(2, None)
            if edge_order == 1:
                first, last = (part(1, 2) - part(0, 1)) / dx[0], (part(-1, None) - part(-2, -1)) / dx[-1]
            else:
                a, b = dx[0], dx[1]
                first = (-(2.0 * a + b) / (a * (a + b))) * part(0, 1) + ((a + b) / (a * b)) * part(1, 2) \
                    - (a / (b * (a + b))) * part(2, 3)
                a, b = dx[-2], dx[-1]
                last = (b / (a * (a + b))) * part(-3, -2) - ((a + b) / (a * b)) * part(-2, -1) \
                    + ((2.0 * b + a) / (b * (a + b))) * part(-1, None)
        results.append(xp.concatenate([first, inner, last], axis=ax).astype(dtype))
    return tuple(results)


def gradient(f: Any, *varargs: Any, edge_order: int = 1, axis: int | Sequence[int] | None = None) -> Any:
    """Central differences inside, one-sided differences at the edges (NumPy's formulas).

    Parameters
    ----------
    f : array_like
        Sampled values; integers are differentiated in float64.
    *varargs : scalar or 1-D array_like
        Spacing: none (unit), one scalar for every axis, or one scalar or
        coordinate array per axis.
    edge_order : {1, 2}
        Accuracy order at the edges.
    axis : int or sequence of int, optional
        Axes to differentiate along (all by default).

    Returns
    -------
    array or tuple of arrays
        One array per axis; a single array when there is one axis (as NumPy).

    Raises
    ------
    ArrayShapeError
        If an axis is too short for *edge_order* or the spacing does not fit.
    ArrayValueError
        If *edge_order* is not 1 or 2, or an axis is repeated.
    AxisError
        If an axis is out of range.
    RoutineNotSupportedError
        If an input is a MaskedArray.
    """
    reject_masked("gradient", f, *varargs)
    backend = resolve_backend("gradient", f, *varargs)
    data = as_array(f, backend)
    axes = tuple(normalize_axis(ax, data.ndim, "gradient") for ax in (
        range(data.ndim) if axis is None else axis if isinstance(axis, (tuple, list)) else (axis,)))
    if len(set(axes)) != len(axes):
        raise invalid_value("gradient", f"repeated axis in {axis!r}")
    if edge_order not in (1, 2):
        raise invalid_value("gradient", f"edge_order must be 1 or 2, got {edge_order!r}")
    if not varargs or (len(varargs) == 1 and np.ndim(varargs[0]) == 0):
        spacings = [varargs[0] if varargs else 1.0] * len(axes)
    elif len(varargs) == len(axes):
        spacings = list(varargs)
    else:
        raise ArrayShapeError(f"gpucompute.array.gradient: got {len(varargs)} spacings for {len(axes)} axes; "
                              "give none, one scalar, or one per axis")
    float64 = backend.canonical_dtype(np.float64)
    out_dtype = np.dtype(data.dtype) if np.dtype(data.dtype).kind in "fc" else float64
    steps = []
    for ax, spacing in zip(axes, spacings):
        step = as_array(spacing, backend)
        if data.shape[ax] < edge_order + 1:
            raise ArrayShapeError(f"gpucompute.array.gradient: axis {ax} has length {data.shape[ax]}; edge_order="
                                  f"{edge_order} needs at least {edge_order + 1} samples")
        if step.ndim != 0 and (step.ndim != 1 or step.shape[0] != data.shape[ax]):
            raise ArrayShapeError(f"gpucompute.array.gradient: coordinates along axis {ax} must be 1-D of length "
                                  f"{data.shape[ax]}, got shape {tuple(step.shape)}")
        steps.append(step.astype(float64) if np.dtype(step.dtype).kind in "biu" else step)
    results = run_compiled(backend, _gradient_core, data.astype(out_dtype), *steps, axes=axes,
                           edge_order=edge_order, dtype=out_dtype)
    return results[0] if len(results) == 1 else tuple(results)


# -- diagonal sums and closeness -------------------------------------------------------------
def trace(a: Any, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Any:
    """Sum along a diagonal; masked diagonal elements count as 0 (plain result, as numpy.ma).

    Raises
    ------
    ArrayShapeError
        If *a* has fewer than two dimensions.
    AxisError
        If *axis1*/*axis2* are out of range or equal.
    """
    backend = resolve_backend("trace", a)
    data, mask = split_masked(a, backend)
    if data.ndim < 2:
        raise ArrayShapeError(f"gpucompute.array.trace: needs at least 2 dimensions, got shape {tuple(data.shape)}")
    ax1, ax2 = (normalize_axis(ax, data.ndim, "trace") for ax in (axis1, axis2))
    if ax1 == ax2:
        raise AxisError(f"gpucompute.array.trace: axis1 and axis2 must differ, got {axis1} and {axis2}")
    if has_mask(a):
        data = backend.xp.where(mask, 0, data).astype(data.dtype)
    return backend.xp.trace(data, offset=offset, axis1=ax1, axis2=ax2)


def allclose(a: Any, b: Any, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> Any:
    """Whether all pairs satisfy ``|a - b| <= atol + rtol * |b|``, as a 0-d bool array.

    Masked positions (of either input) are ignored, as by ``numpy.ma.allclose``.

    Raises
    ------
    ArrayShapeError
        If *a* and *b* do not broadcast together.
    """
    backend = resolve_backend("allclose", a, b)
    xp = backend.xp
    x, y = as_array(a, backend), as_array(b, backend)
    shape = check_broadcast("allclose", tuple(x.shape), tuple(y.shape))
    close = xp.isclose(x, y, rtol=rtol, atol=atol, equal_nan=equal_nan)
    mask = combined_mask((a, b), backend, shape)
    return xp.all(close if mask is None else close | mask)


# -- histograms -----------------------------------------------------------------------------
def histogram(a: Any, bins: Any = 10, range: tuple[float, float] | None = None, weights: Any = None,
              density: bool | None = None) -> tuple[Any, Any]:
    """Count (or sum *weights*) per bin; returns ``(hist, bin_edges)`` as ``numpy.histogram``.

    Parameters
    ----------
    a : array_like or MaskedArray
        Values, flattened; masked ones are left out.
    bins : int or 1-D array_like
        Number of equal-width bins over *range*, or the increasing bin edges.
    range : (float, float), optional
        Outer edges for an integer *bins*; by default the valid data's span.
    weights : array_like or MaskedArray, optional
        One weight per value; a masked weight leaves its value out.
    density : bool, optional
        Normalise so the histogram integrates to 1.

    Raises
    ------
    ArrayShapeError
        If *weights* does not match *a* or the edges are not 1-D.
    ArrayValueError
        If *bins* is not positive, the edges decrease, or the range (given or
        found in the data) is reversed or not finite.
    ArrayDTypeError
        If *a* is complex or *bins* is neither an integer nor edges.
    RoutineNotSupportedError
        If *bins* is a string (a binning rule).
    """
    backend = resolve_backend("histogram", a, weights, bins)
    xp = backend.xp
    data, mask = split_masked(a, backend)
    reject_kinds("histogram", data, "c", "complex values have no order")
    w, wmask = (None, None) if weights is None else split_masked(weights, backend)
    if w is not None and w.shape != data.shape:
        raise ArrayShapeError(f"gpucompute.array.histogram: weights of shape {tuple(w.shape)} do not match a's "
                              f"shape {tuple(data.shape)}")
    if isinstance(bins, str):
        raise RoutineNotSupportedError(f"gpucompute.array.histogram: bins={bins!r} (a binning rule) is not "
                                       "supported; give a number of bins or the edges")
    edges = low = high = None
    count = 0
    if np.ndim(bins) == 0:
        try:
            count = operator.index(bins)
        except TypeError:
            raise ArrayDTypeError(
                f"gpucompute.array.histogram: bins must be an integer or edges, got {bins!r}"
            ) from None
        if count < 1:
            raise invalid_value("histogram", f"bins must be positive, got {count}")
        edge_dtype = np.dtype(data.dtype) if range is None else np.result_type(range[0], range[1], data.dtype)
        if range is not None:
            if not (np.isfinite(range[0]) and np.isfinite(range[1])) or range[0] > range[1]:
                raise invalid_value("histogram", f"range must be finite (min, max) with min <= max, got {range!r}")
            low, high = (xp.asarray(v, dtype=backend.canonical_dtype(np.float64)) for v in range)
        edge_dtype = backend.canonical_dtype(edge_dtype if edge_dtype.kind == "f" else np.float64)
    else:
        edges = as_array(bins, backend)
        if edges.ndim != 1 or edges.shape[0] < 2:
            raise ArrayShapeError(f"gpucompute.array.histogram: bin edges must be 1-D with at least 2 values, "
                                  f"got shape {tuple(edges.shape)}")
        edge_dtype = np.dtype(edges.dtype)
    hist_dtype = backend.canonical_dtype(np.intp) if w is None else np.dtype(w.dtype)
    with np.errstate(invalid="ignore"):  # NumPy backend: an inf in the data is reported below
        hist, edges_out, ok = run_compiled(
            backend, _histogram_core, data, mask, w, wmask, edges, low, high, count=count, edge_dtype=edge_dtype,
            density=bool(density), hist_dtype=hist_dtype)
    if not backend.is_tracer(ok) and not bool(ok):
        raise invalid_value("histogram", "bin edges must increase monotonically" if edges is not None else
                            "the data's range is not finite (NaN or inf values); pass range=(min, max) or mask them")
    return hist, edges_out


def _histogram_core(backend: Backend, x: Any, mask: Any, weights: Any, wmask: Any, edges: Any, low: Any,
                    high: Any, *, count: int, edge_dtype: np.dtype, density: bool,
                    hist_dtype: np.dtype) -> tuple[Any, Any, Any]:
    """(hist, edges, whether the edges are valid) for flattened values; masked ones are left out."""
    xp = backend.xp
    valid = _valid(xp, x.shape, mask, wmask).reshape(-1)
    x, weights = x.reshape(-1), None if weights is None else weights.reshape(-1)
    if edges is None:
        compute = edge_dtype if low is None else low.dtype  # NumPy: a given range is spaced in float64
        if low is None and x.shape[0] == 0:
            low, high = xp.asarray(0, dtype=compute), xp.asarray(1, dtype=compute)
        elif low is None:
            xf, some = x.astype(compute), xp.any(valid)
            low = xp.where(some, xp.min(xp.where(valid, xf, np.inf)), 0).astype(compute)
            high = xp.where(some, xp.max(xp.where(valid, xf, -np.inf)), 1).astype(compute)
        same = low == high
        low, high = xp.where(same, low - 0.5, low), xp.where(same, high + 0.5, high)
        edges = xp.linspace(low, high, count + 1, dtype=compute).astype(edge_dtype)
        ok = xp.isfinite(low) & xp.isfinite(high)
    else:
        ok = xp.all(edges[1:] >= edges[:-1])
    nbins = edges.shape[0] - 1
    common = backend.canonical_dtype(np.result_type(x.dtype, edges.dtype))
    xc, ec = x.astype(common), edges.astype(common)
    index = xp.where(xc == ec[-1], nbins - 1, xp.searchsorted(ec, xc, side="right") - 1)
    hist = _scatter_add(backend, index, weights, valid & (xc >= ec[0]) & (xc <= ec[-1]), nbins).astype(hist_dtype)
    if density:
        hist = hist / xp.diff(edges).astype(backend.canonical_dtype(np.float64)) / xp.sum(hist)
    return hist, edges, ok


def _index_extent_core(backend: Backend, x: Any, mask: Any, wmask: Any) -> tuple[Any, Any]:
    """Smallest and largest valid value of *x* (``0, -1`` when there is none)."""
    xp = backend.xp
    if x.shape[0] == 0:
        return xp.asarray(0), xp.asarray(-1)
    index, valid = x.astype(backend.canonical_dtype(np.intp)), _valid(xp, x.shape, mask, wmask)
    return xp.min(xp.where(valid, index, 0)), xp.max(xp.where(valid, index, -1))


def _bincount_core(backend: Backend, x: Any, mask: Any, weights: Any, wmask: Any, *, length: int) -> Any:
    index, valid = x.astype(backend.canonical_dtype(np.intp)), _valid(backend.xp, x.shape, mask, wmask)
    if weights is not None:
        weights = weights.astype(backend.canonical_dtype(np.float64))
    counts = _scatter_add(backend, index, weights, valid & (index >= 0) & (index < length), length)
    return counts if weights is not None else counts.astype(backend.canonical_dtype(np.intp))


def bincount(x: Any, weights: Any = None, minlength: int = 0, *, length: int | None = None) -> Any:
    """Number of occurrences (or sum of *weights*) of each value ``0 .. max(x)``.

    Parameters
    ----------
    x : 1-D array_like or MaskedArray of non-negative integers
        Masked elements are left out.
    weights : array_like or MaskedArray, optional
        One weight per element (the result is then float64); masked ones are left out.
    minlength : int
        Minimum length of the result.
    length : int, optional
        gpucompute extension: the exact result length, so the shape is static
        (needed inside a JAX trace); values ``>= length`` are dropped.

    Raises
    ------
    DataDependentShapeError
        Inside a JAX trace without *length*.
    ArrayShapeError
        If *x* is not 1-D or *weights* does not match it.
    ArrayValueError
        If a valid value of *x*, *minlength* or *length* is negative.
    ArrayDTypeError
        If *x* is not integer or boolean, or *weights* is complex.
    """
    backend = resolve_backend("bincount", x, weights)
    data, mask = split_masked(x, backend)
    reject_kinds("bincount", data, "fc", "needs non-negative integers")
    if data.ndim != 1:
        raise ArrayShapeError(f"gpucompute.array.bincount: x must be 1-D, got shape {tuple(data.shape)}")
    w, wmask = (None, None) if weights is None else split_masked(weights, backend)
    if w is not None:
        reject_kinds("bincount", w, "c", "complex weights are not supported")
        if w.shape != data.shape:
            raise ArrayShapeError(f"gpucompute.array.bincount: weights of shape {tuple(w.shape)} do not match "
                                  f"x's shape {tuple(data.shape)}")
    if operator.index(minlength) < 0 or (length is not None and operator.index(length) < 0):
        raise invalid_value("bincount", f"minlength and length must be non-negative, got {minlength}, {length}")
    data = data.astype(backend.canonical_dtype(np.intp))  # one compiled program for every integer dtype
    if not any(backend.is_tracer(v) for v in (data, mask, wmask)):
        low, high = (int(v) for v in run_compiled(backend, _index_extent_core, data, mask, wmask))
        if low < 0:
            raise invalid_value("bincount", f"x must not contain negative values, found {low}")
        length = max(high + 1, operator.index(minlength)) if length is None else length
    elif length is None:
        raise DataDependentShapeError("gpucompute.array.bincount: the result length depends on max(x), unknown "
                                      "inside a jit trace; pass length=<int> (values >= length are dropped)")
    return run_compiled(backend, _bincount_core, data, mask, w, wmask, length=operator.index(length))
