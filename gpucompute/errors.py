"""The one exception hierarchy of gpucompute.

Every error the package raises descends from :class:`GpuComputeError` and also
from the builtin exception a caller would naturally catch (``TypeError``,
``ValueError``, ``ImportError`` ...), so ``except ValueError`` keeps working for
code written against NumPy. Messages name the routine, show the offending value
and say what to do instead.
"""

from __future__ import annotations

__all__ = [
    "GpuComputeError",
    "BackendError",
    "BackendUnavailableError",
    "BackendMismatchError",
    "DeviceMemoryError",
    "ArrayShapeError",
    "AxisError",
    "ArrayDTypeError",
    "ArrayValueError",
    "DataDependentShapeError",
    "RoutineNotSupportedError",
    "ConfigError",
    "GpuComputeWarning",
    "PrecisionWarning",
]


class GpuComputeError(Exception):
    """Root of every error raised by gpucompute."""


class BackendError(GpuComputeError, RuntimeError):
    """A compute backend failed or was used wrongly."""


class BackendUnavailableError(BackendError, ImportError):
    """The requested backend is not installed or has no usable device."""


class BackendMismatchError(BackendError, TypeError):
    """Arrays from two different backends were combined in one call."""


class DeviceMemoryError(BackendError, MemoryError):
    """The device ran out of memory."""


class ArrayShapeError(GpuComputeError, ValueError):
    """Array shapes do not fit together (broadcasting, reshape, concatenation)."""


class AxisError(GpuComputeError, ValueError, IndexError):
    """An axis argument is out of range or repeated (like ``numpy.exceptions.AxisError``)."""


class ArrayDTypeError(GpuComputeError, TypeError):
    """A routine was given a dtype it does not accept."""


class ArrayValueError(GpuComputeError, ValueError):
    """An argument's value is outside the routine's domain (a quantile above 1, a negative size ...)."""


class DataDependentShapeError(GpuComputeError, TypeError):
    """A routine whose output shape depends on the data was traced inside a jit."""


class RoutineNotSupportedError(GpuComputeError, NotImplementedError):
    """The routine or option exists in NumPy but not in gpucompute."""


class ConfigError(GpuComputeError, ValueError):
    """A configuration value is invalid."""


class GpuComputeWarning(UserWarning):
    """Root of every warning issued by gpucompute."""


class PrecisionWarning(GpuComputeWarning):
    """A result is computed at lower precision than NumPy would use."""
