"""Which backend computes: ``GPUCOMPUTE_BACKEND``, :func:`set_backend` and :func:`using_backend`.

Resolution order for :func:`get_backend`:

1. a :func:`using_backend` block active in this thread / task,
2. the name given to :func:`set_backend`,
3. the ``GPUCOMPUTE_BACKEND`` environment variable,
4. ``"auto"``: ``cupy`` where a CUDA device is usable, else ``jax``, else ``numpy``.

Nothing here imports JAX or CuPy until a backend is actually asked for.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
from typing import Iterator

from gpucompute import backends
from gpucompute.backends import Backend
from gpucompute.errors import BackendUnavailableError, ConfigError

__all__ = ["ENV_VAR", "AUTO_ORDER", "get_backend", "set_backend", "using_backend", "resolve_auto"]

ENV_VAR = "GPUCOMPUTE_BACKEND"
#: The order ``"auto"`` tries backends in.
AUTO_ORDER = ("cupy", "jax", "numpy")

_chosen: str | None = None
_block: contextvars.ContextVar[str | None] = contextvars.ContextVar("gpucompute_backend", default=None)
_auto: str | None = None


def _validate(name: str) -> str:
    name = name.strip().lower()
    if name != "auto" and name not in backends.NAMES:
        raise ConfigError(
            f"unknown backend {name!r}; choose 'auto' or one of {', '.join(backends.NAMES)}"
        )
    return name


def resolve_auto() -> str:
    """The backend ``"auto"`` picks on this machine (cached after the first call)."""
    global _auto
    if _auto is None:
        for name in AUTO_ORDER:
            if not backends.is_installed(name):
                continue
            try:
                backends.get(name)
            except BackendUnavailableError:
                continue
            _auto = name
            break
    return _auto or "numpy"


def _requested_name() -> str:
    name = _block.get() or _chosen
    if name is None:
        name = _validate(os.environ.get(ENV_VAR, "auto") or "auto")
    return resolve_auto() if name == "auto" else name


def get_backend(name: str | None = None) -> Backend:
    """Return the backend named *name*, or the configured one when *name* is ``None``.

    Raises
    ------
    BackendUnavailableError
        If the chosen backend is not installed; the message says what to install.
    ConfigError
        If the name (argument, :func:`set_backend` or ``GPUCOMPUTE_BACKEND``) is unknown.
    """
    if name is not None:
        name = _validate(name)
        return backends.get(resolve_auto() if name == "auto" else name)
    return backends.get(_requested_name())


def set_backend(name: str | None) -> None:
    """Make *name* the backend for the rest of the process (``None`` restores the default).

    The backend is loaded right away, so a missing library is reported here
    rather than at the first computation.
    """
    global _chosen
    if name is None:
        _chosen = None
        return
    name = _validate(name)
    get_backend(name)
    _chosen = name


@contextlib.contextmanager
def using_backend(name: str) -> Iterator[Backend]:
    """Compute with backend *name* inside a ``with`` block, then restore the previous choice.

    The choice is local to the current thread (or asyncio task).

    Examples
    --------
    >>> from gpucompute import config
    >>> with config.using_backend("numpy") as backend:
    ...     backend.name
    'numpy'
    """
    name = _validate(name)
    backend = get_backend(name)
    token = _block.set(backend.name)
    try:
        yield backend
    finally:
        _block.reset(token)
