"""``compute`` and ``inspect``: evaluate a proxy's graft and bring the value to the host.

The steps are the same for every proxy type:

1. bind the keyword ``arguments`` to the proxy's parameters, checking names and
   types (a missing or unexpected one is a :class:`ParameterError` naming it);
2. evaluate the graft with the builtins registry, inside an evaluation context
   that carries the GeoContext; on a backend that compiles (JAX) the graft runs
   as one compiled program, cached by content (see :mod:`.program`);
3. move arrays to the host (NumPy / ``numpy.ma``) unless ``on_device`` is set,
   and let the proxy type shape the result (``Int`` gives ``int``...).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from gpucompute.errors import ParameterError, ProxyTypeError
from gpucompute.execution.context import evaluation_context
from gpucompute.execution.program import evaluate

__all__ = ["compute", "inspect", "bind_arguments", "to_host"]


def compute(obj: Any, geoctx: Any = None, *, on_device: bool = False, format: Any = "python",
            file: Any = None, **arguments: Any) -> Any:
    """Evaluate ``obj`` (a proxy, or a list/tuple of proxies) and return its value.

    Parameters
    ----------
    obj
        The proxy to evaluate.  A list or tuple of proxies gives a list or tuple
        of values, computed in one evaluation so shared work is done once.
    geoctx
        The area to compute imagery for (a ``GeoContext`` or anything
        ``GeoContext`` accepts); not needed for non-imagery values.
    on_device
        Leave arrays on the backend's device rather than copying them to NumPy.
    format
        ``"python"`` (the default) returns Python / NumPy values; ``"geotiff"``,
        ``"png"``, ``"json"`` and ``"npy"`` return the encoded bytes (or a dict
        ``{"type": name, **options}``), see :mod:`gpucompute.execution.formats`.
    file
        A path or binary file to write the encoded result to (atomically).
    **arguments
        Values for the parameters the proxy depends on, by name.

    Returns
    -------
    Any
        Python values, ``numpy.ndarray`` or ``numpy.ma.MaskedArray`` (or device
        arrays with ``on_device=True``).
    """
    from gpucompute.types.core import Proxytype

    if isinstance(obj, (list, tuple)) and not isinstance(obj, Proxytype):
        results = [compute(item, geoctx, on_device=on_device, **_only_params(item, arguments)) for item in obj]
        results = type(obj)(results) if isinstance(obj, tuple) else results
        return _encode(results, format, file)
    if not isinstance(obj, Proxytype):
        raise ProxyTypeError(f"compute expects a proxy object (or a list of them), got {type(obj).__name__}")
    values = bind_arguments(obj.params, arguments)
    with evaluation_context(_promote_geoctx(geoctx)):
        raw = evaluate(obj.graft, values, compiled=getattr(type(obj), "_compiled", False))
    host = raw if on_device else to_host(raw)
    return _encode(type(obj)._unmarshal(host), format, file)


def _encode(result: Any, format: Any, file: Any) -> Any:
    if format == "python" and file is None:
        return result
    from gpucompute.execution.formats import write_result

    return write_result(result, format, file=file)


def inspect(obj: Any, geoctx: Any = None, **arguments: Any) -> Any:
    """Compute a small result synchronously (a pixel value, a statistic, a list of dates)."""
    return compute(obj, geoctx, **arguments)


def _only_params(obj: Any, arguments: Mapping[str, Any]) -> dict[str, Any]:
    names = {p._param_name for p in getattr(obj, "params", ())}
    return {k: v for k, v in arguments.items() if k in names}


def _promote_geoctx(geoctx: Any) -> Any:
    if geoctx is None:
        return None
    try:
        from gpucompute.geo import GeoContext
    except ImportError:  # the geo layer is optional for non-imagery computations
        return geoctx
    from gpucompute.types.core import Proxytype

    if isinstance(geoctx, Proxytype):  # the GeoContext proxy computes to its dict form
        geoctx = compute(geoctx)
    if isinstance(geoctx, GeoContext):
        return geoctx
    if isinstance(geoctx, Mapping):
        return GeoContext.from_dict(dict(geoctx))
    return geoctx


def bind_arguments(params: Sequence[Any], arguments: Mapping[str, Any]) -> dict[str, Any]:
    """Check ``arguments`` against the parameters and evaluate each to a plain value.

    Raises
    ------
    ParameterError
        For a missing parameter, an argument that matches no parameter, or a
        value of the wrong type; the message names the parameter.
    """
    expected = {p._param_name: p for p in params}
    missing = [name for name in expected if name not in arguments]
    if missing:
        raise ParameterError(
            "missing value for parameter(s) "
            + ", ".join(f"{n!r} ({_type_name(expected[n])})" for n in missing)
            + "; pass them as keyword arguments to compute"
        )
    unexpected = sorted(set(arguments) - set(expected))
    if unexpected:
        known = ", ".join(repr(n) for n in expected) or "none"
        raise ParameterError(f"unexpected argument(s) {', '.join(map(repr, unexpected))}; the parameters are {known}")
    values: dict[str, Any] = {}
    for name, param in expected.items():
        try:
            promoted = type(param)._promote(arguments[name])
        except ProxyTypeError as exc:
            raise ParameterError(f"parameter {name!r}: {exc}") from exc
        if promoted.params:
            inner = ", ".join(repr(p._param_name) for p in promoted.params)
            raise ParameterError(f"the value of parameter {name!r} depends on other parameters ({inner})")
        values[name] = _literal_or_evaluate(promoted)
    return values


def _literal_or_evaluate(proxy: Any) -> Any:
    """A parameter's value: an array literal goes straight to the device, anything else is evaluated."""
    literal = getattr(proxy, "_literal_value", None)
    if isinstance(literal, np.ma.MaskedArray):
        from gpucompute.array import MaskedArray

        return MaskedArray.from_numpy(literal)
    if isinstance(literal, np.ndarray):
        from gpucompute.config import get_backend

        return get_backend().asarray(literal)
    return evaluate(proxy.graft, {})


def _type_name(obj: Any) -> str:
    from gpucompute.types.core import type_name

    return type_name(obj)


def to_host(value: Any) -> Any:
    """Copy arrays in ``value`` (nested in lists, tuples and dicts) to NumPy on the host."""
    from gpucompute import backends
    from gpucompute.array import MaskedArray

    if isinstance(value, MaskedArray):
        return value.to_numpy()
    if hasattr(value, "__pixels_fields__"):  # imagery values: their pixels
        return value.replace(**{name: to_host(getattr(value, name)) for name in value.__pixels_fields__})
    if isinstance(value, (list, tuple)):
        items = [to_host(v) for v in value]
        return tuple(items) if isinstance(value, tuple) else items
    if isinstance(value, dict):
        return {k: to_host(v) for k, v in value.items()}
    if isinstance(value, (np.ndarray, np.generic, np.dtype)):
        return value
    backend = backends.backend_of(value)
    if backend is not None:
        return backend.to_numpy(value)
    return value
