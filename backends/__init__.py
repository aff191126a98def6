"""Registry of compute backends, by name.

Backends are imported only when first asked for, so ``import gpucompute``
never imports JAX or CuPy. :func:`backend_of` recognises an array's backend
from its type's module name without importing anything.
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import threading
from typing import Any, Callable

from gpucompute.errors import BackendUnavailableError, ConfigError

from ._base import Backend, DeviceInfo

__all__ = ["Backend", "DeviceInfo", "NAMES", "get", "is_installed", "available", "backend_of", "on_load"]

#: name -> (module, class, the package whose import decides availability)
_REGISTRY: dict[str, tuple[str, str, str]] = {
    "numpy": ("gpucompute.backends.numpy", "NumpyBackend", "numpy"),
    "jax": ("gpucompute.backends.jax", "JaxBackend", "jax"),
    "cupy": ("gpucompute.backends.cupy", "CupyBackend", "cupy"),
}
NAMES: tuple[str, ...] = tuple(_REGISTRY)

#: Type-module roots that identify an array's library.
_MODULE_ROOTS = {"numpy": "numpy", "jax": "jax", "jaxlib": "jax", "cupy": "cupy", "cupyx": "cupy"}

_instances: dict[str, Backend] = {}
_failures: dict[str, BackendUnavailableError] = {}
_load_hooks: list[Callable[[Backend], None]] = []
_lock = threading.RLock()


def on_load(hook: Callable[[Backend], None]) -> None:
    """Call *hook(backend)* for every backend loaded now or later (e.g. to register pytrees)."""
    with _lock:
        _load_hooks.append(hook)
        for backend in _instances.values():
            hook(backend)


def is_installed(name: str) -> bool:
    """Whether the library behind backend *name* is importable (imports nothing)."""
    _check_name(name)
    return importlib.util.find_spec(_REGISTRY[name][2]) is not None


def get(name: str) -> Backend:
    """Return the (shared) backend instance called *name*.

    Raises
    ------
    ConfigError
        If *name* is not a backend name.
    BackendUnavailableError
        If its library is not installed or has no usable device; the message
        says what to install.
    """
    _check_name(name)
    backend = _instances.get(name)
    if backend is not None:
        return backend
    with _lock:
        if name in _instances:
            return _instances[name]
        if name in _failures:
            raise _failures[name]
        module_name, class_name, package = _REGISTRY[name]
        try:
            module = importlib.import_module(module_name)
        except BackendUnavailableError as exc:
            _failures[name] = exc
            raise
        except ImportError as exc:
            err = BackendUnavailableError(
                f"the {name!r} backend is not available: {exc}; "
                f"install it with: pip install 'gpucompute[{name}]'"
            )
            _failures[name] = err
            raise err from exc
        backend = getattr(module, class_name)()
        _instances[name] = backend
        for hook in _load_hooks:
            hook(backend)
        return backend


def available() -> list[str]:
    """Names of the backends that load on this machine (this imports their libraries)."""
    names = []
    for name in NAMES:
        if not is_installed(name):
            continue
        try:
            get(name)
        except BackendUnavailableError:
            continue
        names.append(name)
    return names


@functools.lru_cache(maxsize=256)
def _name_for_type(cls: type) -> str | None:
    for klass in cls.__mro__:
        root = (klass.__module__ or "").split(".", 1)[0]
        if root in _MODULE_ROOTS:
            return _MODULE_ROOTS[root]
    return None


def backend_of(obj: Any) -> Backend | None:
    """The backend that owns array *obj*, or ``None`` for Python values and foreign objects.

    NumPy arrays and NumPy scalars map to the ``numpy`` backend.
    """
    name = _name_for_type(type(obj))
    if name is None:
        return None
    return get(name)


def _check_name(name: str) -> None:
    if name not in _REGISTRY:
        raise ConfigError(f"unknown backend {name!r}; choose one of {', '.join(NAMES)}")
