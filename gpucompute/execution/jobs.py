"""Jobs: computations that run in the background (``compute(..., block=False)``).

A :class:`Job` starts at once on a small pool of worker threads and can be
watched (``status``, ``stage``, ``progress``), waited on (``wait``,
``result``) and cancelled.  Each job also has a record on disk under
``$GPUCOMPUTE_HOME/jobs/`` (see :mod:`._job_store`), replaced on every change
of state, with its result once it succeeded (when the result can be written
without pickle), so ``Job.get(id)`` finds finished jobs of other processes too.

Lifecycle
---------
``status`` goes ``"pending"`` -> ``"running"`` -> ``"succeeded"`` | ``"failed"``
| ``"cancelled"`` and ``stage`` goes through :data:`STAGES`:

* ``"queued"``: waiting for a worker thread;
* ``"planning"``: binding arguments, looking in the cache, choosing tiles;
* ``"computing"``: evaluating the graft (``progress`` counts tiles when tiled);
* ``"writing"``: encoding the result in ``format`` / writing ``file``;
* ``"done"``: finished, whatever the outcome.

The pool has ``$GPUCOMPUTE_JOB_WORKERS`` threads (default 2): more jobs queue.
Records of jobs that finished more than :data:`KEEP_DAYS` days ago are removed
when a process starts its first job.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import sys
import threading
import time
import uuid
import weakref
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from gpucompute.errors import (
    ComputeError,
    JobCancelled,
    JobComputeError,
    JobError,
    JobTimeoutError,
    NotFoundError,
    ProxyTypeError,
)

__all__ = ["STAGES", "STATUSES", "WORKERS_ENV", "Job", "in_notebook"]

STATUSES = ("pending", "running", "succeeded", "failed", "cancelled")
STAGES = ("queued", "planning", "computing", "writing", "done")
_FINAL = ("succeeded", "failed", "cancelled")
WORKERS_ENV = "GPUCOMPUTE_JOB_WORKERS"
#: Finished jobs older than this many days are removed from the store when a process first runs a job.
KEEP_DAYS = 7
#: How often waiting loops look at a job (seconds): also how soon Ctrl-C is noticed.
_POLL_S = 0.05

_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()
_live: weakref.WeakValueDictionary[str, Job] = weakref.WeakValueDictionary()


def _executor() -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            workers = max(1, int(os.environ.get(WORKERS_ENV) or 2))
            _pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="gpucompute-job")
            from gpucompute.execution._job_store import prune

            with contextlib.suppress(OSError):
                prune(KEEP_DAYS * 86400.0)
        return _pool


def in_notebook() -> bool:
    """True inside a Jupyter kernel (IPython is only looked at if something already imported it)."""
    ipython = sys.modules.get("IPython")
    if ipython is None:
        return False
    try:
        shell = ipython.get_ipython()
    except Exception:  # noqa: BLE001 - a broken IPython means "not a notebook"
        return False
    return shell is not None and (type(shell).__name__ == "ZMQInteractiveShell" or "IPKernelApp" in shell.config)


class Job:
    """A computation running in the background.

    Parameters
    ----------
    obj : Proxytype, or list/tuple of them
        What to compute.
    geoctx : GeoContext, dict, optional
        Where to compute imagery.
    format, file, cache, cluster, memory_budget, on_device
        As for :func:`gpucompute.compute`.
    **arguments
        Values of the proxy's parameters.

    Raises
    ------
    ProxyTypeError
        If ``obj`` is not a proxy (or a list of them).
    ParameterError
        If ``arguments`` miss a parameter or name one that does not exist.
    """

    def __init__(self, obj: Any, geoctx: Any = None, *, format: Any = "python", file: Any = None,
                 cache: bool = True, cluster: Any = None, memory_budget: Any = None, on_device: bool = False,
                 **arguments: Any) -> None:
        from gpucompute.execution.compute import check_argument_names
        from gpucompute.types.core import Proxytype

        items = obj if isinstance(obj, (list, tuple)) and not isinstance(obj, Proxytype) else [obj]
        for item in items:
            if not isinstance(item, Proxytype):
                raise ProxyTypeError(f"a Job computes a proxy object (or a list of them), got {type(item).__name__}")
        if items is not obj:
            check_argument_names(obj.params, arguments)
        self._init_state(uuid.uuid4().hex, "pending", "queued")
        self._object, self._geoctx, self._arguments = obj, geoctx, dict(arguments)
        self._format, self._file = format, file
        self._options = dict(cache=cache, cluster=cluster, memory_budget=memory_budget, on_device=on_device)
        self._context = contextvars.copy_context()
        from gpucompute.execution._job_store import object_document

        self._document = object_document(obj)
        _live[self.id] = self
        self._save_record()
        self._future = _executor().submit(self._run)

    def _init_state(self, job_id: str, status: str, stage: str) -> None:
        self.id = job_id
        self._status, self._stage, self._steps = status, stage, (0, 1)
        self._result: Any = None
        self._error: BaseException | None = None
        self._created = time.time()
        self._started: float | None = None
        self._finished: float | None = None
        self._result_note: str | None = None
        self._cancel_event = threading.Event()
        self._done_event = threading.Event()
        self._lock = threading.RLock()

    # ---- running ------------------------------------------------------------------------------------
    def _run(self) -> None:
        if self._cancel_event.is_set():
            self._finish("cancelled")
            return
        with self._lock:
            self._status, self._stage, self._started = "running", "planning", time.time()
        self._save_record()
        try:
            from gpucompute.execution.compute import run_compute

            result = self._context.run(
                run_compute, self._object, self._geoctx, arguments=self._arguments, format=self._format,
                file=self._file, progress=self._on_progress, cancelled=self._cancel_event, stage=self._on_stage,
                **self._options)
        except JobCancelled:
            self._finish("cancelled")
        except Exception as exc:  # noqa: BLE001 - every failure is the job's outcome
            self._error = exc
            self._finish("failed")
        else:
            if self._cancel_event.is_set():
                self._finish("cancelled")
            else:
                self._result = result
                self._finish("succeeded")

    def _on_progress(self, done: int, total: int) -> None:
        with self._lock:
            self._steps = (int(done), max(int(total), 1))

    def _on_stage(self, stage: str) -> None:
        with self._lock:
            if stage == self._stage:
                return
            self._stage = stage
        self._save_record()

    def _finish(self, status: str) -> None:
        with self._lock:
            self._status, self._stage, self._finished = status, "done", time.time()
            if status == "succeeded":
                self._steps = (self._steps[1], self._steps[1])
        if status == "succeeded":
            self._store_result()
        self._save_record()
        self._done_event.set()

    # ---- the job store --------------------------------------------------------------------------------
    def _store_result(self) -> None:
        from gpucompute.execution._job_store import NotStorable, save_result

        if self._options.get("on_device"):
            self._result_note = "results left on the device (on_device=True) are not stored"
            return
        try:
            save_result(self.id, self._result)
        except NotStorable as exc:
            self._result_note = f"the result cannot be stored without pickle ({exc})"
        except OSError as exc:
            self._result_note = f"the result could not be written ({exc})"

    def _save_record(self) -> None:
        from gpucompute.execution._job_store import write_record

        try:
            write_record(self._record())
        except OSError:
            pass  # the job works in this process without its record

    def _record(self) -> dict[str, Any]:
        from gpucompute.execution._job_store import job_record

        with self._lock:
            return job_record(self)

    # ---- members --------------------------------------------------------------------------------------
    @property
    def status(self) -> str:
        """``"pending"``, ``"running"``, ``"succeeded"``, ``"failed"`` or ``"cancelled"``."""
        return self._status

    @property
    def stage(self) -> str:
        """One of :data:`STAGES`."""
        return self._stage

    @property
    def progress(self) -> float:
        """The fraction of the work done, 0 to 1 (tiles done when tiled, else 0 then 1)."""
        done, total = self._steps
        return done / total

    @property
    def done(self) -> bool:
        """True once the job succeeded, failed or was cancelled."""
        return self._status in _FINAL

    @property
    def cancelled(self) -> bool:
        """True if the job was cancelled."""
        return self._status == "cancelled"

    @property
    def runtime(self) -> float | None:
        """Seconds the job has been running (or ran); None before it starts."""
        if self._started is None:
            return None
        return (self._finished or time.time()) - self._started

    @property
    def error(self) -> BaseException | None:
        """The exception the computation raised, if it failed."""
        return self._error

    @property
    def object(self) -> Any:
        """The proxy object (or list of them) being computed."""
        return self._object

    @property
    def arguments(self) -> dict[str, Any]:
        """The parameter values, by name."""
        return dict(self._arguments)

    @property
    def geoctx(self) -> Any:
        """The GeoContext the job computes for."""
        return self._geoctx

    @property
    def format(self) -> Any:
        """The output format."""
        return self._format

    @property
    def file(self) -> Any:
        """Where the result is written, if anywhere."""
        return self._file

    def __repr__(self) -> str:
        return f"<Job {self.id} status={self._status!r} stage={self._stage!r} progress={self.progress:.0%}>"

    # ---- control ----------------------------------------------------------------------------------------
    def cancel(self) -> None:
        """Ask the job to stop: one not started never starts; a running one stops at its next check (tiles)."""
        self._cancel_event.set()
        future = getattr(self, "_future", None)
        if future is not None and future.cancel():
            self._finish("cancelled")

    def refresh(self) -> None:
        """Bring the state up to date (a job of this process always is; a stored one is read again)."""

    def wait(self, timeout: float | None = None, progress_bar: bool | None = None) -> None:
        """Block until the job is done, drawing a progress bar if asked (``None``: only in notebooks).

        Raises
        ------
        JobTimeoutError
            If ``timeout`` seconds pass first (the job keeps running).
        JobComputeError
            If the computation failed (``.error`` is the underlying exception).
        JobCancelled
            If the job was cancelled.
        KeyboardInterrupt
            Ctrl-C while waiting cancels the job and is raised again.
        """
        self._wait_done(timeout, progress_bar)
        self._raise_outcome(wrap=True)

    def result(self, timeout: float | None = None, progress_bar: bool | None = False) -> Any:
        """The computed value, once the job is done (same errors as :meth:`wait`)."""
        self.wait(timeout, progress_bar)
        return self._result_value()

    def _result_value(self) -> Any:
        return self._result

    def _block(self, timeout: float | None, progress_bar: bool | None) -> Any:
        """What ``compute(block=True)`` returns: the value, or the computation's own exception."""
        self._wait_done(timeout, progress_bar)
        self._raise_outcome(wrap=False)
        return self._result_value()

    def _raise_outcome(self, *, wrap: bool) -> None:
        if self._status == "cancelled":
            raise JobCancelled(f"job {self.id} was cancelled, so it has no result")
        if self._status == "failed":
            error = self._error or ComputeError("the job failed for an unknown reason")
            if not wrap:
                raise error
            raise JobComputeError(f"job {self.id} failed: {type(error).__name__}: {error}", error) from error

    def _wait_done(self, timeout: float | None, progress_bar: bool | None) -> None:
        bar = _ProgressBar(self) if (in_notebook() if progress_bar is None else progress_bar) else None
        deadline = None if timeout is None else time.monotonic() + float(timeout)
        try:
            while not self._poll_done():
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    raise JobTimeoutError(
                        f"job {self.id} did not finish within {timeout} s (status {self._status!r}, stage "
                        f"{self._stage!r}); it keeps running: wait again with Job.get({self.id!r}).result(), "
                        "or cancel() it")
                self._done_event.wait(_POLL_S if left is None else min(_POLL_S, left))
                if bar is not None:
                    bar.update()
        except KeyboardInterrupt:
            with contextlib.suppress(JobError):
                self.cancel()
            raise
        finally:
            if bar is not None:
                bar.close()

    def _poll_done(self) -> bool:
        return self._done_event.is_set()

    # ---- finding jobs ---------------------------------------------------------------------------------------
    @classmethod
    def get(cls, job_id: str) -> Job:
        """The job ``job_id``: one of this process, else one from the job store on disk.

        Raises
        ------
        NotFoundError
            If there is no such job.
        """
        job = _live.get(job_id)
        if job is not None:
            return job
        from gpucompute.execution._job_store import jobs_dir, read_record

        record = read_record(job_id) if isinstance(job_id, str) and _is_hex(job_id) else None
        if record is None:
            raise NotFoundError(f"no job {job_id!r} in this process or in {str(jobs_dir())!r}")
        from gpucompute.execution._job_store import StoredJob

        return StoredJob(record)


def _is_hex(text: str) -> bool:
    return bool(text) and all(c in "0123456789abcdef" for c in text)


class _ProgressBar:
    """A tqdm bar for a job: ``[#####] | Steps: 3/8 | Stage: computing | Status: running``."""

    def __init__(self, job: Job) -> None:
        if in_notebook():
            from tqdm.auto import tqdm
        else:
            from tqdm import tqdm
        self.job = job
        done, total = job._steps
        stream = sys.stderr
        stream.write(f"Job ID: {job.id}\n")
        self.bar = tqdm(total=total, initial=done, file=stream, dynamic_ncols=True, ascii=" #",
                        bar_format="[{bar:20}] | Steps: {n}/{total} | Stage: {postfix[0]} | Status: {postfix[1]}",
                        postfix=[job.stage, job.status])

    def update(self) -> None:
        done, total = self.job._steps
        shown = (done, total, self.job.stage, self.job.status)
        if shown == getattr(self, "_shown", None):
            return
        self._shown = shown
        self.bar.total = total
        self.bar.n = done
        self.bar.postfix[0], self.bar.postfix[1] = self.job.stage, self.job.status
        self.bar.refresh()

    def close(self) -> None:
        self.update()
        self.bar.close()
