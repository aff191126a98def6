"""Scale-out on Dask: one ``dask.distributed`` task per output tile.

Work too large for one process is split into output tiles (see
:mod:`gpucompute.execution.tiled`); this module sends one task per tile to a
``dask.distributed`` cluster and hands the results back as they complete.

* :func:`get_client` turns whatever the caller names (a ``Client``, a cluster
  object, a scheduler address, ``"local"`` or nothing: the
  ``GPUCOMPUTE_SCHEDULER`` environment variable) into a connected ``Client``.
* :func:`map_tiles` submits ``fn(*item)`` per item and yields ``(index,
  result)`` pairs in completion order, with retries, clear errors and prompt
  cancellation.

What travels to the workers is plain data: the items are JSON-able tuples (the
graft document as a JSON string, the GeoContext as a dict, the arguments), never
proxies and never pickled graphs of ours.  Each worker computes with its own
backend (``GPUCOMPUTE_BACKEND`` in the worker's environment) and reads its own
catalog (``GPUCOMPUTE_HOME``), which must be the same catalog the client sees.
A local cluster started here is started from this process's environment, so its
workers see the same variables.

``dask`` and ``distributed`` are imported only when a function here is called
(the ``dask`` extra: ``pip install 'gpucompute[dask]'``).
"""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from gpucompute.errors import (
    BackendUnavailableError,
    ConfigError,
    JobCancelled,
    JobComputeError,
    ProxyUsageError,
)

__all__ = ["SCHEDULER_ENV", "WORKERS_ENV", "close_clients", "close_local_cluster", "get_client", "local_cluster",
           "map_tiles"]

#: Environment variable naming the scheduler :func:`get_client` uses by default ("tcp://host:port" or "local").
SCHEDULER_ENV = "GPUCOMPUTE_SCHEDULER"
#: Environment variable giving the number of worker processes of the ``"local"`` cluster.
WORKERS_ENV = "GPUCOMPUTE_DASK_WORKERS"
#: Environment variables a started local cluster must agree with; when one changes it is restarted.
_PINNED_ENV = ("GPUCOMPUTE_HOME", "GPUCOMPUTE_BACKEND")
#: How often (seconds) :func:`map_tiles` looks at the ``cancelled`` event while it waits.
_POLL_S = 0.05

_lock = threading.RLock()
_local: dict[str, Any] = {}  # "cluster", "client", "env": the cached LocalCluster of this process
_clients: dict[str, Any] = {}  # scheduler address -> Client we opened for it


def _distributed() -> Any:
    try:
        import distributed
    except ImportError as exc:  # pragma: no cover - the extra is installed where tests run
        raise BackendUnavailableError(
            "running on a Dask cluster needs dask.distributed, which is not installed; "
            "install it with: pip install 'gpucompute[dask]'"
        ) from exc
    return distributed


def _worker_count() -> int:
    raw = os.environ.get(WORKERS_ENV, "").strip()
    if not raw:
        try:
            return max(1, len(os.sched_getaffinity(0)))
        except AttributeError:  # not Linux
            return max(1, os.cpu_count() or 1)
    try:
        count = int(raw)
    except ValueError:
        count = 0
    if count < 1:
        raise ConfigError(f"{WORKERS_ENV} must be a positive whole number of worker processes, got {raw!r}")
    return count


def _pinned_env() -> dict[str, str | None]:
    return {name: os.environ.get(name) for name in _PINNED_ENV}


def local_cluster(n_workers: int | None = None) -> Any:
    """The ``LocalCluster`` of this process, started on first use and then reused.

    Workers are separate processes (``processes=True``) with one thread each;
    the scheduler's HTTP endpoint takes a free port.  They are spawned from this process, so they inherit its
    environment (``GPUCOMPUTE_HOME``, ``GPUCOMPUTE_BACKEND``, ``JAX_PLATFORMS``...);
    when ``GPUCOMPUTE_HOME`` or ``GPUCOMPUTE_BACKEND`` has changed since the
    cluster started, it is closed and a new one is started, so workers never
    read another catalog than the caller.

    Parameters
    ----------
    n_workers
        Worker processes; default ``GPUCOMPUTE_DASK_WORKERS``, else one per usable CPU.

    Returns
    -------
    distributed.LocalCluster
    """
    distributed = _distributed()
    count = _worker_count() if n_workers is None else int(n_workers)
    if count < 1:
        raise ConfigError(f"a local cluster needs at least one worker, got n_workers={n_workers!r}")
    with _lock:
        cluster, env = _local.get("cluster"), _local.get("env")
        if cluster is not None and (env != _pinned_env() or cluster.status.name in ("closing", "closed", "failed")
                                    or (n_workers is not None and len(cluster.workers) != count)):
            close_local_cluster()
            cluster = None
        if cluster is None:
            cluster = distributed.LocalCluster(n_workers=count, processes=True, threads_per_worker=1,
                                               dashboard_address=":0")
            _local.update(cluster=cluster, env=_pinned_env(), client=None)
        return cluster


def close_local_cluster() -> None:
    """Close the cached local cluster and its client, if one was started (a no-op otherwise)."""
    with _lock:
        client, cluster = _local.pop("client", None), _local.pop("cluster", None)
        _local.clear()
        if client is not None:
            client.close()
        if cluster is not None:
            cluster.close()


def close_clients() -> None:
    """Close every client :func:`get_client` opened (per cluster / address) and the local cluster."""
    with _lock:
        clients = list(_clients.values())
        _clients.clear()
        for client in clients:
            client.close()
        close_local_cluster()


def _client_for(distributed: Any, target: Any, key: str) -> Any:
    """A ``Client`` connected to ``target`` (an address or a cluster object), reused per scheduler address."""
    with _lock:
        client = _clients.get(key)
        if client is None or client.status != "running":
            try:
                client = distributed.Client(target, set_as_default=False)
            except OSError as exc:
                raise ConfigError(
                    f"could not connect to the Dask scheduler at {key!r} ({exc}); check that it is running "
                    "and reachable, or use cluster='local' to start one in this process"
                ) from exc
            _clients[key] = client
        return client


def _is_address(text: str) -> bool:
    if "://" in text:
        return True
    host, sep, port = text.rpartition(":")
    return bool(sep and host and port.isdigit())


def get_client(cluster: Any = None) -> Any:
    """Return a connected ``distributed.Client`` for ``cluster``.

    Parameters
    ----------
    cluster
        * a ``distributed.Client``: returned as is;
        * a cluster object (``LocalCluster``, ``SpecCluster``, dask-cuda's
          ``LocalCUDACluster``... anything with a ``scheduler_address``):
          a client connected to it (one per cluster, reused);
        * a scheduler address such as ``"tcp://10.0.0.5:8786"``: a client
          connected to it (reused);
        * ``"local"``: a client of this process's own :func:`local_cluster`;
        * ``None``: the ``GPUCOMPUTE_SCHEDULER`` environment variable, which
          holds an address or ``"local"``.

    Returns
    -------
    distributed.Client

    Raises
    ------
    ConfigError
        If nothing names a scheduler, the value is not one of the above, or
        the scheduler cannot be reached.
    BackendUnavailableError
        If ``dask.distributed`` is not installed.
    """
    distributed = _distributed()
    if cluster is None:
        cluster = os.environ.get(SCHEDULER_ENV, "").strip()
        if not cluster:
            raise ConfigError(
                "no Dask cluster given: pass cluster= a distributed.Client, a cluster object "
                "(LocalCluster, dask_cuda.LocalCUDACluster), a scheduler address like 'tcp://host:8786' "
                f"or 'local', or set the {SCHEDULER_ENV} environment variable to an address or 'local'"
            )
    if isinstance(cluster, distributed.Client):
        return cluster
    if isinstance(cluster, str):
        text = cluster.strip()
        if text.lower() == "local":
            with _lock:
                local = local_cluster()
                if _local.get("client") is None or _local["client"].status != "running":
                    _local["client"] = distributed.Client(local, set_as_default=False)
                return _local["client"]
        if _is_address(text):
            return _client_for(distributed, text, text)
        raise ConfigError(
            f"cluster must be a distributed.Client, a cluster object, a scheduler address like "
            f"'tcp://host:8786' or 'local', got the string {cluster!r}"
        )
    address = getattr(cluster, "scheduler_address", None)
    if isinstance(address, str) and address:
        return _client_for(distributed, cluster, address)
    raise ConfigError(
        f"cluster must be a distributed.Client, a cluster object with a scheduler_address "
        f"(LocalCluster, LocalCUDACluster), a scheduler address string or 'local', got {cluster!r}"
    )


def _refuse_proxies(items: Sequence[tuple]) -> None:
    from gpucompute.types.core import Proxytype

    for i, item in enumerate(items):
        if not isinstance(item, tuple):
            raise ProxyUsageError(f"map_tiles items must be tuples of task arguments; item {i} is {item!r}")
        for arg in item:
            if isinstance(arg, Proxytype):
                raise ProxyUsageError(
                    f"map_tiles item {i} holds a proxy ({type(arg).__name__}); send its JSON document "
                    "(gpucompute.execution.saved.dumps_proxy) instead: proxies never travel to workers"
                )


def _allowed_failures() -> int | str:
    try:
        import dask

        return dask.config.get("distributed.scheduler.allowed-failures")
    except Exception:  # noqa: BLE001 - only used in a message
        return "the scheduler's allowed-failures"


def _failure(distributed: Any, index: int, total: int, error: BaseException, retries: int) -> JobComputeError:
    if isinstance(error, distributed.KilledWorker):
        message = (f"tile {index} of {total} failed: the worker running it died too many times "
                   f"(KilledWorker, after {_allowed_failures()} allowed failures: {error}); a worker "
                   "killed at its memory limit is the usual cause: use smaller tiles or give workers "
                   "more memory")
    else:
        message = (f"tile {index} of {total} failed after {retries} retr{'y' if retries == 1 else 'ies'}: "
                   f"{type(error).__name__}: {error}")
    exc = JobComputeError(message, error)
    exc.__cause__ = error
    return exc


def map_tiles(cluster: Any, fn: Callable[..., Any], items: Sequence[tuple], *, retries: int = 2,
              cancelled: threading.Event | None = None, pure: bool = False) -> Iterator[tuple[int, Any]]:
    """Run ``fn(*items[i])`` as one Dask task per item; yield ``(i, result)`` as tasks complete.

    Parameters
    ----------
    cluster
        Anything :func:`get_client` accepts.
    fn
        The task function; it must be importable on the workers (a module-level
        function of an installed package, e.g. ``tiled.compute_tile``).
    items
        One tuple of arguments per task.  Arguments must be plain data (JSON-able:
        strings, numbers, lists, dicts); proxies are refused.
    retries
        How many times a task that raises is run again before the job fails.
        A task whose worker died is rescheduled by the scheduler on its own
        (up to ``distributed.scheduler.allowed-failures`` times).
    cancelled
        When this event is set, pending tasks are cancelled and
        :class:`~gpucompute.errors.JobCancelled` is raised (checked every 50 ms).
    pure
        Let Dask key tasks by their inputs, so identical tiles submitted twice
        share one result (default: every call gets fresh keys).

    Yields
    ------
    tuple of (int, object)
        The item's index and ``fn``'s return value, in completion order.

    Raises
    ------
    JobComputeError
        When a task fails for good; the message names the tile index and the
        cause, which is also ``.error``.  The remaining tasks are cancelled.
    JobCancelled
        When ``cancelled`` is set before every result is in.
    """
    distributed = _distributed()
    if not isinstance(retries, int) or isinstance(retries, bool) or retries < 0:
        raise ConfigError(f"retries must be a whole number >= 0, got {retries!r}")
    items = list(items)
    _refuse_proxies(items)
    if not items:
        return
    client = get_client(cluster)
    total = len(items)
    stamp = uuid.uuid4().hex[:12]
    name = getattr(fn, "__name__", "task").replace("<", "").replace(">", "")
    pending: dict[Any, Any] = {}  # task key -> future, one per distinct task
    indexes: dict[Any, list[int]] = {}  # task key -> the items it answers (several only when pure)
    for i, args in enumerate(items):
        key = None if pure else f"gpucompute-{name}-{stamp}-{i}"
        future = client.submit(fn, *args, key=key, pure=pure, retries=retries)
        pending.setdefault(future.key, future)
        indexes.setdefault(future.key, []).append(i)
    done = distributed.as_completed(list(pending.values()), loop=client.loop)
    try:
        while pending:
            if cancelled is not None and cancelled.is_set():
                raise JobCancelled(f"job cancelled with {total - sum(len(indexes[k]) for k in pending)} "
                                   f"of {total} tiles done; the remaining tasks were cancelled")
            batch = done.next_batch(block=cancelled is None)
            if not batch:
                cancelled.wait(_POLL_S)
                continue
            for future in batch:
                pending.pop(future.key, None)
                first = indexes[future.key][0]
                if future.status == "error":
                    raise _failure(distributed, first, total, future.exception(), retries)
                if future.status == "cancelled":
                    raise JobCancelled(f"tile {first} of {total} was cancelled on the cluster before it finished")
                result = future.result()
                for i in indexes.pop(future.key):
                    yield i, result
    finally:
        if pending:
            client.cancel(list(pending.values()))
