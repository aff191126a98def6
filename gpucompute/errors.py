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
    "GraftError",
    "GraftSyntaxError",
    "GraftNameError",
    "GraftArgumentError",
    "ProxyTypeError",
    "ProxyUsageError",
    "ParameterError",
    "ComputeError",
    "GeoContextError",
    "CatalogError",
    "NotFoundError",
    "ConflictError",
    "PermissionDeniedError",
    "CatalogValueError",
    "CatalogAttributeError",
    "RasterError",
    "RasterReadError",
    "RasterFormatError",
    "RasterArgumentError",
    "DestinationError",
    "JobError",
    "JobComputeError",
    "JobTimeoutError",
    "JobCancelled",
    "ServerError",
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


class GraftError(GpuComputeError, ValueError):
    """A graft (the JSON form of a computation) is malformed or cannot be evaluated."""


class GraftSyntaxError(GraftError):
    """A graft breaks the format's syntax: a bad key, expression, application or function."""


class GraftNameError(GraftError, NameError):
    """A graft refers to a key, parameter or builtin that is not in scope."""


class GraftArgumentError(GraftError, TypeError):
    """A graft function or builtin was applied to missing, extra or unexpected arguments."""


class ProxyTypeError(GpuComputeError, TypeError):
    """A proxy operation was given a value of the wrong type (raised when the graph is built)."""


class ProxyUsageError(GpuComputeError, TypeError):
    """A proxy was used as if it held a value (``bool``, ``len``, iteration) before being computed."""


class ParameterError(GpuComputeError, TypeError):
    """A parameter of a computation is missing, unexpected, or of the wrong type."""


class ComputeError(GpuComputeError, RuntimeError):
    """Evaluating a computation failed; the message names the operation that failed."""


class GeoContextError(GpuComputeError, ValueError):
    """A GeoContext (area, CRS, resolution, shape) was given an invalid or inconsistent value."""


class CatalogError(GpuComputeError, RuntimeError):
    """A catalog operation failed."""


class NotFoundError(CatalogError, LookupError):
    """A catalog object (product, band, image, blob) does not exist."""


class ConflictError(CatalogError):
    """A catalog object already exists, or was changed by someone else since it was read."""


class PermissionDeniedError(CatalogError, PermissionError):
    """The current user may not read or change this catalog object."""


class CatalogValueError(CatalogError, ValueError):
    """A catalog attribute, filter or search argument has an invalid value."""


class CatalogAttributeError(CatalogValueError, AttributeError):
    """A catalog object was given an attribute it does not have."""


class RasterError(GpuComputeError, OSError):
    """Reading or writing raster data failed."""


class RasterReadError(RasterError):
    """A raster file is missing, unreadable or corrupt."""


class RasterFormatError(RasterError, ValueError):
    """A raster has no CRS, no transform, or a data type gpucompute does not support."""


class RasterArgumentError(GpuComputeError, ValueError):
    """A raster read was asked for something invalid: an unknown resampler, a band the file lacks."""


class DestinationError(GpuComputeError, OSError):
    """A result could not be written where it was asked to go (unwritable path, full disk...)."""


class JobError(GpuComputeError, RuntimeError):
    """A background job failed, timed out or was cancelled."""


class JobComputeError(JobError):
    """A job's computation raised; the underlying error is its ``__cause__`` and ``.error``."""

    def __init__(self, message: str, error: BaseException | None = None) -> None:
        super().__init__(message)
        self.error = error


class JobTimeoutError(JobError, TimeoutError):
    """A job did not finish within the time the caller allowed; the job itself keeps running."""


class JobCancelled(JobError):
    """A job was cancelled before it finished, so it has no result."""


class ServerError(GpuComputeError, RuntimeError):
    """The local tile server could not start, or a layer could not be served."""


class GpuComputeWarning(UserWarning):
    """Root of every warning issued by gpucompute."""


class PrecisionWarning(GpuComputeWarning):
    """A result is computed at lower precision than NumPy would use."""
