"""The backend protocol: the few things the array engine needs from a library.

A backend wraps one array library (NumPy, JAX, CuPy). Routines are written once
against ``backend.xp`` (the library's NumPy-compatible namespace); everything
that is not part of that namespace (moving data between host and device,
waiting for the device, compiling, device facts) goes through the methods
below. Backend modules hold only these renames and true divergences.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass
from types import ModuleType
from typing import Any, Callable

import numpy as np

__all__ = ["Backend", "DeviceInfo"]


@dataclass(frozen=True)
class DeviceInfo:
    """What a backend knows about the device it computes on.

    Attributes
    ----------
    name : str
        Human-readable device name, e.g. ``"cpu"`` or ``"NVIDIA H100 80GB HBM3"``.
    kind : str
        ``"cpu"`` or ``"gpu"`` (or ``"tpu"``).
    memory_total : int or None
        Device memory in bytes, ``None`` where the library does not say.
    memory_free : int or None
        Free device memory in bytes, ``None`` where the library does not say.
    """

    name: str
    kind: str
    memory_total: int | None = None
    memory_free: int | None = None


class Backend(abc.ABC):
    """One array library seen through the small interface the engine uses.

    Subclasses set :attr:`name` and implement the abstract methods; the
    defaults cover libraries that behave like NumPy.
    """

    #: Registry name, e.g. ``"jax"``.
    name: str = ""

    @property
    @abc.abstractmethod
    def xp(self) -> ModuleType:
        """The NumPy-compatible array namespace (``numpy``, ``jax.numpy``, ``cupy``)."""

    @abc.abstractmethod
    def is_native(self, obj: Any) -> bool:
        """Whether *obj* is an array (or tracer) of this backend."""

    @abc.abstractmethod
    def asarray(self, obj: Any, dtype: Any = None) -> Any:
        """Move host data (NumPy array, scalar, nested list) to the device."""

    @abc.abstractmethod
    def to_numpy(self, arr: Any) -> np.ndarray:
        """Copy a device array to a host ``numpy.ndarray``."""

    def synchronize(self, *arrays: Any) -> None:
        """Block until the device has finished computing *arrays* (no-op by default)."""

    @abc.abstractmethod
    def device_info(self) -> DeviceInfo:
        """Describe the device this backend computes on."""

    def compile(self, fn: Callable, *, static_argnames: tuple[str, ...] = ()) -> Callable:
        """Compile *fn* for this backend; the identity where nothing compiles.

        Parameters
        ----------
        fn : callable
            A function of arrays written with :attr:`xp`.
        static_argnames : tuple of str
            Keyword arguments that are Python values fixed at compile time.
        """
        return fn

    @property
    def traces(self) -> bool:
        """Whether compiled functions see symbolic values (so data-dependent shapes fail)."""
        return False

    def is_tracer(self, obj: Any) -> bool:
        """Whether *obj* is a symbolic value inside a compiled function."""
        return False

    def canonical_dtype(self, dtype: Any) -> np.dtype:
        """The dtype this backend actually stores for a requested *dtype*.

        JAX without 64-bit mode stores ``float64`` as ``float32``; the others
        store what was asked.
        """
        return np.dtype(dtype)

    def set_at(self, arr: Any, index: Any, values: Any) -> Any:
        """Return a copy of *arr* with ``arr[index] = values`` (functional update)."""
        out = arr.copy()
        out[index] = values
        return out

    def __repr__(self) -> str:
        return f"<gpucompute backend {self.name!r}>"
