"""String enumerations of the catalog (data types, band types, states ...).

Each member *is* its string value (``DataType.UINT16 == "UInt16"``), so catalog
attributes hold plain strings and the enums are a convenience for spelling them.
"""

from __future__ import annotations

from enum import Enum

__all__ = [
    "BandType",
    "DataType",
    "DocumentState",
    "ImageUploadStatus",
    "ImageUploadType",
    "OverviewResampler",
    "ResolutionUnit",
    "StorageState",
    "StorageType",
    "TaskState",
]


class _StrEnum(str, Enum):
    def __str__(self) -> str:
        return str(self.value)

    @classmethod
    def values(cls) -> tuple[str, ...]:
        """Every member's string value, in declaration order."""
        return tuple(m.value for m in cls)


class DataType(_StrEnum):
    """Pixel data types a band may declare (GDAL names)."""

    BYTE = "Byte"
    UINT16 = "UInt16"
    INT16 = "Int16"
    UINT32 = "UInt32"
    INT32 = "Int32"
    FLOAT32 = "Float32"
    FLOAT64 = "Float64"


#: NumPy dtype name of each :class:`DataType` value.
NUMPY_DTYPES = {
    "Byte": "uint8",
    "UInt16": "uint16",
    "Int16": "int16",
    "UInt32": "uint32",
    "Int32": "int32",
    "Float32": "float32",
    "Float64": "float64",
}


class BandType(_StrEnum):
    """The kind of a band; each has its own class (``SpectralBand`` ...)."""

    SPECTRAL = "spectral"
    MICROWAVE = "microwave"
    GENERIC = "generic"
    CLASS = "class"
    MASK = "mask"


class ResolutionUnit(_StrEnum):
    """Unit of a :class:`~gpucompute.catalog.Resolution`."""

    METERS = "meters"
    DEGREES = "degrees"


class StorageState(_StrEnum):
    """Whether an image's pixels are stored in the catalog or only described by it."""

    AVAILABLE = "available"
    REMOTE = "remote"


class StorageType(_StrEnum):
    """Where a blob comes from. Only ``data`` and ``dyncomp`` blobs may be written by users."""

    DATA = "data"
    DYNCOMP = "dyncomp"
    COMPUTE = "compute"
    LOGS = "logs"


#: Storage types users may create, change and delete; the rest are read only.
WRITABLE_STORAGE_TYPES = ("data", "dyncomp")


class OverviewResampler(_StrEnum):
    """Resampling used to compute overviews in ``Image.upload_ndarray``."""

    NEAREST = "nearest"
    AVERAGE = "average"
    GAUSS = "gauss"
    CUBIC = "cubic"
    CUBICSPLINE = "cubicspline"
    LANCZOS = "lanczos"
    MODE = "mode"


class ImageUploadStatus(_StrEnum):
    """State of an image upload. Local uploads finish before ``upload`` returns."""

    TRYING = "trying"
    PENDING = "pending"
    RUNNING = "running"
    SUCCESS = "success"
    FAILURE = "failure"
    CANCELED = "canceled"


class ImageUploadType(_StrEnum):
    """How an image's files were provided."""

    NDARRAY = "ndarray"
    FILE = "file"


class TaskState(_StrEnum):
    """State of a background task (deletions); local tasks finish at once."""

    NEW = "NEW"
    RUNNING = "RUNNING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"


class DocumentState(_StrEnum):
    """Whether a catalog object matches what is stored."""

    UNSAVED = "unsaved"
    SAVED = "saved"
    MODIFIED = "modified"
    DELETED = "deleted"
