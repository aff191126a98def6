"""``compute`` and ``inspect``: evaluate a proxy's graft and bring the value to the host.

The steps are the same for every proxy type:

1. bind the keyword ``arguments`` to the proxy's parameters, checking names and
   types (a missing or unexpected one is a :class:`ParameterError` naming it);
2. look the result up in the result cache (:mod:`.cache`) unless ``cache=False``;
3. evaluate the graft with the builtins registry, inside an evaluation context
   that carries the GeoContext; on a backend that compiles (JAX) the graft runs
   as one compiled program, cached by content (see :mod:`.program`).  Work
   larger than the memory budget, or sent to a ``cluster``, is split into
   output tiles by :mod:`.tiled`;
4. move arrays to the host (NumPy / ``numpy.ma``) unless ``on_device`` is set,
   and let the proxy type shape the result (``Int`` gives ``int``...).

``block=False`` does the same in the background and returns a
:class:`~gpucompute.execution.jobs.Job` at once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from gpucompute.errors import (
    ConfigError,
    JobCancelled,
    ParameterError,
    ProxyTypeError,
    ProxyUsageError,
)
from gpucompute.execution.context import evaluation_context
from gpucompute.execution.program import evaluate

__all__ = ["bind_arguments", "check_argument_names", "compute", "inspect", "run_compute", "to_host"]

#: Results at least this large are cached even when computed without a GeoContext.
CACHE_MIN_BYTES = 1 << 20

#: ``progress(done, total)`` and ``stage(name)`` callbacks a job passes to :func:`run_compute`.
Progress = Callable[[int, int], None]


def compute(obj: Any, geoctx: Any = None, *, format: Any = "python", destination: Any = None, file: Any = None,
            timeout: float | None = None, block: bool = True, progress_bar: bool | None = None,
            cache: bool = True, cluster: Any = None, memory_budget: Any = None, on_device: bool = False,
            **arguments: Any) -> Any:
    """Evaluate ``obj`` (a proxy, or a list/tuple of proxies) and return its value.

    Parameters
    ----------
    obj
        The proxy to evaluate.  A list or tuple of proxies gives a list or tuple
        of values.
    geoctx
        The area to compute imagery for (a ``GeoContext`` or anything
        ``GeoContext`` accepts); not needed for non-imagery values.
    format
        ``"python"`` (the default) returns Python / NumPy values; ``"geotiff"``,
        ``"png"``, ``"json"`` and ``"npy"`` return the encoded bytes (or a dict
        ``{"type": name, **options}``), see :mod:`gpucompute.execution.formats`.
    destination
        ``None`` or ``"download"``: the result comes back to this process (the
        only destination of a local engine).
    file
        A path or binary file to write the encoded result to (atomically).
    timeout
        Seconds to wait for the result; past them :class:`~gpucompute.errors.JobTimeoutError`
        is raised (the work goes on as a job whose id the message gives).
    block
        ``False`` returns a :class:`~gpucompute.execution.jobs.Job` at once.
    progress_bar
        Draw a progress bar while waiting: ``True`` always, ``None`` (default)
        only in a Jupyter notebook.  Ignored when ``block=False``.
    cache
        Use the result cache (look up and store); ``False`` computes afresh.
    cluster
        Split the work into output tiles and compute them on this Dask cluster
        (a ``Client``, cluster, scheduler address or ``"local"``).
    memory_budget
        Bytes (or a string such as ``"2GiB"``) one piece of work may use; larger
        work is split into output tiles.  Default: the configured budget.
    on_device
        Leave arrays on the backend's device rather than copying them to NumPy
        (such results bypass the cache).
    **arguments
        Values for the parameters the proxy depends on, by name.

    Returns
    -------
    Any
        Python values, ``numpy.ndarray`` or ``numpy.ma.MaskedArray`` (or device
        arrays with ``on_device=True``); encoded bytes for other formats; a
        :class:`~gpucompute.execution.jobs.Job` when ``block=False``.
    """
    _check_destination(destination)
    options = dict(format=format, file=file, cache=cache, cluster=cluster, memory_budget=memory_budget,
                   on_device=on_device)
    if block and timeout is None and not _wants_bar(progress_bar):
        return run_compute(obj, geoctx, arguments=arguments, **options)
    from gpucompute.execution.jobs import Job

    job = Job(obj, geoctx, **options, **arguments)
    if not block:
        return job
    return job._block(timeout=timeout, progress_bar=progress_bar)


def _check_destination(destination: Any) -> None:
    name = destination.get("type") if isinstance(destination, Mapping) else destination
    if name not in (None, "download"):
        raise ProxyUsageError(f"destination must be 'download' (or None) on a local engine, got {destination!r}; "
                              "use file= to write the result to a file")


def _wants_bar(progress_bar: bool | None) -> bool:
    if progress_bar is None:
        from gpucompute.execution.jobs import in_notebook

        return in_notebook()
    return bool(progress_bar)


def run_compute(obj: Any, geoctx: Any = None, *, arguments: Mapping[str, Any], format: Any = "python",
                file: Any = None, cache: bool = True, cluster: Any = None, memory_budget: Any = None,
                on_device: bool = False, progress: Progress | None = None,
                cancelled: threading.Event | None = None, stage: Callable[[str], None] | None = None) -> Any:
    """Compute ``obj`` in this thread: what :func:`compute` and jobs run.

    ``progress(done, total)`` hears about finished pieces (tiles), ``stage(name)``
    about the stage entered (``"computing"``, ``"writing"``), and a set
    ``cancelled`` event stops the work with :class:`~gpucompute.errors.JobCancelled`
    at the next point where it is checked.
    """
    from gpucompute.types.core import Proxytype

    stage = stage or _ignore
    if isinstance(obj, (list, tuple)) and not isinstance(obj, Proxytype):
        results = []
        for k, item in enumerate(obj):
            _check_cancelled(cancelled)
            results.append(run_compute(item, geoctx, arguments=_only_params(item, arguments), cache=cache,
                                       cluster=cluster, memory_budget=memory_budget, on_device=on_device,
                                       cancelled=cancelled, stage=stage))
            if progress is not None:
                progress(k + 1, len(obj))
        results = type(obj)(results) if isinstance(obj, tuple) else results
        stage("writing")
        return _encode(results, format, file)
    if not isinstance(obj, Proxytype):
        raise ProxyTypeError(f"compute expects a proxy object (or a list of them), got {type(obj).__name__}")
    ctx = _promote_geoctx(geoctx)
    tiled = _tiled_function(obj, ctx, arguments, cluster, memory_budget) if ctx is not None else None
    if tiled is not None:
        stage("computing")
        from gpucompute.execution.cache import reads_cached

        with reads_cached(False):  # tiled work reads each tile once; keeping the reads would hold memory
            return tiled(obj, ctx, arguments=dict(arguments), memory_budget=memory_budget, file=file,
                         format=format, cluster=cluster, progress=progress or _ignore,
                         cancelled=cancelled or threading.Event())
    from gpucompute.execution import cache as result_cache

    key = _cache_key(obj, ctx, arguments) if cache and not on_device else None
    if key is not None:
        disk_key, key = key, f"{key}.{result_cache.catalog_handle()}"
        hit, value = result_cache.RESULTS.get(key, disk_key)
        if hit:
            return _finish(value, format, file, progress, stage)
    values = bind_arguments(obj.params, arguments)
    _check_cancelled(cancelled)
    stage("computing")
    with evaluation_context(ctx), result_cache.reads_cached(cache):
        raw = evaluate(obj.graft, values, compiled=getattr(type(obj), "_compiled", False))
    host = raw if on_device else to_host(raw)
    result = type(obj)._unmarshal(host)
    _check_cancelled(cancelled)
    if key is not None and (ctx is not None or result_cache.value_nbytes(result) >= CACHE_MIN_BYTES):
        result_cache.RESULTS.put(key, result, disk_key=disk_key, disk=_disk_cacheable(obj))
    return _finish(result, format, file, progress, stage)


def _ignore(*_args: Any) -> None:
    return None


def _check_cancelled(cancelled: threading.Event | None) -> None:
    if cancelled is not None and cancelled.is_set():
        raise JobCancelled("the job was cancelled before it finished, so it has no result")


def _finish(result: Any, format: Any, file: Any, progress: Progress | None, stage: Callable[[str], None]) -> Any:
    if progress is not None:
        progress(1, 1)
    if format != "python" or file is not None:
        stage("writing")
    return _encode(result, format, file)


def _cache_key(obj: Any, ctx: Any, arguments: Mapping[str, Any]) -> str | None:
    from gpucompute.config import get_backend
    from gpucompute.execution.cache import result_key

    return result_key(obj, ctx, arguments, backend=get_backend().name)


def _disk_cacheable(obj: Any) -> bool:
    """False when the graft names an object of this session (its key would mean something else elsewhere)."""
    from gpucompute.execution.cache import RESULTS
    from gpucompute.execution.program import applied_builtins

    if RESULTS.directory is None:
        return False
    return not any(getattr(fn, "session_only", False) for _, fn in applied_builtins(obj.graft))


def _tiled_function(obj: Any, ctx: Any, arguments: Mapping[str, Any], cluster: Any,
                    memory_budget: Any) -> Callable[..., Any] | None:
    """``compute_tiled`` when this work goes by output tiles, else None.

    A ``cluster`` always tiles; otherwise ``needs_tiling`` compares the work with
    ``memory_budget`` (the configured budget when None).  Without the tiling
    module, asking for either explicitly is an error and the default is to
    compute in one piece.
    """
    explicit = cluster is not None or memory_budget is not None
    try:
        from gpucompute.execution.tiled import compute_tiled, needs_tiling
    except ImportError as exc:
        if not explicit and getattr(exc, "name", None) in ("gpucompute.execution.tiled", None):
            return None
        raise ConfigError(
            f"cluster={cluster!r} / memory_budget={memory_budget!r} need tiled computation "
            f"(gpucompute.execution.tiled), which could not be imported: {exc}; "
            "compute without them, or install the missing package"
        ) from exc
    if cluster is not None or needs_tiling(obj, ctx, memory_budget, arguments=dict(arguments)):
        return compute_tiled
    return None


def _encode(result: Any, format: Any, file: Any) -> Any:
    if format == "python" and file is None:
        return result
    from gpucompute.execution.formats import write_result

    return write_result(result, format, file=file)


def inspect(obj: Any, geoctx: Any = None, *, format: Any = "python", file: Any = None, cache: bool = True,
            timeout: float | None = None, **arguments: Any) -> Any:
    """Compute a small result synchronously (a pixel value, a statistic, a list of dates).

    The same as :func:`compute` with ``block=True`` and no progress bar;
    ``timeout`` seconds raise :class:`~gpucompute.errors.JobTimeoutError`.
    """
    return compute(obj, geoctx, format=format, file=file, cache=cache, timeout=timeout, progress_bar=False,
                   **arguments)


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
    expected = check_argument_names(params, arguments)
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


def check_argument_names(params: Sequence[Any], arguments: Mapping[str, Any]) -> dict[str, Any]:
    """``{name: parameter}``, after checking that ``arguments`` names each parameter and nothing else.

    Raises
    ------
    ParameterError
        For a missing parameter or an argument that matches no parameter.
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
    return expected


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
