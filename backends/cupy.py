"""The CuPy backend: CUDA GPUs through CuPy; chosen automatically where a GPU is usable."""

from __future__ import annotations

from types import ModuleType
from typing import Any

import numpy as np

from gpucompute.errors import BackendUnavailableError

from ._base import Backend, DeviceInfo

try:
    import cupy
except ImportError as exc:  # pragma: no cover - exercised by the registry tests
    raise BackendUnavailableError(
        f"the 'cupy' backend needs CuPy, which failed to import ({exc}); "
        "install it with: pip install 'gpucompute[cupy]' (CUDA 12)"
    ) from exc

try:
    _DEVICE_COUNT = cupy.cuda.runtime.getDeviceCount()
except Exception as exc:  # CUDA driver missing or broken
    raise BackendUnavailableError(
        f"the 'cupy' backend found no usable CUDA device ({exc}); "
        "check `nvidia-smi`, or choose GPUCOMPUTE_BACKEND=jax or numpy"
    ) from exc
if _DEVICE_COUNT < 1:
    raise BackendUnavailableError(
        "the 'cupy' backend found no CUDA device; choose GPUCOMPUTE_BACKEND=jax or numpy"
    )

__all__ = ["CupyBackend"]


class CupyBackend(Backend):
    """Computes with CuPy on the current CUDA device; kernels compile themselves."""

    name = "cupy"

    @property
    def xp(self) -> ModuleType:
        return cupy

    def is_native(self, obj: Any) -> bool:
        return isinstance(obj, cupy.ndarray)

    def asarray(self, obj: Any, dtype: Any = None) -> Any:
        return cupy.asarray(obj, dtype=dtype)

    def to_numpy(self, arr: Any) -> np.ndarray:
        return cupy.asnumpy(arr)

    def synchronize(self, *arrays: Any) -> None:
        cupy.cuda.get_current_stream().synchronize()

    def device_info(self) -> DeviceInfo:
        device = cupy.cuda.Device()
        props = cupy.cuda.runtime.getDeviceProperties(device.id)
        name = props["name"]
        free, total = cupy.cuda.runtime.memGetInfo()
        return DeviceInfo(
            name=name.decode() if isinstance(name, bytes) else str(name),
            kind="gpu",
            memory_total=int(total),
            memory_free=int(free),
        )
