"""The NumPy backend: the reference every other backend is tested against."""

from __future__ import annotations

import os
from types import ModuleType
from typing import Any

import numpy as np

from ._base import Backend, DeviceInfo

__all__ = ["NumpyBackend"]


class NumpyBackend(Backend):
    """Computes on the host CPU with NumPy; nothing is compiled."""

    name = "numpy"

    @property
    def xp(self) -> ModuleType:
        return np

    def is_native(self, obj: Any) -> bool:
        return isinstance(obj, (np.ndarray, np.generic))

    def asarray(self, obj: Any, dtype: Any = None) -> np.ndarray:
        return np.asarray(obj, dtype=dtype)

    def to_numpy(self, arr: Any) -> np.ndarray:
        return np.asarray(arr)

    def device_info(self) -> DeviceInfo:
        total = free = None
        if hasattr(os, "sysconf"):
            try:
                page = os.sysconf("SC_PAGE_SIZE")
                total = page * os.sysconf("SC_PHYS_PAGES")
                free = page * os.sysconf("SC_AVPHYS_PAGES")
            except (ValueError, OSError):
                pass
        return DeviceInfo(name="cpu", kind="cpu", memory_total=total, memory_free=free)
