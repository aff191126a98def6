"""The JAX backend: XLA on CPU, GPU or TPU; the default where there is no CUDA GPU for CuPy.

JAX arrays are immutable and JAX keeps 64-bit types off unless
``jax_enable_x64`` is set, so ``float64`` requests become ``float32`` and
``int64`` becomes ``int32``. :meth:`JaxBackend.canonical_dtype` says what a
request turns into; tests compare dtypes through it.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any, Callable

import numpy as np

from gpucompute.errors import BackendUnavailableError

from ._base import Backend, DeviceInfo

try:  # The import is the availability check: the registry turns the error into advice.
    import jax
    import jax.numpy as jnp
except ImportError as exc:  # pragma: no cover - exercised by the registry tests
    raise BackendUnavailableError(
        f"the 'jax' backend needs JAX, which failed to import ({exc}); "
        "install it with: pip install 'gpucompute[jax]'"
    ) from exc

__all__ = ["JaxBackend"]


class JaxBackend(Backend):
    """Computes with ``jax.numpy``; :meth:`compile` is ``jax.jit``."""

    name = "jax"

    @property
    def xp(self) -> ModuleType:
        return jnp

    def is_native(self, obj: Any) -> bool:
        return isinstance(obj, jax.Array)

    def asarray(self, obj: Any, dtype: Any = None) -> Any:
        if dtype is not None:
            dtype = self.canonical_dtype(dtype)
        return jnp.asarray(obj, dtype=dtype)

    def to_numpy(self, arr: Any) -> np.ndarray:
        return np.asarray(jax.device_get(arr))

    def synchronize(self, *arrays: Any) -> None:
        jax.block_until_ready(arrays)

    def device_info(self) -> DeviceInfo:
        device = jax.devices()[0]
        total = free = None
        stats = None
        try:
            stats = device.memory_stats()
        except Exception:  # CPU devices raise or return None
            stats = None
        if stats:
            total = stats.get("bytes_limit")
            in_use = stats.get("bytes_in_use")
            if total is not None and in_use is not None:
                free = total - in_use
        name = getattr(device, "device_kind", None) or device.platform
        return DeviceInfo(name=str(name), kind=device.platform, memory_total=total, memory_free=free)

    def compile(self, fn: Callable, *, static_argnames: tuple[str, ...] = ()) -> Callable:
        return jax.jit(fn, static_argnames=static_argnames)

    @property
    def traces(self) -> bool:
        return True

    def is_tracer(self, obj: Any) -> bool:
        return isinstance(obj, jax.core.Tracer)

    def canonical_dtype(self, dtype: Any) -> np.dtype:
        return np.dtype(jax.dtypes.canonicalize_dtype(np.dtype(dtype)))

    def set_at(self, arr: Any, index: Any, values: Any) -> Any:
        return arr.at[index].set(values)

    def register_container(self, cls: type, flatten: Callable, unflatten: Callable) -> None:
        """Let *cls* instances pass through ``jax.jit`` and ``jax.vmap`` as pytrees."""
        try:
            jax.tree_util.register_pytree_node(cls, flatten, unflatten)
        except ValueError:  # already registered (module reloaded)
            pass
