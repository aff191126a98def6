"""Results and job records on disk, without pickle.

Two things live here, shared by the job store and the on-disk result cache:

* a **value codec**: :func:`save_value` writes a computed value into a folder
  as ``value.json`` (the structure: lists, tuples, dicts, result objects,
  datetimes...) plus ``arrays.npz`` (every NumPy array, masks as separate
  boolean arrays), and :func:`load_value` reads it back with
  ``allow_pickle=False``.  Values the codec does not know (arbitrary Python
  objects, object arrays) raise :class:`NotStorable`; nothing is ever pickled.
* the **job store**: one JSON record per job under ``$GPUCOMPUTE_HOME/jobs/``
  (``<id>.json``, replaced atomically on every state change) and the finished
  result next to it (``<id>.result/``).
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import shutil
import time
import uuid
from collections import OrderedDict
from pathlib import Path
from typing import Any

import numpy as np

from gpucompute.errors import JobError
from gpucompute.execution.jobs import Job

__all__ = [
    "NotStorable",
    "StoredJob",
    "job_record",
    "jobs_dir",
    "json_value",
    "load_result",
    "load_value",
    "object_document",
    "prune",
    "read_record",
    "save_result",
    "save_value",
    "write_record",
]

_VALUE_FILE = "value.json"
_ARRAYS_FILE = "arrays.npz"


class NotStorable(Exception):
    """Internal: a value the no-pickle codec cannot write (callers fall back to not storing it)."""


# ---- the codec -------------------------------------------------------------------------------------------
def _result_classes() -> dict[str, type]:
    from gpucompute.execution.results import ImageCollectionResult, ImageResult

    return {"ImageResult": ImageResult, "ImageCollectionResult": ImageCollectionResult}


def _dotdict_class() -> type | None:
    try:
        from gpucompute.dc._common import DotDict
    except ImportError:  # pragma: no cover - the dc package is part of the tree
        return None
    return DotDict


class _Encoder:
    """Turns a value into a JSON tree whose array leaves name entries of an npz archive."""

    def __init__(self) -> None:
        self.arrays: dict[str, np.ndarray] = {}

    def _array(self, arr: np.ndarray) -> str:
        if arr.dtype.hasobject:
            raise NotStorable(f"an array of dtype {arr.dtype} holds Python objects")
        name = f"a{len(self.arrays)}"
        self.arrays[name] = arr
        return name

    def encode(self, value: Any) -> Any:
        if isinstance(value, np.ma.MaskedArray):
            return {"masked": self._array(np.ma.getdata(value)), "mask": self._array(np.ma.getmaskarray(value))}
        if isinstance(value, np.ndarray):
            return {"array": self._array(value)}
        if isinstance(value, np.generic):
            return {"scalar": self._array(np.asarray(value))}
        if value is None or isinstance(value, (bool, int, float, str)):
            return value
        if isinstance(value, np.dtype):
            return {"dtype": value.str if value.names is None else value.descr}
        if isinstance(value, (bytes, bytearray)):
            return {"bytes": self._array(np.frombuffer(bytes(value), dtype=np.uint8))}
        if isinstance(value, _dt.datetime):
            return {"datetime": value.isoformat()}
        if isinstance(value, _dt.date):
            return {"date": value.isoformat()}
        if isinstance(value, _dt.timedelta):
            return {"timedelta": [value.days, value.seconds, value.microseconds]}
        if isinstance(value, slice):
            return {"slice": [self.encode(value.start), self.encode(value.stop), self.encode(value.step)]}
        if isinstance(value, (list, tuple)) and type(value) in (list, tuple):
            return {type(value).__name__: [self.encode(v) for v in value]}
        name = type(value).__name__
        if name in _result_classes() and type(value) is _result_classes()[name]:
            fields = {f: self.encode(getattr(value, f)) for f in ("ndarray", "properties", "bandinfo", "geocontext")}
            return {"result": name, "fields": fields}
        if isinstance(value, dict):
            kind = "dotdict" if type(value) is _dotdict_class() else \
                "odict" if type(value) is OrderedDict else "dict" if type(value) is dict else None
            if kind is not None:
                return {kind: [[self.encode(k), self.encode(v)] for k, v in value.items()]}
        raise NotStorable(f"a {type(value).__module__}.{type(value).__qualname__} cannot be stored without pickle")


def _decode(node: Any, arrays: Any) -> Any:
    if not isinstance(node, dict):
        return node
    tag, body = next(iter(node.items()))
    if tag == "masked":
        return np.ma.MaskedArray(arrays[body], mask=arrays[node["mask"]])
    if tag == "array":
        return arrays[body]
    if tag == "scalar":
        return arrays[body][()]
    if tag == "dtype":
        return np.dtype(body if isinstance(body, str) else [tuple(f) for f in body])
    if tag == "bytes":
        return arrays[body].tobytes()
    if tag == "datetime":
        return _dt.datetime.fromisoformat(body)
    if tag == "date":
        return _dt.date.fromisoformat(body)
    if tag == "timedelta":
        return _dt.timedelta(days=body[0], seconds=body[1], microseconds=body[2])
    if tag == "slice":
        return slice(*(_decode(v, arrays) for v in body))
    if tag in ("list", "tuple"):
        items = [_decode(v, arrays) for v in body]
        return items if tag == "list" else tuple(items)
    if tag in ("dict", "odict", "dotdict"):
        cls = {"dict": dict, "odict": OrderedDict, "dotdict": _dotdict_class()}[tag]
        return cls((_hashable(_decode(k, arrays)), _decode(v, arrays)) for k, v in body)
    if tag == "result":
        fields = {k: _decode(v, arrays) for k, v in node["fields"].items()}
        return _result_classes()[body](**fields)
    raise NotStorable(f"unknown node {tag!r} in a stored value")


def _hashable(key: Any) -> Any:
    return tuple(_hashable(k) for k in key) if isinstance(key, list) else key


def save_value(folder: str | os.PathLike, value: Any) -> int:
    """Write ``value`` into ``folder`` (created or replaced atomically); returns the bytes written.

    Raises
    ------
    NotStorable
        If ``value`` holds something the codec cannot write without pickle.
    """
    encoder = _Encoder()
    tree = encoder.encode(value)
    folder = Path(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = folder.with_name(f".{folder.name}.{uuid.uuid4().hex}.part")
    tmp.mkdir()
    try:
        (tmp / _VALUE_FILE).write_text(json.dumps(tree))
        if encoder.arrays:
            np.savez(tmp / _ARRAYS_FILE, **encoder.arrays)
        size = sum(p.stat().st_size for p in tmp.iterdir())
        if folder.exists():
            shutil.rmtree(folder, ignore_errors=True)
        os.replace(tmp, folder)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return size


def load_value(folder: str | os.PathLike) -> Any:
    """Read a value written by :func:`save_value` (arrays loaded with ``allow_pickle=False``)."""
    folder = Path(folder)
    tree = json.loads((folder / _VALUE_FILE).read_text())
    archive = folder / _ARRAYS_FILE
    if not archive.exists():
        return _decode(tree, {})
    with np.load(archive, allow_pickle=False) as npz:
        arrays = {name: npz[name] for name in npz.files}
    return _decode(tree, arrays)


# ---- the job store ---------------------------------------------------------------------------------------
def jobs_dir() -> Path:
    """``$GPUCOMPUTE_HOME/jobs`` (default ``~/.gpucompute/jobs``), read when called."""
    home = os.environ.get("GPUCOMPUTE_HOME") or Path.home() / ".gpucompute"
    return Path(home).expanduser().resolve() / "jobs"


def _record_path(job_id: str) -> Path:
    if not job_id or not all(c in "0123456789abcdef" for c in job_id):
        raise ValueError(f"job ids are hexadecimal strings, got {job_id!r}")
    return jobs_dir() / f"{job_id}.json"


def write_record(record: dict[str, Any]) -> None:
    """Replace the record of job ``record["id"]`` atomically."""
    path = _record_path(record["id"])
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.part")
    tmp.write_text(json.dumps(record, default=repr))
    os.replace(tmp, path)


def read_record(job_id: str) -> dict[str, Any] | None:
    """The stored record of ``job_id``, or None when there is none."""
    try:
        return json.loads(_record_path(job_id).read_text())
    except (FileNotFoundError, ValueError):
        return None


def prune(max_age_s: float) -> int:
    """Remove records and results of jobs that finished more than ``max_age_s`` seconds ago; returns how many."""
    folder, removed = jobs_dir(), 0
    if not folder.is_dir():
        return 0
    cutoff = time.time() - max_age_s
    for path in folder.glob("*.json"):
        try:
            record = json.loads(path.read_text())
        except (OSError, ValueError):
            continue
        if record.get("finished") and record["finished"] < cutoff:
            shutil.rmtree(folder / f"{path.stem}.result", ignore_errors=True)
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def save_result(job_id: str, value: Any) -> None:
    """Store a finished job's result next to its record (raises :class:`NotStorable`)."""
    save_value(jobs_dir() / f"{job_id}.result", value)


def load_result(job_id: str) -> Any:
    """The stored result of ``job_id`` (``FileNotFoundError`` when none was stored)."""
    return load_value(jobs_dir() / f"{job_id}.result")


# ---- job records -------------------------------------------------------------------------------------
def object_document(obj: Any) -> Any:
    """The object as ``dumps_proxy`` JSON text (a list of them for a list), or None when it cannot be saved."""
    from gpucompute.errors import GpuComputeError
    from gpucompute.execution.saved import dumps_proxy

    try:
        if isinstance(obj, (list, tuple)):
            return [dumps_proxy(item) for item in obj]
        return dumps_proxy(obj)
    except (GpuComputeError, TypeError, ValueError):
        return None


def _type_names(obj: Any) -> Any:
    from gpucompute.types.core import type_name

    if isinstance(obj, (list, tuple)):
        return [type_name(item) for item in obj]
    return type_name(obj)


def _geoctx_json(geoctx: Any) -> Any:
    from gpucompute.types.core import Proxytype

    if geoctx is None or isinstance(geoctx, Proxytype):
        return None
    if hasattr(geoctx, "to_dict"):
        return geoctx.to_dict()
    return dict(geoctx) if isinstance(geoctx, dict) else repr(geoctx)


def job_record(job: Job) -> dict[str, Any]:
    """The JSON record of a job of this process (its state now)."""
    error, file = job._error, job._file
    return {
        "id": job.id, "status": job._status, "stage": job._stage, "steps": list(job._steps),
        "created": job._created, "started": job._started, "finished": job._finished, "runtime": job.runtime,
        "pid": os.getpid(), "type": _type_names(job._object), "format": job._format,
        "file": None if file is None else str(getattr(file, "name", file)),
        "geoctx": _geoctx_json(job._geoctx),
        "arguments": {name: json_value(value) for name, value in job._arguments.items()},
        "error": None if error is None else {"type": type(error).__name__, "message": str(error)},
        "object": job._document, "result_note": job._result_note,
    }


# ---- jobs of other processes -------------------------------------------------------------------------
def json_value(value: Any) -> Any:
    """A JSON-able form of an argument value for a job record (proxies as their saved document)."""
    from gpucompute.types.core import Proxytype

    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, Proxytype):
        from gpucompute.execution.saved import dumps_proxy

        try:
            return {"proxy": json.loads(dumps_proxy(value))}
        except Exception:  # noqa: BLE001 - an unsavable proxy is recorded by its repr
            return {"repr": repr(value)}
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray) and value.size <= 4096 and not value.dtype.hasobject:
        return {"ndarray": np.asarray(value).tolist(), "dtype": value.dtype.str}
    if isinstance(value, (list, tuple)):
        return [json_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): json_value(v) for k, v in value.items()}
    return {"repr": repr(value)}


def _rebuild_error(info: dict[str, Any] | None) -> BaseException | None:
    """The stored error as an exception: its gpucompute class when it had one, else a ComputeError."""
    from gpucompute import errors

    if info is None:
        return None
    cls = getattr(errors, str(info.get("type")), None)
    if isinstance(cls, type) and issubclass(cls, errors.GpuComputeError) and cls is not errors.JobComputeError:
        try:
            return cls(info.get("message", ""))
        except TypeError:
            pass
    return errors.ComputeError(f"{info.get('type')}: {info.get('message')}")


def _pid_alive(pid: Any) -> bool:
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except (PermissionError, TypeError, ValueError, OverflowError):
        return True
    return True


class StoredJob(Job):
    """A job found in the job store: another process ran it (or runs it still).

    Its state is read from the record (``refresh`` reads it again; waiting
    polls it).  Its result is the stored one; a job whose result could not
    be stored without pickle has none here (:class:`~gpucompute.errors.JobError`).
    """

    def __init__(self, record: dict[str, Any]) -> None:
        self._init_state(record["id"], record["status"], record["stage"])
        self._apply(record)

    def _apply(self, record: dict[str, Any]) -> None:
        with self._lock:
            self._status, self._stage = record["status"], record["stage"]
            self._steps = tuple(record.get("steps") or (0, 1))
            self._created = record.get("created") or self._created
            self._started, self._finished = record.get("started"), record.get("finished")
            self._error = _rebuild_error(record.get("error"))
            self._result_note = record.get("result_note")
            self._pid = record.get("pid")
            self._format, self._file = record.get("format"), record.get("file")
            self._geoctx, self._arguments = record.get("geoctx"), dict(record.get("arguments") or {})
            self._document = record.get("object")
        if self._status not in ("succeeded", "failed", "cancelled") and not _pid_alive(self._pid):
            self._status, self._stage = "failed", "done"
            self._error = _rebuild_error({"type": "ComputeError",
                                          "message": f"the process that ran the job (pid {self._pid}) ended"})

    def refresh(self) -> None:
        record = read_record(self.id)
        if record is not None:
            self._apply(record)

    def _poll_done(self) -> bool:
        self.refresh()
        return self.done

    @property
    def object(self) -> Any:
        from gpucompute.execution.saved import loads_proxy

        doc = self._document
        if doc is None:
            return None
        if isinstance(doc, list):
            return [loads_proxy(d, source=f"job {self.id}") for d in doc]
        return loads_proxy(doc, source=f"job {self.id}")

    def cancel(self) -> None:
        if not self.done:
            raise JobError(f"job {self.id} runs in another process (pid {self._pid}); cancel it there")

    def _result_value(self) -> Any:
        try:
            return load_result(self.id)
        except (FileNotFoundError, NotStorable, ValueError, KeyError) as exc:
            why = self._result_note or f"it was not stored ({type(exc).__name__})"
            raise JobError(f"the result of job {self.id} is not available outside the process that ran "
                           f"it: {why}") from None
