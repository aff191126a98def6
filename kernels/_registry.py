"""Which implementation runs a kernel on a backend: one table, loaded lazily.

Every kernel has a reference implementation written once over the backend's
array namespace ``xp``. :data:`SPECIALIZED` maps ``(kernel, backend name)`` to
the dotted path of a faster version for that backend; the module is imported
only the first time it is needed, so importing :mod:`gpucompute.kernels`
imports neither JAX nor CuPy.

All implementations of one kernel share a signature (see each kernel module),
taking ``backend`` first and device arrays after it.
"""

from __future__ import annotations

import importlib
from typing import Any, Callable

from gpucompute.errors import ConfigError

from ._common import PREFIX

__all__ = ["IMPLS", "REFERENCE", "SPECIALIZED", "resolve", "load"]

#: The values the ``impl`` argument of a public kernel accepts.
IMPLS = ("auto", "reference", "specialized")

#: kernel -> reference implementation (runs on every backend).
REFERENCE: dict[str, str] = {
    "quantiles": "gpucompute.kernels.median:quantiles_reference",
    "mosaic": "gpucompute.kernels.mosaic:mosaic_reference",
    "sortby": "gpucompute.kernels.sortby:sortby_reference",
}

#: (kernel, backend name) -> specialised implementation. On NumPy the references
#: (one vectorised ``sort``/``argmax`` and a gather) are already the fastest
#: formulation measured: the ``where`` chains that fuse so well under XLA cost
#: a temporary per image there.
SPECIALIZED: dict[tuple[str, str], str] = {
    ("quantiles", "numpy"): "gpucompute.kernels.median:quantiles_reference",
    ("quantiles", "jax"): "gpucompute.kernels._jax_median:quantiles",
    ("quantiles", "cupy"): "gpucompute.kernels._cupy_median:quantiles",
    ("mosaic", "numpy"): "gpucompute.kernels.mosaic:mosaic_reference",
    ("mosaic", "jax"): "gpucompute.kernels._jax_composite:mosaic",
    ("mosaic", "cupy"): "gpucompute.kernels._cupy_composite:mosaic",
    ("sortby", "numpy"): "gpucompute.kernels.sortby:sortby_reference",
    ("sortby", "jax"): "gpucompute.kernels._jax_composite:sortby",
    ("sortby", "cupy"): "gpucompute.kernels._cupy_composite:sortby",
}

_loaded: dict[str, Callable[..., Any]] = {}


def load(path: str) -> Callable[..., Any]:
    """Import ``"package.module:function"`` once and return the function."""
    fn = _loaded.get(path)
    if fn is None:
        module_name, _, attr = path.partition(":")
        fn = getattr(importlib.import_module(module_name), attr)
        _loaded[path] = fn
    return fn


def resolve(kernel: str, backend_name: str, impl: str, routine: str) -> Callable[..., Any]:
    """The implementation of *kernel* to run on backend *backend_name*.

    Parameters
    ----------
    kernel : str
        Key of :data:`REFERENCE`.
    backend_name : str
        ``"numpy"``, ``"jax"`` or ``"cupy"``.
    impl : {"auto", "reference", "specialized"}
        ``"auto"`` takes the specialised version where the table has one and
        the reference elsewhere; ``"specialized"`` asks for it explicitly.
    routine : str
        Public name for error messages.

    Raises
    ------
    ConfigError
        If *impl* is not one of :data:`IMPLS`, or ``"specialized"`` is asked
        for on a backend that has none.
    """
    if impl not in IMPLS:
        raise ConfigError(f"{PREFIX}{routine}: impl must be one of {', '.join(map(repr, IMPLS))}, got {impl!r}")
    if impl != "reference":
        path = SPECIALIZED.get((kernel, backend_name))
        if path is not None:
            return load(path)
        if impl == "specialized":
            raise ConfigError(
                f"{PREFIX}{routine}: there is no specialised implementation for the "
                f"{backend_name!r} backend; use impl='auto' or impl='reference'"
            )
    return load(REFERENCE[kernel])
